package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.exchange.FakeBybit;
import io.github.ohlcv4j.exchange.FakeMarket;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 64 queries in flight through one client against the Bybit fake, which fails 12% of requests at
 * random (seeded) and enforces Bybit's IP limit as Bybit states it: no more than 600 requests in
 * any 5-second window, or HTTP 403 and a ban. The queries ask for about 700 small pages, more than
 * one window's worth, as fast as the client lets them go; it runs with the budget {@code bybit:*}
 * suggests, shared by its linear and spot queries. Every query must end with the complete, correct
 * series or a typed error; from the venue's request log, no page is tried more often than the retry
 * policy allows and no 5-second window holds more than 600 requests; nothing deadlocks, although
 * all the queries' steps share two threads. Prints its figures (see docs/reliability.md).
 */
@Timeout(120)
class BybitLoadTest extends ClientFaultTest {

  private static final int QUERIES = 64;
  private static final int PAGE = 12;
  private static final int IP_LIMIT = 600;
  private static final Duration IP_WINDOW = Duration.ofSeconds(5);
  private static final List<String> SYMBOLS =
      List.of(
          "BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT", "ADAUSDT", "LINKUSDT", "LTCUSDT");
  private static final RetryPolicy RETRY =
      RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(200), 6)
          .withMaxElapsed(Duration.ofSeconds(20));

  @Test
  void sixtyFourQueriesUnderRandomFaultsKeepToBybitsIpLimit() throws Exception {
    FakeBybit venue = new FakeBybit(market, MARKET_NOW, Set.copyOf(SYMBOLS));
    venue.clock(System::currentTimeMillis);
    venue.ipLimit(IP_LIMIT, IP_WINDOW, Duration.ofMinutes(10));
    venue.randomFaults(
        20261122L,
        0.12,
        List.of(
            Fault.status(500),
            Fault.status(502),
            Fault.status(503),
            Fault.htmlPage(502),
            venue.retCode(10016, "Internal server error."),
            venue.tooManyVisits(Duration.ofMillis(200)),
            Fault.resetMidBody(),
            Fault.slowBody(64, READ_TIMEOUT.multipliedBy(2)),
            Fault.truncatedBody(),
            Fault.emptyBody()));
    server.setDispatcher(venue);
    http.dispatcher().setMaxRequestsPerHost(16);

    List<OhlcvQuery> queries = new ArrayList<>();
    List<List<FakeMarket.Bar>> expected = new ArrayList<>();
    int pages = 0;
    for (int i = 0; i < QUERIES; i++) {
      int minutes = 100 + (i * 7) % 20;
      String symbol = "BYBIT:" + SYMBOLS.get(i % SYMBOLS.size()) + (i % 2 == 0 ? ".P" : "");
      OhlcvQuery q = query(symbol, Duration.ofMinutes(131L * i), minutes);
      queries.add(q);
      expected.add(
          market.bars(
              q.from().orElseThrow().toEpochMilli(),
              q.to().orElseThrow().toEpochMilli(),
              MARKET_NOW));
      pages += (minutes + PAGE - 1) / PAGE;
    }

    ExecutorService steps = Executors.newFixedThreadPool(2);
    List<CompletableFuture<CandleSeries>> futures = new ArrayList<>();
    List<Long> ended = new ArrayList<>();
    long start = System.nanoTime();
    RateLimitPolicy budget;
    try (OhlcvClient client =
        client(
                "bybit:linear?baseUrl=" + base() + "&pageSize=" + PAGE,
                "bybit:spot?baseUrl=" + base() + "&pageSize=" + PAGE)
            .executor(steps)
            .retryPolicy(RETRY)
            .build()) {
      budget = client.rateLimitPolicy(client.sources().get(0));
      for (OhlcvQuery q : queries) {
        CompletableFuture<CandleSeries> f = client.fetchAsync(q);
        f.whenComplete(
            (s, e) -> {
              synchronized (ended) {
                ended.add(System.nanoTime() - start);
              }
            });
        futures.add(f);
      }
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .exceptionally(e -> null)
          .get(100, TimeUnit.SECONDS); // nothing deadlocks
    } finally {
      steps.shutdownNow();
    }
    long elapsed = System.nanoTime() - start;

    // Every query: the whole, correct series, or a typed error.
    int ok = 0;
    Map<String, Integer> errors = new TreeMap<>();
    for (int i = 0; i < QUERIES; i++) {
      try {
        FakeMarket.assertSame(expected.get(i), futures.get(i).get());
        ok++;
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        assertTrue(
            c instanceof SourceUnavailableException
                || c instanceof DataFormatException
                || c instanceof RateLimitException,
            "a typed error, not " + c);
        assertNotEquals(OhlcvException.class, c.getClass());
        errors.merge(c.getClass().getSimpleName(), 1, Integer::sum);
      }
    }
    assertTrue(ok >= QUERIES * 3 / 4, "most queries succeed: " + ok + " " + errors);

    List<FakeVenue.Hit> hits = venue.hits();
    // The retry budget: no page requested more often than the policy allows.
    Map<String, Long> perPage =
        hits.stream()
            .collect(
                Collectors.groupingBy(
                    h ->
                        h.url().queryParameter("category")
                            + h.url().queryParameter("symbol")
                            + h.url().queryParameter("start"),
                    Collectors.counting()));
    long maxTries = perPage.values().stream().mapToLong(Long::longValue).max().orElse(0);
    assertTrue(maxTries <= RETRY.maxAttempts(), "a page was tried " + maxTries + " times");

    // The venue's budget: at most 600 requests in any 5-second window, and no ban.
    int busiest = 0;
    int from = 0;
    for (int to = 0; to < hits.size(); to++) {
      while (hits.get(to).clockMillis() - hits.get(from).clockMillis() >= IP_WINDOW.toMillis()) {
        from++;
      }
      busiest = Math.max(busiest, to - from + 1);
    }
    assertEquals(0, venue.bans(), "Bybit banned the client");
    assertTrue(busiest <= IP_LIMIT, busiest + " requests in 5 s");

    long faulty = hits.stream().filter(h -> !h.fault().equals("none")).count();
    assertTrue(faulty > 0, "faults were injected");
    Map<String, Long> byFault =
        hits.stream()
            .filter(h -> !h.fault().equals("none"))
            .collect(
                Collectors.groupingBy(FakeVenue.Hit::fault, TreeMap::new, Collectors.counting()));
    List<Long> latencies;
    synchronized (ended) {
      latencies = ended.stream().sorted().toList();
    }
    System.out.printf(
        Locale.ROOT,
        "LOAD venue=bybit budget=%s queries=%d ok=%d errors=%s pages=%d requests=%d faults=%d %s"
            + " retries=%d max_tries_per_page=%d rate_waits=%d busiest_5s=%d bans=%d"
            + " elapsed_ms=%d min_ms_by_budget=%d p50_ms=%d p90_ms=%d max_ms=%d%n",
        budget,
        QUERIES,
        ok,
        errors,
        pages,
        hits.size(),
        faulty,
        byFault,
        events.retries().size(),
        maxTries,
        events.waits().size(),
        busiest,
        venue.bans(),
        elapsed / 1_000_000,
        ((hits.size() + budget.permits() - 1) / budget.permits() - 1) * budget.period().toMillis(),
        latencies.get(latencies.size() / 2) / 1_000_000,
        latencies.get(latencies.size() * 9 / 10) / 1_000_000,
        latencies.get(latencies.size() - 1) / 1_000_000);
  }
}
