package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryWriter;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.clickhouse.internal.StoreColumns;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.StoreSchemaException;
import io.github.ohlcv4j.source.WriteResult;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@link io.github.ohlcv4j.source.CandleStore} side of a {@link ClickHouseSource}: writes of
 * closed candles with their flags and extra columns, and coverage kept in {@value
 * TableInfo#COVERAGE_TABLE}.
 *
 * <p><b>How a write goes.</b> The candles first, then — only once they are all stored — one row
 * recording the range as complete; a process that dies between the two leaves candles without
 * coverage, which a reader simply fetches again. Before writing, the stored candles of the written
 * range are read back (with {@code FINAL}): candles already stored exactly so are not sent again,
 * so a re-run, or a write repeated after its answer was lost, stores nothing new. The rest go with
 * insert de-duplication off, as a replicated table would otherwise drop a block identical to one of
 * its last hundred — writing back an earlier version of a candle after a correction would be lost.
 * A row per symbol records which extra columns and flags were ever written (before the candles), so
 * that readers select those columns only. Empty ranges are not stored: {@link #coverage} works them
 * out from the stored open times, so a candle written into a range recorded as empty shrinks it at
 * once.
 *
 * <p>Writes of one source are serialized. Thread-safe.
 */
final class Store {

  /** Rows per INSERT: within one ClickHouse insert block (1,048,576 rows by default). */
  static final int BATCH = 1_000_000;

  private final ClickHouseSource source;
  private final TableHandle table;
  private final WindowReader reader;

  Store(ClickHouseSource source, TableHandle table, WindowReader reader) {
    this.source = source;
    this.table = table;
    this.reader = reader;
  }

  /** The rows of a series to store, and what coverage it may record. */
  private record Plan(int[] rows, int inProgress, int filled, long firstUnclosed) {}

  synchronized WriteResult write(CandleSeries s, @Nullable TimeRange covered) {
    Interval q = s.interval();
    if (!q.equals(source.interval())) {
      throw new IllegalArgumentException(
          "Cannot store "
              + q
              + " candles of "
              + s.symbol()
              + " in "
              + source.database()
              + "."
              + source.table()
              + ", which holds "
              + source.interval()
              + " candles: a ClickHouse table keeps one interval. Resample them, or use a table"
              + " (and a source) for "
              + q);
    }
    if (q.isCalendar() && !isUtc(s.zone())) {
      throw new IllegalArgumentException(
          "Cannot store "
              + q
              + " candles of "
              + s.symbol()
              + " aligned in "
              + s.zone()
              + ": "
              + source.database()
              + "."
              + source.table()
              + " keeps calendar candles aligned in UTC. Store finer candles and resample them"
              + " in the zone when reading.");
    }
    long now = table.settings().clock().millis();
    Plan plan = plan(s, now);
    long[] cover = null;
    if (covered != null) {
      long from = ceil(q, covered.fromMillis());
      long to = ceil(q, covered.toMillis());
      to = Math.min(to, plan.firstUnclosed());
      to = Math.min(to, q.bucketStart(now, ZoneOffset.UTC));
      if (from < to) {
        cover = new long[] {from, to};
      }
    }
    int[] rows = plan.rows();
    Optional<TimeRange> recorded =
        cover == null
            ? Optional.empty()
            : Optional.of(
                new TimeRange(Instant.ofEpochMilli(cover[0]), Instant.ofEpochMilli(cover[1])));
    if (rows.length == 0 && cover == null) {
      return new WriteResult(0, 0, plan.inProgress(), plan.filled(), Optional.empty());
    }
    Resolved r = resolveStore();
    for (int i : rows) {
      RowBinaryWriter.checkTime(s, i, r.timeType());
    }
    String symbol = s.symbol().toString();
    int replaced = 0;
    if (rows.length > 0) {
      int extras = StoreColumns.maskOf(s);
      int flags = 0;
      for (int i : rows) {
        flags |= s.flags(i) & StoreColumns.STORED_FLAGS;
      }
      // The extra columns to compare when reading back: those stored for the symbol, and the
      // series' own (the others are NaN on both sides).
      String asked = "reading which extra columns " + symbol + " has";
      int readBack =
          extras
              | WindowReader.Masks.parse(
                      table.await(
                          table
                              .connection()
                              .text(
                                  WindowReader.Masks.query(table.settings(), List.of(symbol)),
                                  asked,
                                  r.readSettings()),
                          asked),
                      List.of(symbol),
                      table)
                  .extras()[0];
      if (extras != 0 || flags != 0) {
        // Before the candles: a reader that sees them then selects their columns too.
        insertCoverage(r, symbol, "series", 0, 0, extras, flags);
      }
      for (int from = 0, to; from < rows.length; from = to) {
        to = batchEnd(s, rows, from);
        replaced += writeBatch(r, s, symbol, rows, from, to, readBack);
      }
    }
    if (cover != null) {
      insertCoverage(r, symbol, "complete", cover[0], cover[1], 0, 0);
    }
    return new WriteResult(rows.length, replaced, plan.inProgress(), plan.filled(), recorded);
  }

  /**
   * Writes rows {@code rows[from..to)}: reads back what is stored at their times (with the extra
   * columns {@code readBack}), and sends the candles that are new or differ. Returns how many of
   * the rows replaced a stored candle.
   */
  private int writeBatch(
      Resolved r, CandleSeries s, String symbol, int[] rows, int from, int to, int readBack) {
    long first = s.openTimeMillis(rows[from]);
    long last = s.openTimeMillis(rows[to - 1]);
    String reading = "reading back the stored candles of " + s.symbol();
    CandleSeries stored =
        table.await(reader.stored(r, s.symbol(), first, last + 1, readBack), reading);
    int replaced = 0;
    int[] send;
    boolean deduplicate;
    if (stored.isEmpty()) {
      send = Arrays.copyOfRange(rows, from, to);
      deduplicate = true;
    } else {
      int[] changed = new int[to - from];
      int n = 0;
      int j = 0;
      for (int k = from; k < to; k++) {
        int i = rows[k];
        long t = s.openTimeMillis(i);
        while (j < stored.size() && stored.openTimeMillis(j) < t) {
          j++;
        }
        if (j < stored.size() && stored.openTimeMillis(j) == t) {
          replaced++;
          if (!same(s, i, stored, j)) {
            changed[n++] = i;
          }
        } else {
          changed[n++] = i;
        }
      }
      send = Arrays.copyOf(changed, n);
      // Some of this range was written before: a block identical to an earlier one (an older
      // version of these candles) must not be dropped.
      deduplicate = false;
    }
    if (send.length == 0) {
      return replaced;
    }
    Map<String, String> settings = new LinkedHashMap<>(r.insertSettings());
    if (!deduplicate) {
      settings.put("insert_deduplicate", "0");
    }
    String asked =
        "storing "
            + send.length
            + " "
            + s.interval()
            + " candles of "
            + s.symbol()
            + " from "
            + Instant.ofEpochMilli(s.openTimeMillis(send[0]))
            + " in "
            + table.settings().qualifiedName();
    table.await(
        table
            .connection()
            .insert(
                insertSql(),
                RowBinaryWriter.storeBody(
                    s, send, 0, send.length, symbol, r.timeType(), table.settings().compression()),
                table.settings().compression(),
                asked,
                settings),
        asked);
    return replaced;
  }

  /** Whether candle {@code i} of {@code s} is stored exactly so as candle {@code j}. */
  private static boolean same(CandleSeries s, int i, CandleSeries stored, int j) {
    if (!bits(s.open(i), stored.open(j))
        || !bits(s.high(i), stored.high(j))
        || !bits(s.low(i), stored.low(j))
        || !bits(s.close(i), stored.close(j))
        || !bits(s.volume(i), stored.volume(j))
        || (s.flags(i) & StoreColumns.STORED_FLAGS)
            != (stored.flags(j) & StoreColumns.STORED_FLAGS)) {
      return false;
    }
    for (ExtraColumn x : StoreColumns.EXTRAS) {
      double a = s.has(x) ? s.extra(x, i) : Double.NaN;
      double b = stored.has(x) ? stored.extra(x, j) : Double.NaN;
      if (!bits(a, b)) {
        return false;
      }
    }
    return true;
  }

  private static boolean bits(double a, double b) {
    return Double.doubleToLongBits(a) == Double.doubleToLongBits(b);
  }

  private String insertSql() {
    ColumnMapping c = source.columns();
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(Sql.qualified(source.database(), source.table()))
            .append(" (");
    List<String> names = new ArrayList<>(c.all());
    names.addAll(StoreColumns.names());
    for (int i = 0; i < names.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(Sql.id(names.get(i)));
    }
    return sql.append(") FORMAT RowBinary").toString();
  }

  private void insertCoverage(
      Resolved r, String symbol, String kind, long from, long to, int extras, int flags) {
    String sql =
        "INSERT INTO "
            + Sql.qualified(source.database(), TableInfo.COVERAGE_TABLE)
            + " (table_name, symbol, kind, from_time, to_time, extras, flags, recorded_at) VALUES ("
            + Sql.string(source.table())
            + ", "
            + Sql.string(symbol)
            + ", "
            + Sql.string(kind)
            + ", "
            + from
            + ", "
            + to
            + ", "
            + extras
            + ", "
            + flags
            + ", now())";
    String asked =
        "complete".equals(kind)
            ? "recording ["
                + Instant.ofEpochMilli(from)
                + ", "
                + Instant.ofEpochMilli(to)
                + ") of "
                + symbol
                + " as complete"
            : "recording the extra columns of " + symbol;
    table.await(table.connection().text(sql, asked, r.insertSettings()), asked);
  }

  /**
   * What the table holds complete of {@code symbol}, and the open times in it without a candle:
   * those of the empty ranges that end after {@code emptyAfter} (all of them for {@link
   * Long#MIN_VALUE}), each from its true start.
   */
  Coverage coverage(Symbol symbol, Interval interval, ZoneId zone, long emptyAfter) {
    if (!interval.equals(source.interval()) || (interval.isCalendar() && !isUtc(zone))) {
      return Coverage.none();
    }
    Resolved r;
    try {
      r = table.await(table.resolve(), "looking up the table");
    } catch (OhlcvException e) {
      if ("60".equals(e.venueCode().orElse(""))) {
        return Coverage.none(); // no table yet: nothing recorded
      }
      throw e;
    }
    if (!r.info().isStore()) {
      return Coverage.none();
    }
    String text = symbol.toString();
    String asked = "reading the coverage of " + symbol + " in " + table.settings().qualifiedName();
    String tsv =
        table.await(
            table
                .connection()
                .text(
                    "SELECT from_time, to_time FROM "
                        + Sql.qualified(source.database(), TableInfo.COVERAGE_TABLE)
                        + " WHERE table_name = "
                        + Sql.string(source.table())
                        + " AND symbol = "
                        + Sql.string(text)
                        + " AND kind = 'complete' FORMAT TabSeparated",
                    asked,
                    r.readSettings()),
            asked);
    List<long[]> complete = new ArrayList<>();
    for (String line : tsv.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      long[] range = longs(line.split("\t"), asked, line);
      if (range.length != 2 || range[0] >= range[1]) {
        throw unexpected(asked, line);
      }
      complete.add(range);
    }
    complete = merge(complete);
    if (complete.isEmpty()) {
      return Coverage.none();
    }
    long lo = complete.get(0)[0];
    long hi = complete.get(complete.size() - 1)[1];
    // From the open time of the candle holding emptyAfter: a range reaching before is found below.
    long scanFrom =
        emptyAfter >= hi
            ? hi
            : emptyAfter > lo ? Math.max(lo, interval.bucketStart(emptyAfter, ZoneOffset.UTC)) : lo;
    List<long[]> absent =
        scanFrom < hi ? absent(r, text, interval, scanFrom, hi) : new ArrayList<>();
    if (scanFrom > lo && !absent.isEmpty() && absent.get(0)[0] == scanFrom) {
      // An empty range reaching back before the times read: it starts after the last candle before.
      absent.get(0)[0] = lastBefore(r, text, interval, lo, scanFrom);
      if (absent.get(0)[0] >= absent.get(0)[1]) {
        absent.remove(0);
      }
    }
    List<TimeRange> empty = new ArrayList<>();
    int a = 0;
    for (long[] c : complete) {
      while (a < absent.size() && absent.get(a)[1] <= c[0]) {
        a++;
      }
      for (int k = a; k < absent.size() && absent.get(k)[0] < c[1]; k++) {
        long from = Math.max(c[0], absent.get(k)[0]);
        long to = Math.min(c[1], absent.get(k)[1]);
        if (from < to) {
          empty.add(range(from, to));
        }
      }
    }
    List<TimeRange> whole = new ArrayList<>();
    for (long[] c : complete) {
      whole.add(range(c[0], c[1]));
    }
    return new Coverage(whole, empty);
  }

  /** Epoch milliseconds, saturated at the ends of {@code long}. */
  static long millis(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * Where a run of open times without a candle that reaches {@code to} starts: the end of the last
   * stored candle in {@code [lo, to)}, or {@code lo} when there is none.
   */
  private long lastBefore(Resolved r, String symbol, Interval q, long lo, long to) {
    String asked = "reading the last stored open time of " + symbol;
    String tsv =
        table.await(
            table
                .connection()
                .text(r.compiler().lastStoredTime(symbol, lo, to), asked, r.readSettings()),
            asked);
    String[] f = tsv.strip().split("\t", -1);
    if (f.length != 2) {
      throw unexpected(asked, tsv);
    }
    if (longs(new String[] {f[0]}, asked, tsv)[0] == 0) {
      return lo;
    }
    long last = longs(new String[] {f[1]}, asked, tsv)[0];
    return q.isFixed() ? last + q.fixedMillis() : q.bucketEnd(last, ZoneOffset.UTC);
  }

  /** The ranges of open times in {@code [lo, hi)} with no stored candle. */
  private List<long[]> absent(Resolved r, String symbol, Interval q, long lo, long hi) {
    long step = q.isFixed() ? q.fixedMillis() : 0;
    String asked = "reading the stored open times of " + symbol;
    String tsv =
        table.await(
            table
                .connection()
                .text(r.compiler().storedTimes(symbol, lo, hi, step), asked, r.readSettings()),
            asked);
    String[] f = tsv.strip().split("\t", -1);
    if (f.length != (step > 0 ? 5 : 4)) {
      throw unexpected(asked, tsv);
    }
    long n = longs(new String[] {f[0]}, asked, tsv)[0];
    List<long[]> out = new ArrayList<>();
    if (n == 0) {
      out.add(new long[] {lo, hi});
      return out;
    }
    long first = longs(new String[] {f[1]}, asked, tsv)[0];
    long last = longs(new String[] {f[2]}, asked, tsv)[0];
    if (step > 0) {
      long[] before = array(f[3], asked, tsv);
      long[] after = array(f[4], asked, tsv);
      if (before.length != after.length) {
        throw unexpected(asked, tsv);
      }
      if (first > lo) {
        out.add(new long[] {lo, first});
      }
      for (int k = 0; k < before.length; k++) {
        out.add(new long[] {before[k] + step, after[k]});
      }
      if (last + step < hi) {
        out.add(new long[] {last + step, hi});
      }
      return out;
    }
    long expected = lo;
    for (long t : array(f[3], asked, tsv)) {
      if (t > expected) {
        out.add(new long[] {expected, t});
      }
      expected = Math.max(expected, q.bucketEnd(t, ZoneOffset.UTC));
    }
    if (expected < hi) {
      out.add(new long[] {expected, hi});
    }
    return out;
  }

  /** The table, checked: it must keep candles as a store does, and replace rows. */
  private Resolved resolveStore() {
    Resolved r;
    try {
      r = table.await(table.resolve(), "looking up the table");
    } catch (OhlcvException e) {
      if (!"60".equals(e.venueCode().orElse(""))) {
        throw e;
      }
      // No such table yet: a store creates its tables, as ClickHouseSchema makes them.
      ClickHouseSchema.builder(source).build().migrate();
      r = table.await(table.resolve(), "looking up the table");
    }
    String qualified = table.settings().qualifiedName();
    if (!r.info().isStore()) {
      throw new StoreSchemaException(
          source.name()
              + ": "
              + qualified
              + " cannot keep candles as a store: "
              + (r.info().coverage()
                  ? "it lacks the flags and extra columns"
                  : "the database has no " + TableInfo.COVERAGE_TABLE + " table")
              + ". Run ClickHouseSchema.builder(source).build().migrate() (version "
              + ClickHouseSchema.LATEST_VERSION
              + " adds them).",
          source.name(),
          null);
    }
    if (!r.useFinal()) {
      throw new StoreSchemaException(
          source.name()
              + ": "
              + qualified
              + " is a "
              + (r.distributed() ? "Distributed table over tables that keep" : "table that keeps")
              + " every copy of a row: writing a candle again would store it twice. A store needs"
              + " a ReplacingMergeTree table read with FINAL (what ClickHouseSchema creates by"
              + " default).",
          source.name(),
          null);
    }
    ColumnMapping c = source.columns();
    for (String col : new String[] {c.open(), c.high(), c.low(), c.close(), c.volume()}) {
      if (!r.info().isFloat64(col)) {
        throw new StoreSchemaException(
            source.name()
                + ": column "
                + col
                + " of "
                + qualified
                + " is "
                + r.info().type(col).orElse("?")
                + "; a store keeps Float64 values (tables made by ClickHouseSchema have them)",
            source.name(),
            null);
      }
    }
    return r;
  }

  /** Where the batch starting at {@code rows[from]} ends: 1,000,000 rows or 100 months. */
  private static int batchEnd(CandleSeries s, int[] rows, int from) {
    int end = (int) Math.min(rows.length, (long) from + BATCH);
    long limit =
        YearMonth.from(s.openTime(rows[from]).atOffset(ZoneOffset.UTC))
            .plusMonths(ClickHouseWriter.MONTHS_PER_BATCH)
            .atDay(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .toEpochMilli();
    for (int k = from + 1; k < end; k++) {
      if (s.openTimeMillis(rows[k]) >= limit) {
        return k;
      }
    }
    return end;
  }

  private Plan plan(CandleSeries s, long now) {
    Interval q = s.interval();
    boolean fixed = q.isFixed();
    long step = fixed ? q.fixedMillis() : 0;
    int[] keep = new int[s.size()];
    int n = 0;
    int inProgress = 0;
    int filled = 0;
    long firstUnclosed = Long.MAX_VALUE;
    for (int i = 0; i < s.size(); i++) {
      long t = s.openTimeMillis(i);
      boolean onGrid = fixed ? Math.floorMod(t, step) == 0 : q.bucketStart(t, ZoneOffset.UTC) == t;
      if (!onGrid) {
        throw new IllegalArgumentException(
            "Cannot store "
                + s.symbol()
                + " "
                + q
                + ": the candle at "
                + Instant.ofEpochMilli(t)
                + " is not on the "
                + q
                + " grid"
                + (fixed ? "" : " in UTC")
                + ". Candles are stored under their interval; is the series labelled with the"
                + " wrong interval or zone?");
      }
      int f = s.flags(i);
      long end = fixed ? t + step : q.bucketEnd(t, ZoneOffset.UTC);
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
    return new Plan(Arrays.copyOf(keep, n), inProgress, filled, firstUnclosed);
  }

  private static long ceil(Interval q, long t) {
    long b = q.bucketStart(t, ZoneOffset.UTC);
    return b == t ? t : q.bucketEnd(b, ZoneOffset.UTC);
  }

  private static boolean isUtc(ZoneId zone) {
    return zone.normalized().equals(ZoneOffset.UTC);
  }

  private static TimeRange range(long from, long to) {
    return new TimeRange(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to));
  }

  private static List<long[]> merge(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(x -> x[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] x : sorted) {
      long[] prev = out.isEmpty() ? null : out.get(out.size() - 1);
      if (prev != null && x[0] <= prev[1]) {
        prev[1] = Math.max(prev[1], x[1]);
      } else {
        out.add(new long[] {x[0], x[1]});
      }
    }
    return out;
  }

  private long[] array(String field, String asked, String tsv) {
    String f = field.strip();
    if (!f.startsWith("[") || !f.endsWith("]")) {
      throw unexpected(asked, tsv);
    }
    String body = f.substring(1, f.length() - 1);
    return body.isEmpty() ? new long[0] : longs(body.split(","), asked, tsv);
  }

  private long[] longs(String[] fields, String asked, String text) {
    long[] out = new long[fields.length];
    try {
      for (int i = 0; i < fields.length; i++) {
        out[i] = Long.parseLong(fields[i].strip());
      }
    } catch (NumberFormatException e) {
      throw unexpected(asked, text);
    }
    return out;
  }

  private OhlcvException unexpected(String asked, String text) {
    String shown = table.connection().credentials().redact(Sql.printable(text.strip()));
    return new DataFormatException(
        source.name() + ": unexpected answer " + asked + ": " + shown, source.name(), null, null);
  }
}
