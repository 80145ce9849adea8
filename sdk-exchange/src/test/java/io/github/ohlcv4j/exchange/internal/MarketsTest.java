package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Symbol;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MarketsTest {

  @ParameterizedTest
  @CsvSource({
    "BYBIT:BTCUSDT, spot",
    "BYBIT:BTCUSDT.P, linear",
    "BYBIT:BTCPERP.P, linear",
    "BYBIT:ETHUSDC.P, linear",
    "BYBIT:BTCUSD.P, inverse",
    "BYBIT:BTCUSDT-27DEC24, linear",
    "BYBIT:BTC-27DEC24, linear",
    "BYBIT:BTCUSDH25, inverse",
    "BYBIT:ETHBTC, spot",
    "BYBIT:BTCUSD, spot"
  })
  void bybitCategories(String symbol, String category) {
    assertEquals(category, Markets.bybitCategory(Symbol.parse(symbol)));
  }

  @ParameterizedTest
  @CsvSource({
    "BINANCE:BTCUSDT, spot",
    "BINANCE:BTCUSDT.P, usdm",
    "BINANCE:BTCUSDT_250328, usdm",
    "BINANCE:BNBBTC, spot"
  })
  void binanceMarkets(String symbol, String market) {
    assertEquals(market, Markets.binanceMarket(Symbol.parse(symbol)));
  }

  @org.junit.jupiter.api.Test
  void utcZones() {
    assertTrue(Markets.isUtc(ZoneOffset.UTC));
    assertTrue(Markets.isUtc(ZoneId.of("Etc/UTC")));
    assertTrue(Markets.isUtc(ZoneId.of("GMT")));
    assertFalse(Markets.isUtc(ZoneId.of("Europe/London")));
    assertFalse(Markets.isUtc(ZoneOffset.ofHours(8)));
  }
}
