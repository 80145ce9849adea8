package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.exchange.FakeBybit;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bybit's own ways to fail, through the client: errors with HTTP 200 and a {@code retCode}, the
 * HTTP 403 IP ban, and the limit headers.
 */
@Timeout(60)
class BybitFaultsTest extends ClientFaultTest {

  private FakeBybit venue;

  @BeforeEach
  void venue() {
    venue = new FakeBybit(market, MARKET_NOW, Set.of("BTCUSDT", "ETHUSDT", "SOLUSDT"));
    venue.clock(System::currentTimeMillis);
    server.setDispatcher(venue);
  }

  private String linear() {
    return linear(100);
  }

  private String linear(int pageSize) {
    return "bybit:linear?baseUrl=" + base() + "&pageSize=" + pageSize;
  }

  private String spot() {
    return "bybit:spot?baseUrl=" + base() + "&pageSize=100";
  }

  @Test
  void tooManyVisitsWaitsUntilTheLimitResetsThenSucceeds() {
    OhlcvQuery q = query("BYBIT:BTCUSDT.P", Duration.ZERO, 250);
    CandleSeries expected = faultFree(q, linear());
    int before = venue.hits().size();
    venue.faults(Fault.none(), venue.tooManyVisits(Duration.ofMillis(700)));
    try (OhlcvClient client = client(linear()).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(4, hits.size());
    assertEquals("retCode 10006", hits.get(1).fault());
    assertEquals(hits.get(1).url(), hits.get(2).url(), "the retry repeats the request");
    long waited = hits.get(2).clockMillis() - hits.get(1).clockMillis();
    assertTrue(waited >= 700, "sent again " + waited + " ms after the 10006, before the reset");
    RateLimitException cause =
        assertInstanceOf(RateLimitException.class, events.retries().get(0).cause());
    assertEquals("10006", cause.venueCode().orElseThrow());
    // As long as the venue said, not up to a second more (its Date header has whole seconds).
    Duration wait = events.retries().get(0).delay();
    assertTrue(wait.toMillis() <= 750 && wait.toMillis() > 500, "waits " + wait);
  }

  @Test
  void transientServerErrorsInTheRetCodeAreRetried() {
    OhlcvQuery q = query("BYBIT:BTCUSDT.P", Duration.ZERO, 250);
    CandleSeries expected = faultFree(q, linear());
    int before = venue.hits().size();
    venue.faults(
        Fault.none(),
        venue.retCode(10016, "Internal server error."),
        venue.retCode(10000, "Server Timeout"));
    try (OhlcvClient client = client(linear()).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(5, hits.size());
    assertEquals(hits.get(1).url(), hits.get(3).url());
    assertEquals(2, events.retries().size());
    for (var r : events.retries()) {
      assertInstanceOf(SourceUnavailableException.class, r.cause());
    }
  }

  @Test
  void aRefusedParameterFailsAtOnceWithATypedErrorAndNoPartialSeries() {
    venue.faults(Fault.none(), venue.retCode(10001, "params error: limit"));
    try (OhlcvClient client = client(linear()).retryPolicy(FAST).build()) {
      OhlcvException e =
          assertThrows(
              OhlcvException.class,
              () -> client.fetch(query("BYBIT:BTCUSDT.P", Duration.ZERO, 250)));
      assertEquals(InvalidQueryException.class, e.getClass());
      assertFalse(e.isRetryable());
      assertEquals("10001", e.venueCode().orElseThrow());
      assertEquals(2, venue.hits().size());
      assertTrue(events.retries().isEmpty());
      assertTrue(events.fetchEnds().isEmpty());
      assertEquals(1, events.fetchFailures().size());

      SymbolNotFoundException unknown =
          assertThrows(
              SymbolNotFoundException.class,
              () -> client.fetch(query("BYBIT:XRPUSDT.P", Duration.ZERO, 250)));
      assertEquals("10001", unknown.venueCode().orElseThrow());
      assertEquals(3, venue.hits().size());
      assertTrue(events.retries().isEmpty());
    }
  }

  @Test
  void anIpBanStopsEveryQueryOfTheClientToBybitAtOnce() throws Exception {
    List<OhlcvQuery> queries = new ArrayList<>();
    for (String s : List.of("BTCUSDT", "ETHUSDT", "SOLUSDT")) {
      queries.add(query("BYBIT:" + s + ".P", Duration.ZERO, 300));
      queries.add(query("BYBIT:" + s, Duration.ofHours(1), 300));
    }
    List<CandleSeries> expected = new ArrayList<>();
    for (OhlcvQuery q : queries) {
      expected.add(faultFree(q, q.symbol().toString().endsWith(".P") ? linear() : spot()));
    }
    int before = venue.hits().size();
    venue.faults(Fault.none(), Fault.none(), venue.ipBan());
    // The default retry policy: a ban of ten minutes is longer than its budget of two.
    try (OhlcvClient client = client(linear(), spot()).build()) {
      List<CompletableFuture<CandleSeries>> futures = new ArrayList<>();
      for (OhlcvQuery q : queries) {
        futures.add(client.fetchAsync(q));
      }
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .exceptionally(e -> null)
          .get(10, TimeUnit.SECONDS);
      List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
      int ban = first(hits, 403);
      assertEquals(2, ban);
      Instant until =
          Instant.ofEpochMilli(hits.get(ban).clockMillis()).plus(Duration.ofMinutes(10));
      int failed = 0;
      for (int i = 0; i < queries.size(); i++) {
        try {
          assertEquals(expected.get(i), futures.get(i).get());
        } catch (ExecutionException e) {
          failed++;
          RateLimitException r = assertInstanceOf(RateLimitException.class, e.getCause());
          assertTrue(r.isBan(), r.getMessage());
          Instant said = r.bannedUntil().orElseThrow();
          assertTrue(
              Math.abs(Duration.between(said, until).toMillis()) < 2_000, said + " vs " + until);
        }
      }
      assertTrue(failed >= 1);
      // Once the client knew of the ban, each query sent at most the request it had already
      // let through, and nothing after.
      long learnt = banLearnt.get();
      for (OhlcvQuery q : queries) {
        long late =
            sent.stream()
                .filter(x -> x.symbol().equals(q.symbol().toString()))
                .filter(x -> x.nanoTime() > learnt)
                .count();
        assertTrue(late <= 1, q.symbol() + " sent " + late + " requests after the ban");
      }

      // Later queries, of either category, send nothing and say until when.
      int requests = venue.hits().size();
      RateLimitException later =
          assertThrows(
              RateLimitException.class,
              () -> client.fetch(query("BYBIT:BTCUSDT", Duration.ofDays(1), 50)));
      assertTrue(later.isBan());
      assertTrue(later.getMessage().contains("banned"), later.getMessage());
      assertEquals(requests, venue.hits().size());

      Map<String, Health> health = client.health();
      assertEquals(requests, venue.hits().size(), "health checks send nothing to a banned venue");
      for (Health h : health.values()) {
        assertEquals(Health.Status.DEGRADED, h.status(), h.toString());
        assertTrue(h.detail().contains("banned by the venue until"), h.detail());
      }
    }
  }

  @Test
  void limitHeadersNearTheLimitSlowRequestsDownSoThatTheLimitIsNotHit() {
    OhlcvQuery q = query("BYBIT:BTCUSDT.P", Duration.ZERO, 300);
    CandleSeries expected = faultFree(q, linear());
    int before = venue.hits().size();
    // Ten requests a second per account, five of them used by other programs.
    venue.uidLimit(10, 5);
    try (OhlcvClient client = client(linear(50)).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(
        0, hits.stream().filter(h -> h.fault().startsWith("refused")).count(), "hit the limit");
    assertEquals(6, hits.size());
    assertTrue(events.waits().size() > 0, "no request waited");
  }
}
