package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.Interval;
import java.time.LocalDate;
import java.time.ZoneId;

/** Bucket arithmetic shared by the compiler, the cursor and the reader, in epoch milliseconds. */
public final class Buckets {
  private Buckets() {}

  private static final LocalDate EPOCH = LocalDate.of(1970, 1, 1);

  /**
   * The start of the bucket a key denotes; the inverse of the SQL key expressions.
   *
   * @throws java.time.DateTimeException if the key denotes no date {@code java.time} can hold
   * @throws ArithmeticException if the instant is beyond epoch milliseconds
   */
  public static long startOf(RowLayout.TimeKind kind, long key, ZoneId zone) {
    switch (kind) {
      case SECONDS:
      case KEY_SECONDS:
        return Math.multiplyExact(key, 1000L);
      case MILLIS:
      case KEY_MILLIS:
        return key;
      case KEY_DAY:
        return LocalDate.ofEpochDay(key).atStartOfDay(zone).toInstant().toEpochMilli();
      default:
        return EPOCH.plusMonths(key).atStartOfDay(zone).toInstant().toEpochMilli();
    }
  }

  /** The first bucket start of {@code interval} at or after {@code t}. */
  public static long ceil(Interval interval, long t, ZoneId zone) {
    long start = interval.bucketStart(t, zone);
    return start == t ? t : interval.bucketEnd(start, zone);
  }

  /** Whether {@code t} is a bucket start of {@code interval}. */
  public static boolean isAligned(Interval interval, long t, ZoneId zone) {
    return interval.bucketStart(t, zone) == t;
  }

  /**
   * How many buckets of {@code unit} start in {@code [start, end)}: what a full bucket of a coarser
   * interval holds. The same count as the in-JVM resampler's.
   */
  public static long units(Interval unit, long start, long end, ZoneId zone) {
    if (unit.isFixed()) {
      return (end - start) / unit.fixedMillis();
    }
    long count = 0;
    long t = unit.bucketStart(start, zone);
    while (t < end) {
      if (t >= start) {
        count++;
      }
      t = unit.bucketEnd(t, zone);
    }
    return count;
  }
}
