package io.github.ohlcv4j.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

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

  @Provide
  Arbitrary<String> symbols() {
    return Arbitraries.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "AAPL", "BTCUSDT.P");
  }

  /** Zones whose midnights fall on whole hours, where hourly candles can make days. */
  @Provide
  Arbitrary<ZoneId> wholeHourZones() {
    return Arbitraries.of(
        ZoneOffset.UTC,
        ZoneId.of("America/New_York"),
        ZoneId.of("Europe/London"),
        ZoneId.of("Asia/Tokyo"));
  }

  /** Those and two whose midnights fall between hours. */
  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.oneOf(
        wholeHourZones(),
        Arbitraries.of(ZoneId.of("Asia/Kathmandu"), ZoneOffset.ofHoursMinutes(-3, -30)));
  }

  @Provide
  Arbitrary<Interval> intervals() {
    return Arbitraries.of(
            "3m", "5m", "15m", "45m", "1h", "2h", "4h", "6h", "12h", "1440m", "1d", "3d", "1w",
            "2w", "1M", "3M")
        .map(Interval::parse);
  }

  @Property(tries = 50)
  void everyIntervalIsTheAggregationOfTheMinutesItCovers(
      @ForAll("symbols") String symbol,
      @ForAll("intervals") Interval interval,
      @ForAll("zones") ZoneId zone,
      @ForAll @LongRange(min = 1_420_070_400_000L, max = 1_900_000_000_000L) long at,
      @ForAll @IntRange(min = 1, max = 30) int buckets) {
    long most = Math.max(1, MINUTE_BUDGET * 60_000 / interval.nominalMillis());
    long from = interval.bucketStart(at, zone);
    long to = interval.plus(from, Math.min(buckets, most), zone);
    CandleSeries direct = fetch(symbol, interval, from, to, zone);
    CandleSeries minutes = fetch(symbol, Interval.M1, from, to, zone);
    assertEquals(minutes.resample(interval, zone), direct);
    assertEquals(Math.min(buckets, most), direct.size());
    assertFalse(direct.hasFlags());
  }

  @Property(tries = 30)
  void hoursResampledToDaysAreTheDaysVolumesIncluded(
      @ForAll("symbols") String symbol,
      @ForAll("wholeHourZones") ZoneId zone,
      @ForAll @LongRange(min = 1_420_070_400_000L, max = 1_900_000_000_000L) long at,
      @ForAll @IntRange(min = 1, max = 20) int days) {
    // Exact volumes make the grouping irrelevant: 1m → 1h → 1d equals 1m → 1d.
    long from = Interval.D1.bucketStart(at, zone);
    long to = Interval.D1.plus(from, days, zone);
    CandleSeries daily = fetch(symbol, Interval.D1, from, to, zone);
    assertEquals(fetch(symbol, Interval.H1, from, to, zone).resample(Interval.D1, zone), daily);
    assertEquals(
        fetch(symbol, Interval.M15, from, to, zone)
            .resample(Interval.H4, zone, Alignment.ZONE_MIDNIGHT)
            .resample(Interval.D1, zone),
        daily);
  }

  @Property(tries = 30)
  void secondCandlesAggregateOneSecondCandles(
      @ForAll("symbols") String symbol,
      @ForAll @LongRange(min = 1_420_070_400_000L, max = 1_900_000_000_000L) long at,
      @ForAll @IntRange(min = 2, max = 30) int seconds,
      @ForAll @IntRange(min = 1, max = 50) int buckets) {
    Interval interval = Interval.of(seconds, Interval.Unit.SECOND);
    long from = interval.bucketStart(at, ZoneOffset.UTC);
    long to = from + buckets * interval.fixedMillis();
    Interval second = Interval.of(1, Interval.Unit.SECOND);
    assertEquals(
        fetch(symbol, second, from, to, ZoneOffset.UTC).resample(interval),
        fetch(symbol, interval, from, to, ZoneOffset.UTC));
  }

  @Example
  void theCandleInProgressAggregatesTheMinutesUpToNow() {
    Instant now = Instant.parse("2024-06-01T12:34:56Z");
    SampleSource sample = SampleSource.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    OhlcvQuery hours =
        OhlcvQuery.builder().symbol("BTCUSDT").interval(Interval.H1).latest(3).build();
    CandleSeries h = sample.fetch(hours);
    CandleSeries m =
        sample
            .fetch(
                hours.toBuilder()
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

  @Example
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
