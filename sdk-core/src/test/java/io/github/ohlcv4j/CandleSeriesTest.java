package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.quality.QualityIssue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CandleSeriesTest {
  static final Symbol SYM = Symbol.parse("TEST:ABC");
  static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  static CandleSeries.Builder builder() {
    return CandleSeries.builder(SYM, Interval.M1);
  }

  @Test
  void sortsRowsAndCountsThoseOutOfOrder() {
    CandleSeries s =
        builder()
            .add(T0 + 2 * MIN, 3, 3, 3, 3, 1)
            .add(T0, 1, 1, 1, 1, 1)
            .add(T0 + MIN, 2, 2, 2, 2, 1)
            .build();
    assertArrayEquals(new long[] {T0, T0 + MIN, T0 + 2 * MIN}, s.openTimes());
    assertArrayEquals(new double[] {1, 2, 3}, s.closes());
    assertEquals(2, s.quality().count(QualityIssue.Kind.OUT_OF_ORDER));
  }

  @Test
  void aWhollyDescendingInputIsReversedWithoutComplaint() {
    CandleSeries.Builder b = builder();
    for (int i = 9; i >= 0; i--) {
      b.add(T0 + i * MIN, i + 1, i + 1, i + 1, i + 1, 1);
    }
    CandleSeries s = b.build();
    for (int i = 0; i < 10; i++) {
      assertEquals(T0 + i * MIN, s.openTimeMillis(i));
      assertEquals(i + 1, s.close(i));
    }
    assertTrue(s.quality().isClean(), s.quality().toString());
  }

  @Test
  void removesExactDuplicatesAndKeepsTheLastOfConflictingOnes() {
    CandleSeries s =
        builder()
            .add(T0, 1, 2, 1, 2, 10)
            .add(T0 + MIN, 2, 3, 2, 3, 10)
            .add(T0, 1, 2, 1, 2, 10) // exact duplicate
            .add(T0 + MIN, 2, 4, 2, 4, 12) // newer state of the second candle
            .build();
    assertEquals(2, s.size());
    assertEquals(4, s.close(1));
    assertEquals(12, s.volume(1));
    assertEquals(2, s.quality().count(QualityIssue.Kind.DUPLICATE));
  }

  @Test
  void rejectsBadRowsByDefaultNamingTheRow() {
    CandleSeries.Builder b = builder().add(T0, 1, 1, 1, 1, 1);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> b.add(T0 + MIN, 1, 0.5, 1, 1, 1));
    assertTrue(e.getMessage().contains("input row 1"), e.getMessage());
    assertTrue(e.getMessage().contains("high 0.5 is below low 1.0"), e.getMessage());
    assertTrue(e.getMessage().contains(Instant.ofEpochMilli(T0 + MIN).toString()), e.getMessage());
    assertThrows(DataFormatException.class, () -> builder().add(T0, Double.NaN, 1, 1, 1, 1));
    assertThrows(
        DataFormatException.class, () -> builder().add(T0, 1, Double.POSITIVE_INFINITY, 1, 1, 1));
    DataFormatException v =
        assertThrows(DataFormatException.class, () -> builder().add(T0, 1, 1, 1, 1, -5));
    assertTrue(v.getMessage().contains("volume -5.0 is negative"), v.getMessage());
  }

  @Test
  void dropPolicyLeavesBadRowsOutAndReportsThem() {
    CandleSeries s =
        builder()
            .badRows(BadRowPolicy.DROP)
            .add(T0, 1, 1, 1, 1, 1)
            .add(T0 + MIN, 1, 0, 1, 1, 1)
            .extra(ExtraColumn.QUOTE_VOLUME, 99) // applies to the dropped row: ignored
            .add(T0 + 2 * MIN, 1, 1, 1, 1, -1)
            .add(T0 + 3 * MIN, 2, 2, 2, 2, 1)
            .extra(ExtraColumn.QUOTE_VOLUME, 7)
            .build();
    assertEquals(2, s.size());
    assertEquals(7, s.extra(ExtraColumn.QUOTE_VOLUME, 1));
    assertTrue(Double.isNaN(s.extra(ExtraColumn.QUOTE_VOLUME, 0)));
    QualityIssue dropped = s.quality().issue(QualityIssue.Kind.DROPPED_ROW).orElseThrow();
    assertEquals(2, dropped.count());
    assertEquals(
        List.of(Instant.ofEpochMilli(T0 + MIN), Instant.ofEpochMilli(T0 + 2 * MIN)),
        dropped.times());
  }

  @Test
  void flagPolicyKeepsBadRowsMarkedSuspect() {
    CandleSeries s =
        builder()
            .badRows(BadRowPolicy.FLAG)
            .add(T0, 1, 1, 1, 1, 1)
            .add(T0 + MIN, 1, 0, 1, 1, 1)
            .build();
    assertEquals(2, s.size());
    assertFalse(s.isSuspect(0));
    assertTrue(s.isSuspect(1));
    assertEquals(1, s.quality().count(QualityIssue.Kind.OHLC_INVARIANT));
  }

  @Test
  void manyRowsInRandomOrderComeOutSortedAndComplete() {
    int n = 200_000;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(1));
    CandleSeries.Builder b = builder();
    for (int i : order) {
      b.add(T0 + i * MIN, i, i + 1, i, i, i % 7).extra(ExtraColumn.TRADE_COUNT, i * 2);
    }
    CandleSeries s = b.build();
    assertEquals(n, s.size());
    for (int i = 0; i < n; i++) {
      assertEquals(T0 + i * MIN, s.openTimeMillis(i));
      assertEquals(i, s.open(i));
      assertEquals(i * 2, s.extra(ExtraColumn.TRADE_COUNT, i));
    }
  }

  @Test
  void ascendingRowsAcrossManyChunksKeepTheirExtrasAndFlags() {
    CandleSeries.Builder b = builder();
    for (int i = 0; i < 100_000; i++) {
      b.add(T0 + i * MIN, 1, 2, 0.5, 1.5, i);
      if (i % 1000 == 0) {
        b.extra(ExtraColumn.VWAP, i);
      }
      if (i == 99_999) {
        b.flag(CandleSeries.IN_PROGRESS);
      }
    }
    CandleSeries s = b.build();
    assertEquals(100_000, s.size());
    assertEquals(5000, s.extra(ExtraColumn.VWAP, 5000));
    assertTrue(Double.isNaN(s.extra(ExtraColumn.VWAP, 5001)));
    assertTrue(s.isInProgress(99_999));
    assertFalse(s.isInProgress(99_998));
    assertEquals(99_999, s.volume(99_999));
  }

  @Test
  void expectedSizeGivesTheSameSeries() {
    CandleSeries.Builder a = builder().expectedSize(1000);
    CandleSeries.Builder b = builder();
    for (int i = 0; i < 1000; i++) {
      a.add(T0 + i * MIN, i, i, i, i, i);
      b.add(T0 + i * MIN, i, i, i, i, i);
    }
    assertEquals(b.build(), a.build());
  }

  @Test
  void slicesAndTimeRanges() {
    CandleSeries.Builder b = builder();
    for (int i = 0; i < 10; i++) {
      b.add(T0 + i * MIN, i, i, i, i, i);
    }
    CandleSeries s = b.build();
    assertEquals(3, s.slice(2, 5).size());
    assertEquals(2, s.slice(2, 5).open(0));
    CandleSeries mid =
        s.between(Instant.ofEpochMilli(T0 + 3 * MIN), Instant.ofEpochMilli(T0 + 6 * MIN));
    assertArrayEquals(new double[] {3, 4, 5}, mid.opens());
    assertEquals(
        0,
        s.between(Instant.ofEpochMilli(T0 + 30 * MIN), Instant.ofEpochMilli(T0 + 40 * MIN)).size());
    assertArrayEquals(new double[] {0, 1}, s.head(2).opens());
    assertArrayEquals(new double[] {8, 9}, s.tail(2).opens());
    assertEquals(10, s.tail(50).size());
    assertEquals(3, s.indexOf(T0 + 3 * MIN));
    assertTrue(s.indexOf(T0 + 3 * MIN + 1) < 0);
    assertThrows(IndexOutOfBoundsException.class, () -> s.slice(5, 11));
    assertThrows(IndexOutOfBoundsException.class, () -> s.open(10));
  }

  @Test
  void rowsAsCandlesAndStreams() {
    CandleSeries s = builder().add(T0, 1, 2, 0.5, 1.5, 10).add(T0 + MIN, 1.5, 3, 1, 2, 20).build();
    assertEquals(new Candle(Instant.ofEpochMilli(T0), 1, 2, 0.5, 1.5, 10), s.get(0));
    assertEquals(s.toList(), s.stream().toList());
    assertEquals(30, s.stream().mapToDouble(Candle::volume).sum());
    int n = 0;
    for (Candle c : s) {
      assertEquals(s.get(n++), c);
    }
    assertEquals(Instant.ofEpochMilli(T0 + 2 * MIN), s.end().orElseThrow());
    assertTrue(CandleSeries.empty(SYM, Interval.M1).first().isEmpty());
  }

  @Test
  void inProgressCandlesAreFlaggedByTheClockAndDropped() {
    CandleSeries s = builder().add(T0, 1, 1, 1, 1, 1).add(T0 + MIN, 1, 1, 1, 1, 1).build();
    CandleSeries marked = s.markInProgress(Instant.ofEpochMilli(T0 + MIN + 30_000));
    assertFalse(marked.isInProgress(0));
    assertTrue(marked.isInProgress(1));
    assertEquals(1, marked.completeOnly().size());
    // At exactly the end of the last candle it is complete.
    assertFalse(s.markInProgress(Instant.ofEpochMilli(T0 + 2 * MIN)).hasFlags());
  }

  @Test
  void concatJoinsPagesAndTheLaterPageWinsAtTheSeam() {
    CandleSeries a = builder().add(T0, 1, 1, 1, 1, 1).add(T0 + MIN, 2, 2, 2, 2, 1).build();
    CandleSeries b =
        builder().add(T0 + MIN, 2, 3, 2, 3, 5).add(T0 + 2 * MIN, 3, 3, 3, 3, 1).build();
    CandleSeries c = CandleSeries.concat(List.of(a, b));
    assertEquals(3, c.size());
    assertEquals(3, c.close(1));
    assertEquals(5, c.volume(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> CandleSeries.concat(List.of(a, CandleSeries.empty(SYM, Interval.M5))));
  }

  @Test
  void equalityComparesRows() {
    CandleSeries a = builder().add(T0, 1, 1, 1, 1, 1).build();
    CandleSeries b = builder().add(T0, 1, 1, 1, 1, 1).build();
    CandleSeries c = builder().add(T0, 1, 1, 1, 1, 2).build();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
    assertNotEquals(a, a.markInProgress(Instant.ofEpochMilli(T0)));
  }

  @Test
  void csvHasAHeaderPlainNumbersAndUtcTimes() {
    CandleSeries s =
        builder()
            .add(T0, 20000, 20006.3, 19991.7, 19996.5, 448.885)
            .extra(ExtraColumn.TRADE_COUNT, 4971)
            .add(T0 + MIN, 0.00002829, 0.0000283, 0.00002828, 0.0000283, 1e7)
            .build();
    String csv = s.toCsv();
    String[] lines = csv.split("\n");
    assertEquals("open_time,open,high,low,close,volume,trade_count", lines[0]);
    assertEquals("2024-01-01T00:00:00Z,20000,20006.3,19991.7,19996.5,448.885,4971", lines[1]);
    assertEquals(
        "2024-01-01T00:01:00Z,0.00002829,0.0000283,0.00002828,0.0000283,10000000,NaN", lines[2]);
    assertEquals(3, lines.length);
  }

  @Test
  void toStringIsAShortTableThatSaysWhenDataAreSynthetic() {
    CandleSeries.Builder b = builder().source("sample").synthetic(true);
    for (int i = 0; i < 100; i++) {
      b.add(T0 + i * MIN, 100 + i, 101 + i, 99 + i, 100.5 + i, 1.25);
    }
    String text = b.build().toString();
    String[] lines = text.split("\n");
    assertTrue(
        lines[0].startsWith("TEST:ABC 1m · 100 candles · 2024-01-01 00:00 → 2024-01-01 01:39 UTC"),
        lines[0]);
    assertTrue(lines[0].contains("SYNTHETIC"), lines[0]);
    assertEquals(1 + 1 + 5 + 1 + 5, lines.length, text);
    assertTrue(text.contains("… 90 more"), text);
    assertTrue(lines[2].startsWith("2024-01-01 00:00"), lines[2]);
    assertTrue(lines[lines.length - 1].startsWith("2024-01-01 01:39"), lines[lines.length - 1]);
    assertFalse(builder().add(T0, 1, 1, 1, 1, 1).build().toString().contains("SYNTHETIC"));
  }

  @Test
  void slicesOfOneSeriesJoinedBackCountItsDuplicatesOnce() {
    CandleSeries.Builder b = builder();
    for (int i = 0; i < 100; i++) {
      b.add(T0 + i * MIN, 1, 1, 1, 1, 1);
      if (i % 10 == 0) {
        b.add(T0 + i * MIN, 1, 1, 1, 1, 1);
      }
    }
    CandleSeries s = b.build();
    assertEquals(10, s.quality().count(QualityIssue.Kind.DUPLICATE));
    CandleSeries rejoined = CandleSeries.concat(List.of(s.slice(0, 40), s.slice(40, 100)));
    assertEquals(s, rejoined);
    assertEquals(10, rejoined.quality().count(QualityIssue.Kind.DUPLICATE));
  }

  @Test
  void anExtraValueForADroppedFirstRowIsIgnoredLikeAnyOther() {
    // A parser adds a row and then its extra columns; a bad first row must not make that throw.
    CandleSeries.Builder b = builder().badRows(BadRowPolicy.DROP);
    b.add(T0, 1, 0.5, 1, 1, 1); // high below low: dropped
    b.extra(ExtraColumn.QUOTE_VOLUME, 99).flag(CandleSeries.PARTIAL); // for the dropped row
    CandleSeries s = b.add(T0 + MIN, 1, 1, 1, 1, 1).extra(ExtraColumn.QUOTE_VOLUME, 7).build();
    assertEquals(1, s.size());
    assertEquals(7, s.extra(ExtraColumn.QUOTE_VOLUME, 0));
    assertFalse(s.hasFlags());
    assertThrows(IllegalStateException.class, () -> builder().extra(ExtraColumn.VWAP, 1));
    assertThrows(IllegalStateException.class, () -> builder().flag(CandleSeries.PARTIAL));
  }
}
