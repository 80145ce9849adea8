package io.github.ohlcv4j.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ohlcv4j.exchange.binance.BinanceLive;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.exchange.bybit.BybitLive;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import io.github.ohlcv4j.exchange.polygon.PolygonSource;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Every venue publishes its defaults in one shape ({@code DEFAULT_BASE_URL}/{@code DEFAULT_WS_URL}
 * on the source, {@code defaultBaseUrl()}/{@code defaultWsUrl()}/{@code rateLimitGroup()} on the
 * market enum), and a source built without settings uses exactly what its market says.
 */
class VenueDefaultsTest {

  @Test
  void aBinanceSourceUsesItsMarketsDefaults() {
    for (BinanceSource.Market m : BinanceSource.Market.values()) {
      try (BinanceSource s = BinanceSource.builder(m).build()) {
        assertEquals(m.defaultBaseUrl(), s.defaultBaseUrl(), m.name());
        assertEquals(m.defaultBaseUrl() + "/", s.baseUrl(), m.name());
        assertEquals(m.rateLimitGroup(), s.capabilities().rateLimitGroup(), m.name());
        BinanceLive live = (BinanceLive) s.live().orElseThrow();
        assertEquals(m.defaultWsUrl(), live.wsUrl(), m.name());
      }
    }
    assertEquals("wss://stream.binance.com:9443", BinanceSource.Market.SPOT.defaultWsUrl());
    assertEquals("wss://fstream.binance.com", BinanceSource.Market.USDM.defaultWsUrl());
  }

  @Test
  void aBybitSourceUsesItsCategorysDefaults() {
    for (BybitSource.Category c : BybitSource.Category.values()) {
      assertEquals(BybitSource.DEFAULT_BASE_URL, c.defaultBaseUrl(), c.name());
      assertEquals(BybitSource.DEFAULT_WS_URL, c.defaultWsUrl(), c.name());
      try (BybitSource s = BybitSource.builder(c).build()) {
        assertEquals(c.defaultBaseUrl(), s.defaultBaseUrl(), c.name());
        assertEquals(c.rateLimitGroup(), s.capabilities().rateLimitGroup(), c.name());
        BybitLive live = (BybitLive) s.live().orElseThrow();
        URI feed = URI.create(live.url()); // the feed's URL in OkHttp's https form
        assertEquals(URI.create(c.defaultWsUrl()).getHost(), feed.getHost(), c.name());
        assertEquals("/v5/public/" + c.id(), feed.getPath(), c.name());
      }
    }
  }

  @Test
  void aPolygonSourceUsesItsDefaultBaseUrl() {
    try (PolygonSource s = PolygonSource.builder().apiKey("k").build()) {
      assertEquals(PolygonSource.DEFAULT_BASE_URL, s.defaultBaseUrl());
      assertEquals(PolygonSource.RATE_LIMIT_GROUP, s.capabilities().rateLimitGroup());
    }
  }
}
