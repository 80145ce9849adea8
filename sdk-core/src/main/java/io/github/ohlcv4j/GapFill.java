package io.github.ohlcv4j;

/**
 * How {@link CandleSeries#fill(GapFill)} fills missing candles between the first and last candle of
 * a series.
 */
public enum GapFill {
  /** Leave gaps as they are: no candle is invented. The default. */
  NONE,
  /**
   * A flat candle at the previous close: open = high = low = close = previous close, volume 0 (as
   * freqtrade's {@code ohlcv_fill_up_missing_data}). Extra volume and count columns are 0, VWAP is
   * the previous close.
   */
  PREVIOUS_CLOSE,
  /** A candle whose every value is NaN, so that charts and indicators see the hole. */
  NAN
}
