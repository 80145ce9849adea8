package io.github.ohlcv4j;

import java.time.Instant;
import java.util.Objects;

/**
 * One candle: the open, high, low and close prices and the traded volume of the bucket that starts
 * at {@code openTime} (UTC instant). A convenient view of one row of a {@link CandleSeries}; bulk
 * work is faster on the series' columns.
 *
 * @param openTime start of the bucket (inclusive), an instant; format it in any zone you like
 * @param open first traded price in the bucket
 * @param high highest traded price
 * @param low lowest traded price
 * @param close last traded price
 * @param volume traded volume in the venue's base unit (contracts, shares or coins); see the
 *     source's docs
 */
public record Candle(
    Instant openTime, double open, double high, double low, double close, double volume) {

  /**
   * Checks that {@code openTime} is present; values are not validated here (the series builder does
   * that).
   */
  public Candle {
    Objects.requireNonNull(openTime, "openTime");
  }

  /** {@code openTime} in epoch milliseconds. */
  public long openTimeMillis() {
    return openTime.toEpochMilli();
  }
}
