package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.IntConsumer;

/**
 * Retries a page request as a {@link RetryPolicy} says, waiting on a scheduler rather than a
 * blocked thread; honours the venue's {@code retryAfter} and bans; cancelling the result cancels
 * the request or the pending retry.
 */
public final class RetryGuard implements PageGuard {
  private final RetryPolicy policy;
  private final PageGuard inner;
  private final ScheduledExecutorService scheduler;
  private final OhlcvEventListener listener;
  private final Clock clock;
  private final DoubleSupplier random;

  /**
   * @param policy when to retry
   * @param inner what each attempt runs (rate limiter, circuit breaker), or {@link PageGuard#NONE}
   * @param scheduler runs retries after their wait
   * @param listener receives retry and failure events
   * @param clock measures the time budget and bans
   * @param random uniform numbers in [0, 1) for jitter
   */
  public RetryGuard(
      RetryPolicy policy,
      PageGuard inner,
      ScheduledExecutorService scheduler,
      OhlcvEventListener listener,
      Clock clock,
      DoubleSupplier random) {
    this.policy = policy;
    this.inner = inner;
    this.scheduler = scheduler;
    this.listener = listener;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public CompletableFuture<Page> fetch(
      String source, OhlcvQuery query, int page, PageCursor cursor, IntConsumer attemptStart) {
    CompletableFuture<Page> result = new CompletableFuture<>();
    AtomicReference<Future<?>> current = new AtomicReference<>();
    Instant started = clock.instant();
    result.whenComplete(
        (p, e) -> {
          if (result.isCancelled()) {
            Future<?> f = current.get();
            if (f != null) {
              f.cancel(true);
            }
          }
        });
    attempt(1, source, query, page, cursor, attemptStart, result, current, started);
    return result;
  }

  private void attempt(
      int n,
      String source,
      OhlcvQuery query,
      int page,
      PageCursor cursor,
      IntConsumer attemptStart,
      CompletableFuture<Page> result,
      AtomicReference<Future<?>> current,
      Instant started) {
    if (result.isDone()) {
      return;
    }
    long t0 = System.nanoTime();
    CompletableFuture<Page> f;
    try {
      f = inner.fetch(source, query, page, cursor, a -> attemptStart.accept(n));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    current.set(f);
    if (result.isCancelled()) {
      f.cancel(true);
      return;
    }
    f.whenComplete(
        (p, error) -> {
          if (error == null) {
            result.complete(p);
            return;
          }
          OhlcvException e = Errors.wrap(error, source, query);
          listener.pageFailed(query, source, page, e, Duration.ofNanos(System.nanoTime() - t0));
          if (result.isDone()) {
            return;
          }
          Duration wait = retryWait(n, e, started);
          if (wait == null) {
            result.completeExceptionally(e);
            return;
          }
          listener.retry(query, source, n + 1, e, wait);
          current.set(
              scheduler.schedule(
                  () ->
                      attempt(
                          n + 1,
                          source,
                          query,
                          page,
                          cursor,
                          attemptStart,
                          result,
                          current,
                          started),
                  wait.toMillis(),
                  TimeUnit.MILLISECONDS));
        });
  }

  /** The wait before the next attempt, or null if there is none. */
  Duration retryWait(int failures, OhlcvException e, Instant started) {
    if (!e.isRetryable() || failures >= policy.maxAttempts()) {
      return null;
    }
    Instant now = clock.instant();
    Duration wait = policy.backoff(failures, random.getAsDouble());
    if (e.retryAfter().isPresent()) {
      wait = e.retryAfter().get();
    }
    if (e instanceof RateLimitException && ((RateLimitException) e).bannedUntil().isPresent()) {
      Duration ban = Duration.between(now, ((RateLimitException) e).bannedUntil().get());
      if (ban.compareTo(wait) > 0) {
        wait = ban;
      }
    }
    if (wait.isNegative()) {
      wait = Duration.ZERO;
    }
    Duration elapsed = Duration.between(started, now).plus(wait);
    if (elapsed.compareTo(policy.maxElapsed()) > 0) {
      return null;
    }
    return wait;
  }
}
