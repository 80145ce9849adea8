package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.VenueLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The resilience of one client: for each page request, retry around circuit breaker around rate
 * limit around the call ({@link RetryGuard} → {@link CircuitGuard} → {@link RateLimitGuard}), with
 * the client's {@link VenueLimitsTracker}. Keeps track of requests in flight so that closing the
 * client fails them rather than leaving them waiting on timers that will never fire. Thread-safe.
 */
public final class ClientGuards implements PageGuard, RequestGate, AutoCloseable {

  private final VenueLimitsTracker venues;
  private final RateLimitGuard rateLimits;
  private final CircuitGuard circuits;
  private final RetryGuard retries;
  private final GuardTimer timer;
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param retry the retry policy, for every source
   * @param circuitBreaker the circuit-breaker policy, one breaker per source
   * @param rateLimit the client-side rate limit for every group, or null to use each source's
   *     suggestion ({@link io.github.ohlcv4j.source.SourceCapabilities#rateLimit()}, else none)
   * @param groupRateLimits rate limits for named groups, which win over {@code rateLimit}
   * @param listener receives events (already safe to call)
   * @param timer clock and scheduler
   * @param random uniform numbers in [0, 1) for jitter
   */
  public ClientGuards(
      RetryPolicy retry,
      CircuitBreakerPolicy circuitBreaker,
      @Nullable RateLimitPolicy rateLimit,
      Map<String, RateLimitPolicy> groupRateLimits,
      OhlcvEventListener listener,
      GuardTimer timer,
      DoubleSupplier random) {
    Map<String, RateLimitPolicy> byGroup = Map.copyOf(groupRateLimits);
    this.timer = Objects.requireNonNull(timer, "timer");
    this.venues = new VenueLimitsTracker(timer.clock());
    this.rateLimits =
        new RateLimitGuard(
            PageGuard.NONE,
            venues,
            source -> {
              RateLimitPolicy p = byGroup.get(RateLimitGuard.group(source));
              if (p != null) {
                return p;
              }
              if (rateLimit != null) {
                return rateLimit;
              }
              return source.capabilities().rateLimit().orElse(RateLimitPolicy.none());
            },
            timer,
            listener);
    this.circuits = new CircuitGuard(circuitBreaker, rateLimits, timer, listener);
    this.retries = new RetryGuard(retry, circuits, timer, listener, random);
  }

  /** The venue limits sources of this client report to (a component of their context). */
  public VenueLimits venueLimits() {
    return venues;
  }

  /** The client-side rate limit in force for {@code source}'s group. */
  public RateLimitPolicy rateLimitPolicy(CandleSource source) {
    return rateLimits.policy(source);
  }

  @Override
  public CompletableFuture<Page> fetch(PageRequest request) {
    OhlcvQuery query = request.query();
    String name = request.sourceName();
    if (closed) {
      return CompletableFuture.failedFuture(closedError(name, query));
    }
    CompletableFuture<Page> f = new CompletableFuture<>();
    pending.add(f);
    CompletableFuture<Page> inner;
    try {
      inner = retries.fetch(request);
    } catch (Throwable e) {
      inner = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Page> attempts = inner;
    f.whenComplete(
        (p, e) -> {
          pending.remove(f);
          if (!attempts.isDone()) {
            attempts.cancel(true); // cancelled, or the client closed: stop what runs or waits
          }
        });
    attempts.whenComplete(
        (p, e) -> {
          if (e == null) {
            f.complete(p);
          } else if (closed) {
            // A failure while the client closes (a retry the stopped timer refused, a call cut
            // off) is the closing's doing.
            ClientClosedException c = closedError(name, query);
            c.initCause(Errors.unwrap(e));
            f.completeExceptionally(c);
          } else {
            f.completeExceptionally(e);
          }
        });
    if (closed) {
      f.completeExceptionally(closedError(name, query));
    }
    return f;
  }

  /**
   * Holds a request that is not a page back as {@link #fetch} holds a page request back, without
   * retrying it or counting it against the circuit breaker: the venue's pause, then the client's
   * budget ({@link RateLimitGuard#admit}). Closing the client fails the wait.
   */
  @Override
  public CompletableFuture<Void> admit(CandleSource source, int weight, String what) {
    if (closed) {
      return CompletableFuture.failedFuture(closedError(source.name(), what));
    }
    CompletableFuture<Void> f = rateLimits.admit(source, weight, what);
    pending.add(f);
    f.whenComplete((v, e) -> pending.remove(f));
    if (closed) {
      f.completeExceptionally(closedError(source.name(), what));
    }
    return f;
  }

  /**
   * Whether {@code source}'s venue has paused or banned this client now (a 429's {@code
   * Retry-After}, a ban), so that nothing, health checks included, should be sent to it.
   */
  public boolean isPaused(CandleSource source) {
    return venues.pausedUntil(RateLimitGuard.group(source), timer.clock().instant()).isPresent();
  }

  /**
   * The error for a request to {@code source} now, if its venue has paused or banned this client: a
   * {@link io.github.ohlcv4j.RateLimitException} that waits until the pause ends (with {@code
   * bannedUntil} for a ban), for requests that do not go through the page guards.
   */
  public Optional<io.github.ohlcv4j.RateLimitException> paused(CandleSource source, String what) {
    String group = RateLimitGuard.group(source);
    Instant now = timer.clock().instant();
    Optional<Instant> until = venues.pausedUntil(group, now);
    if (until.isEmpty()) {
      return Optional.empty();
    }
    boolean ban = venues.isBanned(group, now);
    String message =
        source.name()
            + ": not asked for "
            + what
            + ": "
            + (ban ? "the venue banned this client" : "the venue asked for no requests")
            + " until "
            + until.get()
            + " ("
            + venues.pauseReason(group)
            + "); ask again after that.";
    var b =
        ban
            ? io.github.ohlcv4j.RateLimitException.ban(source.name(), message, until.get())
            : io.github.ohlcv4j.RateLimitException.of(source.name(), message);
    return Optional.of(b.retryAfter(java.time.Duration.between(now, until.get())).build());
  }

  /**
   * {@code checked} with what the guards know added: an open circuit or a venue pause makes an up
   * source {@link Health.Status#DEGRADED} and says until when; the latency of the last request
   * fills in when the check made none.
   */
  public Health health(CandleSource source, Health checked) {
    Instant now = timer.clock().instant();
    Health.Status status = checked.status();
    List<String> notes = new ArrayList<>();
    if (!checked.detail().isEmpty()) {
      notes.add(checked.detail());
    }
    Optional<CircuitGuard.View> view = circuits.view(source.name());
    if (view.isPresent() && view.get().isOpen()) {
      CircuitGuard.View v = view.get();
      if (v.state().equals("OPEN")) {
        Instant at = v.retryAt().orElse(now);
        notes.add(
            "circuit open: "
                + Math.round(Math.max(0, v.failureRate()))
                + "% of recent requests failed"
                + (v.lastFailure().isEmpty() ? "" : " (last: " + v.lastFailure() + ")")
                + (at.isAfter(now)
                    ? "; requests fail at once until " + at
                    : "; the next request probes it"));
      } else {
        notes.add("circuit half open: probing whether the source recovered");
      }
      status = worse(status, Health.Status.DEGRADED);
    }
    String group = RateLimitGuard.group(source);
    Optional<Instant> paused = venues.pausedUntil(group, now);
    if (paused.isPresent()) {
      notes.add(
          (venues.isBanned(group, now) ? "banned by the venue" : "paused at the venue's request")
              + " until "
              + paused.get());
      status = worse(status, Health.Status.DEGRADED);
    }
    OptionalDouble usage = venues.usage(group, now);
    if (usage.isPresent() && usage.getAsDouble() >= VenueLimitsTracker.SLOW_DOWN_AT) {
      notes.add(
          "venue rate budget " + Math.round(usage.getAsDouble() * 100) + "% spent: slowing down");
    }
    return new Health(
        checked.source(),
        status,
        checked.latency().or(() -> view.flatMap(CircuitGuard.View::latency)),
        checked.version(),
        String.join("; ", notes),
        checked.checkedAt());
  }

  private static Health.Status worse(Health.Status a, Health.Status b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /** Fails every request still waiting or in flight; later requests fail at once. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<?> f : List.copyOf(pending)) {
      f.completeExceptionally(
          new ClientClosedException(
              "The OhlcvClient was closed while this request was in flight or waiting (for a"
                  + " retry or a rate limit); it was stopped. Close the client only when no"
                  + " query needs it any more.",
              null,
              null));
    }
  }

  private static ClientClosedException closedError(String source, OhlcvQuery query) {
    return closedError(source, query.toString());
  }

  private static ClientClosedException closedError(String source, String what) {
    return new ClientClosedException(
        "The OhlcvClient was closed; "
            + what
            + " on "
            + source
            + " was not sent. Build a new client, or close it only when no query needs it.",
        source,
        null);
  }
}
