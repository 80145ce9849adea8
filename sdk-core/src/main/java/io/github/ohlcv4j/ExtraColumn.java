package io.github.ohlcv4j;

/**
 * An optional column of a {@link CandleSeries} beyond open, high, low, close and volume. A series
 * holds only the extra columns its source provides ({@link CandleSeries#has(ExtraColumn)}); a
 * missing value in a present column is NaN. Resampling combines each column as described on its
 * constant.
 */
public enum ExtraColumn {
  /**
   * Volume in the quote asset (Binance quote asset volume, Bybit turnover). Summed when resampled.
   */
  QUOTE_VOLUME,
  /** Number of trades. Summed when resampled. */
  TRADE_COUNT,
  /** Base volume bought by takers (Binance). Summed when resampled. */
  TAKER_BUY_VOLUME,
  /** Quote volume bought by takers (Binance). Summed when resampled. */
  TAKER_BUY_QUOTE_VOLUME,
  /** Volume-weighted average price (Polygon {@code vw}). Volume-weighted mean when resampled. */
  VWAP,
  /**
   * The venue's close time in epoch milliseconds (Binance: open time + interval − 1 ms). Last value
   * when resampled.
   */
  CLOSE_TIME
}
