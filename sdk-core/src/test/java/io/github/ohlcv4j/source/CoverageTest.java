package io.github.ohlcv4j.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.TimeRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CoverageTest {

  static Instant t(long minute) {
    return Instant.ofEpochSecond(minute * 60);
  }

  static TimeRange r(long from, long to) {
    return new TimeRange(t(from), t(to));
  }

  @Test
  void rangesAreSortedAndMergedWhenTheyOverlapOrTouch() {
    Coverage c = new Coverage(List.of(r(10, 20), r(0, 5), r(5, 7), r(15, 30)), List.of(r(16, 18)));
    assertEquals(List.of(r(0, 7), r(10, 30)), c.complete());
    assertEquals(List.of(r(16, 18)), c.empty());
    assertTrue(c.isEmptyAt(t(17)));
    assertFalse(c.isEmptyAt(t(18)));
  }

  @Test
  void anEmptyRangeOutsideTheCompleteOnesIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Coverage(List.of(r(0, 10)), List.of(r(5, 12))));
    assertTrue(e.getMessage().contains("not inside"), e.getMessage());
  }

  @Test
  void missingIsTheRangeLessTheCompleteRanges() {
    Coverage c = new Coverage(List.of(r(10, 20), r(30, 40)), List.of());
    assertEquals(List.of(r(0, 10), r(20, 30), r(40, 50)), c.missing(r(0, 50)));
    assertEquals(List.of(), c.missing(r(12, 18)));
    assertEquals(List.of(r(20, 25)), c.missing(r(15, 25)));
    assertTrue(c.isComplete(r(30, 40)));
    assertFalse(c.isComplete(r(19, 31)));
    assertEquals(List.of(r(0, 50)), Coverage.none().missing(r(0, 50)));
    assertTrue(Coverage.none().isNone());
  }

  /** Random coverages and ranges against a minute-by-minute reference. */
  @Test
  void missingAgreesWithASlotBySlotReference() {
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      boolean[] held = new boolean[200];
      List<TimeRange> complete = new ArrayList<>();
      int pieces = random.nextInt(6);
      for (int k = 0; k < pieces; k++) {
        int a = random.nextInt(199);
        int b = a + 1 + random.nextInt(Math.min(40, 200 - a - 1) + 1);
        b = Math.min(b, 200);
        complete.add(r(a, b));
        for (int m = a; m < b; m++) {
          held[m] = true;
        }
      }
      Coverage c = new Coverage(complete, List.of());
      int from = random.nextInt(199);
      int to = from + 1 + random.nextInt(200 - from - 1 + 1);
      to = Math.min(to, 200);
      List<TimeRange> expected = new ArrayList<>();
      int m = from;
      while (m < to) {
        if (held[m]) {
          m++;
          continue;
        }
        int start = m;
        while (m < to && !held[m]) {
          m++;
        }
        expected.add(r(start, m));
      }
      assertEquals(expected, c.missing(r(from, to)), complete + " " + from + ".." + to);
      assertEquals(expected.isEmpty(), c.isComplete(r(from, to)));
      for (int i = 1; i < c.complete().size(); i++) {
        assertTrue(c.complete().get(i - 1).to().isBefore(c.complete().get(i).from()));
      }
    }
  }
}
