package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DuckDB's resampling equals {@link CandleSeries#resample(Interval, ZoneId)} candle for candle —
 * times, prices and volumes to the last bit, flags, and extra columns (to within 1e-12: DuckDB sums
 * them in its own order) — for fixed and calendar targets in zones with and without DST (a
 * 30-minute DST in Lord Howe, a half-hour offset), over data with holes, bad rows kept as suspect
 * and the venue's extra columns.
 */
class ResamplingTest {

  static final Symbol RICH = Symbol.parse("BINANCE:BTCUSDT"); // holes, extras, suspect rows
  static final Symbol PLAIN = Symbol.parse("BYBIT:ETHUSDT.P");
  static final Symbol FINE = Symbol.parse("AAPL"); // 1m candles across the March DST changes
  static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant END = Instant.parse("2024-12-01T00:00:00Z");
  static final Instant FINE_START = Instant.parse("2024-03-08T00:00:00Z");
  static final Instant FINE_END = Instant.parse("2024-04-02T00:00:00Z");
  static final Interval M5 = Interval.of(5, Interval.Unit.MINUTE);
  static final Interval BASE = Interval.M15;

  static final List<ZoneId> ZONES =
      List.of(
          ZoneOffset.UTC,
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("America/New_York"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneOffset.ofHoursMinutes(5, 30));

  static DuckDbSource store;
  static CandleSeries rich;
  static CandleSeries plain;
  static CandleSeries fine;

  @BeforeAll
  static void seed() {
    store = DuckDbSource.builder().inMemory().pageSize(20_000).build();
    rich = Market.shape(Market.sample(RICH, BASE, START, END), 89, 1000, true, 233, 7);
    plain = Market.sample(PLAIN, BASE, START, END);
    fine =
        Market.shape(Market.sample(FINE, Interval.M1, FINE_START, FINE_END), 997, 500, true, 0, 8);
    store.write(rich);
    store.write(plain);
    store.write(fine);
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static void check(CandleSeries written, Interval target, ZoneId zone, BadRowPolicy policy) {
    Instant from = Instant.ofEpochMilli(target.bucketStart(written.openTimeMillis(0), zone));
    Instant to = written.end().orElseThrow();
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol(written.symbol())
            .interval(written.interval())
            .between(from, to)
            .resample(target)
            .zone(zone)
            .badRows(policy)
            .build();
    String what = written.symbol() + " " + written.interval() + " → " + target + " in " + zone;
    if (zone.equals(ZoneOffset.UTC) || target.isCalendar()) {
      try (PageCursor c = store.cursor(q)) {
        Page first = c.next().join();
        assertEquals(target, first.candles().interval(), what + ": resampled by DuckDB");
      }
    }
    CandleSeries input = written;
    if (policy == BadRowPolicy.DROP) {
      CandleSeries.Builder b =
          CandleSeries.builder(written.symbol(), written.interval()).zone(written.zone());
      b.badRows(BadRowPolicy.DROP);
      for (int i = 0; i < written.size(); i++) {
        b.add(
            written.openTimeMillis(i),
            written.open(i),
            written.high(i),
            written.low(i),
            written.close(i),
            written.volume(i));
        for (io.github.ohlcv4j.ExtraColumn x : written.extraColumns()) {
          b.extra(x, written.extra(x, i));
        }
      }
      input = b.build();
    }
    long t0 = System.nanoTime();
    CandleSeries expected = input.resample(target, zone);
    long t1 = System.nanoTime();
    CandleSeries actual = store.fetch(q);
    System.err.println(
        "TIMING "
            + what
            + " jvm "
            + (t1 - t0) / 1000000
            + " store "
            + (System.nanoTime() - t1) / 1000000);
    Candles.assertSame(expected, actual, what, true);
  }

  @Test
  void everyTargetInEveryZoneEqualsTheJvm() {
    List<Interval> targets =
        List.of(
            Interval.M30,
            Interval.of(45, Interval.Unit.MINUTE),
            Interval.H1,
            Interval.H4,
            Interval.of(5, Interval.Unit.HOUR),
            Interval.D1,
            Interval.of(3, Interval.Unit.DAY),
            Interval.W1,
            Interval.of(2, Interval.Unit.WEEK),
            Interval.MN1,
            Interval.of(3, Interval.Unit.MONTH));
    int checked = 0;
    for (ZoneId zone : ZONES) {
      for (Interval target : targets) {
        if (target.isFixed() && !zone.equals(ZoneOffset.UTC)) {
          continue; // fixed buckets ignore the zone
        }
        check(rich, target, zone, BadRowPolicy.FLAG);
        check(plain, target, zone, BadRowPolicy.REJECT);
        checked += 2;
      }
    }
    assertEquals(2 * (5 + 6 * ZONES.size()), checked);
  }

  @Test
  void minutesAcrossTheDstChanges() {
    for (Interval target :
        List.of(M5, Interval.of(7, Interval.Unit.MINUTE), Interval.H1, Interval.D1, Interval.W1)) {
      for (ZoneId zone : ZONES) {
        check(fine, target, zone, BadRowPolicy.REJECT);
      }
    }
  }

  @Test
  void droppingBadRowsDropsThemBeforeResampling() {
    for (Interval target : List.of(Interval.H1, Interval.D1, Interval.MN1)) {
      check(rich, target, ZoneId.of("America/New_York"), BadRowPolicy.DROP);
    }
  }

  @Test
  void anUnalignedStartIsResampledInTheJvmWithTheSameAnswer() {
    Instant from = START.plus(Duration.ofMinutes(95));
    Instant to = START.plus(Duration.ofDays(40)).plusSeconds(1234);
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol(RICH)
            .interval(BASE)
            .between(from, to)
            .resample(Interval.H4)
            .badRows(BadRowPolicy.FLAG)
            .build();
    try (PageCursor c = store.cursor(q)) {
      assertEquals(BASE, c.next().join().candles().interval());
    }
    CandleSeries expected = rich.between(from, to).resample(Interval.H4);
    assertTrue(expected.isPartial(0));
    Candles.assertSame(expected, store.fetch(q), "unaligned 4h", true);
  }
}
