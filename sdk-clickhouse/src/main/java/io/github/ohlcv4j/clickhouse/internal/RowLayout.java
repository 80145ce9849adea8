package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.ExtraColumn;
import java.util.List;
import java.util.Objects;

/**
 * The shape of one RowBinary row of a compiled query: an optional symbol ({@code String}), the time
 * or bucket key, five {@code Float64} (open, high, low, close, volume), for stored rows of a table
 * that keeps them the {@code flags} ({@code UInt8}) and some extra columns ({@code Float64} each),
 * and, for aggregated rows, the number of input candles ({@code UInt64}).
 *
 * @param symbol whether each row starts with the symbol
 * @param time what the time field holds
 * @param count whether each row ends with an input count
 * @param flags whether each row holds the flags after the volume
 * @param extras the extra columns each row holds after the flags, in this order
 */
public record RowLayout(
    boolean symbol, TimeKind time, boolean count, boolean flags, List<ExtraColumn> extras) {

  /** Validates. */
  public RowLayout {
    Objects.requireNonNull(time, "time");
    extras = List.copyOf(extras);
    if (count && (flags || !extras.isEmpty())) {
      throw new IllegalArgumentException("Aggregated rows hold no flags or extra columns");
    }
  }

  /** A row of the seven mapped columns, or an aggregated one. */
  public RowLayout(boolean symbol, TimeKind time, boolean count) {
    this(symbol, time, count, false, List.of());
  }

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

  /** Whether rows hold any of the store's columns (flags, extra columns). */
  public boolean stored() {
    return flags || !extras.isEmpty();
  }

  /** The size of a row without the symbol: time, five doubles, and what else it holds. */
  public int fixedBytes() {
    return (time == TimeKind.SECONDS ? 4 : 8)
        + 40
        + (count ? 8 : 0)
        + (flags ? 1 : 0)
        + 8 * extras.size();
  }
}
