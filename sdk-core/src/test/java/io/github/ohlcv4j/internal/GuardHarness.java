package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.testing.RecordingListener;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The guards of a client, in virtual time, driving queries through the real {@link QueryEngine} on
 * the test's thread. Jitter is off (the random source always says 0.5).
 */
final class GuardHarness {
  final VirtualTime time = VirtualTime.start();
  final RecordingListener events = new RecordingListener(time::elapsed);
  final ClientGuards guards;
  final QueryEngine engine;

  GuardHarness(RetryPolicy retry) {
    this(retry, CircuitBreakerPolicy.none(), null, Map.of());
  }

  GuardHarness(
      RetryPolicy retry,
      CircuitBreakerPolicy circuit,
      @Nullable RateLimitPolicy rateLimit,
      Map<String, RateLimitPolicy> groups) {
    this.guards = new ClientGuards(retry, circuit, rateLimit, groups, events, time, () -> 0.5);
    this.engine = new QueryEngine(time, time, events, guards, Runnable::run, () -> false);
  }

  /** {@code minutes} 1m candles of BTCUSDT from 2023-06-01T00:00Z. */
  static OhlcvQuery query(int minutes) {
    return query("BTCUSDT", minutes);
  }

  static OhlcvQuery query(String symbol, int minutes) {
    Instant from = Instant.parse("2023-06-01T00:00:00Z");
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(Interval.M1)
        .between(from, from.plus(Duration.ofMinutes(minutes)))
        .build();
  }

  CompletableFuture<CandleSeries> start(CandleSource source, OhlcvQuery query) {
    return engine.fetchAsync(source, query);
  }

  /** The error a finished future failed with. */
  static OhlcvException error(CompletableFuture<?> f) {
    if (!f.isDone()) {
      throw new AssertionError(
          "expected the query to have ended with an error; it is still running");
    }
    try {
      f.get();
    } catch (ExecutionException e) {
      return (OhlcvException) e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }
}
