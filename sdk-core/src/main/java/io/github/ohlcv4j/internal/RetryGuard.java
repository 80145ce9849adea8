package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Page;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Retries a page request as a {@link RetryPolicy} says. resilience4j's {@link Retry} decides (which
 * errors, how many attempts, how long to wait); this guard does the waiting on a {@link GuardTimer}
 * rather than on a blocked thread, stops at the policy's time budget, and lets a cancel reach the
 * request in flight or the pending wait.
 *
 * <p>The wait before attempt {@code n + 1} is the policy's backoff with jitter, replaced by the
 * venue's {@link OhlcvException#retryAfter()} when it gave one, and never ending before a venue ban
 * ({@link RateLimitException#bannedUntil()}) does. Only errors whose {@link
 * OhlcvException#isRetryable()} is true are retried, except requests the rate limiter refused to
 * send ({@link RateLimitGuard.Refusal}): they already waited as long as allowed. When the wait
 * would carry the next attempt past {@link RetryPolicy#maxElapsed()} from the first one, the last
 * error is the answer.
 *
 * <p>Each attempt runs the inner guard in full (circuit breaker, rate limiter): every attempt is a
 * real request that costs the venue's budget and that the breaker must judge, and an open circuit
 * ends the retries at once. Thread-safe.
 */
public final class RetryGuard implements PageGuard {
  private final RetryPolicy policy;
  private final PageGuard inner;
  private final GuardTimer timer;
  private final OhlcvEventListener listener;
  private final DoubleSupplier random;
  private final Retry retry;

  /**
   * @param policy when to retry
   * @param inner what each attempt runs (circuit breaker and rate limiter), or {@link
   *     PageGuard#NONE}
   * @param timer runs retries after their wait; measures the time budget; the clock for bans
   * @param listener receives page-failure and retry events
   * @param random uniform numbers in [0, 1) for jitter
   */
  public RetryGuard(
      RetryPolicy policy,
      PageGuard inner,
      GuardTimer timer,
      OhlcvEventListener listener,
      DoubleSupplier random) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.inner = Objects.requireNonNull(inner, "inner");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.random = Objects.requireNonNull(random, "random");
    RetryConfig config =
        RetryConfig.<Page>custom()
            .maxAttempts(policy.maxAttempts())
            .retryOnException(RetryGuard::retryable)
            .intervalBiFunction(this::waitMillis)
            .failAfterMaxAttempts(false)
            .writableStackTraceEnabled(false)
            .build();
    this.retry = Retry.of("ohlcv4j", config);
  }

  private static boolean retryable(Throwable t) {
    Throwable c = Errors.unwrap(t);
    return c instanceof OhlcvException
        && ((OhlcvException) c).isRetryable()
        && !(c instanceof RateLimitGuard.Refusal); // it already waited as long as allowed
  }

  /** The wait after {@code failures} failures, the last being {@code outcome}'s error. */
  private Long waitMillis(Integer failures, Either<Throwable, Page> outcome) {
    Throwable t = outcome.isLeft() ? Errors.unwrap(outcome.getLeft()) : null;
    return retryWait(failures, t instanceof OhlcvException ? (OhlcvException) t : null).toMillis();
  }

  /**
   * The wait before the attempt after {@code failures} failures, the last being {@code e}: the
   * backoff with jitter, or the venue's {@code retryAfter}, and at least until a ban ends.
   */
  Duration retryWait(int failures, @Nullable OhlcvException e) {
    Duration wait = policy.backoff(failures, random.getAsDouble());
    if (e != null && e.retryAfter().isPresent()) {
      wait = e.retryAfter().get();
    }
    if (e instanceof RateLimitException && ((RateLimitException) e).bannedUntil().isPresent()) {
      Instant now = timer.clock().instant();
      Duration ban = VenueWaits.until(now, ((RateLimitException) e).bannedUntil().get());
      if (ban.compareTo(wait) > 0) {
        wait = ban;
      }
    }
    // What a venue asks for is trusted up to a point: never past VenueWaits.MAX (the retry budget
    // normally ends it long before).
    return VenueWaits.cap(wait);
  }

  @Override
  public CompletableFuture<Page> fetch(PageRequest request) {
    return new Call(request).start();
  }

  /** The attempts at one page. */
  private final class Call {
    final PageRequest request;
    final String name;
    final FetchContext fetch;
    final OhlcvQuery query;
    final int page;
    final Retry.AsyncContext<Page> context = retry.asyncContext();
    final CompletableFuture<Page> result = new CompletableFuture<>();
    final AtomicReference<@Nullable Future<?>> current = new AtomicReference<>();
    final long started = timer.nanoTime();

    Call(PageRequest request) {
      this.request = request;
      this.name = request.sourceName();
      this.fetch = request.fetch();
      this.query = request.query();
      this.page = request.page();
    }

    CompletableFuture<Page> start() {
      result.whenComplete(
          (p, e) -> {
            Future<?> f = current.get();
            if (f != null && !f.isDone()) {
              f.cancel(true); // cancelled or failed from outside: stop the attempt or the wait
            }
          });
      attempt(1);
      return result;
    }

    void attempt(int n) {
      if (result.isDone()) {
        return;
      }
      long t0 = timer.nanoTime();
      CompletableFuture<Page> f;
      try {
        f = inner.fetch(request.asAttempt(n));
      } catch (Throwable e) { // an Error from the cursor too: the page fails, it never hangs
        f = CompletableFuture.failedFuture(e);
      }
      current.set(f);
      if (result.isDone()) {
        f.cancel(true);
        return;
      }
      f.whenComplete(
          (p, error) -> {
            try {
              if (error == null) {
                context.onComplete();
                result.complete(p);
              } else {
                failed(n, Errors.wrap(error, name, query), timer.nanoTime() - t0);
              }
            } catch (Throwable e) {
              result.completeExceptionally(Errors.wrap(e, name, query));
            }
          });
    }

    void failed(int n, OhlcvException e, long tookNanos) {
      if (result.isDone()) {
        return; // cancelled or closed: the failure is the cancel's echo
      }
      Duration took = Duration.ofNanos(tookNanos);
      fetch.attemptFailed(e);
      listener.pageFailed(fetch.fetch(), page, e, took);
      long ms = context.onError(e);
      if (ms < 0) {
        giveUp(n, e, retryable(e) ? outOfAttempts(n) : "");
        return;
      }
      Duration wait = Duration.ofMillis(ms);
      Duration elapsed = Duration.ofNanos(timer.nanoTime() - started);
      if (elapsed.plus(wait).compareTo(policy.maxElapsed()) > 0) {
        giveUp(
            n,
            e,
            attempts(n)
                + ": the next one, in "
                + wait.toMillis()
                + " ms, would start past the retry budget of "
                + policy.maxElapsed()
                + ". Try again later, or give the retry policy a longer budget"
                + " (RetryPolicy.withMaxElapsed).");
        return;
      }
      listener.retry(fetch.fetch(), n + 1, e, wait);
      GuardLog.withMdc(
          name,
          query,
          took.toMillis(),
          () ->
              GuardLog.LOG.warn(
                  "retry source={} symbol={} interval={} page={} attempt={} wait_ms={}"
                      + " duration_ms={} error={}: {}",
                  name,
                  query.symbol(),
                  query.interval(),
                  page,
                  n + 1,
                  wait.toMillis(),
                  took.toMillis(),
                  e.getClass().getSimpleName(),
                  GuardLog.firstLine(e.getMessage())));
      try {
        current.set(timer.schedule(fetch.wrap(() -> attempt(n + 1)), wait));
      } catch (Throwable stopped) { // the scheduler is shut down: the client is closing
        e.addSuppressed(stopped);
        giveUp(n, e, "");
        return;
      }
      if (result.isDone()) {
        Future<?> f = current.get();
        if (f != null) {
          f.cancel(false);
        }
      }
    }

    /** What to say when the policy's attempts are used up on a retryable error. */
    String outOfAttempts(int n) {
      if (n == 1) {
        return "Not retried: the client's retry policy allows one attempt (RetryPolicy.none())."
            + " Try again later, or give the client a retry policy with more attempts.";
      }
      return attempts(n)
          + ", as many as the client's retry policy allows. Try again later, check the source"
          + " (OhlcvClient.health()), or allow more attempts (RetryPolicy.withMaxAttempts).";
    }

    String attempts(int n) {
      Duration spent = Duration.ofNanos(timer.nanoTime() - started);
      return "Gave up on page "
          + page
          + " after "
          + n
          + (n == 1 ? " attempt" : " attempts")
          + " in "
          + text(spent);
    }

    void giveUp(int n, OhlcvException e, String how) {
      if (!how.isEmpty()) {
        e.addSuppressed(new GaveUp(how));
      }
      result.completeExceptionally(e);
    }
  }

  /** {@code 850 ms}, {@code 12.3 s}: how long the attempts took, for messages. */
  static String text(Duration d) {
    long ms = d.toMillis();
    return ms < 10_000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /**
   * A note on the last error, never thrown: why the retries stopped and what to do. {@link
   * OhlcvException#getMessage()} ends with it, so the message that reaches the caller, the logs and
   * {@code health()} says how many attempts were made, whatever the source's own text says.
   */
  public static final class GaveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GaveUp(String message) {
      super(message, null, false, false);
    }
  }
}
