package io.github.ohlcv4j.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SourceContext;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Calls the real venues; off unless run with {@code -Dohlcv4j.live=true} (needs internet; Polygon
 * also needs {@code POLYGON_API_KEY}).
 */
@Tag("live")
@EnabledIfSystemProperty(named = "ohlcv4j.live", matches = "true")
class LiveVenuesTest {

  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2024-01-02T00:00:00Z");

  @ParameterizedTest
  @CsvSource({
    "bybit:spot, BYBIT:BTCUSDT",
    "bybit:linear, BYBIT:BTCUSDT.P",
    "bybit:inverse, BYBIT:BTCUSD.P",
    "binance:spot, BINANCE:BTCUSDT",
    "binance:usdm, BINANCE:BTCUSDT.P"
  })
  void aDayOfMinutes(String uri, String symbol) {
    CandleSource s = CandleSources.open(uri);
    CandleSeries c =
        s.fetch(
            OhlcvQuery.builder().symbol(symbol).interval(Interval.M1).between(FROM, TO).build());
    assertEquals(1440, c.size(), c.toString());
    assertEquals(FROM.toEpochMilli(), c.openTimeMillis(0));
    assertTrue(c.quality().isClean() || c.quality().score() > 0.9, c.quality().toString());
    assertTrue(s.health().isUp());
  }

  @Test
  void theClientRoutesByVenue() {
    try (OhlcvClient client = OhlcvClient.builder().autoDiscover(true).build()) {
      CandleSeries c =
          client.fetch(
              OhlcvQuery.builder()
                  .symbol("BYBIT:ETHUSDT.P")
                  .interval(Interval.M1)
                  .latest(10)
                  .completeOnly()
                  .build());
      assertEquals(10, c.size());
      assertFalse(c.hasFlags());
    }
  }

  @Test
  void polygonDayBars() {
    assumeTrue(SourceContext.ofDefaults().env("POLYGON_API_KEY").isPresent(), "POLYGON_API_KEY");
    CandleSource s = CandleSources.open("polygon:");
    CandleSeries c =
        s.fetch(
            OhlcvQuery.builder()
                .symbol("POLYGON:AAPL")
                .interval(Interval.D1)
                .between(
                    Instant.parse("2023-01-01T00:00:00Z"), Instant.parse("2023-02-01T00:00:00Z"))
                .build());
    assertEquals(20, c.size(), c.toString()); // trading days in January 2023
  }
}
