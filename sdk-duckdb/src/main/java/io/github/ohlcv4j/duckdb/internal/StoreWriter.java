package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.WriteResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;

/**
 * Writes a series into the store in one transaction: the closed candles through DuckDB's appender
 * into a temporary staging table, then the stored candles with the same keys deleted and the staged
 * ones inserted (an upsert without a primary-key index, which would make the file several times
 * larger and the first write of a range several times slower), the series' extra columns noted, and
 * the covered range recorded with the ranges it holds no candle for.
 */
public final class StoreWriter {
  private StoreWriter() {}

  private static final String STAGING = "ohlcv4j_staging";
  private static final int STORED_FLAGS = CandleSeries.PARTIAL | CandleSeries.SUSPECT;

  /** The rows of a series to store, and what coverage it may record. */
  private record Plan(int[] rows, int inProgress, int filled, long firstOpenAfterClosed) {}

  /**
   * Writes {@code s}; records {@code covered} when given.
   *
   * @param nowMillis the store's clock: candles ending after it have not closed
   * @throws IllegalArgumentException if an open time is off the interval grid
   */
  public static WriteResult write(
      Database db, String source, CandleSeries s, @Nullable TimeRange covered, long nowMillis) {
    Interval q = s.interval();
    ZoneId zone = s.zone();
    SeriesKey key = SeriesKey.of(s.symbol(), q, zone);
    Plan plan = plan(s, key, nowMillis);
    long[] cover = null;
    if (covered != null) {
      long from = ceil(q, covered.fromMillis(), zone);
      long to = ceil(q, covered.toMillis(), zone);
      to = Math.min(to, plan.firstOpenAfterClosed());
      to = Math.min(to, q.bucketStart(nowMillis, zone));
      if (from < to) {
        cover = new long[] {from, to};
      }
    }
    int[] rows = plan.rows();
    if (rows.length == 0 && cover == null) {
      return new WriteResult(0, 0, plan.inProgress(), plan.filled(), Optional.empty());
    }
    final long[] range = cover;
    int replaced =
        db.write(
            "writing " + rows.length + " candles of " + key,
            c -> {
              int r = 0;
              if (rows.length > 0) {
                r = upsert(c, key, s, rows);
                long first = s.openTimeMillis(rows[0]);
                long last = s.openTimeMillis(rows[rows.length - 1]);
                CoverageTable.candlesAdded(
                    c, key, q, zone, first, q.bucketEnd(last, zone), nowMillis);
              }
              if (range != null) {
                CoverageTable.record(c, key, q, zone, range[0], range[1], nowMillis);
              }
              return r;
            });
    Optional<TimeRange> recorded =
        range == null
            ? Optional.empty()
            : Optional.of(
                new TimeRange(Instant.ofEpochMilli(range[0]), Instant.ofEpochMilli(range[1])));
    return new WriteResult(rows.length, replaced, plan.inProgress(), plan.filled(), recorded);
  }

  private static Plan plan(CandleSeries s, SeriesKey key, long now) {
    Interval q = s.interval();
    ZoneId zone = s.zone();
    boolean fixed = q.isFixed();
    long step = fixed ? q.fixedMillis() : 0;
    int[] keep = new int[s.size()];
    int n = 0;
    int inProgress = 0;
    int filled = 0;
    long firstUnclosed = Long.MAX_VALUE;
    for (int i = 0; i < s.size(); i++) {
      long t = s.openTimeMillis(i);
      boolean onGrid = fixed ? Math.floorMod(t, step) == 0 : q.bucketStart(t, zone) == t;
      if (!onGrid) {
        throw new IllegalArgumentException(
            "Cannot store "
                + key
                + ": the candle at "
                + Instant.ofEpochMilli(t)
                + " is not on the "
                + q
                + " grid"
                + (fixed ? "" : " in " + zone)
                + ". Candles are stored under their interval; is the series labelled with the"
                + " wrong interval or zone?");
      }
      int f = s.flags(i);
      long end = fixed ? t + step : q.bucketEnd(t, zone);
      if ((f & CandleSeries.IN_PROGRESS) != 0 || end > now) {
        inProgress++;
        firstUnclosed = Math.min(firstUnclosed, t);
        continue;
      }
      if ((f & CandleSeries.FILLED) != 0) {
        filled++;
        continue;
      }
      keep[n++] = i;
    }
    return new Plan(java.util.Arrays.copyOf(keep, n), inProgress, filled, firstUnclosed);
  }

  /** The first bucket start at or after {@code t}. */
  static long ceil(Interval q, long t, ZoneId zone) {
    long b = q.bucketStart(t, zone);
    return b == t ? t : q.bucketEnd(b, zone);
  }

  /** Replaces or inserts the rows; returns how many stored rows were replaced. */
  private static int upsert(DuckDBConnection c, SeriesKey key, CandleSeries s, int[] rows)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TEMP TABLE IF NOT EXISTS "
              + STAGING
              + " AS SELECT * FROM "
              + Schema.CANDLES
              + " LIMIT 0");
      st.execute("DELETE FROM " + STAGING);
    }
    List<ExtraColumn> extras = new ArrayList<>(s.extraColumns());
    try (DuckDBAppender a = c.createAppender("temp", "main", STAGING)) {
      for (int i : rows) {
        a.beginRow()
            .append(key.symbol())
            .append(key.interval())
            .append(key.zone())
            .appendEpochMicros(s.openTimeMillis(i) * 1000)
            .append(s.open(i))
            .append(s.high(i))
            .append(s.low(i))
            .append(s.close(i))
            .append(s.volume(i));
        for (ExtraColumn x : Extras.ALL) {
          if (s.has(x)) {
            a.append(s.extra(x, i));
          } else {
            a.appendNull();
          }
        }
        a.append((byte) (s.flags(i) & STORED_FLAGS)).endRow();
      }
    }
    int replaced;
    try (PreparedStatement p =
        c.prepareStatement(
            "DELETE FROM "
                + Schema.CANDLES
                + " AS c USING "
                + STAGING
                + " AS s WHERE c.symbol = ? AND c.\"interval\" = ? AND c.zone = ?"
                + " AND c.open_time >= make_timestamp(?) AND c.open_time <= make_timestamp(?)"
                + " AND c.open_time = s.open_time AND c.symbol = s.symbol"
                + " AND c.\"interval\" = s.\"interval\" AND c.zone = s.zone")) {
      p.setString(1, key.symbol());
      p.setString(2, key.interval());
      p.setString(3, key.zone());
      p.setLong(4, s.openTimeMillis(rows[0]) * 1000);
      p.setLong(5, s.openTimeMillis(rows[rows.length - 1]) * 1000);
      replaced = p.executeUpdate();
    }
    try (Statement st = c.createStatement()) {
      st.execute("INSERT INTO " + Schema.CANDLES + " SELECT * FROM " + STAGING);
      st.execute("DELETE FROM " + STAGING);
    }
    int mask = Extras.maskOf(s);
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO "
                + Schema.SERIES
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET extras = "
                + Schema.SERIES
                + ".extras | excluded.extras")) {
      p.setString(1, key.symbol());
      p.setString(2, key.interval());
      p.setString(3, key.zone());
      p.setInt(4, mask);
      p.execute();
    }
    return replaced;
  }

  /** The extra columns stored for a series, as a mask; 0 when none (or no such series). */
  public static int extrasOf(DuckDBConnection c, SeriesKey key) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT extras FROM "
                + Schema.SERIES
                + " WHERE symbol = ? AND \"interval\" = ? AND zone = ?")) {
      p.setString(1, key.symbol());
      p.setString(2, key.interval());
      p.setString(3, key.zone());
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getInt(1) : 0;
      }
    }
  }
}
