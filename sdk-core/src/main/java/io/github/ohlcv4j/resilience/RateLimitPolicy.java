package io.github.ohlcv4j.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How much request weight a client may send to one venue per period, shared by all its queries to
 * that venue. A request costs its venue weight (Binance weighs kline requests by their size; most
 * venues count 1 per request); a request that would exceed the budget waits for the next period
 * (without blocking a thread on the asynchronous path) rather than failing, up to {@link
 * #maxWait()}, after which it fails with a {@link io.github.ohlcv4j.RateLimitException}.
 *
 * <p>Sources that read the venue's own usage headers ({@code X-MBX-USED-WEIGHT-1M}, {@code
 * X-Bapi-Limit-Status}) also slow down when the venue reports the budget nearly spent. Immutable;
 * start from {@link #of(int, Duration)} or {@link #none()}.
 */
public final class RateLimitPolicy {

  private static final RateLimitPolicy NONE =
      new RateLimitPolicy(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ZERO, false);

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
    return new RateLimitPolicy(permits, period, Duration.ofMinutes(5), true);
  }

  /** No client-side limit (the venue's own answers still count: a 429 waits as the venue asks). */
  public static RateLimitPolicy none() {
    return NONE;
  }

  /** This policy letting a request wait at most {@code maxWait} for room. */
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

  /** The longest a request waits for room before failing. */
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
