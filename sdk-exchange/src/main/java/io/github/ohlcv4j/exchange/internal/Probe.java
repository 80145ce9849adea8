package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.source.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.Request;

/**
 * Checks that a venue answers: one light request (a ping or server-time endpoint), up if it answers
 * 2xx, degraded if it answers with a rate-limit status, down otherwise.
 */
public final class Probe {
  private Probe() {}

  /** Sends {@code request} and waits at most {@code timeout} for the answer. */
  public static Health check(
      Http http, Request request, String source, Clock clock, Duration timeout) {
    Instant at = clock.instant();
    long t0 = System.nanoTime();
    CompletableFuture<Integer> f = http.send(request, r -> r.code());
    try {
      int code = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Optional<Duration> latency = Optional.of(Duration.ofNanos(System.nanoTime() - t0));
      if (code >= 200 && code < 300) {
        return new Health(source, Health.Status.UP, latency, Optional.empty(), "", at);
      }
      Health.Status status =
          code == 429 || code == 418 || code == 403 ? Health.Status.DEGRADED : Health.Status.DOWN;
      return new Health(
          source,
          status,
          latency,
          Optional.empty(),
          "HTTP " + code + (status == Health.Status.DEGRADED ? " (rate limit or ban)" : ""),
          at);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      return down(source, "interrupted", at);
    } catch (TimeoutException e) {
      f.cancel(true);
      return down(source, "no answer within " + timeout.toMillis() + " ms", at);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      return down(source, c instanceof OhlcvException ? c.getMessage() : String.valueOf(c), at);
    }
  }

  private static Health down(String source, String detail, Instant at) {
    return new Health(source, Health.Status.DOWN, Optional.empty(), Optional.empty(), detail, at);
  }
}
