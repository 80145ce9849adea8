package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class InstrumentsTest {

  private static final Instant T0 = Instant.parse("2024-06-01T00:00:00Z");

  private static Instrument of(String symbol, Instrument.Type type, String base, String quote) {
    return new Instrument(
        Symbol.parse(symbol),
        type,
        base,
        quote,
        Instrument.Status.TRADING,
        "Trading",
        OptionalDouble.of(0.1),
        OptionalDouble.empty(),
        Optional.empty());
  }

  private final Instrument spot = of("BYBIT:BTCUSDT", Instrument.Type.SPOT, "BTC", "USDT");
  private final Instrument perp = of("BYBIT:BTCUSDT.P", Instrument.Type.PERPETUAL, "BTC", "USDT");
  private final Instrument dec = of("BYBIT:BTCUSDT-27DEC24", Instrument.Type.FUTURE, "btc", "usdt");
  private final Instrument mar = of("BYBIT:BTCUSDT-28MAR25", Instrument.Type.FUTURE, "BTC", "USDT");
  private final Instrument eth = of("BYBIT:ETHBTC", Instrument.Type.SPOT, "ETH", "BTC");

  @Test
  void findsByBaseAndQuoteInAnyCaseInTheVenuesOrder() {
    Instruments all = Instruments.of("bybit", T0, List.of(spot, perp, dec, eth));
    assertEquals(List.of(spot, perp, dec), all.find("btc", "USDT"));
    assertEquals(List.of(), all.find("USDT", "BTC"));
    assertEquals(List.of(eth), all.byBase("eth"));
    assertEquals(List.of(eth), all.byQuote("BTC"));
    assertEquals("BTC", dec.base(), "assets are upper case");
  }

  @Test
  void findOfATypeIsOneOrNoneAndRefusesToGuessBetweenSeveral() {
    Instruments all = Instruments.of("bybit", T0, List.of(spot, perp, dec, mar));
    assertEquals(Optional.of(perp), all.find("BTC", "USDT", Instrument.Type.PERPETUAL));
    assertEquals(Optional.empty(), all.find("ETH", "USDT", Instrument.Type.PERPETUAL));
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class, () -> all.find("BTC", "USDT", Instrument.Type.FUTURE));
    assertTrue(
        e.getMessage().contains("BYBIT:BTCUSDT-27DEC24, BYBIT:BTCUSDT-28MAR25"), e.getMessage());
  }

  @Test
  void bySymbolMatchesCodeMarketTypeAndVenueWhenGiven() {
    Instruments all = Instruments.of("bybit", T0, List.of(spot, perp));
    assertEquals(Optional.of(perp), all.bySymbol("BYBIT:BTCUSDT.P"));
    assertEquals(Optional.of(spot), all.bySymbol("BTCUSDT"));
    assertEquals(Optional.of(perp), all.bySymbol(Symbol.parse("BTCUSDT.P")));
    assertEquals(Optional.empty(), all.bySymbol("BINANCE:BTCUSDT"));
    assertEquals(Optional.empty(), all.bySymbol("btcusdt"), "codes are case-sensitive");
    assertThrows(InvalidQueryException.class, () -> all.bySymbol("BTC/USDT"));
  }

  @Test
  void concatKeepsOrderNamesEverySourceAndIsAsOldAsItsOldestPart() {
    Instruments a = Instruments.of("bybit:spot", T0.plusSeconds(60), List.of(spot));
    Instruments b = Instruments.of("bybit:linear", T0, List.of(perp, dec));
    Instruments all = Instruments.concat(List.of(a, b));
    assertEquals(List.of(spot, perp, dec), all.list());
    assertEquals("bybit:spot, bybit:linear", all.source());
    assertEquals(T0, all.fetchedAt());
    assertEquals(3, all.stream().count());
    assertThrows(IllegalArgumentException.class, () -> Instruments.concat(List.of()));
    assertThrows(UnsupportedOperationException.class, () -> all.list().clear());
  }

  @Test
  void stepsMustBePositiveAndFinite() {
    for (double bad : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              new Instrument(
                  Symbol.parse("X"),
                  Instrument.Type.SPOT,
                  "X",
                  "Y",
                  Instrument.Status.TRADING,
                  "",
                  OptionalDouble.of(bad),
                  OptionalDouble.empty(),
                  Optional.empty()));
    }
  }

  @Test
  void aSourceThatListsNothingSaysSoWithATypedError() {
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> io.github.ohlcv4j.source.SampleSource.create().instruments());
    assertEquals("sample", e.source().orElseThrow());
  }

  @Test
  void theClientRefusesAVenueNoSourceServesOrOneThatListsNothing() {
    try (OhlcvClient client = OhlcvClient.builder().source("sample:").build()) {
      InvalidQueryException none =
          assertThrows(InvalidQueryException.class, () -> client.instruments("BINANCE:BTCUSDT"));
      assertTrue(none.getMessage().contains("give a venue alone"), none.getMessage());
      // sample: serves any venue as the default source, and lists nothing
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> client.instruments("BYBIT"));
      assertTrue(e.getMessage().contains("sample does not list instruments"), e.getMessage());
    }
    try (OhlcvClient client = OhlcvClient.builder().autoDiscover(false).build()) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> client.instruments("BYBIT"));
      assertTrue(e.getMessage().contains("No source of this client serves BYBIT"), e.getMessage());
    }
  }
}
