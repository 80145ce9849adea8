package io.github.ohlcv4j.duckdb;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * Test candles: the sample market's, optionally with holes, venue extra columns (quote volume,
 * trade count, taker volumes, VWAP, close time) and bad rows kept as suspect (NaN prices).
 */
final class Market {
  private Market() {}

  static final SampleSource SAMPLE =
      SampleSource.builder()
          .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
          .pageSize(1_000_000)
          .build();

  /** The sample market's candles of {@code symbol} in {@code [from, to)}. */
  static CandleSeries sample(Symbol symbol, Interval interval, Instant from, Instant to) {
    return SAMPLE.fetch(
        OhlcvQuery.builder().symbol(symbol).interval(interval).between(from, to).build());
  }

  /**
   * {@code s} with every {@code holeEvery}-th candle and a block of {@code block} candles in the
   * middle left out (0: none), the venue's extra columns when {@code extras}, and every {@code
   * suspectEvery}-th remaining candle (0: none) replaced by a bad one kept as suspect (NaN prices,
   * a finite volume).
   */
  static CandleSeries shape(
      CandleSeries s, int holeEvery, int block, boolean extras, int suspectEvery, long seed) {
    Random random = new Random(seed);
    CandleSeries.Builder b =
        CandleSeries.builder(s.symbol(), s.interval())
            .zone(s.zone())
            .badRows(BadRowPolicy.FLAG)
            .expectedSize(s.size());
    int mid = s.size() / 2;
    int kept = 0;
    for (int i = 0; i < s.size(); i++) {
      if ((holeEvery > 0 && i % holeEvery == 0) || (i >= mid && i < mid + block)) {
        continue;
      }
      kept++;
      long t = s.openTimeMillis(i);
      if (suspectEvery > 0 && kept % suspectEvery == 0) {
        b.add(t, Double.NaN, Double.NaN, Double.NaN, Double.NaN, random.nextDouble() * 3);
      } else {
        b.add(t, s.open(i), s.high(i), s.low(i), s.close(i), s.volume(i));
      }
      if (extras) {
        double v = s.volume(i);
        double vwap = (s.high(i) + s.low(i) + s.close(i)) / 3;
        b.extra(ExtraColumn.QUOTE_VOLUME, v * vwap * (1 + random.nextDouble() * 1e-3));
        b.extra(ExtraColumn.TRADE_COUNT, random.nextInt(5000));
        b.extra(ExtraColumn.TAKER_BUY_VOLUME, random.nextInt(7) == 0 ? Double.NaN : v * 0.4);
        b.extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, v * vwap * 0.4);
        b.extra(ExtraColumn.VWAP, random.nextInt(11) == 0 ? Double.NaN : vwap);
        b.extra(ExtraColumn.CLOSE_TIME, s.endTimeMillis(i) - 1);
      }
    }
    return b.build();
  }
}
