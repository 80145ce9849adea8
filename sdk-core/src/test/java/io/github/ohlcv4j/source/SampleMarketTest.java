package io.github.ohlcv4j.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sample market agrees with itself: a candle of any interval aggregates its minutes. */
class SampleMarketTest {
  static final Instant NOW = Instant.parse("2031-01-01T00:00:00Z");
  static final SampleSource SAMPLE =
      SampleSource.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).pageSize(2000).build();

  /** Minutes one property case may read at most, so that each stays quick. */
  static final long MINUTE_BUDGET = 30_000;

  static CandleSeries fetch(String symbol, Interval interval, long from, long to, ZoneId zone) {
    return SAMPLE.fetch(
        OhlcvQuery.builder()
            .symbol(symbol)
            .interval(interval)
            .between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to))
            .zone(zone)
            .build());
  }

  static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "AAPL", "BTCUSDT.P");

  /** Zones whose midnights fall on whole hours, where hourly candles can make days. */
  static final List<ZoneId> WHOLE_HOUR_ZONES =
      List.of(
          ZoneOffset.UTC,
          ZoneId.of("America/New_York"),
          ZoneId.of("Europe/London"),
          ZoneId.of("Asia/Tokyo"));

  /** Those and two whose midnights fall between hours. */
  static final List<ZoneId> ZONES =
      List.of(
          ZoneOffset.UTC,
          ZoneId.of("America/New_York"),
          ZoneId.of("Europe/London"),
          ZoneId.of("Asia/Tokyo"),
          ZoneId.of("Asia/Kathmandu"),
          ZoneOffset.ofHoursMinutes(-3, -30));

  static final List<Interval> INTERVALS =
      List.of(
              "3m", "5m", "15m", "45m", "1h", "2h", "4h", "6h", "12h", "1440m", "1d", "3d", "1w",
              "2w", "1M", "3M")
          .stream()
          .map(Interval::parse)
          .toList();

  static <T> T any(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** An instant between 2015 and 2030. */
  static long anyTime(Random r) {
    return 1_420_070_400_000L + (long) (r.nextDouble() * (1_900_000_000_000L - 1_420_070_400_000L));
  }

  record Case(String symbol, Interval interval, ZoneId zone, long at, int buckets) {}

  @Test
  void everyIntervalIsTheAggregationOfTheMinutesItCovers() {
    PropertyCheck.of("every interval aggregates its minutes", 50)
        .forAll(
            (r, size) ->
                new Case(
                    any(r, SYMBOLS),
                    any(r, INTERVALS),
                    any(r, ZONES),
                    anyTime(r),
                    1 + r.nextInt(Math.max(1, size * 30 / 100))),
            c -> {
              Interval interval = c.interval();
              ZoneId zone = c.zone();
              long most = Math.max(1, MINUTE_BUDGET * 60_000 / interval.nominalMillis());
              long from = interval.bucketStart(c.at(), zone);
              long to = interval.plus(from, Math.min(c.buckets(), most), zone);
              CandleSeries direct = fetch(c.symbol(), interval, from, to, zone);
              CandleSeries minutes = fetch(c.symbol(), Interval.M1, from, to, zone);
              assertEquals(minutes.resample(interval, zone), direct);
              assertEquals(Math.min(c.buckets(), most), direct.size());
              assertFalse(direct.hasFlags());
            });
  }

  @Test
  void hoursResampledToDaysAreTheDaysVolumesIncluded() {
    PropertyCheck.of("1m -> 1h -> 1d equals 1m -> 1d", 30)
        .forAll(
            (r, size) ->
                new Case(
                    any(r, SYMBOLS),
                    Interval.D1,
                    any(r, WHOLE_HOUR_ZONES),
                    anyTime(r),
                    1 + r.nextInt(Math.max(1, size * 20 / 100))),
            c -> {
              // Exact volumes make the grouping irrelevant: 1m -> 1h -> 1d equals 1m -> 1d.
              ZoneId zone = c.zone();
              long from = Interval.D1.bucketStart(c.at(), zone);
              long to = Interval.D1.plus(from, c.buckets(), zone);
              CandleSeries daily = fetch(c.symbol(), Interval.D1, from, to, zone);
              assertEquals(
                  fetch(c.symbol(), Interval.H1, from, to, zone).resample(Interval.D1, zone),
                  daily);
              assertEquals(
                  fetch(c.symbol(), Interval.M15, from, to, zone)
                      .resample(Interval.H4, zone, Alignment.ZONE_MIDNIGHT)
                      .resample(Interval.D1, zone),
                  daily);
            });
  }

  @Test
  void secondCandlesAggregateOneSecondCandles() {
    PropertyCheck.of("second candles aggregate one-second candles", 30)
        .forAll(
            (r, size) ->
                new Case(
                    any(r, SYMBOLS),
                    Interval.of(2 + r.nextInt(29), Interval.Unit.SECOND),
                    ZoneOffset.UTC,
                    anyTime(r),
                    1 + r.nextInt(Math.max(1, size / 2))),
            c -> {
              Interval interval = c.interval();
              long from = interval.bucketStart(c.at(), ZoneOffset.UTC);
              long to = from + c.buckets() * interval.fixedMillis();
              Interval second = Interval.of(1, Interval.Unit.SECOND);
              assertEquals(
                  fetch(c.symbol(), second, from, to, ZoneOffset.UTC).resample(interval),
                  fetch(c.symbol(), interval, from, to, ZoneOffset.UTC));
            });
  }

  @Test
  void theCandleInProgressAggregatesTheMinutesUpToNow() {
    Instant now = Instant.parse("2024-06-01T12:34:56Z");
    SampleSource sample = SampleSource.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    OhlcvQuery hours =
        OhlcvQuery.builder().symbol("BTCUSDT").interval(Interval.H1).latest(3).build();
    CandleSeries h = sample.fetch(hours);
    CandleSeries m =
        sample
            .fetch(
                hours
                    .newBuilder()
                    .interval(Interval.M1)
                    .between(h.openTime(0), h.end().orElseThrow())
                    .build())
            .resample(Interval.H1);
    assertArrayEquals(m.openTimes(), h.openTimes());
    assertArrayEquals(m.opens(), h.opens());
    assertArrayEquals(m.highs(), h.highs());
    assertArrayEquals(m.lows(), h.lows());
    assertArrayEquals(m.closes(), h.closes());
    assertArrayEquals(m.volumes(), h.volumes());
    assertTrue(h.isInProgress(2) && m.isInProgress(2));
    assertTrue(m.isPartial(2), "35 of 60 minutes so far");
    assertFalse(h.isPartial(2), "the source's own hour is simply in progress");
  }

  @Test
  void theQuickstartsAndTheChartsFirstHourAgree() {
    // The quickstart resamples 1m candles to 1h, the chart example 5m candles; both show 00:00.
    long from = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("2024-01-02T00:00:00Z").toEpochMilli();
    CandleSeries fromMinutes =
        fetch("BTCUSDT", Interval.M1, from, to, ZoneOffset.UTC).resample(Interval.H1);
    CandleSeries fromFives =
        fetch("BTCUSDT", Interval.M5, from, to, ZoneOffset.UTC).resample(Interval.H1);
    assertEquals(fromMinutes, fromFives);
    assertEquals(fromMinutes, fetch("BTCUSDT", Interval.H1, from, to, ZoneOffset.UTC));
    double volume = fromMinutes.volume(0);
    assertEquals(volume, Math.rint(volume * 16) / 16, 0.0, "BTC volumes are sixteenths");
  }
}
