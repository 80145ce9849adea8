package io.github.ohlcv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which recorded empty ranges a read-through asks the venue for again, and how often. */
class EmptyRecheckTest {

  private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

  private static TimeRange minutes(long from, long to) {
    return new TimeRange(T0.plusSeconds(60 * from), T0.plusSeconds(60 * to));
  }

  @Test
  void aGrowingEmptyTailIsAskedAgainAsItGrows() {
    EmptyRecheck.Tracker t =
        new EmptyRecheck(Duration.ofHours(1), 1, Duration.ofMinutes(1)).tracker();
    TimeRange query = minutes(0, 600);
    Coverage c1 = new Coverage(List.of(minutes(0, 12)), List.of(minutes(10, 12)));
    assertEquals(List.of(), t.due("k", c1, query, T0.plusSeconds(60 * 12)), "first seen");
    assertEquals(List.of(minutes(10, 12)), t.due("k", c1, query, T0.plusSeconds(60 * 13)));
    assertEquals(List.of(), t.due("k", c1, query, T0.plusSeconds(60 * 20)), "once only");
    Coverage c2 = new Coverage(List.of(minutes(0, 25)), List.of(minutes(10, 25)));
    assertEquals(
        List.of(minutes(10, 25)), t.due("k", c2, query, T0.plusSeconds(60 * 25)), "it grew");
    assertEquals(List.of(), t.due("k", c2, query, T0.plusSeconds(60 * 40)));
  }

  @Test
  void onlyThePartInTheQueryIsAskedAndOthersKeepTheirCount() {
    EmptyRecheck.Tracker t = new EmptyRecheck(Duration.ofHours(1), 1, Duration.ZERO).tracker();
    Coverage c = new Coverage(List.of(minutes(0, 45)), List.of(minutes(10, 20), minutes(30, 40)));
    Instant now = T0.plusSeconds(60 * 45);
    assertEquals(List.of(), t.due("k", c, minutes(0, 50), now));
    assertEquals(List.of(minutes(15, 20)), t.due("k", c, minutes(15, 25), now));
    assertEquals(List.of(minutes(30, 40)), t.due("k", c, minutes(0, 50), now));
    assertEquals(List.of(), t.due("k", c, minutes(0, 50), now));
    assertEquals(List.of(), t.due("other", c, minutes(0, 50), now), "another series: first seen");
  }

  @Test
  void neverMoreThanTimesNorWhenOldNorBeforeTheSpacing() {
    PropertyCheck.of("re-checks are bounded, spaced and recent", 200)
        .forAll(
            (random, size) -> {
              int times = random.nextInt(4);
              long recent = 1 + random.nextInt(120);
              long spacing = random.nextInt(10);
              List<TimeRange> empty = new ArrayList<>();
              long at = random.nextInt(30);
              for (int i = 0; i < 1 + random.nextInt(4); i++) {
                long from = at + 1 + random.nextInt(20);
                long to = from + 1 + random.nextInt(20);
                empty.add(minutes(from, to));
                at = to;
              }
              List<Long> queries = new ArrayList<>();
              long now = at;
              for (int i = 0; i < 5 + size % 40; i++) {
                now += random.nextInt(15);
                queries.add(now);
              }
              return new Object[] {times, recent, spacing, empty, queries};
            },
            args -> {
              int times = (Integer) args[0];
              long recent = (Long) args[1];
              long spacing = (Long) args[2];
              @SuppressWarnings("unchecked")
              List<TimeRange> empty = (List<TimeRange>) args[3];
              @SuppressWarnings("unchecked")
              List<Long> queries = (List<Long>) args[4];
              EmptyRecheck.Tracker t =
                  new EmptyRecheck(Duration.ofMinutes(recent), times, Duration.ofMinutes(spacing))
                      .tracker();
              Coverage c = new Coverage(List.of(minutes(0, 2000)), empty);
              Map<TimeRange, List<Long>> asked = new HashMap<>();
              Map<TimeRange, Long> firstSeen = new HashMap<>();
              for (long q : queries) {
                Instant now = T0.plusSeconds(60 * q);
                for (TimeRange e : empty) {
                  if (e.toMillis() > now.minus(Duration.ofMinutes(recent)).toEpochMilli()) {
                    firstSeen.putIfAbsent(e, q);
                  }
                }
                for (TimeRange r : t.due("k", c, minutes(0, 1000), now)) {
                  assertTrue(empty.contains(r), "only recorded empty ranges: " + r);
                  assertTrue(
                      r.toMillis() > now.minus(Duration.ofMinutes(recent)).toEpochMilli(),
                      "only recent ones: " + r + " at " + now);
                  asked.computeIfAbsent(r, k -> new ArrayList<>()).add(q);
                }
              }
              for (Map.Entry<TimeRange, List<Long>> e : asked.entrySet()) {
                List<Long> at = e.getValue();
                assertTrue(at.size() <= times, "at most " + times + ": " + at);
                long previous = firstSeen.get(e.getKey());
                for (int i = 0; i < at.size(); i++) {
                  assertTrue(
                      at.get(i) - previous >= spacing << i,
                      "re-check " + (i + 1) + " at " + at + ", spacing " + spacing);
                  previous = at.get(i);
                }
              }
            });
  }
}
