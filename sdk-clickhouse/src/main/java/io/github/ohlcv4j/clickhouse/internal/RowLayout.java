package io.github.ohlcv4j.clickhouse.internal;

/**
 * The shape of one RowBinary row of a compiled query: an optional symbol ({@code String}), the time
 * or bucket key, five {@code Float64} (open, high, low, close, volume) and, for aggregated rows,
 * the number of input candles ({@code UInt64}).
 *
 * @param symbol whether each row starts with the symbol
 * @param time what the time field holds
 * @param count whether each row ends with an input count
 */
public record RowLayout(boolean symbol, TimeKind time, boolean count) {

  /** What the time field of a row holds. */
  public enum TimeKind {
    /** {@code DateTime}: {@code UInt32} seconds since the epoch. */
    SECONDS,
    /** {@code DateTime64(3)}: {@code Int64} milliseconds since the epoch. */
    MILLIS,
    /** A bucket key, {@code Int64} seconds since the epoch. */
    KEY_SECONDS,
    /** A bucket key, {@code Int64} milliseconds since the epoch. */
    KEY_MILLIS,
    /** A bucket key, {@code Int64} local days since 1970-01-01 in the query's zone. */
    KEY_DAY,
    /** A bucket key, {@code Int64} local months since January 1970 in the query's zone. */
    KEY_MONTH;

    /** Whether this is an aggregated bucket key rather than a stored time. */
    public boolean isKey() {
      return this != SECONDS && this != MILLIS;
    }
  }

  /** The size of a row without the symbol: time, five doubles and the count if any. */
  public int fixedBytes() {
    return (time == TimeKind.SECONDS ? 4 : 8) + 40 + (count ? 8 : 0);
  }
}
