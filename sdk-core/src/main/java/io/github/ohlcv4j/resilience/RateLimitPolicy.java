package io.github.ohlcv4j.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How much request weight a client may send to one venue per period, shared by all its queries to
 * that venue. A request costs its venue weight (Binance weighs kline requests by their size; most
 * venues count 1 per request); a request that would exceed the budget waits for a later period
 * (without blocking a thread on the asynchronous path) rather than failing, up to {@link
 * #maxWait()}, after which it fails with a {@link io.github.ohlcv4j.RateLimitException}.
 *
 * <p>The budget is a fixed window: {@link #permits()} units in each {@link #period()}, counted from
 * when the client first sends to the venue. One budget exists per rate-limit group ({@link
 * io.github.ohlcv4j.source.SourceCapabilities#rateLimitGroup()}), shared by every source and query
 * of one client that draws on it.
 *
 * <p>Whatever the policy, the client also follows what the venue says: after a 429 with {@code
 * Retry-After} or a ban, no request of the group is sent before the venue's time (waiting at most
 * {@link #maxWait()}, else failing at once with a {@link io.github.ohlcv4j.RateLimitException}
 * saying until when), and sources that read the venue's usage headers ({@code
 * X-MBX-USED-WEIGHT-1M}, {@code X-Bapi-Limit-Status}) make requests slow down when the venue
 * reports its budget nearly spent. Immutable; start from {@link #of(int, Duration)} or {@link
 * #none()}.
 */
public final class RateLimitPolicy {

  private static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(5);

  private static final RateLimitPolicy NONE =
      new RateLimitPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1), DEFAULT_MAX_WAIT, false);

  private final int permits;
  private final Duration period;
  private final Duration maxWait;
  private final boolean enabled;

  private RateLimitPolicy(int permits, Duration period, Duration maxWait, boolean enabled) {
    this.permits = permits;
    this.period = period;
    this.maxWait = maxWait;
    this.enabled = enabled;
  }

  /**
   * Up to {@code permits} units of weight per {@code period}; a request may wait up to 5 minutes
   * for room.
   */
  public static RateLimitPolicy of(int permits, Duration period) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1: " + permits);
    }
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    return new RateLimitPolicy(permits, period, DEFAULT_MAX_WAIT, true);
  }

  /**
   * No client-side budget. The venue's own answers still count: after a 429 or a ban, requests wait
   * as the venue asks, up to 5 minutes.
   */
  public static RateLimitPolicy none() {
    return NONE;
  }

  /**
   * This policy letting a request wait at most {@code maxWait} for a venue's pause (or a budget the
   * venue reports spent) to end, and at most {@code maxWait} for room in the client's budget; zero
   * fails at once instead of waiting.
   */
  public RateLimitPolicy withMaxWait(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    return new RateLimitPolicy(permits, period, maxWait, enabled);
  }

  /** Units of weight per period. */
  public int permits() {
    return permits;
  }

  /** The period. */
  public Duration period() {
    return period;
  }

  /**
   * The longest a request waits for a venue's pause to end, and for room in the client's budget,
   * before failing.
   */
  public Duration maxWait() {
    return maxWait;
  }

  /** Whether the client limits requests itself. */
  public boolean isEnabled() {
    return enabled;
  }

  @Override
  public String toString() {
    return enabled
        ? "RateLimitPolicy{" + permits + " per " + period + ", maxWait=" + maxWait + "}"
        : "RateLimitPolicy.none()";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RateLimitPolicy)) {
      return false;
    }
    RateLimitPolicy p = (RateLimitPolicy) o;
    return permits == p.permits
        && period.equals(p.period)
        && maxWait.equals(p.maxWait)
        && enabled == p.enabled;
  }

  @Override
  public int hashCode() {
    return Objects.hash(permits, period, maxWait, enabled);
  }
}
