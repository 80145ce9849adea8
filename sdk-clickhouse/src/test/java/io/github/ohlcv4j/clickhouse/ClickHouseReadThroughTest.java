package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.testing.FakeVenueServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client reading through a ClickHouse table on a real server: held ranges cost no venue request,
 * only missing parts are fetched, and the answers equal a direct fetch, resampled ones included.
 */
@ExtendWith(ClickHouseServer.Extension.class)
class ClickHouseReadThroughTest {

  private static final String DB = "ohlcv4j_read_through";
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final Instant T0 = Instant.parse("2023-06-01T00:00:00Z");

  private final FakeVenueServer venue = new FakeVenueServer();
  private ClickHouseServer server;

  @BeforeEach
  void server(ClickHouseServer server) {
    this.server = server;
  }

  @AfterEach
  void close() {
    venue.close();
  }

  private OhlcvClient client() {
    ClickHouseSource store = server.source(DB, "candles_" + TABLES.incrementAndGet()).build();
    ClickHouseSchema.builder(store).build().migrate();
    return OhlcvClient.builder()
        .source(venue.uri("pageSize=100"))
        .okHttpClient(venue.http())
        .autoDiscover(false)
        .store(store)
        .build();
  }

  @Test
  void anIntervalTheTableDoesNotKeepGoesToTheVenue() {
    try (OhlcvClient c = client()) {
      OhlcvQuery fives =
          FakeVenueServer.query("BTCUSDT", Duration.ZERO, 300)
              .newBuilder()
              .interval(Interval.M5)
              .build();
      assertEquals(venue.expected(fives), c.fetch(fives));
      assertEquals(venue.expected(fives), c.fetch(fives));
      assertEquals(2, venue.venue().requestCount(), "asked each time, not stored");
      assertTrue(c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M5).isNone());
      OhlcvQuery minutes = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 60);
      c.fetch(minutes);
      c.fetch(minutes);
      assertEquals(3, venue.venue().requestCount(), "minutes are kept");
    }
  }

  @Test
  void theSameRangeTwiceAsksTheVenueOnceAndOnlyForWhatIsMissing() {
    try (OhlcvClient c = client()) {
      OhlcvQuery middle = FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(100), 50);
      assertEquals(venue.expected(middle), c.fetch(middle));
      OhlcvQuery whole = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 300);
      CandleSeries first = c.fetch(whole);
      assertEquals(venue.expected(whole), first);
      assertEquals(4, venue.venue().requestCount(), "[100, 150) once, then [0, 100), [150, 300)");
      assertEquals(first, c.fetch(whole));
      OhlcvQuery hourly =
          FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(7), 280)
              .newBuilder()
              .resample(Interval.H1)
              .build();
      assertEquals(venue.expected(hourly), c.fetch(hourly));
      assertEquals(4, venue.venue().requestCount(), "all held");
      assertEquals(
          List.of(new TimeRange(T0, T0.plusSeconds(300 * 60))),
          c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1).complete());
    }
  }
}
