package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * How the store answers one query: stored candles as they are, or aggregated by DuckDB into the
 * resample target; and how the range is cut into windows of about {@code pageSize} rows, one query
 * each. Pure computation. Immutable.
 *
 * <p><b>When DuckDB resamples.</b> The store reads the candles stored under the query's interval
 * {@code Q}. With a resample target {@code R}, DuckDB builds the {@code R} candles when the range
 * starts on an {@code R} boundary. Otherwise the first bucket would begin before the range, where
 * the query processor clips it while the in-JVM resampler keeps it as a partial bucket: then the
 * store returns {@code Q} candles and the JVM resamples, with the same answer. Windows are aligned
 * to the page interval, so no bucket straddles two windows.
 */
public final class ReadPlan {

  /** Calendar buckets of one window: their starts go into the SQL, so keep them bounded. */
  static final int MAX_CALENDAR_BUCKETS = 10_000;

  /** Stored candles, or candles aggregated by DuckDB. */
  public enum Mode {
    /** Stored candles of the query's interval. */
    RAW,
    /** Candles of the resample target, built by DuckDB. */
    AGGREGATE
  }

  private final Mode mode;
  private final Interval stored;
  private final Interval page;
  private final ZoneId zone;
  private final long from;
  private final long to;
  private final int rows;
  private final int limit;

  private ReadPlan(
      Mode mode,
      Interval stored,
      Interval page,
      ZoneId zone,
      long from,
      long to,
      int rows,
      int limit) {
    this.mode = mode;
    this.stored = stored;
    this.page = page;
    this.zone = zone;
    this.from = from;
    this.to = to;
    this.rows = rows;
    this.limit = limit;
  }

  /**
   * Plans {@code query} over {@code range} (its range at "now").
   *
   * @param pageSize about how many rows one window returns
   */
  public static ReadPlan of(OhlcvQuery query, TimeRange range, int pageSize) {
    Interval q = query.interval();
    ZoneId zone = query.zone();
    Optional<Interval> r = query.resample();
    long from = range.fromMillis();
    long to = range.toMillis();
    int limit = query.limit().orElse(0);
    if (r.isPresent()) {
      Interval target = r.get();
      if (target.bucketStart(from, zone) == from) {
        int rows = target.isCalendar() ? Math.min(pageSize, MAX_CALENDAR_BUCKETS) : pageSize;
        return new ReadPlan(Mode.AGGREGATE, q, target, zone, from, to, rows, limit);
      }
      return new ReadPlan(Mode.RAW, q, q, zone, from, to, pageSize, 0);
    }
    return new ReadPlan(Mode.RAW, q, q, zone, from, to, pageSize, limit);
  }

  /** Raw or aggregated. */
  public Mode mode() {
    return mode;
  }

  /** The interval of the stored candles read. */
  public Interval stored() {
    return stored;
  }

  /** The interval of the candles the pages hold. */
  public Interval pageInterval() {
    return page;
  }

  /** The zone of calendar buckets. */
  public ZoneId zone() {
    return zone;
  }

  /** Start of the range, epoch ms. */
  public long from() {
    return from;
  }

  /** End of the range (exclusive), epoch ms. */
  public long to() {
    return to;
  }

  /** The limit pushed down into each window, 0 for none. */
  public int limit() {
    return limit;
  }

  /** Whether there is anything to read at or after {@code start}. */
  public boolean hasWindow(long start) {
    return start < to;
  }

  /** The end of the window that starts at {@code start}. */
  public long windowEnd(long start) {
    long aligned = page.bucketStart(start, zone);
    long end = page.plus(aligned, rows, zone);
    return Math.min(to, Math.max(end, start + 1));
  }

  /** About how many windows remain from {@code start}. */
  public int remainingWindows(long start) {
    if (start >= to) {
      return 0;
    }
    double span = (double) rows * page.nominalMillis();
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil((to - start) / span));
  }

  /** At most how many rows a window holds: exact for stored candles without holes. */
  public int sizeHint(long start, long end) {
    long step = Math.max(1, page.nominalMillis());
    long n = (end - start + step - 1) / step;
    if (limit > 0) {
      n = Math.min(n, limit);
    }
    return (int) Math.max(1, Math.min(n, rows));
  }

  /** The bucket starts of the page interval in {@code [start, end)}, for calendar targets. */
  public long[] bucketStarts(long start, long end) {
    int n = 0;
    long[] out = new long[16];
    long b = page.bucketStart(start, zone);
    while (b < end) {
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, n * 2);
      }
      out[n++] = b;
      b = page.bucketEnd(b, zone);
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /**
   * How many stored candles a full bucket starting at {@code bucketStart} holds: what the in-JVM
   * resampler compares a bucket's inputs with to flag it partial.
   */
  public long fullCount(long bucketStart) {
    long end = page.bucketEnd(bucketStart, zone);
    if (stored.isFixed()) {
      return (end - bucketStart) / stored.fixedMillis();
    }
    long count = 0;
    long t = stored.bucketStart(bucketStart, zone);
    while (t < end) {
      if (t >= bucketStart) {
        count++;
      }
      t = stored.bucketEnd(t, zone);
    }
    return count;
  }

  @Override
  public String toString() {
    return mode
        + " "
        + page
        + (mode == Mode.AGGREGATE ? " of " + stored : "")
        + " ["
        + Instant.ofEpochMilli(from)
        + ", "
        + Instant.ofEpochMilli(to)
        + ")";
  }
}
