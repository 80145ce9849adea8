package io.github.ohlcv4j.source;

import java.time.Instant;

/**
 * What venues say about their rate limits, shared by every source of one client so that all queries
 * to a venue hold back together. Sources find it with {@link SourceContext#venueLimits()} and
 * report what response headers and error bodies say; the client's guard consults it before each
 * request. {@link #none()} ignores everything (a source used on its own).
 *
 * <p>A group is {@link io.github.ohlcv4j.source.SourceCapabilities#rateLimitGroup()}: the venue's
 * limit domain (Bybit spot, linear and inverse share one IP budget; Binance spot and USD-M futures
 * have separate ones). Thread-safe.
 */
public interface VenueLimits {

  /** Ignores every report: what a source opened on its own, outside a client, reports to. */
  static VenueLimits none() {
    return Ignored.INSTANCE;
  }

  /**
   * The venue reported {@code used} of {@code limit} units spent in its current window, which ends
   * at {@code resetAt} ({@code X-MBX-USED-WEIGHT-1M} with Binance's documented limit, {@code
   * X-Bapi-Limit-Status} with {@code X-Bapi-Limit} and {@code X-Bapi-Limit-Reset-Timestamp}).
   */
  void reportUsage(String group, long used, long limit, Instant resetAt);

  /**
   * The venue asked for no requests before {@code until} (a 429 with {@code Retry-After}, a 418 or
   * 403 ban).
   */
  void pauseUntil(String group, Instant until);

  /**
   * The venue banned this client until {@code until} (Binance's HTTP 418, Bybit's HTTP 403): a
   * pause ({@link #pauseUntil}) that requests held back by it report as a ban, with {@link
   * io.github.ohlcv4j.RateLimitException#bannedUntil()}. A plain pause unless overridden.
   */
  default void banUntil(String group, Instant until) {
    pauseUntil(group, until);
  }

  /** The one instance of {@link #none()}. */
  enum Ignored implements VenueLimits {
    INSTANCE;

    @Override
    public void reportUsage(String group, long used, long limit, Instant resetAt) {}

    @Override
    public void pauseUntil(String group, Instant until) {}
  }
}
