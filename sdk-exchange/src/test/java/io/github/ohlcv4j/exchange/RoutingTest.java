package io.github.ohlcv4j.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/** How a client picks among exchange sources registered side by side; no request is sent. */
class RoutingTest {

  @Test
  void spotAndPerpetualSourcesOfOneVenueServeTheirOwnSymbols() {
    BybitSource spot = BybitSource.builder(BybitSource.Category.SPOT).build();
    BybitSource linear = BybitSource.builder(BybitSource.Category.LINEAR).build();
    BybitSource inverse = BybitSource.builder(BybitSource.Category.INVERSE).build();
    BinanceSource binanceSpot = BinanceSource.builder(BinanceSource.Market.SPOT).build();
    BinanceSource usdm = BinanceSource.builder(BinanceSource.Market.USDM).build();
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(linear)
            .source(inverse)
            .source(spot)
            .source(usdm)
            .source(binanceSpot)
            .autoDiscover(false)
            .build()) {
      assertSame(spot, c.sourceFor(Symbol.parse("BYBIT:BTCUSDT")));
      assertSame(linear, c.sourceFor(Symbol.parse("BYBIT:BTCUSDT.P")));
      assertSame(inverse, c.sourceFor(Symbol.parse("BYBIT:BTCUSD.P")));
      assertSame(binanceSpot, c.sourceFor(Symbol.parse("BINANCE:ETHUSDT")));
      assertSame(usdm, c.sourceFor(Symbol.parse("BINANCE:ETHUSDT.P")));
    }
  }

  @Test
  void aBareCodeIsServedByWhicheverMarketWasChosen() {
    BybitSource linear = BybitSource.builder(BybitSource.Category.LINEAR).build();
    BinanceSource usdm = BinanceSource.builder(BinanceSource.Market.USDM).build();
    Symbol bare = Symbol.parse("BTCUSDT");
    assertTrue(linear.serves(bare));
    assertTrue(usdm.serves(bare));
    linear.cursor(OhlcvQuery.builder().symbol(bare).latest(10).build()).close();
    assertFalse(
        linear.serves(Symbol.parse("BYBIT:BTCUSDT")), "BYBIT:BTCUSDT is spot by convention");
    assertFalse(linear.serves(Symbol.parse("BINANCE:BTCUSDT.P")));
  }

  @Test
  void aClientOverOneVenueSourceAnswersBareCodes() {
    try (OhlcvClient c = OhlcvClient.builder().source("bybit:linear").autoDiscover(false).build()) {
      assertSame(c.sources().get(0), c.sourceFor(Symbol.parse("BTCUSDT")));
      assertSame(c.sources().get(0), c.sourceFor(Symbol.parse("BTCUSDT.P")));
      assertThrows(
          io.github.ohlcv4j.OhlcvException.class, () -> c.sourceFor(Symbol.parse("KRAKEN:XBTUSD")));
    }
  }

  @Test
  void aClientGivenItsSourcesSendsNoQueryElsewhere() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      String test = "binance:spot?baseUrl=" + server.url("/");
      try (OhlcvClient c = OhlcvClient.builder().source(test).build()) {
        // Neither the production futures host nor Bybit: refused before any I/O.
        for (String symbol : List.of("BINANCE:BTCUSDT.P", "BYBIT:BTCUSDT", "POLYGON:AAPL")) {
          InvalidQueryException e =
              assertThrows(
                  InvalidQueryException.class,
                  () -> c.query(symbol).interval(Interval.M1).latest(5).fetch(),
                  symbol);
          assertTrue(e.getMessage().contains("autoDiscover(true)"), e.getMessage());
          assertTrue(
              c.fetchAsync(OhlcvQuery.builder().symbol(symbol).latest(5).build())
                  .isCompletedExceptionally());
        }
        assertEquals(1, c.sources().size(), "no source was opened on the side");
        assertEquals("binance:spot", c.sources().get(0).name());
      }
      assertEquals(0, server.getRequestCount());
    }
  }

  @Test
  void discoveryIsForClientsWithoutSourcesOrWhenAskedFor() {
    try (OhlcvClient none = OhlcvClient.create()) {
      assertEquals("binance:usdm", none.sourceFor(Symbol.parse("BINANCE:BTCUSDT.P")).name());
    }
    try (OhlcvClient asked =
        OhlcvClient.builder().source("binance:spot").autoDiscover(true).build()) {
      assertEquals("bybit:linear", asked.sourceFor(Symbol.parse("BYBIT:BTCUSDT.P")).name());
      assertEquals(2, asked.sources().size());
    }
  }

  @Test
  void aSymbolOfAnotherVenueIsRefusedWithTheReason() {
    BybitSource linear = BybitSource.builder(BybitSource.Category.LINEAR).build();
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> linear.fetch(OhlcvQuery.builder().symbol("BINANCE:BTCUSDT.P").latest(5).build()));
    assertTrue(e.getMessage().contains("is not a BYBIT symbol"), e.getMessage());
  }
}
