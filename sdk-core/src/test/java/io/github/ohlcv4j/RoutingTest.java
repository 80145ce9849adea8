package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link OhlcvClient.Builder#route(String, io.github.ohlcv4j.source.CandleSource)} and the order.
 */
class RoutingTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-06-01T12:34:56Z"), ZoneOffset.UTC);

  static TestSources.Counting source(String... venues) {
    return new TestSources.Counting(
        SampleSource.builder().clock(CLOCK).pageSize(5000).build(), Set.of(venues));
  }

  static OhlcvClient.Builder builder() {
    return OhlcvClient.builder().clock(CLOCK).retryPolicy(RetryPolicy.none());
  }

  @Test
  void aRouteSendsAVenueToASourceThatDoesNotNameIt() {
    TestSources.Counting bybit = source("BYBIT");
    assertFalse(bybit.serves(Symbol.parse("KRAKEN:XBTUSD")), "the premise: it serves BYBIT only");
    try (OhlcvClient c = builder().route("kraken", bybit).build()) {
      assertSame(bybit, c.sourceFor(Symbol.parse("KRAKEN:XBTUSD")));
      CandleSeries s = c.query("KRAKEN:XBTUSD").latest(3).fetch();
      assertEquals(3, s.size());
      assertEquals(Symbol.parse("KRAKEN:XBTUSD"), s.symbol());
      assertEquals(1, bybit.cursors.get());
    }
    assertEquals(1, bybit.closed.get(), "the client closes a routed source");
  }

  @Test
  void aRouteWinsOverASourceRegisteredForTheVenue() {
    TestSources.Counting registered = source("BINANCE");
    TestSources.Counting routed = source();
    try (OhlcvClient c = builder().source(registered).route("BINANCE", routed).build()) {
      assertSame(routed, c.sourceFor(Symbol.parse("BINANCE:BTCUSDT")));
      assertSame(routed, c.sourceFor(Symbol.parse("binance:ETHUSDT.P")));
      assertEquals(List.of(registered, routed), c.sources());
    }
  }

  @Test
  void aRoutedSourceAnswersItsVenueOnly() {
    TestSources.Counting anyVenue = source(); // names no venue: registered, it would be a default
    try (OhlcvClient c = builder().route("KRAKEN", anyVenue).build()) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> c.sourceFor(Symbol.parse("BTCUSDT")));
      assertTrue(e.getMessage().contains("register a default source"), e.getMessage());
      InvalidQueryException other =
          assertThrows(
              InvalidQueryException.class, () -> c.query("BINANCE:BTCUSDT").latest(1).fetch());
      assertTrue(other.getMessage().contains(".route(\"BINANCE\", source)"), other.getMessage());
      assertEquals(0, anyVenue.cursors.get());
    }
    try (OhlcvClient c = builder().route("KRAKEN", anyVenue).source(anyVenue).build()) {
      assertSame(anyVenue, c.sourceFor(Symbol.parse("BTCUSDT")), "registered too: the default");
      assertEquals(1, c.sources().size());
    }
  }

  @Test
  void theLastRouteForAVenueWins() {
    TestSources.Counting first = source();
    TestSources.Counting second = source();
    try (OhlcvClient c = builder().route("KRAKEN", first).route("Kraken", second).build()) {
      assertSame(second, c.sourceFor(Symbol.parse("KRAKEN:XBTUSD")));
      assertEquals(List.of(second), c.sources());
    }
    assertThrows(IllegalArgumentException.class, () -> builder().route(" ", first));
  }

  @Test
  void registeredSourcesAreAskedWhetherTheyServeTheSymbol() {
    TestSources.Counting spotOnly =
        new TestSources.Counting(SampleSource.builder().clock(CLOCK).build(), Set.of("BYBIT")) {
          @Override
          public boolean serves(Symbol symbol) {
            return super.serves(symbol) && symbol.marketType() == MarketType.SPOT;
          }
        };
    TestSources.Counting linear = source("BYBIT");
    try (OhlcvClient c = builder().source(spotOnly).source(linear).build()) {
      assertSame(spotOnly, c.sourceFor(Symbol.parse("BYBIT:BTCUSDT")));
      assertSame(linear, c.sourceFor(Symbol.parse("BYBIT:BTCUSDT.P")));
    }
  }
}
