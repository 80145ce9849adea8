package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SymbolTest {

  @Test
  void parsesVenueCodeAndPerpetualSuffix() {
    Symbol s = Symbol.parse("BINANCE:BTCUSDT.P");
    assertEquals(Optional.of("BINANCE"), s.venue());
    assertEquals("BTCUSDT", s.code());
    assertEquals(MarketType.PERPETUAL, s.marketType());
    assertEquals("BINANCE:BTCUSDT.P", s.toString());
  }

  @Test
  void noVenueMeansAny() {
    Symbol s = Symbol.parse("AAPL");
    assertEquals(Optional.empty(), s.venue());
    assertEquals(MarketType.SPOT, s.marketType());
  }

  @Test
  void theVenueIsBeforeTheFirstColonOnly() {
    Symbol s = Symbol.parse("POLYGON:X:BTCUSD");
    assertEquals(Optional.of("POLYGON"), s.venue());
    assertEquals("X:BTCUSD", s.code());
  }

  @Test
  void venueIsUpperCasedAndCodeKeptAsIs() {
    Symbol s = Symbol.parse("bybit:btcUsdt");
    assertEquals(Optional.of("BYBIT"), s.venue());
    assertEquals("btcUsdt", s.code());
  }

  @Test
  void roundTrips() {
    for (String text :
        List.of(
            "BINANCE:BTCUSDT.P",
            "BYBIT:BTCUSDT",
            "POLYGON:X:BTCUSD",
            "AAPL",
            "BRK.B",
            "ETHUSDT.P",
            "C:EURUSD")) {
      Symbol s = Symbol.parse(text);
      assertEquals(s, Symbol.parse(s.toString()), text);
    }
  }

  @Test
  void rejectsMalformedSymbolsWithTheReason() {
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> Symbol.parse(""))
            .getMessage()
            .contains("empty"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> Symbol.parse("BTC USDT"))
            .getMessage()
            .contains("white space"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> Symbol.parse("BINANCE:"))
            .getMessage()
            .contains("no code"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> Symbol.parse(":BTC"))
            .getMessage()
            .contains("invalid venue"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> Symbol.parse("1X:BTC"))
            .getMessage()
            .contains("invalid venue"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> Symbol.parse("BTC\u0000"))
            .getMessage()
            .contains("control"));
  }

  @Test
  void ofAcceptsAnyNonEmptyCode() {
    String hostile = "O'Neil\\'; DROP TABLE ohlcv; --\u0000\u00e9";
    Symbol s = Symbol.of("", hostile, MarketType.SPOT);
    assertEquals(hostile, s.code());
    assertThrows(InvalidQueryException.class, () -> Symbol.of(""));
    assertThrows(NullPointerException.class, () -> Symbol.of(null));
  }

  @Test
  void loneSurrogatesAreRefusedByParseAndOf() {
    // Two different texts that would reach a venue and a store as the same bytes ("?" or U+FFFD).
    for (String bad :
        new String[] {
          "BTC\uD800USDT", "BTC\uDC00USDT", "BTCUSDT\uD83D", "\uDE00BTC", "X\uDC00\uD800"
        }) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> Symbol.parse("BYBIT:" + bad));
      assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
      assertThrows(InvalidQueryException.class, () -> Symbol.of("", bad, MarketType.SPOT));
      assertThrows(InvalidQueryException.class, () -> Symbol.of(bad));
    }
    // A pair is one code point: fine.
    String emoji = "PEPE\uD83D\uDE00";
    assertEquals(emoji, Symbol.parse("BINANCE:" + emoji).code());
    assertEquals(emoji, Symbol.of(emoji).code());
  }

  @Test
  void venuesCanBeChanged() {
    Symbol s = Symbol.parse("BTCUSDT.P");
    assertEquals("BYBIT:BTCUSDT.P", s.withVenue("bybit").toString());
    assertEquals(s, s.withVenue("BYBIT").withoutVenue());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "BTC/USDT|write \"BTCUSDT\"|instruments(\"BYBIT\").find(\"BTC\", \"USDT\")",
        "BINANCE:ETH/BTC|write \"BINANCE:ETHBTC\"|instruments(\"BINANCE\").find(\"ETH\", \"BTC\")",
        "BTC/USDT:USDT|write \"BTCUSDT.P\" (.P marks the perpetual)|find(\"BTC\", \"USDT\")",
        "bybit:BTC/USDT:USDT|write \"BYBIT:BTCUSDT.P\"|instruments(\"BYBIT\")",
      })
  void aCcxtStylePairIsRefusedWithHowToWriteIt(String text, String hint, String lookup) {
    InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> Symbol.parse(text));
    assertTrue(e.getMessage().contains("ccxt-style pair"), e.getMessage());
    assertTrue(e.getMessage().contains(hint), e.getMessage());
    assertTrue(e.getMessage().contains(lookup), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void aSlashThatIsNoPairIsRefusedToo() {
    for (String text : new String[] {"/", "BTC/", "/USDT", "A/B/C", "BAD VENUE/X"}) {
      assertThrows(InvalidQueryException.class, () -> Symbol.parse(text), text);
    }
    assertEquals("A/B", Symbol.of("", "A/B", MarketType.SPOT).code(), "of() takes any code");
  }
}
