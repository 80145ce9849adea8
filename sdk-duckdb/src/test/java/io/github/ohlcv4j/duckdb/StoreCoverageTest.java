package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.WriteResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the store says it holds: complete ranges, and the ranges the venue had no candles for. */
class StoreCoverageTest {

  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");
  static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

  static Instant m(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  static TimeRange r(long from, long to) {
    return new TimeRange(m(from), m(to));
  }

  /** One-minute candles at the given minutes after {@link #T0}. */
  static CandleSeries candles(long... minutes) {
    CandleSeries.Builder b = CandleSeries.builder(BTC, Interval.M1);
    for (long k : minutes) {
      b.add(m(k), 100 + k, 101 + k, 99 + k, 100.5 + k, 1 + k);
    }
    return b.build();
  }

  static DuckDbSource store(Instant now) {
    return DuckDbSource.builder()
        .inMemory()
        .context(SourceContext.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build())
        .build();
  }

  @Test
  void holesInACoveredRangeAreRecordedAsEmptyApartFromTheCandles() {
    try (DuckDbSource s = store(m(10_000))) {
      // Candles at 0..9 and 15..19 of [0, 25): the venue had none at 10..14 and 20..24.
      long[] minutes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 19};
      WriteResult w = s.write(candles(minutes), r(0, 25));
      assertEquals(15, w.written());
      assertEquals(r(0, 25), w.covered().orElseThrow());
      Coverage c = s.coverage(BTC, Interval.M1);
      assertEquals(List.of(r(0, 25)), c.complete());
      assertEquals(List.of(r(10, 15), r(20, 25)), c.empty());
      assertEquals(List.of(r(-5, 0), r(25, 30)), c.missing(r(-5, 30)));
      assertTrue(c.isEmptyAt(m(12)));
      // Nothing for another interval or symbol.
      assertTrue(s.coverage(BTC, Interval.M5).isNone());
      assertTrue(s.coverage(Symbol.parse("BINANCE:ETHUSDT"), Interval.M1).isNone());
    }
  }

  @Test
  void aRangeIsAlignedToTheGridAndCutBeforeCandlesThatHaveNotClosed() {
    Instant now = m(30).plusSeconds(25);
    try (DuckDbSource s = store(now)) {
      CandleSeries some = candles(0, 1, 2, 3);
      WriteResult w = s.write(some, new TimeRange(m(0).minusSeconds(30), m(3).plusSeconds(1)));
      // [-0:30, 3:01) holds the open times 0..3: aligned, it is [0, 4).
      assertEquals(r(0, 4), w.covered().orElseThrow());
      // A range into the future is cut at the start of the minute containing "now".
      WriteResult late = s.write(candles(4, 5), r(4, 60));
      assertEquals(r(4, 30), late.covered().orElseThrow());
      assertEquals(List.of(r(0, 30)), s.coverage(BTC, Interval.M1).complete());
      assertEquals(List.of(r(6, 30)), s.coverage(BTC, Interval.M1).empty());
      // A candle flagged in progress cuts the range before it.
      CandleSeries flagged =
          CandleSeries.builder(BTC, Interval.M1).add(m(40), 1, 2, 0.5, 1, 1).build();
      try (DuckDbSource later = store(m(100))) {
        later.write(candles(38, 39));
        CandleSeries withOpen =
            CandleSeries.concat(
                List.of(candles(38, 39), flagged.markInProgress(m(40).plusSeconds(5))));
        WriteResult cut = later.write(withOpen, r(38, 50));
        assertEquals(1, cut.skippedInProgress());
        assertEquals(r(38, 40), cut.covered().orElseThrow());
      }
    }
  }

  @Test
  void aRangeTheVenueHadNothingForIsEmptyAsAWhole() {
    try (DuckDbSource s = store(m(10_000))) {
      WriteResult w = s.write(CandleSeries.empty(BTC, Interval.M1), r(100, 200));
      assertEquals(0, w.written());
      Coverage c = s.coverage(BTC, Interval.M1);
      assertEquals(List.of(r(100, 200)), c.complete());
      assertEquals(List.of(r(100, 200)), c.empty());
      assertTrue(c.missing(r(100, 200)).isEmpty());
      // The venue revised: candles turn up in part of it.
      s.write(candles(150, 151), r(140, 160));
      c = s.coverage(BTC, Interval.M1);
      assertEquals(List.of(r(100, 200)), c.complete());
      assertEquals(List.of(r(100, 150), r(152, 200)), c.empty());
    }
  }

  @Test
  void calendarCoverageFollowsLocalMidnights() {
    ZoneId ny = ZoneId.of("America/New_York");
    Instant from = Instant.parse("2024-03-08T05:00:00Z"); // midnight in New York
    try (DuckDbSource s = store(Instant.parse("2024-04-01T00:00:00Z"))) {
      CandleSeries minutes =
          Market.sample(BTC, Interval.M1, from, Instant.parse("2024-03-14T04:00:00Z"));
      CandleSeries days = minutes.resample(Interval.D1, ny);
      WriteResult w =
          s.write(days, new TimeRange(from.plusSeconds(60), Instant.parse("2024-03-14T04:00:00Z")));
      // Aligned to New York midnights: from 03-09 (05:00Z) to 03-14 (04:00Z, after DST).
      assertEquals(
          new TimeRange(
              Instant.parse("2024-03-09T05:00:00Z"), Instant.parse("2024-03-14T04:00:00Z")),
          w.covered().orElseThrow());
      assertEquals(List.of(w.covered().orElseThrow()), s.coverage(BTC, Interval.D1, ny).complete());
      assertTrue(s.coverage(BTC, Interval.D1).isNone(), "UTC days are other candles");
      assertTrue(s.coverage(BTC, Interval.D1, ny).empty().isEmpty());
    }
  }

  /**
   * Random writes of random candles over random ranges, against a minute-by-minute model: complete
   * = every minute some write covered; empty = complete minutes without a stored candle.
   */
  @Test
  void randomWritesAgreeWithAMinuteByMinuteModel() {
    Random random = new Random(11);
    int slots = 600;
    for (int round = 0; round < 3; round++) {
      boolean[] covered = new boolean[slots];
      boolean[] stored = new boolean[slots];
      try (DuckDbSource s = store(m(1_000_000))) {
        for (int w = 0; w < 30; w++) {
          int a = random.nextInt(slots - 1);
          int b = Math.min(slots, a + 1 + random.nextInt(120));
          List<Long> present = new ArrayList<>();
          double density = random.nextDouble();
          for (int k = Math.max(0, a - 3); k < Math.min(slots, b + 3); k++) {
            if (random.nextDouble() < density) {
              present.add((long) k);
              stored[k] = true;
            }
          }
          boolean withRange = random.nextInt(5) > 0;
          CandleSeries c = candles(present.stream().mapToLong(Long::longValue).toArray());
          if (withRange) {
            s.write(c, r(a, b));
            for (int k = a; k < b; k++) {
              covered[k] = true;
            }
          } else {
            s.write(c);
          }
          Coverage got = s.coverage(BTC, Interval.M1);
          assertEquals(runs(covered, null), got.complete(), "round " + round + " write " + w);
          assertEquals(runs(covered, stored), got.empty(), "round " + round + " write " + w);
        }
        // And the candles are all there, once.
        int n = 0;
        for (boolean x : stored) {
          n += x ? 1 : 0;
        }
        CandleSeries all =
            s.fetch(OhlcvQuery.builder().symbol(BTC).between(m(-10), m(slots + 10)).build());
        assertEquals(n, all.size());
      }
    }
  }

  /** Runs of minutes where {@code on} holds (and, if given, {@code off} does not). */
  private static List<TimeRange> runs(boolean[] on, boolean[] off) {
    List<TimeRange> out = new ArrayList<>();
    int k = 0;
    while (k < on.length) {
      if (!on[k] || (off != null && off[k])) {
        k++;
        continue;
      }
      int start = k;
      while (k < on.length && on[k] && (off == null || !off[k])) {
        k++;
      }
      out.add(r(start, k));
    }
    return out;
  }
}
