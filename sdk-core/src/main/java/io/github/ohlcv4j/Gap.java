package io.github.ohlcv4j;

import java.time.Instant;
import java.util.Objects;

/**
 * A run of missing candles in a {@link CandleSeries}: the buckets from {@code from} (inclusive) to
 * {@code to} (exclusive) have no candle, and there are {@code missing} of them.
 *
 * @param from the open time of the first missing candle
 * @param to the open time of the candle after the gap, which is present
 * @param missing how many candles are missing, at least 1
 */
public record Gap(Instant from, Instant to, long missing) {

  /** Validates the gap. */
  public Gap {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to) || missing < 1) {
      throw new IllegalArgumentException("Invalid gap [" + from + ", " + to + ") of " + missing);
    }
  }
}
