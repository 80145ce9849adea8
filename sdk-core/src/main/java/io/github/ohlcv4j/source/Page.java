package io.github.ohlcv4j.source;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.TimeRange;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One response's worth of candles, as returned by {@link PageCursor#next()}.
 *
 * <p><b>The window.</b> A cursor that asks the venue for a time window per request (every HTTP
 * source does) says which one with {@code window}: the caller keeps only the candles whose open
 * times lie in it, logs the others at WARN and counts them, and never lets them move the query on.
 * A row outside the window answers a question that was not asked; the request whose window holds
 * its time brings that candle (or brought it), so dropping it loses nothing, while keeping it could
 * push a later page's rows out of the answer. A page without a window ({@link #of(CandleSeries)})
 * is checked against the query's own range instead. Whatever the window, every open time must be
 * the start of a candle of the page's interval, or the query fails with a {@link
 * io.github.ohlcv4j.DataFormatException} naming the row.
 *
 * @param candles the candles of this page, ascending; at the query's interval, or at its resample
 *     target when the source resampled server-side
 * @param bytes the size of the response body, for metrics (0 when not read over a network)
 * @param serverTime the venue's clock when it answered (an HTTP {@code Date} header), used to tell
 *     which candle is still in progress; empty when unknown
 * @param window the open times the request asked for, {@code [from, to)}; empty when the request
 *     had no window of its own
 */
public record Page(
    CandleSeries candles, long bytes, Optional<Instant> serverTime, Optional<TimeRange> window) {

  /** Validates the page. */
  public Page {
    Objects.requireNonNull(candles, "candles");
    Objects.requireNonNull(serverTime, "serverTime");
    Objects.requireNonNull(window, "window");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
  }

  /** A page without a window of its own: its candles are checked against the query's range. */
  public Page(CandleSeries candles, long bytes, Optional<Instant> serverTime) {
    this(candles, bytes, serverTime, Optional.empty());
  }

  /**
   * A page that answered a request for the open times in {@code [fromMillis, toMillis)}; without a
   * window if {@code toMillis <= fromMillis}.
   */
  public Page(
      CandleSeries candles,
      long bytes,
      Optional<Instant> serverTime,
      long fromMillis,
      long toMillis) {
    this(
        candles,
        bytes,
        serverTime,
        toMillis > fromMillis
            ? Optional.of(
                new TimeRange(Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis)))
            : Optional.empty());
  }

  /** A page read without a network, without a venue clock and without a window of its own. */
  public static Page of(CandleSeries candles) {
    return new Page(candles, 0, Optional.empty());
  }

  /** A page read without a network and without a venue clock, that answered {@code window}. */
  public static Page of(CandleSeries candles, TimeRange window) {
    return new Page(candles, 0, Optional.empty(), Optional.of(window));
  }
}
