package io.github.ohlcv4j.clickhouse.internal;

/**
 * The SQL the SDK writes for a server version. Everything the SDK needs exists in both; they differ
 * where old servers lack a feature:
 *
 * <ul>
 *   <li>{@link #LEGACY} (before 20.5, e.g. Debian's 18.16): {@code DateTime} only, buckets by
 *       integer arithmetic on the epoch seconds ({@code intDiv}), {@code String} symbols ({@code
 *       LowCardinality} needs an experimental setting there);
 *   <li>{@link #MODERN} (20.5 and later; written for 23.x–26.x): {@code DateTime64(3)} with buckets
 *       by arithmetic on {@code toUnixTimestamp64Milli}, {@code toStartOfInterval} for fixed
 *       buckets of {@code DateTime} columns that divide a day, {@code LowCardinality(String)}
 *       symbols in new tables.
 * </ul>
 *
 * <p>Calendar buckets (days, weeks, months in a zone) use the same local-date functions in both
 * ({@code toRelativeDayNum} and {@code toRelativeMonthNum} with a zone argument, weekdays by
 * arithmetic on the day number), which have kept their signatures and meaning across versions —
 * except for {@code DateTime64} before 1970, where they wrap: there {@code toDate32} (21.9 and
 * later) gives the local day. {@code toStartOfInterval} changed how it aligns hours in 21.4, counts
 * months from year 0 and wraps before 1970, and {@code toDayOfWeek} took a mode argument before the
 * zone in newer servers; see docs/ARCHITECTURE.md.
 */
public enum Dialect {
  /** ClickHouse before 20.5. */
  LEGACY,
  /** ClickHouse 20.5 and later. */
  MODERN;

  /** The dialect for a server version. */
  public static Dialect of(ServerVersion version) {
    return version.atLeast(20, 5) ? MODERN : LEGACY;
  }

  /** Whether {@code DateTime64} columns can be read and created. */
  public boolean hasDateTime64() {
    return this == MODERN;
  }
}
