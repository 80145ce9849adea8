package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Writing and reading back: the warm read equals what was written, extras and flags included. */
class DuckDbSourceTest {

  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");
  static final Instant START = Instant.parse("2024-03-01T00:00:00Z");
  static final Instant END = START.plus(Duration.ofDays(20));

  static DuckDbSource memory() {
    return DuckDbSource.builder().inMemory().build();
  }

  static OhlcvQuery.Builder range(Symbol s, Instant from, Instant to) {
    return OhlcvQuery.builder().symbol(s).between(from, to).badRows(BadRowPolicy.FLAG);
  }

  @Test
  void smallPagesGiveTheSameAnswer() {
    CandleSeries cold =
        Market.shape(Market.sample(BTC, Interval.M1, START, END), 97, 300, true, 0, 2);
    try (DuckDbSource store = DuckDbSource.builder().inMemory().pageSize(7000).build()) {
      store.write(cold);
      OhlcvQuery q = range(BTC, START, END).build();
      List<CandleSeries> pages = store.pages(q).collect(Collectors.toList());
      assertTrue(pages.size() > 3, "pages: " + pages.size());
      assertEquals(cold, CandleSeries.concat(pages));
      assertEquals(cold, store.fetch(q));
    }
  }

  @Test
  void aSymbolTheStoreHoldsNothingOfIsNotFoundWhileAnEmptyRangeOfAKnownOneIsEmpty() {
    Symbol eth = Symbol.parse("BINANCE:ETHUSDT");
    Symbol sol = Symbol.parse("BINANCE:SOLUSDT");
    try (DuckDbSource store = DuckDbSource.builder().inMemory().pageSize(500).build()) {
      SymbolNotFoundException empty =
          assertThrows(
              SymbolNotFoundException.class, () -> store.fetch(range(BTC, START, END).build()));
      assertTrue(empty.getMessage().contains("BINANCE:BTCUSDT"), empty.getMessage());
      assertTrue(empty.getMessage().contains("SELECT DISTINCT symbol"), empty.getMessage());
      assertEquals(store.name(), empty.source().orElseThrow());
      assertFalse(empty.isRetryable());

      CandleSeries day = Market.sample(BTC, Interval.M1, START, START.plus(Duration.ofDays(1)));
      store.write(day);
      store.write(
          CandleSeries.builder(sol, Interval.M1).build(),
          new TimeRange(START, START.plus(Duration.ofHours(1))));
      assertThrows(
          SymbolNotFoundException.class,
          () -> store.fetch(range(eth, START, END).interval(Interval.H1).build()));
      // known: candles of another time, of another interval, or only a recorded range
      Instant later = END.plus(Duration.ofDays(30));
      assertTrue(store.fetch(range(BTC, END, later).build()).isEmpty());
      assertTrue(store.fetch(range(BTC, START, END).interval(Interval.D1).build()).isEmpty());
      assertTrue(store.fetch(range(sol, START, END).build()).isEmpty());
      // many windows, the candles in the first only
      assertEquals(day, store.fetch(range(BTC, START, END).build()));
    }
  }

  @Test
  void aCandleOffItsIntervalGridIsRefused() {
    CandleSeries bad =
        CandleSeries.builder(BTC, Interval.H1)
            .add(START.plusSeconds(1800), 1, 2, 0.5, 1, 1)
            .build();
    try (DuckDbSource store = memory()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> store.write(bad));
      assertTrue(e.getMessage().contains("not on the 1h grid"), e.getMessage());
    }
  }

  @Test
  void intervalsAndCalendarZonesAreSeparateSeries() {
    try (DuckDbSource store = memory()) {
      CandleSeries minutes = Market.sample(BTC, Interval.M1, START, START.plus(Duration.ofDays(3)));
      CandleSeries hours = Market.sample(BTC, Interval.H1, START, START.plus(Duration.ofDays(3)));
      ZoneId ny = ZoneId.of("America/New_York");
      CandleSeries utcDays = minutes.resample(Interval.D1);
      CandleSeries nyDays = minutes.resample(Interval.D1, ny);
      store.write(minutes);
      store.write(hours);
      store.write(utcDays);
      store.write(nyDays);
      Instant from = START.minus(Duration.ofDays(1));
      Instant to = START.plus(Duration.ofDays(4));
      assertEquals(minutes, store.fetch(range(BTC, from, to).build()));
      assertEquals(hours, store.fetch(range(BTC, from, to).interval(Interval.H1).build()));
      assertEquals(utcDays, store.fetch(range(BTC, from, to).interval(Interval.D1).build()));
      assertEquals(
          nyDays, store.fetch(range(BTC, from, to).interval(Interval.D1).zone(ny).build()));
      assertTrue(
          store
              .fetch(range(BTC, from, to).interval(Interval.of(5, Interval.Unit.MINUTE)).build())
              .isEmpty());
    }
  }

  @Test
  void latestAndLimitAnswerAsForEverySource() {
    Instant now = START.plus(Duration.ofDays(2)).plusSeconds(30);
    try (DuckDbSource store =
        DuckDbSource.builder()
            .inMemory()
            .context(
                io.github.ohlcv4j.source.SourceContext.builder()
                    .clock(Clock.fixed(now, ZoneOffset.UTC))
                    .build())
            .build()) {
      CandleSeries s = Market.sample(BTC, Interval.M1, START, START.plus(Duration.ofDays(2)));
      store.write(s);
      CandleSeries latest =
          io.github.ohlcv4j.source.CandleSources.fetch(
              store,
              OhlcvQuery.builder()
                  .symbol(BTC)
                  .latest(24)
                  .resample(Interval.H1)
                  .completeOnly()
                  .build(),
              Clock.fixed(now, ZoneOffset.UTC));
      assertEquals(s.resample(Interval.H1).tail(24), latest);
      assertEquals(
          s.head(7),
          store.fetch(range(BTC, START, START.plus(Duration.ofDays(2))).limit(7).build()));
      assertEquals(
          s.resample(Interval.H1).head(5),
          store.fetch(
              range(BTC, START, START.plus(Duration.ofDays(2)))
                  .resample(Interval.H1)
                  .limit(5)
                  .build()));
    }
  }

  @Test
  void worksBehindTheClientAndReportsHealth() {
    CandleSeries s = Market.sample(BTC, Interval.M1, START, START.plus(Duration.ofDays(1)));
    try (DuckDbSource store = memory()) {
      store.write(s);
      Health h = store.health();
      assertEquals(Health.Status.UP, h.status(), h.detail());
      assertTrue(h.version().orElseThrow().startsWith("DuckDB v"), h.version().toString());
      try (OhlcvClient client = OhlcvClient.builder().source(store).build()) {
        CandleSeries got =
            client.fetch(
                OhlcvQuery.builder()
                    .symbol(BTC)
                    .between(START, START.plus(Duration.ofDays(1)))
                    .resample(Interval.H1)
                    .build());
        assertEquals(s.resample(Interval.H1), got);
      }
    }
  }
}
