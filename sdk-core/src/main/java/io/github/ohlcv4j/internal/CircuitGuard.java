package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryTimeoutException;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.CircuitState;
import io.github.ohlcv4j.source.Page;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One circuit breaker per source (resilience4j's {@link CircuitBreaker}), configured from a {@link
 * CircuitBreakerPolicy}. A request first asks its source's breaker; an open circuit fails it at
 * once with a {@link SourceUnavailableException} that says when the source will be tried again (not
 * retryable: retrying would only hit the open circuit). Otherwise the request runs through the
 * inner guard (the rate limiter, then the call) and its outcome is recorded, timed from when it was
 * actually sent, so rate-limit waits never count as slow calls.
 *
 * <p>Only failures that speak about the source count ({@link #countsAgainstSource}): the source
 * unreachable, timing out, answering 5xx or cutting a response short. Rate limits (the venue is
 * fine, the client is too fast; the rate limiter deals with them), invalid queries, unknown symbols
 * and refused credentials are neither failures nor successes. The breaker never starts a thread: an
 * open circuit lets probes through on the first request after its open time.
 *
 * <p>Also remembers each source's last round trip, for health reports. Thread-safe.
 */
public final class CircuitGuard implements PageGuard {

  private final CircuitBreakerPolicy policy;
  private final PageGuard inner;
  private final GuardTimer timer;
  private final OhlcvEventListener listener;
  private final @Nullable CircuitBreakerConfig config;
  private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();

  /** The call being recorded on this thread, for the log of a state change it causes. */
  private record Trigger(FetchContext fetch, long durationMs) {}

  private static final ThreadLocal<@Nullable Trigger> CURRENT = new ThreadLocal<>();

  /**
   * @param policy the thresholds; {@link CircuitBreakerPolicy#none()} keeps only latencies
   * @param inner what each permitted request runs
   * @param timer the clock of the open state, and durations
   * @param listener receives {@code circuitStateChanged} events
   */
  public CircuitGuard(
      CircuitBreakerPolicy policy, PageGuard inner, GuardTimer timer, OhlcvEventListener listener) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.inner = Objects.requireNonNull(inner, "inner");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.config =
        policy.isEnabled()
            ? CircuitBreakerConfig.custom()
                .slidingWindow(
                    policy.windowSize(),
                    Math.min(policy.minimumCalls(), policy.windowSize()),
                    CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(policy.failureRateThreshold())
                .slowCallRateThreshold(policy.slowCallRateThreshold())
                .slowCallDurationThreshold(policy.slowCallDuration())
                .waitDurationInOpenState(policy.openDuration())
                .permittedNumberOfCallsInHalfOpenState(policy.halfOpenProbes())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .ignoreException(t -> !countsAgainstSource(t))
                .recordException(t -> true)
                .writableStackTraceEnabled(false)
                .clock(timer.clock())
                .build()
            : null;
  }

  /**
   * Whether an error says the source is in trouble: a {@link SourceUnavailableException}, or a
   * retryable {@link DataFormatException} (a response cut short). Nothing else counts.
   */
  public static boolean countsAgainstSource(Throwable t) {
    Throwable c = Errors.unwrap(t);
    if (c instanceof RateLimitException || c instanceof QueryTimeoutException) {
      return false; // the client is too fast; a query's own deadline passed
    }
    if (c instanceof SourceUnavailableException) {
      return true;
    }
    return c instanceof DataFormatException && ((OhlcvException) c).isRetryable();
  }

  /** What the breaker of a source looks like now, for health reports. */
  public record View(
      String state,
      Optional<Instant> retryAt,
      float failureRate,
      float slowCallRate,
      int calls,
      String lastFailure,
      Optional<Duration> latency) {

    /** Whether the circuit stops requests (open, or half open with its probes out). */
    public boolean isOpen() {
      return state.equals("OPEN") || state.equals("HALF_OPEN");
    }
  }

  /** The breaker of {@code source}, if a request was ever sent to it. */
  public Optional<View> view(String source) {
    Breaker b = breakers.get(source);
    if (b == null) {
      return Optional.empty();
    }
    long latency = b.lastLatencyNanos.get();
    Optional<Duration> l = latency < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(latency));
    CircuitBreaker cb = b.cb;
    if (cb == null) {
      return Optional.of(new View("DISABLED", Optional.empty(), -1, -1, 0, b.lastFailure, l));
    }
    CircuitBreaker.Metrics m = cb.getMetrics();
    CircuitBreaker.State s = cb.getState();
    return Optional.of(
        new View(
            s.name(),
            s == CircuitBreaker.State.OPEN ? Optional.ofNullable(b.retryAt) : Optional.empty(),
            m.getFailureRate(),
            m.getSlowCallRate(),
            m.getNumberOfBufferedCalls(),
            b.lastFailure,
            l));
  }

  /**
   * The public name of a resilience4j state; the states this guard never enters map to the nearest.
   */
  static CircuitState state(CircuitBreaker.State s) {
    switch (s) {
      case OPEN:
      case FORCED_OPEN:
        return CircuitState.OPEN;
      case HALF_OPEN:
        return CircuitState.HALF_OPEN;
      default:
        return CircuitState.CLOSED;
    }
  }

  private Breaker breaker(String source) {
    return breakers.computeIfAbsent(source, Breaker::new);
  }

  /** The breaker of one source, with what the health report and the open-circuit error need. */
  private final class Breaker {
    final String source;
    final @Nullable CircuitBreaker cb;
    final AtomicLong lastLatencyNanos = new AtomicLong(-1);
    volatile @Nullable Instant retryAt;
    volatile String lastFailure = "";

    Breaker(String source) {
      this.source = source;
      if (config == null) {
        this.cb = null;
        return;
      }
      CircuitBreaker b = CircuitBreaker.of(source, config);
      b.getEventPublisher()
          .onStateTransition(
              e ->
                  changed(
                      e.getStateTransition().getFromState(), e.getStateTransition().getToState()));
      this.cb = b;
    }

    void changed(CircuitBreaker.State from, CircuitBreaker.State to) {
      Instant now = timer.clock().instant();
      if (to == CircuitBreaker.State.OPEN) {
        retryAt = now.plus(policy.openDuration());
      }
      Trigger t = CURRENT.get();
      listener.circuitStateChanged(
          source,
          state(from),
          state(to),
          t == null ? Optional.empty() : Optional.of(t.fetch().fetch()));
      OhlcvQuery q = t == null ? null : t.fetch().query();
      long ms = t == null ? 0 : t.durationMs();
      CircuitBreaker b = cb;
      float failureRate = b == null ? -1 : b.getMetrics().getFailureRate();
      float slowRate = b == null ? -1 : b.getMetrics().getSlowCallRate();
      GuardLog.withMdc(
          source,
          q,
          ms,
          () ->
              GuardLog.LOG.warn(
                  "circuit source={} symbol={} interval={} from={} to={} failure_rate={}"
                      + " slow_call_rate={} duration_ms={}{}{}",
                  source,
                  GuardLog.symbol(q),
                  GuardLog.interval(q),
                  from,
                  to,
                  failureRate,
                  slowRate,
                  ms,
                  to == CircuitBreaker.State.OPEN ? ": requests fail at once until " + retryAt : "",
                  to == CircuitBreaker.State.OPEN && !lastFailure.isEmpty()
                      ? "; last error: " + lastFailure
                      : ""));
    }
  }

  @Override
  public CompletableFuture<Page> fetch(PageRequest request) {
    FetchContext fetch = request.fetch();
    OhlcvQuery query = request.query();
    int page = request.page();
    String name = request.sourceName();
    Breaker b = breaker(name);
    CircuitBreaker cb = b.cb;
    if (cb != null && !permitted(cb, fetch)) {
      return CompletableFuture.failedFuture(rejected(b, cb, query, page));
    }
    CompletableFuture<Page> result = new CompletableFuture<>();
    AtomicLong sentAt = new AtomicLong(Long.MIN_VALUE);
    AtomicBoolean settled = new AtomicBoolean();
    CompletableFuture<Page> f;
    try {
      f = inner.fetch(request.beforeAttempt(a -> sentAt.set(timer.nanoTime())));
    } catch (Throwable e) { // an Error from the cursor too: the request fails, it never hangs
      f = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Page> call = f;
    result.whenComplete(
        (p, e) -> {
          if (!call.isDone()) {
            call.cancel(true);
          }
          // Stopped from outside (cancelled, client closed): nothing was learnt about the source.
          if (cb != null && settled.compareAndSet(false, true)) {
            cb.releasePermission();
          }
        });
    call.whenComplete(
        (p, error) -> {
          try {
            settle(b, cb, fetch, name, settled, sentAt, result, p, error);
          } catch (Throwable t) {
            result.completeExceptionally(Errors.wrap(t, name, query));
          }
        });
    return result;
  }

  private void settle(
      Breaker b,
      @Nullable CircuitBreaker cb,
      FetchContext fetch,
      String name,
      AtomicBoolean settled,
      AtomicLong sentAt,
      CompletableFuture<Page> result,
      @Nullable Page p,
      @Nullable Throwable error) {
    long sent = sentAt.get();
    long took = sent == Long.MIN_VALUE ? 0 : Math.max(0, timer.nanoTime() - sent);
    if (error == null) {
      b.lastLatencyNanos.set(took);
      if (cb != null && settled.compareAndSet(false, true)) {
        record(fetch, took, () -> cb.onSuccess(took, TimeUnit.NANOSECONDS));
      }
      result.complete(p);
      return;
    }
    OhlcvException e = Errors.wrap(error, name, fetch.query());
    if (countsAgainstSource(e)) {
      b.lastFailure = GuardLog.firstLine(e.getMessage());
    }
    if (cb != null && !result.isDone() && settled.compareAndSet(false, true)) {
      record(fetch, took, () -> cb.onError(took, TimeUnit.NANOSECONDS, e));
    }
    result.completeExceptionally(e);
  }

  private static boolean permitted(CircuitBreaker cb, FetchContext fetch) {
    CURRENT.set(new Trigger(fetch, 0));
    try {
      return cb.tryAcquirePermission();
    } finally {
      CURRENT.remove();
    }
  }

  private static void record(FetchContext fetch, long nanos, Runnable r) {
    CURRENT.set(new Trigger(fetch, TimeUnit.NANOSECONDS.toMillis(nanos)));
    try {
      r.run();
    } finally {
      CURRENT.remove();
    }
  }

  private SourceUnavailableException rejected(
      Breaker b, CircuitBreaker cb, OhlcvQuery query, int page) {
    Instant now = timer.clock().instant();
    CircuitBreaker.Metrics m = cb.getMetrics();
    String last = b.lastFailure.isEmpty() ? "" : " Last error: " + b.lastFailure;
    if (cb.getState() == CircuitBreaker.State.HALF_OPEN) {
      return new SourceUnavailableException(
          query
              + ": not sent to "
              + b.source
              + ", which failed recently and is being probed by other requests; the circuit"
              + " closes again if they succeed. Try again in a moment."
              + last,
          b.source,
          false,
          null,
          null,
          null);
    }
    Instant at = b.retryAt != null ? b.retryAt : now.plus(policy.openDuration());
    Duration in = Duration.between(now, at);
    if (in.isNegative()) {
      in = Duration.ZERO;
    }
    return new SourceUnavailableException(
        query
            + ": not sent to "
            + b.source
            + " (page "
            + page
            + ") because its circuit breaker is open: "
            + String.format(java.util.Locale.ROOT, "%.0f%%", Math.max(0, m.getFailureRate()))
            + " of recent requests failed"
            + (m.getSlowCallRate() > 0
                ? String.format(
                    java.util.Locale.ROOT, ", %.0f%% were slow", Math.max(0, m.getSlowCallRate()))
                : "")
            + ". It will be tried again at "
            + at
            + " (in "
            + in.toSeconds()
            + " s); until then requests to it fail at once."
            + last
            + " Check the source, or tune OhlcvClient.builder().circuitBreakerPolicy(...).",
        b.source,
        false,
        in,
        null,
        null);
  }
}
