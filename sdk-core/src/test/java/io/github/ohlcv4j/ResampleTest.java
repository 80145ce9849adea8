package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ResampleTest {
  static final Symbol SYM = Symbol.parse("TEST:ABC");
  static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  @Test
  void combinesOpenFirstHighMaxLowMinCloseLastVolumeSum() {
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M1)
            .add(T0, 10, 12, 9, 11, 1)
            .add(T0 + MIN, 11, 15, 10, 14, 2)
            .add(T0 + 2 * MIN, 14, 14, 8, 9, 3)
            .add(T0 + 3 * MIN, 9, 10, 9, 10, 4)
            .add(T0 + 4 * MIN, 10, 11, 10, 10.5, 5)
            .build();
    CandleSeries r = s.resample(Interval.M5);
    assertEquals(1, r.size());
    assertEquals(new Candle(Instant.ofEpochMilli(T0), 10, 15, 8, 10.5, 15), r.get(0));
    assertEquals(Interval.M5, r.interval());
    assertFalse(r.isPartial(0));
  }

  @Test
  void bucketsFollowTheClockNotTheFirstCandle() {
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M1)
            .add(T0 + 3 * MIN, 1, 1, 1, 1, 1)
            .add(T0 + 4 * MIN, 2, 2, 2, 2, 1)
            .add(T0 + 5 * MIN, 3, 3, 3, 3, 1)
            .build();
    CandleSeries r = s.resample(Interval.M5);
    assertEquals(2, r.size());
    assertEquals(T0, r.openTimeMillis(0));
    assertEquals(T0 + 5 * MIN, r.openTimeMillis(1));
    assertTrue(r.isPartial(0), "2 of 5 minutes");
    assertTrue(r.isPartial(1), "1 of 5 minutes");
  }

  @Test
  void noBucketIsInventedForAGap() {
    // ta4j's gap case: minutes 0, 1 and 59; 2m and 4m targets give two bars each, none across the
    // gap.
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M1)
            .add(T0, 1, 1, 1, 2, 1)
            .add(T0 + MIN, 1, 1, 1, 3, 1)
            .add(T0 + 59 * MIN, 1, 1, 1, 1, 1)
            .build();
    for (Interval target : List.of(Interval.parse("2m"), Interval.parse("4m"))) {
      CandleSeries r = s.resample(target);
      assertEquals(2, r.size(), target.toString());
      assertEquals(3, r.close(0));
      assertEquals(2, r.volume(0));
      assertEquals(1, r.close(1));
      assertEquals(1, r.volume(1));
    }
  }

  @Test
  void inProgressInputsMakeTheirBucketInProgress() {
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M1)
            .add(T0, 1, 1, 1, 1, 1)
            .add(T0 + MIN, 1, 1, 1, 1, 1)
            .build()
            .markInProgress(Instant.ofEpochMilli(T0 + MIN + 1));
    CandleSeries r = s.resample(Interval.M5);
    assertTrue(r.isInProgress(0));
    assertTrue(r.isPartial(0));
    assertEquals(0, r.completeOnly().size());
  }

  @Test
  void daysFollowTheZoneIncludingDaylightSavingChanges() {
    ZoneId ny = ZoneId.of("America/New_York");
    long start = Instant.parse("2024-03-09T05:00:00Z").toEpochMilli(); // midnight in New York
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.H1);
    for (int h = 0; h < 48; h++) {
      b.add(start + h * 3_600_000L, h, h + 1, h, h + 0.5, 1);
    }
    CandleSeries r = b.build().resample(Interval.D1, ny);
    // March 9 has 24 hours, March 10 (spring forward) 23: the 48 hours are 24 + 23 + 1.
    assertEquals(3, r.size());
    assertEquals(24, r.volume(0));
    assertEquals(23, r.volume(1));
    assertEquals(1, r.volume(2));
    assertFalse(r.isPartial(0));
    assertFalse(r.isPartial(1), "a 23-hour day with 23 hourly candles is complete");
    assertTrue(r.isPartial(2));
    assertEquals(ny, r.zone());
    assertEquals(Instant.parse("2024-03-10T05:00:00Z").toEpochMilli(), r.openTimeMillis(1));
    assertEquals(Instant.parse("2024-03-11T04:00:00Z").toEpochMilli(), r.openTimeMillis(2));
  }

  @Test
  void weeksStartMondayAndMonthsAreCalendarMonths() {
    long jan1 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(); // a Monday
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.D1);
    for (int d = 0; d < 60; d++) {
      b.add(jan1 + d * 86_400_000L, 1, 1, 1, 1, 1);
    }
    CandleSeries days = b.build();
    CandleSeries weeks = days.resample(Interval.W1);
    assertEquals(jan1, weeks.openTimeMillis(0));
    assertEquals(7, weeks.volume(0));
    CandleSeries months = days.resample(Interval.MN1);
    assertEquals(2, months.size());
    assertEquals(31, months.volume(0));
    assertFalse(months.isPartial(0));
    assertEquals(29, months.volume(1), "February 2024 has 29 days");
    assertFalse(months.isPartial(1));
  }

  @Test
  void rejectsTargetsThatDoNotDivide() {
    CandleSeries s = CandleSeries.builder(SYM, Interval.M3).add(T0, 1, 1, 1, 1, 1).build();
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> s.resample(Interval.M5));
    // what was given, what works from here, and how to get the target
    assertTrue(e.getMessage().startsWith("Cannot resample 3m candles to 5m: "), e.getMessage());
    assertTrue(e.getMessage().contains("3m candles resample to 15m, 30m, 1h"), e.getMessage());
    assertTrue(
        e.getMessage().contains("fetch 1m candles and resample them, or fetch 5m directly"),
        e.getMessage());
    InvalidQueryException weeks =
        assertThrows(
            InvalidQueryException.class,
            () -> CandleSeries.builder(SYM, Interval.W1).build().resample(Interval.MN1));
    assertTrue(
        weeks.getMessage().contains("For 1M candles, fetch 12h or 1d candles"), weeks.getMessage());
    InvalidQueryException finer =
        assertThrows(InvalidQueryException.class, () -> s.resample(Interval.M1));
    assertTrue(finer.getMessage().contains("1m is finer than 3m"), finer.getMessage());
  }

  @Test
  void extraColumnsAreSummedOrWeighted() {
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M1)
            .add(T0, 10, 10, 10, 10, 1)
            .extra(ExtraColumn.QUOTE_VOLUME, 10)
            .extra(ExtraColumn.VWAP, 10)
            .extra(ExtraColumn.TRADE_COUNT, 3)
            .add(T0 + MIN, 20, 20, 20, 20, 3)
            .extra(ExtraColumn.QUOTE_VOLUME, 60)
            .extra(ExtraColumn.VWAP, 20)
            .extra(ExtraColumn.TRADE_COUNT, 4)
            .build();
    CandleSeries r = s.resample(Interval.M5);
    assertEquals(70, r.extra(ExtraColumn.QUOTE_VOLUME, 0));
    assertEquals(7, r.extra(ExtraColumn.TRADE_COUNT, 0));
    assertEquals((10 * 1 + 20 * 3) / 4.0, r.extra(ExtraColumn.VWAP, 0));
  }

  @Test
  void nanRowsFromAFillDoNotCountAsInputs() {
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M1)
            .add(T0, 1, 2, 1, 2, 1)
            .add(T0 + 3 * MIN, 2, 5, 0.5, 3, 1)
            .build()
            .fill(GapFill.NAN);
    assertEquals(4, s.size());
    CandleSeries r = s.resample(Interval.M5);
    assertEquals(
        new Candle(Instant.ofEpochMilli(T0), 1, 5, 0.5, 3, 2, CandleSeries.PARTIAL), r.get(0));
    assertTrue(r.isPartial(0));
  }

  @Test
  void theBenchmarkShapeHasAPartialLastBucket() {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1);
    for (int i = 0; i < 1000; i++) {
      b.add(T0 + i * MIN, 1, 1, 1, 1, 1);
    }
    CandleSeries r = b.build().resample(Interval.H1);
    assertEquals(17, r.size());
    assertEquals(40, r.volume(16));
    assertTrue(r.isPartial(16));
    for (int i = 0; i < 16; i++) {
      assertFalse(r.isPartial(i));
    }
  }

  /** Compares the resampler with a naive implementation on random series, gaps, flags and zones. */
  @Test
  void agreesWithANaiveImplementationOnRandomData() {
    Random rnd = new Random(7);
    List<Interval[]> pairs =
        List.of(
            new Interval[] {Interval.M1, Interval.M5},
            new Interval[] {Interval.M1, Interval.H1},
            new Interval[] {Interval.M5, Interval.M15},
            new Interval[] {Interval.H1, Interval.H4},
            new Interval[] {Interval.H1, Interval.D1},
            new Interval[] {Interval.D1, Interval.W1},
            new Interval[] {Interval.D1, Interval.MN1});
    List<ZoneId> zones =
        List.of(ZoneOffset.UTC, ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo"));
    for (int round = 0; round < 60; round++) {
      Interval[] p = pairs.get(round % pairs.size());
      ZoneId zone = p[1].isCalendar() ? zones.get(round % zones.size()) : ZoneOffset.UTC;
      CandleSeries s = randomSeries(rnd, p[0], zone, 300 + rnd.nextInt(500), round % 3 == 0);
      CandleSeries actual = s.resample(p[1], zone);
      CandleSeries expected = naive(s, p[1], zone);
      assertEquals(expected, actual, "round " + round + " " + p[0] + "→" + p[1] + " in " + zone);
    }
  }

  static CandleSeries randomSeries(
      Random rnd, Interval base, ZoneId zone, int n, boolean withFlags) {
    CandleSeries.Builder b = CandleSeries.builder(SYM, base).zone(zone);
    long t = base.bucketStart(T0 + rnd.nextInt(1_000_000) * 1000L, zone);
    double price = 100;
    for (int i = 0; i < n; i++) {
      double o = price;
      double c = Math.max(1, o + rnd.nextGaussian());
      double h = Math.max(o, c) + rnd.nextDouble();
      double l = Math.min(o, c) - rnd.nextDouble();
      b.add(t, o, h, l, c, rnd.nextInt(100));
      if (withFlags && rnd.nextInt(50) == 0) {
        b.flag(CandleSeries.IN_PROGRESS);
      }
      price = c;
      int step = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(20) : 1; // gaps now and then
      t = base.plus(t, step, zone);
    }
    return b.build();
  }

  /** Groups rows by bucket start in a map: slow and obviously right. */
  static CandleSeries naive(CandleSeries s, Interval target, ZoneId zone) {
    Map<Long, List<Integer>> groups = new TreeMap<>();
    for (int i = 0; i < s.size(); i++) {
      groups
          .computeIfAbsent(target.bucketStart(s.openTimeMillis(i), zone), k -> new ArrayList<>())
          .add(i);
    }
    CandleSeries.Builder b = CandleSeries.builder(s.symbol(), target).zone(zone);
    for (Map.Entry<Long, List<Integer>> g : groups.entrySet()) {
      List<Integer> rows = g.getValue();
      double h = Double.NEGATIVE_INFINITY;
      double l = Double.POSITIVE_INFINITY;
      double v = 0;
      int flags = 0;
      for (int i : rows) {
        h = Math.max(h, s.high(i));
        l = Math.min(l, s.low(i));
        v += s.volume(i);
        flags |= s.flags(i) & CandleSeries.IN_PROGRESS;
      }
      long start = g.getKey();
      long end = target.bucketEnd(start, zone);
      long expected = 0;
      for (long t = s.interval().bucketStart(start, zone);
          t < end;
          t = s.interval().bucketEnd(t, zone)) {
        expected += t >= start ? 1 : 0;
      }
      if (rows.size() < expected) {
        flags |= CandleSeries.PARTIAL;
      }
      b.add(start, s.open(rows.get(0)), h, l, s.close(rows.get(rows.size() - 1)), v).flag(flags);
    }
    return b.build();
  }
}
