package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How the source answers one query: read stored candles as they are, or aggregate them on the
 * server; which stored times to read; and how to cut that range into windows of about {@code
 * pageSize} rows, one request each. Pure computation, no I/O. Immutable.
 *
 * <p><b>When the server resamples.</b> With {@code Q} the query's interval, {@code B} the stored
 * one and {@code R} the resample target:
 *
 * <ul>
 *   <li>{@code Q = B}, no {@code R}: stored candles in {@code [from, to)};
 *   <li>{@code Q ≠ B}: the server builds {@code Q} candles from the stored ones, for the {@code Q}
 *       buckets starting in {@code [from, to)} (whole buckets);
 *   <li>with {@code R}: the server builds {@code R} candles directly — counting {@code Q} candles
 *       for the partial flag — when the first {@code Q} candle of the range starts an {@code R}
 *       bucket. Otherwise that first bucket would start before {@code from}, where the query
 *       processor clips it, while the in-JVM resampler keeps it: then the source returns {@code Q}
 *       candles and the JVM resamples, so the answer is the same either way.
 * </ul>
 *
 * Calendar buckets need a zone ClickHouse can name ({@link QueryCompiler#zoneName(ZoneId)}); a
 * resample to one in another zone also falls back to the JVM.
 */
public final class FetchPlan {

  /** Whether rows are read as stored or aggregated. */
  public enum Mode {
    /** Stored candles. */
    RAW,
    /** Candles aggregated on the server. */
    AGGREGATE
  }

  private final Mode mode;
  private final Interval pageInterval;
  private final Interval unit;
  private final boolean unitIsStored;
  private final ZoneId zone;
  private final long from;
  private final long to;
  private final int rowsPerWindow;
  private final int limit;
  private final long fullCount; // constant inputs per bucket, or -1 when it varies

  private FetchPlan(
      Mode mode,
      Interval pageInterval,
      Interval unit,
      boolean unitIsStored,
      ZoneId zone,
      long from,
      long to,
      int rowsPerWindow,
      int limit) {
    this.mode = mode;
    this.pageInterval = pageInterval;
    this.unit = unit;
    this.unitIsStored = unitIsStored;
    this.zone = zone;
    this.from = from;
    this.to = to;
    this.rowsPerWindow = rowsPerWindow;
    this.limit = limit;
    this.fullCount =
        pageInterval.isFixed() && unit.isFixed()
            ? pageInterval.fixedMillis() / unit.fixedMillis()
            : -1;
  }

  /**
   * Plans a query.
   *
   * @param query the query
   * @param stored the interval of the stored candles, which divides {@code query.interval()}
   * @param range the query's range at "now" ({@link OhlcvQuery#rangeAt})
   * @param pageSize about how many rows one request returns, over all symbols
   * @param symbols how many symbols one request reads
   * @throws InvalidQueryException if the query needs calendar buckets in a zone ClickHouse cannot
   *     name
   */
  public static FetchPlan of(
      OhlcvQuery query, Interval stored, TimeRange range, int pageSize, int symbols) {
    Interval q = query.interval();
    ZoneId zone = query.zone();
    boolean zoneNamed = QueryCompiler.zoneName(zone).isPresent();
    int rows = Math.max(1, pageSize / Math.max(1, symbols));
    Optional<Interval> r = query.resample();
    // Fixed buckets at the zone's midnight are not built on the server yet: read the candles below
    // and let the client resample them.
    boolean serverBuckets =
        r.isPresent() && (r.get().isCalendar() || query.alignment() == Alignment.EPOCH);
    long from = range.fromMillis();
    long to = range.toMillis();
    int limit = query.limit().orElse(0);
    if (q.equals(stored)) {
      if (serverBuckets && canAggregate(r.get(), zoneNamed) && aligned(r.get(), from, zone)) {
        return new FetchPlan(Mode.AGGREGATE, r.get(), stored, true, zone, from, to, rows, limit);
      }
      return new FetchPlan(
          Mode.RAW, stored, stored, true, zone, from, to, rows, r.isPresent() ? 0 : limit);
    }
    if (!canAggregate(q, zoneNamed)) {
      throw new InvalidQueryException(
          query
              + ": ClickHouse has no name for the zone "
              + zone
              + ", so it cannot build "
              + q
              + " candles there; use a region id such as Europe/Berlin, or UTC");
    }
    long lo = Buckets.ceil(q, from, zone);
    long hi = Buckets.ceil(q, to, zone);
    if (serverBuckets && canAggregate(r.get(), zoneNamed) && aligned(r.get(), lo, zone)) {
      return new FetchPlan(Mode.AGGREGATE, r.get(), q, false, zone, lo, hi, rows, limit);
    }
    return new FetchPlan(
        Mode.AGGREGATE, q, stored, true, zone, lo, hi, rows, r.isPresent() ? 0 : limit);
  }

  private static boolean canAggregate(Interval target, boolean zoneNamed) {
    return target.isFixed() || zoneNamed;
  }

  private static boolean aligned(Interval target, long t, ZoneId zone) {
    return Buckets.isAligned(target, t, zone);
  }

  /** Raw or aggregated. */
  public Mode mode() {
    return mode;
  }

  /** The interval of the candles the pages hold. */
  public Interval pageInterval() {
    return pageInterval;
  }

  /** Start of the stored times to read (inclusive), epoch ms. */
  public long from() {
    return from;
  }

  /** End of the stored times to read (exclusive), epoch ms. */
  public long to() {
    return to;
  }

  /** The limit pushed down to each request, 0 for none. */
  public int limit() {
    return limit;
  }

  /** Whether there is anything to read at or after {@code start}. */
  public boolean hasWindow(long start) {
    return start < to;
  }

  /** The end of the window that starts at {@code start}. */
  public long windowEnd(long start) {
    long aligned = pageInterval.bucketStart(start, zone);
    long end = pageInterval.plus(aligned, rowsPerWindow, zone);
    return Math.min(to, Math.max(end, start + 1));
  }

  /** About how many windows remain from {@code start}. */
  public int remainingWindows(long start) {
    if (start >= to) {
      return 0;
    }
    double span = (double) rowsPerWindow * pageInterval.nominalMillis();
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil((to - start) / span));
  }

  /**
   * How many rows per symbol a window holds at most: exact for a window of stored candles without
   * holes, so that building the series copies nothing.
   */
  public int sizeHint(long start, long end) {
    long step = Math.max(1, pageInterval.nominalMillis());
    long rows = (end - start + step - 1) / step; // bucket starts in [start, end)
    if (limit > 0) {
      rows = Math.min(rows, limit);
    }
    return (int) Math.max(1, Math.min(rows, rowsPerWindow));
  }

  /** The SQL for one window. */
  public QueryCompiler.Compiled compile(
      QueryCompiler compiler, List<String> symbols, long start, long end) {
    if (mode == Mode.RAW) {
      return compiler.raw(symbols, start, end, limit);
    }
    return compiler.aggregate(symbols, pageInterval, unit, unitIsStored, zone, start, end, limit);
  }

  /**
   * What the server would make of stored candles, made in the JVM instead: {@code stored}, the
   * stored candles of one window, resampled to the page interval (through the query's interval,
   * when the partial flag counts its candles). For a {@link Mode#AGGREGATE} plan.
   */
  public io.github.ohlcv4j.CandleSeries aggregate(io.github.ohlcv4j.CandleSeries stored) {
    io.github.ohlcv4j.CandleSeries in = unitIsStored ? stored : stored.resample(unit, zone);
    return in.resample(pageInterval, zone);
  }

  /** The earliest valid row time of a window starting at {@code start}. */
  public long minTime(long start) {
    return mode == Mode.RAW ? start : pageInterval.bucketStart(start, zone);
  }

  /** How many inputs a full bucket holds; null for raw rows. */
  public RowBinaryReader.@Nullable FullCount fullCount() {
    if (mode == Mode.RAW) {
      return null;
    }
    if (fullCount >= 0) {
      long n = fullCount;
      return start -> n;
    }
    return start -> Buckets.units(unit, start, pageInterval.bucketEnd(start, zone), zone);
  }

  @Override
  public String toString() {
    return mode
        + " "
        + pageInterval
        + (mode == Mode.AGGREGATE ? " of " + unit : "")
        + " ["
        + java.time.Instant.ofEpochMilli(from)
        + ", "
        + java.time.Instant.ofEpochMilli(to)
        + ")";
  }
}
