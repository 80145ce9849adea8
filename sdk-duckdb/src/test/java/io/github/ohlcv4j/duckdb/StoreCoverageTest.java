package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.WriteResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Coverage of calendar candles, kept per zone. (What every store promises about coverage is in
 * {@link DuckDbStoreTest}, the shared contract.)
 */
class StoreCoverageTest {

  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");

  static DuckDbSource store(Instant now) {
    return DuckDbSource.builder()
        .inMemory()
        .context(SourceContext.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build())
        .build();
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
}
