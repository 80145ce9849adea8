package io.github.ohlcv4j.resilience;

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
import io.github.ohlcv4j.testing.FakeVenue;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * 64 queries in flight through one client against a venue that fails 12% of requests at random:
 * every query ends with the complete, correct series or a typed error; no page is tried more often
 * than the retry policy allows; the weighted rate budget holds; nothing deadlocks, although all the
 * queries' steps share two threads. Prints its figures (see docs/reliability.md).
 */
@Timeout(120)
class LoadTest {

  private static final int QUERIES = 64;
  private static final int PAGE = 100;
  private static final int WEIGHT = 2;
  private static final int PERMITS = 80; // weight per period: 40 requests, 160 a second
  private static final Duration PERIOD = Duration.ofMillis(250);
  private static final RetryPolicy RETRY =
      RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(200), 6)
          .withMaxElapsed(Duration.ofSeconds(20));

  private static final List<Fault> FAULTS =
      List.of(
          Fault.status(500),
          Fault.status(502),
          Fault.status(503),
          Fault.htmlPage(502),
          Fault.tooManyRequests(0),
          Fault.resetMidBody(),
          Fault.slowBody(64, FakeVenueServer.READ_TIMEOUT.multipliedBy(2)),
          Fault.truncatedBody(),
          Fault.emptyBody());

  @Test
  void baselineWithoutFaults() throws Exception {
    Figures f = run(0, CircuitBreakerPolicy.ofDefaults());
    assertEquals(QUERIES, f.ok);
  }

  @Test
  void sixtyFourQueriesUnderRandomFaultsEndWellOrWithATypedError() throws Exception {
    Figures f = run(0.12, CircuitBreakerPolicy.ofDefaults());
    assertTrue(f.ok >= QUERIES * 3 / 4, "most queries succeed: " + f.ok);
    assertTrue(f.rateWaits > 0, "the rate budget made requests wait");
  }

  @Test
  void underHeavyFaultsTheCircuitOpensAndQueriesFailFastWithATypedError() throws Exception {
    Figures f =
        run(
            0.45,
            CircuitBreakerPolicy.ofDefaults()
                .withWindow(10, 10)
                .withOpenDuration(Duration.ofSeconds(1)));
    assertTrue(f.circuitChanges > 0, "the circuit opened");
  }

  /** What one run measured. */
  private record Figures(int ok, int rateWaits, int circuitChanges) {}

  private Figures run(double faultRate, CircuitBreakerPolicy breaker) throws Exception {
    List<Fault> faults = FAULTS;
    RecordingListener events = new RecordingListener();
    ExecutorService steps = Executors.newFixedThreadPool(2);
    try (FakeVenueServer server = new FakeVenueServer()) {
      server.venue().randomFaults(20261122L, faultRate, faults).weight(r -> WEIGHT);
      server.http().dispatcher().setMaxRequestsPerHost(16);
      List<OhlcvQuery> queries = new ArrayList<>();
      int pages = 0;
      for (int i = 0; i < QUERIES; i++) {
        int minutes = 300 + (i * 53) % 400;
        queries.add(
            FakeVenueServer.query("SYM" + (i % 8) + "USDT", Duration.ofMinutes(37L * i), minutes));
        pages += (minutes + PAGE - 1) / PAGE;
      }

      long t0 = System.nanoTime();
      List<CompletableFuture<CandleSeries>> futures = new ArrayList<>();
      List<Long> ended = new ArrayList<>();
      try (OhlcvClient client =
          OhlcvClient.builder()
              .source(server.uri("pageSize=" + PAGE + "&weight=" + WEIGHT))
              .okHttpClient(server.http())
              .executor(steps)
              .retryPolicy(RETRY)
              .circuitBreakerPolicy(breaker)
              .rateLimitPolicy(RateLimitPolicy.of(PERMITS, PERIOD))
              .eventListener(events)
              .autoDiscover(false)
              .build()) {
        for (OhlcvQuery q : queries) {
          CompletableFuture<CandleSeries> f = client.fetchAsync(q);
          f.whenComplete(
              (s, e) -> {
                synchronized (ended) {
                  ended.add(System.nanoTime() - t0);
                }
              });
          futures.add(f);
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
            .exceptionally(e -> null)
            .get(90, TimeUnit.SECONDS); // nothing deadlocks
      }
      long elapsed = System.nanoTime() - t0;

      // every query: the whole, correct series, or a typed error
      int ok = 0;
      Map<String, Integer> errors = new TreeMap<>();
      for (int i = 0; i < QUERIES; i++) {
        try {
          assertEquals(server.expected(queries.get(i)), futures.get(i).get());
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

      List<FakeVenue.Hit> hits = server.venue().hits();
      // the retry budget: no page requested more often than the policy allows
      Map<String, Long> perPage =
          hits.stream()
              .collect(
                  Collectors.groupingBy(h -> h.symbol() + "@" + h.start(), Collectors.counting()));
      long maxTries = perPage.values().stream().mapToLong(Long::longValue).max().orElse(0);
      assertTrue(maxTries <= RETRY.maxAttempts(), "a page was tried " + maxTries + " times");
      assertTrue(hits.size() <= (long) pages * RETRY.maxAttempts());

      // the rate budget: by the k-th request, at least ceil(weight so far / permits) - 1 periods
      // have passed since the client was built
      List<FakeVenue.Hit> inOrder = new ArrayList<>(hits);
      inOrder.sort(Comparator.comparingLong(FakeVenue.Hit::nanoTime));
      long weight = 0;
      for (FakeVenue.Hit h : inOrder) {
        weight += h.weight();
        long periods = (weight + PERMITS - 1) / PERMITS - 1;
        assertTrue(
            h.nanoTime() - t0 >= periods * PERIOD.toNanos(),
            "weight " + weight + " sent after " + (h.nanoTime() - t0) / 1_000_000 + " ms");
      }

      server.assertIdle();
      long faulty = hits.stream().filter(h -> !h.fault().equals("none")).count();
      assertTrue(faultRate == 0 || faulty > 0, "faults were injected");

      List<Long> latencies;
      synchronized (ended) {
        latencies = ended.stream().sorted().toList();
      }
      Map<String, Long> byFault =
          hits.stream()
              .filter(h -> !h.fault().equals("none"))
              .collect(
                  Collectors.groupingBy(FakeVenue.Hit::fault, TreeMap::new, Collectors.counting()));
      System.out.printf(
          Locale.ROOT,
          "LOAD fault_rate=%.2f queries=%d ok=%d errors=%s pages=%d requests=%d faults=%d %s retries=%d"
              + " max_tries_per_page=%d rate_waits=%d elapsed_ms=%d p50_ms=%d p90_ms=%d max_ms=%d"
              + " min_ms_by_budget=%d circuit_changes=%d%n",
          faultRate,
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
          elapsed / 1_000_000,
          latencies.get(latencies.size() / 2) / 1_000_000,
          latencies.get(latencies.size() * 9 / 10) / 1_000_000,
          latencies.get(latencies.size() - 1) / 1_000_000,
          (((long) hits.size() * WEIGHT + PERMITS - 1) / PERMITS - 1) * PERIOD.toMillis(),
          events.circuitChanges().size());
      return new Figures(ok, events.waits().size(), events.circuitChanges().size());
    } finally {
      steps.shutdownNow();
    }
  }
}
