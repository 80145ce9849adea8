package io.github.ohlcv4j;

/**
 * What a {@link CandleSeries.Builder} does with a bad row: a non-finite price or volume (NaN,
 * infinity), a high below the low, or a negative volume. Rows whose open or close lie outside
 * {@code [low, high]} are kept under every policy and reported by {@link CandleSeries#quality()}.
 */
public enum BadRowPolicy {
  /**
   * Fail with a {@link DataFormatException} naming the first bad row and what is wrong with it. The
   * default.
   */
  REJECT,
  /** Leave bad rows out; {@link CandleSeries#quality()} counts them. */
  DROP,
  /**
   * Keep bad rows and mark them {@linkplain CandleSeries#isSuspect(int) suspect}; the quality
   * report lists them.
   */
  FLAG
}
