package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.StoreSchemaException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;
import org.duckdb.DuckDBConnection;

/**
 * Reads one window of a {@link ReadPlan} into a {@link CandleSeries}: the SQL and the row loop.
 *
 * <p><b>Aggregation</b> has the semantics of {@code CandleSeries.resample}, computed by DuckDB: a
 * bucket's open is the open of its first usable candle (all four prices finite), high and low the
 * extremes of the usable candles, close the close of the last usable one, volume the sum of their
 * finite volumes added in time order ({@code sum(volume ORDER BY t)}: the very same floating-point
 * additions as the JVM's, so volumes are equal to the last bit), extra columns summed (or
 * volume-weighted, for VWAP) over every candle of the bucket, and the number of usable candles,
 * from which the reader sets the partial flag. Extra columns are summed without an order: each
 * ordered sum is a sort per bucket, and seven of them made resampling ten times slower; DuckDB may
 * add them in another order than the JVM, which can change their last bits. Fixed buckets are epoch
 * arithmetic on the open time; calendar buckets are the bucket starts the JVM computes ({@link
 * Interval#bucketStart}) joined to the candles with an {@code ASOF JOIN}, so DuckDB never decides
 * which local day a candle falls on and a time-zone database that differs from the JVM's cannot
 * move a candle into another bucket.
 *
 * <p>Not thread-safe; one call per window.
 */
public final class Reader {
  private Reader() {}

  private static final long MIN_MILLIS = -62_135_596_800_000L; // 0001-01-01
  private static final long MAX_MILLIS = 253_402_300_800_000L; // 10000-01-01

  /**
   * Reads the window {@code [start, end)}.
   *
   * @param running receives each statement before it runs, so that it can be cancelled
   */
  public static CandleSeries read(
      DuckDBConnection c,
      SeriesKey key,
      int extrasMask,
      OhlcvQuery query,
      ReadPlan plan,
      long start,
      long end,
      String source,
      Consumer<Statement> running)
      throws SQLException {
    List<ExtraColumn> extras = Extras.of(extrasMask);
    if (plan.mode() == ReadPlan.Mode.RAW) {
      return raw(c, key, extras, query, plan, start, end, source, running);
    }
    return aggregate(c, key, extras, query, plan, start, end, source, running);
  }

  private static String where(SeriesKey key) {
    return " FROM "
        + Schema.CANDLES
        + " WHERE symbol = ? AND \"interval\" = ? AND zone = ?"
        + " AND open_time >= make_timestamp(?) AND open_time < make_timestamp(?)";
  }

  private static void bind(PreparedStatement p, SeriesKey key, long start, long end)
      throws SQLException {
    p.setString(1, key.symbol());
    p.setString(2, key.interval());
    p.setString(3, key.zone());
    p.setLong(4, clamp(start) * 1000);
    p.setLong(5, clamp(end) * 1000);
  }

  static long clamp(long millis) {
    return Math.max(MIN_MILLIS, Math.min(MAX_MILLIS, millis));
  }

  private static CandleSeries raw(
      DuckDBConnection c,
      SeriesKey key,
      List<ExtraColumn> extras,
      OhlcvQuery query,
      ReadPlan plan,
      long start,
      long end,
      String source,
      Consumer<Statement> running)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT epoch_ms(open_time), open, high, low, close, volume, flags");
    for (ExtraColumn x : extras) {
      sql.append(", ").append(Extras.column(x));
    }
    sql.append(where(key)).append(" ORDER BY open_time");
    if (plan.limit() > 0) {
      sql.append(" LIMIT ").append(plan.limit());
    }
    Interval q = plan.stored();
    ZoneId zone = plan.zone();
    boolean fixed = q.isFixed();
    long step = fixed ? q.fixedMillis() : 0;
    CandleSeries.Builder b =
        CandleSeries.builder(query.symbol(), q)
            .zone(zone)
            .source(source)
            .badRows(query.badRows())
            .expectedSize(plan.sizeHint(start, end));
    int nx = extras.size();
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      bind(p, key, start, end);
      running.accept(p);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          long t = r.getLong(1);
          if (fixed ? Math.floorMod(t, step) != 0 : q.bucketStart(t, zone) != t) {
            throw offGrid(source, key, t);
          }
          b.add(t, r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getDouble(6));
          int flags = r.getInt(7);
          if (flags != 0) {
            b.flag(flags & (CandleSeries.PARTIAL | CandleSeries.SUSPECT));
          }
          for (int k = 0; k < nx; k++) {
            double v = r.getDouble(8 + k);
            b.extra(extras.get(k), r.wasNull() ? Double.NaN : v);
          }
        }
      }
    }
    return b.build();
  }

  private static CandleSeries aggregate(
      DuckDBConnection c,
      SeriesKey key,
      List<ExtraColumn> extras,
      OhlcvQuery query,
      ReadPlan plan,
      long start,
      long end,
      String source,
      Consumer<Statement> running)
      throws SQLException {
    Interval target = plan.pageInterval();
    ZoneId zone = plan.zone();
    BadRowPolicy policy = query.badRows();
    StringBuilder inner =
        new StringBuilder(
            "SELECT epoch_ms(open_time) AS t, open, high, low, close, volume, flags,"
                + " isfinite(open) AND isfinite(high) AND isfinite(low) AND isfinite(close) AS ok");
    for (ExtraColumn x : extras) {
      inner.append(", ").append(Extras.column(x));
    }
    inner.append(where(key));
    if (policy == BadRowPolicy.DROP) {
      // The JVM drops suspect rows before resampling; so does the store.
      inner.append(" AND flags & ").append(CandleSeries.SUSPECT).append(" = 0");
    }
    StringBuilder sql = new StringBuilder("SELECT k,");
    sql.append(" arg_min(open, t) FILTER (WHERE ok),")
        .append(" max(high) FILTER (WHERE ok),")
        .append(" min(low) FILTER (WHERE ok),")
        .append(" arg_max(close, t) FILTER (WHERE ok),")
        .append(" sum(volume ORDER BY t) FILTER (WHERE ok AND isfinite(volume)),")
        .append(" count(*) FILTER (WHERE ok),")
        .append(" bit_or(flags)");
    for (ExtraColumn x : extras) {
      String col = Extras.column(x);
      if (x == ExtraColumn.CLOSE_TIME) {
        continue; // the bucket's end less 1 ms, as the JVM sets it
      }
      if (x == ExtraColumn.VWAP) {
        String both = "isfinite(" + col + ") AND isfinite(volume)";
        sql.append(", sum(")
            .append(col)
            .append(" * volume) FILTER (WHERE ")
            .append(both)
            .append("), sum(volume) FILTER (WHERE ")
            .append(both)
            .append("), arg_max(")
            .append(col)
            .append(", t) FILTER (WHERE isfinite(")
            .append(col)
            .append("))");
      } else {
        sql.append(", sum(")
            .append(col)
            .append(") FILTER (WHERE isfinite(")
            .append(col)
            .append("))");
      }
    }
    long[] starts = null;
    if (target.isFixed()) {
      long s = target.fixedMillis();
      sql.append(" FROM (SELECT *, t - ((t % ")
          .append(s)
          .append(") + ")
          .append(s)
          .append(") % ")
          .append(s)
          .append(" AS k FROM (")
          .append(inner)
          .append("))");
    } else {
      starts = plan.bucketStarts(start, end);
      sql.append(" FROM (").append(inner).append(") c ASOF JOIN (SELECT unnest([");
      for (int i = 0; i < starts.length; i++) {
        sql.append(i == 0 ? "" : ",").append(starts[i]);
      }
      sql.append("]::BIGINT[]) AS k) b ON c.t >= b.k");
    }
    sql.append(" GROUP BY k ORDER BY k");
    if (plan.limit() > 0) {
      sql.append(" LIMIT ").append(plan.limit());
    }
    CandleSeries.Builder b =
        CandleSeries.builder(query.symbol(), target)
            .zone(zone)
            .source(source)
            // Aggregated rows may be NaN where every input was a kept bad row; such buckets are
            // flagged suspect from their inputs' flags, as the JVM flags them.
            .badRows(BadRowPolicy.FLAG)
            .expectedSize(plan.sizeHint(start, end));
    try (PreparedStatement p = c.prepareStatement(sql.toString())) {
      bind(p, key, start, end);
      running.accept(p);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          long k = r.getLong(1);
          if (k < start || k >= end || target.bucketStart(k, zone) != k) {
            throw DataFormatException.of(
                    source,
                    source
                        + ": DuckDB returned the bucket "
                        + Instant.ofEpochMilli(k)
                        + " outside the window or off the "
                        + target
                        + " grid while reading "
                        + key)
                .build();
          }
          long n = r.getLong(7);
          int inFlags = r.getInt(8);
          if (policy == BadRowPolicy.REJECT && (inFlags & CandleSeries.SUSPECT) != 0) {
            throw DataFormatException.of(
                    source,
                    query.symbol()
                        + " "
                        + plan.stored()
                        + ": the bucket "
                        + Instant.ofEpochMilli(k)
                        + " holds a stored bad candle (kept under BadRowPolicy.FLAG when it was"
                        + " written). Use badRows(BadRowPolicy.DROP or FLAG) to read the rest.")
                .build();
          }
          double o = nullToNaN(r, 2);
          double h = nullToNaN(r, 3);
          double l = nullToNaN(r, 4);
          double cl = nullToNaN(r, 5);
          double v = r.getDouble(6);
          if (n == 0) {
            v = Double.NaN;
          } else if (r.wasNull()) {
            v = 0;
          }
          b.add(k, o, h, l, cl, v);
          int flags = inFlags & CandleSeries.SUSPECT;
          if (n < plan.fullCount(k)) {
            flags |= CandleSeries.PARTIAL;
          }
          b.flag(flags);
          int col = 9;
          for (ExtraColumn x : extras) {
            double value;
            if (x == ExtraColumn.CLOSE_TIME) {
              value = target.bucketEnd(k, zone) - 1;
            } else if (x == ExtraColumn.VWAP) {
              double num = r.getDouble(col++);
              double den = r.getDouble(col++);
              boolean none = r.wasNull();
              double last = nullToNaN(r, col++);
              value = !none && den > 0 ? num / den : last;
            } else {
              value = nullToNaN(r, col++);
            }
            b.extra(x, value);
          }
        }
      }
    }
    return b.build();
  }

  private static double nullToNaN(ResultSet r, int col) throws SQLException {
    double v = r.getDouble(col);
    return r.wasNull() ? Double.NaN : v;
  }

  private static StoreSchemaException offGrid(String source, SeriesKey key, long t) {
    return StoreSchemaException.of(
            source,
            source
                + ": the store holds a candle of "
                + key
                + " at "
                + Instant.ofEpochMilli(t)
                + ", which is not on the "
                + key.interval()
                + " grid: candles of another interval were written under "
                + key.interval()
                + " (by another program?). Nothing was changed; delete those rows from "
                + Schema.CANDLES
                + " or read another interval.")
        .build();
  }
}
