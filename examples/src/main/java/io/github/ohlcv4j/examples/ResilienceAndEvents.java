package io.github.ohlcv4j.examples;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.CircuitState;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Shows the resilience settings and the event listener at work: a week of one-minute candles is
 * read page by page from a source that fails now and then, and the listener prints the progress,
 * every retry with its cause and wait, the rate-limit waits and circuit changes, until the complete
 * series arrives.
 *
 * <p>The source is the embedded sample market behind a wrapper that makes a seeded share of page
 * requests fail the way networks and venues do (a server error, or a "too many requests" asking for
 * a short wait), so this runs with no network and shows the same thing every time. With a real
 * venue nothing changes but the source URI.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.ResilienceAndEvents
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.ResilienceAndEvents \
 *     -Dexec.args="0.4"
 * </pre>
 */
public final class ResilienceAndEvents {
  private ResilienceAndEvents() {}

  /**
   * Runs the example.
   *
   * @param args optional share of page requests that fail, between 0 and 0.9 (default 0.25)
   */
  public static void main(String[] args) {
    double failureRate = args.length > 0 ? Double.parseDouble(args[0]) : 0.25;
    if (!(failureRate >= 0 && failureRate <= 0.9)) {
      System.err.println("The failure rate must be between 0 and 0.9, got " + args[0]);
      System.exit(2);
    }
    CandleSource flaky =
        new FlakySource(SampleSource.builder().pageSize(720).build(), failureRate, 2);

    try (OhlcvClient client =
        OhlcvClient.builder()
            .source(flaky)
            // Up to 6 attempts per page, waiting 100 ms, 200 ms, 400 ms ... (at most 2 s) with ±20%
            // jitter.
            .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 6))
            // Stop calling the source for 5 s when more than 70% of the last 20 calls failed.
            .circuitBreakerPolicy(
                CircuitBreakerPolicy.ofDefaults()
                    .withFailureRateThreshold(70)
                    .withWindow(20, 10)
                    .withOpenDuration(Duration.ofSeconds(5)))
            // At most 8 requests a second to this source, shared by every query of the client.
            .rateLimitPolicy(flaky.name(), RateLimitPolicy.of(8, Duration.ofSeconds(1)))
            .eventListener(new PrintingListener())
            .build()) {

      OhlcvQuery week =
          OhlcvQuery.builder()
              .symbol("BTCUSDT")
              .interval(Interval.M1)
              .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-08T00:00:00Z"))
              .build();
      System.out.println(
          "Query: " + week + " from a source failing " + percent(failureRate) + " of requests");

      CandleSeries candles = client.fetch(week);
      System.out.println();
      System.out.println(
          "Complete: "
              + candles.size()
              + " candles, "
              + candles.gaps().size()
              + " gaps, quality "
              + String.format(Locale.ROOT, "%.4f", candles.quality().score()));
      for (Map.Entry<String, Health> h : client.health().entrySet()) {
        System.out.println("Health of " + h.getKey() + ": " + h.getValue().status());
      }
    } catch (OhlcvException e) {
      System.err.println("The query failed for good: " + e.getMessage());
      System.exit(1);
    }
  }

  private static String percent(double share) {
    return Math.round(share * 100) + "%";
  }

  /** Prints what the client does; a real application would feed its metrics instead. */
  static final class PrintingListener implements OhlcvEventListener {
    @Override
    public void progress(Fetch fetch, Progress p) {
      String fraction = p.fraction().map(f -> percent(f)).orElse("?");
      System.out.printf(
          Locale.ROOT,
          "  page %2d: %,7d candles so far, %4s of the range%n",
          p.pages(),
          p.rows(),
          fraction);
    }

    @Override
    public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
      System.out.printf(
          Locale.ROOT,
          "  retry: attempt %d in %d ms after %s: %s%n",
          attempt,
          wait.toMillis(),
          cause.getClass().getSimpleName(),
          cause.getMessage());
    }

    @Override
    public void rateLimitWait(Fetch fetch, Duration wait) {
      System.out.printf(
          Locale.ROOT, "  rate limit: waiting %d ms before the next request%n", wait.toMillis());
    }

    @Override
    public void circuitStateChanged(
        String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {
      System.out.println("  circuit of " + source + ": " + from + " -> " + to);
    }

    @Override
    public void fetchEnd(Fetch fetch, int rows, Duration duration) {
      System.out.printf(Locale.ROOT, "  done: %,d candles in %d ms%n", rows, duration.toMillis());
    }
  }

  /**
   * Wraps a source and fails a seeded share of its page requests: half of the failures are server
   * errors, the other half rate limits asking to wait 300 ms. Failing requests do not move the
   * cursor, so a retry asks for the same page.
   */
  static final class FlakySource implements CandleSource {
    private final CandleSource delegate;
    private final double failureRate;
    private final Random random;

    FlakySource(CandleSource delegate, double failureRate, long seed) {
      this.delegate = delegate;
      this.failureRate = failureRate;
      this.random = new Random(seed);
    }

    @Override
    public String name() {
      return "flaky-sample";
    }

    @Override
    public SourceCapabilities capabilities() {
      return delegate.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      PageCursor inner = delegate.cursor(query);
      return new PageCursor() {
        @Override
        public boolean hasNext() {
          return inner.hasNext();
        }

        @Override
        public CompletableFuture<Page> next() {
          double r;
          synchronized (random) {
            r = random.nextDouble();
          }
          if (r < failureRate / 2) {
            return CompletableFuture.failedFuture(
                SourceUnavailableException.retryable(
                        name(), "HTTP 503 from " + name() + " (simulated)")
                    .build());
          }
          if (r < failureRate) {
            return CompletableFuture.failedFuture(
                RateLimitException.of(
                        name(), "Too many requests to " + name() + " (simulated); wait 300 ms")
                    .retryAfter(Duration.ofMillis(300))
                    .venueCode("429")
                    .build());
          }
          return inner.next();
        }

        @Override
        public int remainingEstimate() {
          return inner.remainingEstimate();
        }

        @Override
        public void close() {
          inner.close();
        }
      };
    }
  }
}
