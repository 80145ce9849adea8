package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.Coverage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * The coverage table: per series, merged ranges of kind {@code complete} and {@code empty} (no two
 * of one kind overlap or touch), in UTC, as epoch-millisecond open times on the series' grid.
 */
public final class CoverageTable {
  private CoverageTable() {}

  private static final String COMPLETE = "complete";
  private static final String EMPTY = "empty";

  /** Reads a series' coverage. */
  public static Coverage read(DuckDBConnection c, SeriesKey key) throws SQLException {
    List<TimeRange> complete = new ArrayList<>();
    List<TimeRange> empty = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT kind, epoch_ms(from_time), epoch_ms(to_time) FROM "
                + Schema.COVERAGE
                + " WHERE symbol = ? AND \"interval\" = ? AND zone = ? ORDER BY from_time")) {
      p.setString(1, key.symbol());
      p.setString(2, key.interval());
      p.setString(3, key.zone());
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          TimeRange t =
              new TimeRange(Instant.ofEpochMilli(r.getLong(2)), Instant.ofEpochMilli(r.getLong(3)));
          (COMPLETE.equals(r.getString(1)) ? complete : empty).add(t);
        }
      }
    }
    return new Coverage(complete, empty);
  }

  /**
   * Records {@code [from, to)} (on the grid) as complete, and the open times in it without a stored
   * candle as empty; runs inside the writer's transaction, after the candles are in.
   */
  static void record(
      DuckDBConnection c, SeriesKey key, Interval q, ZoneId zone, long from, long to, long now)
      throws SQLException {
    List<long[]> complete = touching(c, key, COMPLETE, from, to);
    long lo = from;
    long hi = to;
    for (long[] r : complete) {
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    delete(c, key, COMPLETE, from, to);
    insert(c, key, COMPLETE, List.of(new long[] {lo, hi}), now);

    List<long[]> empties = new ArrayList<>();
    for (long[] r : touching(c, key, EMPTY, from, to)) {
      if (r[0] < from) {
        empties.add(new long[] {r[0], Math.min(r[1], from)});
      }
      if (r[1] > to) {
        empties.add(new long[] {Math.max(r[0], to), r[1]});
      }
    }
    empties.addAll(gaps(c, key, q, zone, from, to));
    delete(c, key, EMPTY, from, to);
    insert(c, key, EMPTY, merge(empties), now);
  }

  /**
   * After candles with open times in {@code [first, end)} were stored: the empty ranges there that
   * now hold candles shrink to the open times still without one (a venue that revised its data).
   */
  static void candlesAdded(
      DuckDBConnection c, SeriesKey key, Interval q, ZoneId zone, long first, long end, long now)
      throws SQLException {
    List<long[]> overlapping = new ArrayList<>();
    for (long[] r : touching(c, key, EMPTY, first, end)) {
      if (r[0] < end && r[1] > first) {
        overlapping.add(r);
      }
    }
    if (overlapping.isEmpty()) {
      return;
    }
    List<long[]> rest = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "DELETE FROM "
                + Schema.COVERAGE
                + " WHERE symbol = ? AND \"interval\" = ? AND zone = ? AND kind = ?"
                + " AND from_time = make_timestamp(?) AND to_time = make_timestamp(?)")) {
      for (long[] r : overlapping) {
        rest.addAll(gaps(c, key, q, zone, r[0], r[1]));
        p.setString(1, key.symbol());
        p.setString(2, key.interval());
        p.setString(3, key.zone());
        p.setString(4, EMPTY);
        p.setLong(5, r[0] * 1000);
        p.setLong(6, r[1] * 1000);
        p.executeUpdate();
      }
    }
    insert(c, key, EMPTY, merge(rest), now);
  }

  /** The ranges in {@code [from, to)} whose open times have no stored candle. */
  private static List<long[]> gaps(
      DuckDBConnection c, SeriesKey key, Interval q, ZoneId zone, long from, long to)
      throws SQLException {
    List<long[]> out = new ArrayList<>();
    long expected = from; // the next open time a candle should have
    String base =
        " FROM "
            + Schema.CANDLES
            + " WHERE symbol = ? AND \"interval\" = ? AND zone = ?"
            + " AND open_time >= make_timestamp(?) AND open_time < make_timestamp(?)";
    String sql;
    if (q.isFixed()) {
      // Only the candles that follow a hole (and the last one) come back.
      long step = q.fixedMillis();
      sql =
          "SELECT t, prev, last FROM (SELECT t, lag(t) OVER (ORDER BY t) AS prev,"
              + " max(t) OVER () AS last FROM (SELECT DISTINCT epoch_ms(open_time) AS t"
              + base
              + ")) WHERE prev IS NULL OR t - prev > "
              + step
              + " OR t = last ORDER BY t";
    } else {
      sql = "SELECT DISTINCT epoch_ms(open_time) AS t" + base + " ORDER BY t";
    }
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, key.symbol());
      p.setString(2, key.interval());
      p.setString(3, key.zone());
      p.setLong(4, from * 1000);
      p.setLong(5, to * 1000);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          long t = r.getLong(1);
          if (q.isFixed()) {
            long prev = r.getLong(2);
            if (!r.wasNull()) {
              expected = prev + q.fixedMillis();
            }
          }
          if (t > expected) {
            out.add(new long[] {expected, t});
          }
          expected = q.isFixed() ? t + q.fixedMillis() : q.bucketEnd(t, zone);
        }
      }
    }
    if (expected < to) {
      out.add(new long[] {expected, to});
    }
    return out;
  }

  private static List<long[]> touching(
      DuckDBConnection c, SeriesKey key, String kind, long from, long to) throws SQLException {
    List<long[]> out = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT epoch_ms(from_time), epoch_ms(to_time) FROM " + Schema.COVERAGE + where())) {
      bind(p, key, kind, from, to);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new long[] {r.getLong(1), r.getLong(2)});
        }
      }
    }
    return out;
  }

  private static void delete(DuckDBConnection c, SeriesKey key, String kind, long from, long to)
      throws SQLException {
    try (PreparedStatement p = c.prepareStatement("DELETE FROM " + Schema.COVERAGE + where())) {
      bind(p, key, kind, from, to);
      p.executeUpdate();
    }
  }

  private static String where() {
    return " WHERE symbol = ? AND \"interval\" = ? AND zone = ? AND kind = ?"
        + " AND from_time <= make_timestamp(?) AND to_time >= make_timestamp(?)";
  }

  private static void bind(PreparedStatement p, SeriesKey key, String kind, long from, long to)
      throws SQLException {
    p.setString(1, key.symbol());
    p.setString(2, key.interval());
    p.setString(3, key.zone());
    p.setString(4, kind);
    p.setLong(5, to * 1000);
    p.setLong(6, from * 1000);
  }

  private static void insert(
      DuckDBConnection c, SeriesKey key, String kind, List<long[]> ranges, long now)
      throws SQLException {
    if (ranges.isEmpty()) {
      return;
    }
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO "
                + Schema.COVERAGE
                + " VALUES (?, ?, ?, ?, make_timestamp(?), make_timestamp(?),"
                + " make_timestamp(?))")) {
      for (long[] r : ranges) {
        p.setString(1, key.symbol());
        p.setString(2, key.interval());
        p.setString(3, key.zone());
        p.setString(4, kind);
        p.setLong(5, r[0] * 1000);
        p.setLong(6, r[1] * 1000);
        p.setLong(7, now * 1000);
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  private static List<long[]> merge(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(r -> r[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      if (r[0] >= r[1]) {
        continue;
      }
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && r[0] <= last[1]) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(new long[] {r[0], r[1]});
      }
    }
    return out;
  }
}
