package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.FakeBinance;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.LogCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

/**
 * Binance's ways to refuse, through the client: 429 with {@code Retry-After}, the 418 ban, the
 * weight header near the limit, and its error codes.
 */
@Timeout(60)
class BinanceFaultsTest extends ClientFaultTest {

  private FakeBinance venue;

  @BeforeEach
  void venue() {
    venue = new FakeBinance(market, MARKET_NOW, Set.of("BTCUSDT", "ETHUSDT", "SOLUSDT"));
    venue.clock(System::currentTimeMillis);
    server.setDispatcher(venue);
  }

  private String spot(int pageSize) {
    return "binance:spot?baseUrl=" + base() + "&pageSize=" + pageSize;
  }

  @Test
  void tooMuchWeightWaitsForRetryAfterAndHoldsTheOtherQueriesToo() throws Exception {
    OhlcvQuery first = query("BINANCE:BTCUSDT", Duration.ZERO, 250);
    OhlcvQuery second = query("BINANCE:ETHUSDT", Duration.ZERO, 150);
    CandleSeries expectedFirst = faultFree(first, spot(100));
    CandleSeries expectedSecond = faultFree(second, spot(100));
    int before = venue.hits().size();
    venue.faults(Fault.none(), FakeBinance.tooMuchWeight(Duration.ofSeconds(1)));
    try (OhlcvClient client = client(spot(100)).retryPolicy(FAST).build()) {
      CompletableFuture<CandleSeries> a = client.fetchAsync(first);
      awaitFirstRetry();
      CompletableFuture<CandleSeries> b = client.fetchAsync(second);
      assertEquals(expectedFirst, a.get(10, TimeUnit.SECONDS));
      assertEquals(expectedSecond, b.get(10, TimeUnit.SECONDS));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    int refused = first(hits, 429);
    assertEquals(1, refused);
    for (FakeVenue.Hit h : hits.subList(refused + 1, hits.size())) {
      assertTrue(
          h.clockMillis() >= hits.get(refused).clockMillis() + 1000,
          "a request " + (h.clockMillis() - hits.get(refused).clockMillis()) + " ms after the 429");
    }
    assertEquals(
        2,
        hits.stream().filter(h -> h.url().equals(hits.get(refused).url())).count(),
        "the retry repeats the refused request, once");
    assertEquals(Duration.ofSeconds(1), events.retries().get(0).delay());
  }

  @Test
  void aShortBanHoldsEveryQueryOfTheClientUntilItEndsThenAllSucceed() throws Exception {
    List<OhlcvQuery> queries =
        List.of(
            query("BINANCE:BTCUSDT", Duration.ZERO, 250),
            query("BINANCE:ETHUSDT", Duration.ZERO, 150),
            query("BINANCE:SOLUSDT", Duration.ofHours(2), 150));
    List<CandleSeries> expected = queries.stream().map(q -> faultFree(q, spot(100))).toList();
    int before = venue.hits().size();
    venue.faults(Fault.none(), venue.banned(Duration.ofMillis(1500)));
    try (LogCapture logs = LogCapture.start();
        OhlcvClient client = client(spot(100)).retryPolicy(FAST).build()) {
      CompletableFuture<CandleSeries> a = client.fetchAsync(queries.get(0));
      awaitFirstRetry();
      CompletableFuture<CandleSeries> b = client.fetchAsync(queries.get(1));
      CompletableFuture<CandleSeries> c = client.fetchAsync(queries.get(2));
      assertEquals(expected.get(0), a.get(10, TimeUnit.SECONDS));
      assertEquals(expected.get(1), b.get(10, TimeUnit.SECONDS));
      assertEquals(expected.get(2), c.get(10, TimeUnit.SECONDS));
      List<LogCapture.Event> warned =
          logs.events(e -> e.level() == Level.WARN && e.message().startsWith("venue ban"));
      assertEquals(1, warned.size(), "the ban is logged once: " + logs.events());
      assertTrue(warned.get(0).message().contains("banned until"), warned.get(0).message());
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    int ban = first(hits, 418);
    long until = hits.get(ban).clockMillis() + 1500;
    for (FakeVenue.Hit h : hits.subList(ban + 1, hits.size())) {
      assertTrue(h.clockMillis() >= until, "a request " + (until - h.clockMillis()) + " ms early");
    }
    assertTrue(events.retries().get(0).cause() instanceof RateLimitException r && r.isBan());
  }

  @Test
  void aBanLongerThanThePolicyAllowsFailsEveryQueryAtOnceSayingWhenItEnds() {
    venue.faults(Fault.none(), venue.banned(Duration.ofMinutes(10)));
    try (OhlcvClient client = client(spot(100)).build()) {
      RateLimitException e =
          assertThrows(
              RateLimitException.class,
              () -> client.fetch(query("BINANCE:BTCUSDT", Duration.ZERO, 250)));
      List<FakeVenue.Hit> hits = venue.hits();
      assertEquals(2, hits.size());
      assertTrue(e.isBan());
      Instant until = e.bannedUntil().orElseThrow();
      long lasts = until.toEpochMilli() - hits.get(1).clockMillis();
      assertTrue(Math.abs(lasts - 600_000) < 1000, "a ban of " + lasts + " ms");
      assertTrue(e.getMessage().contains(until.toString()), e.getMessage());
      assertTrue(events.retries().isEmpty());

      RateLimitException other =
          assertThrows(
              RateLimitException.class,
              () -> client.fetch(query("BINANCE:ETHUSDT", Duration.ZERO, 50)));
      assertEquals(2, venue.hits().size(), "nothing is sent during the ban");
      assertTrue(other.isBan());
      assertTrue(other.getMessage().contains(until.toString()), other.getMessage());
    }
  }

  /** A clock {@code seconds} into a minute now, and the same clock for the venue. */
  private Clock venueClockAt(double seconds) {
    long real = System.currentTimeMillis();
    long target = real - real % 60_000L + (long) (seconds * 1000);
    long shift = target - real;
    venue.clock(() -> System.currentTimeMillis() + shift);
    return Clock.offset(Clock.systemUTC(), Duration.ofMillis(shift));
  }

  @Test
  void weightNearTheLimitSpacesRequestsOverTheRestOfTheMinute() {
    Clock clock = venueClockAt(50);
    OhlcvQuery q = query("BINANCE:BTCUSDT", Duration.ZERO, 200);
    CandleSeries expected = faultFree(q, spot(10));
    venue.weightLimit(6000).othersUsed(5400 - 40); // 90% with the fault-free run's 40
    int before = venue.hits().size();
    try (OhlcvClient client = client(spot(10)).clock(clock).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(20, hits.size());
    assertEquals(0, venue.overBudget());
    // 300 weight left in 10 s: a request of weight 2 every 67 ms or so.
    long spread = hits.get(19).clockMillis() - hits.get(0).clockMillis();
    assertTrue(spread >= 19 * 40, "20 requests within " + spread + " ms");
    assertTrue(events.waits().size() >= 15, "waits: " + events.waits().size());
  }

  @Test
  void weightAtTheLimitHoldsRequestsUntilTheVenueMinuteEnds() {
    Clock clock = venueClockAt(58);
    OhlcvQuery q = query("BINANCE:BTCUSDT", Duration.ZERO, 100);
    CandleSeries expected = faultFree(q, spot(10));
    venue.weightLimit(6000).othersUsed(5990 - 20);
    int before = venue.hits().size();
    try (OhlcvClient client = client(spot(10)).clock(clock).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(10, hits.size());
    assertEquals(0, venue.overBudget(), "the venue refused requests over its limit");
    long nextMinute = hits.get(0).clockMillis() - hits.get(0).clockMillis() % 60_000 + 60_000;
    for (FakeVenue.Hit h : hits.subList(1, hits.size())) {
      assertTrue(h.clockMillis() >= nextMinute, (nextMinute - h.clockMillis()) + " ms early");
    }
  }

  @Test
  void anUnknownSymbolOrIntervalFailsAtOnce() {
    try (OhlcvClient client = client(spot(100)).retryPolicy(FAST).build()) {
      SymbolNotFoundException symbol =
          assertThrows(
              SymbolNotFoundException.class,
              () -> client.fetch(query("BINANCE:XRPUSDT", Duration.ZERO, 250)));
      assertEquals("-1121", symbol.venueCode().orElseThrow());
      assertFalse(symbol.isRetryable());
      assertEquals(1, venue.hits().size());

      venue.faults(FakeBinance.error(-1120, "Invalid interval."));
      UnsupportedIntervalException interval =
          assertThrows(
              UnsupportedIntervalException.class,
              () -> client.fetch(query("BINANCE:BTCUSDT", Duration.ZERO, 250)));
      assertEquals("-1120", interval.venueCode().orElseThrow());
      assertEquals(2, venue.hits().size());
      assertTrue(events.retries().isEmpty());
      assertEquals(2, events.fetchFailures().size());
      assertTrue(events.fetchEnds().isEmpty());
    }
  }
}
