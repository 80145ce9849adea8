package io.github.ohlcv4j.source;

import io.github.ohlcv4j.CandleSeries;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One response's worth of candles, as returned by {@link PageCursor#next()}.
 *
 * @param candles the candles of this page, ascending; at the query's interval, or at its resample
 *     target when the source resampled server-side
 * @param bytes the size of the response body, for metrics (0 when not read over a network)
 * @param serverTime the venue's clock when it answered (an HTTP {@code Date} header), used to tell
 *     which candle is still in progress; empty when unknown
 */
public record Page(CandleSeries candles, long bytes, Optional<Instant> serverTime) {

  /** Validates the page. */
  public Page {
    Objects.requireNonNull(candles, "candles");
    Objects.requireNonNull(serverTime, "serverTime");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
  }

  /** A page read without a network and without a venue clock. */
  public static Page of(CandleSeries candles) {
    return new Page(candles, 0, Optional.empty());
  }
}
