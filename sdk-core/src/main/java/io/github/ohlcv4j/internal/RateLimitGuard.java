package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Holds a page request back until its rate-limit group may send it, then sends it through the inner
 * guard. Two things are waited for, in this order: the venue ({@link VenueLimitsTracker}: a pause
 * after a 429 or a ban, a budget the venue reports nearly spent), then the client's own budget (a
 * resilience4j {@link RateLimiter} per group that counts {@link PageCursor#nextWeight()}). The
 * venue comes first so that requests released when a pause ends still pass the client's budget
 * rather than all going at once.
 *
 * <p>Waits run on the {@link GuardTimer}: no thread is blocked. A request that would wait longer
 * than the group's {@link RateLimitPolicy#maxWait()} in all fails at once with a {@link
 * RateLimitException} saying until when. A {@link RateLimitException} from the venue that says how
 * long to wait (or until when it bans) pauses the whole group. Thread-safe.
 */
public final class RateLimitGuard implements PageGuard {

  private final PageGuard inner;
  private final VenueLimitsTracker venues;
  private final Function<CandleSource, RateLimitPolicy> policies;
  private final GuardTimer timer;
  private final OhlcvEventListener listener;
  private final ConcurrentHashMap<String, Budget> budgets = new ConcurrentHashMap<>();

  /** A group's client-side budget. */
  private static final class Budget {
    final RateLimitPolicy policy;
    final @Nullable RateLimiter limiter;

    Budget(RateLimitPolicy policy, @Nullable RateLimiter limiter) {
      this.policy = policy;
      this.limiter = limiter;
    }
  }

  /**
   * @param inner what runs once the request may go (the circuit breaker's inner call, or {@link
   *     PageGuard#NONE})
   * @param venues what venues said about their limits
   * @param policies the client-side policy of a source's group, asked once per group
   * @param timer clock and scheduler for the waits
   * @param listener receives {@code rateLimitWait} events
   */
  public RateLimitGuard(
      PageGuard inner,
      VenueLimitsTracker venues,
      Function<CandleSource, RateLimitPolicy> policies,
      GuardTimer timer,
      OhlcvEventListener listener) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.venues = Objects.requireNonNull(venues, "venues");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * A request the client did not send because it would have waited longer than the policy allows: a
   * {@link RateLimitException} (retryable later, after {@link #retryAfter()}), which the retry
   * guard does not retry, since that would only wait longer than the application asked.
   */
  public static final class Refusal extends RateLimitException {
    private static final long serialVersionUID = 1L;

    Refusal(String message, String source, Duration retryAfter, @Nullable Instant bannedUntil) {
      super(message, source, retryAfter, null, bannedUntil, null);
    }
  }

  /** The rate-limit group of a source: its capabilities' group, else its name. */
  public static String group(CandleSource source) {
    String g = source.capabilities().rateLimitGroup();
    return g.isEmpty() ? source.name() : g;
  }

  /** The client-side policy in force for {@code source}'s group. */
  public RateLimitPolicy policy(CandleSource source) {
    return budget(source).policy;
  }

  private Budget budget(CandleSource source) {
    return budgets.computeIfAbsent(
        group(source),
        g -> {
          RateLimitPolicy p = Objects.requireNonNull(policies.apply(source), "policy");
          if (!p.isEnabled()) {
            return new Budget(p, null);
          }
          RateLimiterConfig config =
              RateLimiterConfig.custom()
                  .limitForPeriod(p.permits())
                  .limitRefreshPeriod(p.period())
                  .timeoutDuration(p.maxWait())
                  .writableStackTraceEnabled(false)
                  .build();
          return new Budget(p, RateLimiter.of("ohlcv4j:" + g, config, timer::nanoTime));
        });
  }

  @Override
  public CompletableFuture<Page> fetch(PageRequest request) {
    return new Call(request).start();
  }

  /**
   * Holds back a request that is not a page of candles (a venue's instruments, say) the way a page
   * request is held back: the venue's pause or spent budget first, then the client's budget for
   * {@code source}'s group, each wait bounded by the group's {@link RateLimitPolicy#maxWait()}. The
   * future completes when the request may be sent, or fails with a {@link RateLimitException} if it
   * would wait longer than allowed; cancelling it stops the wait.
   *
   * @param weight what the request costs of the client's budget (1 for most venues)
   * @param what what the request asks for, for messages: {@code "polygon instruments"}
   */
  public CompletableFuture<Void> admit(CandleSource source, int weight, String what) {
    return new Admission(source, weight, what).start();
  }

  /**
   * One request's way through the waits: the venue, then the client's budget, then {@link #send()}.
   *
   * @param <T> what the request gives
   */
  private abstract class Waits<T> {
    final String name;
    final String group;
    final Budget budget;
    final int weight;
    final CompletableFuture<T> result = new CompletableFuture<>();
    final AtomicReference<@Nullable Future<?>> current = new AtomicReference<>();
    Duration waited = Duration.ZERO;

    Waits(CandleSource source, String name, int weight) {
      this.name = name;
      this.group = group(source);
      this.budget = budget(source);
      this.weight = Math.max(0, weight);
    }

    /** Sends the request (or lets it go) once every wait is over. */
    abstract void send();

    /** Reports a wait of {@code wait} before {@code next} runs; returns what to schedule. */
    abstract Runnable waiting(Duration wait, String reason, Runnable next);

    /** What the request is, for messages: the query, or what a request that is not a page asks. */
    abstract String subject();

    /** {@code e} as the typed error of this request. */
    abstract OhlcvException error(Throwable e);

    CompletableFuture<T> start() {
      result.whenComplete(
          (p, e) -> {
            Future<?> f = current.get();
            if (f != null && !f.isDone()) {
              f.cancel(true); // cancelled or failed from outside: stop the wait or the request
            }
          });
      askVenue();
      return result;
    }

    void askVenue() {
      if (result.isDone()) {
        return;
      }
      try {
        Instant now = timer.clock().instant();
        VenueLimitsTracker.Pass pass = venues.pass(group, weight, now);
        if (pass.delay().isZero()) {
          askClientBudget();
          return;
        }
        Duration total = waited.plus(pass.delay());
        if (total.compareTo(budget.policy.maxWait()) > 0) {
          fail(tooLong(pass, now));
          return;
        }
        waitThen(
            pass.delay(), pass.reason(), pass.granted() ? this::askClientBudget : this::askVenue);
      } catch (Throwable e) {
        fail(error(e));
      }
    }

    void askClientBudget() {
      try {
        askClientBudgetNow();
      } catch (Throwable e) {
        fail(error(e));
      }
    }

    private void askClientBudgetNow() {
      if (result.isDone()) {
        return;
      }
      RateLimiter limiter = budget.limiter;
      if (limiter == null || weight == 0) {
        send();
        return;
      }
      long nanos = limiter.reservePermission(weight);
      if (nanos < 0) {
        fail(
            new Refusal(
                subject()
                    + ": the client's own rate limit for "
                    + group
                    + " ("
                    + budget.policy
                    + ") has no room for this request (weight "
                    + weight
                    + ") within "
                    + budget.policy.maxWait()
                    + ", so it was not sent. Too many queries share this budget; send fewer at"
                    + " once or raise maxWait.",
                name,
                budget.policy.maxWait(),
                null));
        return;
      }
      if (nanos == 0) {
        send();
      } else {
        waitThen(Duration.ofNanos(nanos), "client budget", this::send);
      }
    }

    void waitThen(Duration wait, String reason, Runnable next) {
      waited = waited.plus(wait);
      current.set(timer.schedule(waiting(wait, reason, next), wait));
      if (result.isDone()) {
        Future<?> f = current.get();
        if (f != null) {
          f.cancel(false);
        }
      }
    }

    Refusal tooLong(VenueLimitsTracker.Pass pass, Instant now) {
      Instant until = pass.pausedUntil().orElse(now.plus(pass.delay()));
      String why =
          pass.ban()
              ? "the venue banned this client until " + until
              : pass.pausedUntil().isPresent()
                  ? "the venue asked for no requests until " + until
                  : "the venue reports its rate budget spent until " + until;
      String said = venues.pauseReason(group);
      return new Refusal(
          subject()
              + ": not sent to "
              + name
              + " because "
              + why
              + (said.isEmpty() || !pass.pausedUntil().isPresent() ? "" : " (" + said + ")")
              + ", which is longer than this request may wait ("
              + budget.policy.maxWait()
              + "). Try again after "
              + until
              + ".",
          name,
          Duration.between(now, until),
          pass.ban() ? until : null);
    }

    void fail(OhlcvException e) {
      result.completeExceptionally(e);
    }
  }

  /** A request that is not a page: let go once the waits are over. */
  private final class Admission extends Waits<Void> {
    final String what;

    Admission(CandleSource source, int weight, String what) {
      super(source, source.name(), weight);
      this.what = Objects.requireNonNull(what, "what");
    }

    @Override
    String subject() {
      return name + ": " + what;
    }

    @Override
    void send() {
      result.complete(null);
    }

    @Override
    Runnable waiting(Duration wait, String reason, Runnable next) {
      if (GuardLog.LOG.isDebugEnabled()) {
        GuardLog.LOG.debug(
            "rate-limit wait source={} request=\"{}\" group={} weight={} reason=\"{}\""
                + " duration_ms={}",
            name,
            what,
            group,
            weight,
            reason,
            wait.toMillis());
      }
      return next;
    }

    @Override
    OhlcvException error(Throwable e) {
      return Errors.wrap(e, name, "while waiting to ask for " + what);
    }
  }

  /** A page request's way through the waits. */
  private final class Call extends Waits<Page> {
    final PageRequest request;
    final FetchContext fetch;
    final OhlcvQuery query;
    final int page;

    Call(PageRequest request) {
      super(request.source(), request.sourceName(), request.cursor().nextWeight());
      this.request = request;
      this.fetch = request.fetch();
      this.query = request.query();
      this.page = request.page();
    }

    @Override
    String subject() {
      return query.toString();
    }

    @Override
    OhlcvException error(Throwable e) {
      return Errors.wrap(e, name, query);
    }

    @Override
    Runnable waiting(Duration wait, String reason, Runnable next) {
      listener.rateLimitWait(fetch.fetch(), wait);
      if (GuardLog.LOG.isDebugEnabled()) {
        GuardLog.withMdc(
            name,
            query,
            wait.toMillis(),
            () ->
                GuardLog.LOG.debug(
                    "rate-limit wait source={} symbol={} interval={} group={} page={} weight={}"
                        + " reason=\"{}\" duration_ms={}",
                    name,
                    query.symbol(),
                    query.interval(),
                    group,
                    page,
                    weight,
                    reason,
                    wait.toMillis()));
      }
      return fetch.wrap(next);
    }

    @Override
    void send() {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<Page> f;
      try {
        f = inner.fetch(request);
      } catch (Throwable e) { // an Error from the cursor too: the request fails, it never hangs
        f = CompletableFuture.failedFuture(e);
      }
      current.set(f);
      if (result.isDone()) {
        f.cancel(true);
        return;
      }
      f.whenComplete(
          (p, error) -> {
            if (error == null) {
              result.complete(p);
              return;
            }
            OhlcvException e = Errors.wrap(error, name, query);
            try {
              if (e instanceof RateLimitException) {
                pauseGroup((RateLimitException) e);
              }
            } catch (Throwable t) {
              e.addSuppressed(t);
            } finally {
              result.completeExceptionally(e);
            }
          });
    }

    /** The venue said to slow down: hold back every request of the group, not just this one. */
    void pauseGroup(RateLimitException e) {
      Instant now = timer.clock().instant();
      Optional<Instant> until = e.bannedUntil();
      if (until.isEmpty() && e.retryAfter().isPresent()) {
        until = Optional.of(VenueWaits.after(now, e.retryAfter().get()));
      }
      if (until.isEmpty() || !until.get().isAfter(now)) {
        return;
      }
      String said = GuardLog.firstLine(e.getMessage());
      venues.pause(group, until.get(), e.isBan(), said);
      // The source may have reported the pause already (VenueLimits.pauseUntil): log it once.
      Optional<Instant> announced = venues.announce(group, now, said);
      if (announced.isPresent() && GuardLog.LOG.isWarnEnabled()) {
        Instant end = announced.get();
        boolean ban = venues.isBanned(group, now);
        GuardLog.withMdc(
            name,
            query,
            Duration.between(now, end).toMillis(),
            () ->
                GuardLog.LOG.warn(
                    "venue {} source={} symbol={} interval={} group={} until={} duration_ms={}:"
                        + " every request of the group waits. {}",
                    ban ? "ban" : "pause",
                    name,
                    query.symbol(),
                    query.interval(),
                    group,
                    end,
                    Duration.between(now, end).toMillis(),
                    said));
      }
    }
  }
}
