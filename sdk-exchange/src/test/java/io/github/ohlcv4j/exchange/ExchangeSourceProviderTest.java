package io.github.ohlcv4j.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import io.github.ohlcv4j.exchange.internal.ExchangeSourceProvider;
import io.github.ohlcv4j.exchange.polygon.PolygonSource;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SourceContext;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExchangeSourceProviderTest {

  @ParameterizedTest
  @CsvSource({
    "bybit:spot, bybit:spot",
    "bybit:linear, bybit:linear",
    "BYBIT:inverse, bybit:inverse",
    "binance:spot, binance:spot",
    "binance:usdm, binance:usdm",
    "polygon:, polygon"
  })
  void urisOpenTheirSources(String uri, String name) {
    CandleSource s = CandleSources.open(uri);
    assertEquals(name, s.name());
  }

  @Test
  void instrumentsTtlIsSecondsOrAnIsoDuration() {
    BybitSource bybit =
        assertInstanceOf(BybitSource.class, CandleSources.open("bybit:spot?instrumentsTtl=PT30M"));
    assertEquals(java.time.Duration.ofMinutes(30), bybit.instrumentsTtl());
    BinanceSource binance =
        assertInstanceOf(BinanceSource.class, CandleSources.open("binance:spot?instrumentsTtl=0"));
    assertEquals(java.time.Duration.ZERO, binance.instrumentsTtl());
    assertEquals(
        java.time.Duration.ofHours(1),
        assertInstanceOf(PolygonSource.class, CandleSources.open("polygon:?apiKey=k"))
            .instrumentsTtl(),
        "an hour unless told otherwise");
    for (String bad : new String[] {"-PT1M", "soon", "1h"}) {
      Exception e =
          assertThrows(
              RuntimeException.class,
              () -> CandleSources.open("bybit:spot?instrumentsTtl=" + bad),
              bad);
      assertTrue(e.getMessage().contains("instrumentsTtl"), e.getMessage());
    }
  }

  @Test
  void parametersConfigureTheSource() {
    BybitSource bybit =
        assertInstanceOf(
            BybitSource.class,
            CandleSources.open("bybit:linear?baseUrl=https://api-testnet.bybit.com&pageSize=200"));
    assertEquals(BybitSource.Category.LINEAR, bybit.category());
    assertEquals("https://api-testnet.bybit.com/", bybit.baseUrl());
    assertEquals(200, bybit.pageSize());
    BinanceSource binance =
        assertInstanceOf(
            BinanceSource.class, CandleSources.open("binance:usdm?pageSize=1500&weightLimit=1200"));
    assertEquals(1500, binance.pageSize());
    assertEquals(1200, binance.weightLimit());
    assertEquals("https://fapi.binance.com/", binance.baseUrl());
    PolygonSource polygon =
        assertInstanceOf(
            PolygonSource.class,
            CandleSources.open(
                "polygon:?apiKey=abc123&adjusted=false&pageSize=10000&requestsPerMinute=5"));
    assertTrue(polygon.hasApiKey());
    assertEquals(5, polygon.requestsPerMinute());
    assertEquals(1200, binance.capabilities().rateLimit().orElseThrow().permits());
    assertFalse(polygon.adjusted());
    assertEquals(10_000, polygon.pageSize());
  }

  @Test
  void polygonTakesItsKeyFromTheContext() {
    SourceContext ctx =
        SourceContext.builder().environment(Map.of("POLYGON_API_KEY", "from-env")::get).build();
    PolygonSource p = (PolygonSource) CandleSources.open("polygon:", ctx);
    assertTrue(p.hasApiKey());
    SourceContext none = SourceContext.builder().environment(n -> null).build();
    assertFalse(((PolygonSource) CandleSources.open("polygon:", none)).hasApiKey());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bybit:futures",
        "bybit:",
        "binance:coinm",
        "polygon:stocks",
        "bybit:linear?colour=blue",
        "binance:spot?pageSize=lots",
        "binance:spot?pageSize=1001",
        "bybit:spot?pageSize=0",
        "polygon:?adjusted=maybe",
        "bybit://api.bybit.com/linear"
      })
  void malformedUrisSayWhatIsExpected(String uri) {
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> CandleSources.open(uri));
    assertFalse(e.getMessage().isBlank());
  }

  @Test
  void anApiKeyInAUriNeverShowsInErrors() {
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> CandleSources.open("polygon:?apiKey=s3cr3t-key-value&pageSize=x"));
    assertFalse(e.getMessage().contains("s3cr3t-key-value"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "BYBIT:BTCUSDT, bybit:spot",
    "BYBIT:BTCUSDT.P, bybit:linear",
    "BYBIT:BTCUSDC.P, bybit:linear",
    "BYBIT:BTCUSD.P, bybit:inverse",
    "BINANCE:BTCUSDT, binance:spot",
    "BINANCE:BTCUSDT.P, binance:usdm",
    "POLYGON:AAPL, polygon:?",
    "POLYGON:X:BTCUSD, polygon:?",
    "POLYGON:C:EURUSD, polygon:?"
  })
  void symbolsFindTheirSource(String symbol, String uri) {
    assertEquals(Optional.of(URI.create(uri)), CandleSources.uriFor(Symbol.parse(symbol)));
    CandleSource s = CandleSources.open(uri);
    assertTrue(s.capabilities().venues().contains(Symbol.parse(symbol).venue().orElseThrow()));
  }

  @Test
  void otherVenuesAreNotServed() {
    ExchangeSourceProvider p = new ExchangeSourceProvider();
    assertEquals(Optional.empty(), p.uriFor(Symbol.parse("KRAKEN:XBTUSD")));
    assertEquals(Optional.empty(), p.uriFor(Symbol.parse("BTCUSDT")));
    assertEquals(Optional.empty(), p.uriFor(Symbol.parse("POLYGON:X:BTCUSD.P")));
  }
}
