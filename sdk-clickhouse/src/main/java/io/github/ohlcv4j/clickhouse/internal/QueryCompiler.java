package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.clickhouse.ColumnMapping;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import io.github.ohlcv4j.clickhouse.internal.RowLayout.TimeKind;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes the SELECT statements of the source: raw candles of a time window, or candles aggregated
 * into buckets on the server, for one symbol or several, always as {@code FORMAT RowBinary}.
 *
 * <p>Aggregation has the semantics of the in-JVM resampler ({@code CandleSeries.resample}): buckets
 * aligned to the epoch for fixed intervals and to local calendar boundaries for days, weeks and
 * months; open of the first input, highest high, lowest low, close of the last input, summed
 * volume; and the number of inputs, from which the reader sets the partial flag. Bucket keys are
 * integers (epoch seconds or milliseconds, local epoch days, months since 1970-01) that the reader
 * turns into instants with {@code java.time}, so the server only decides which local day a candle
 * falls on.
 *
 * <p>Every identifier comes from a validated {@link ColumnMapping} or was checked by {@link Sql};
 * every literal goes through {@link Sql#string(String)} or is a number. Immutable and thread-safe.
 */
public final class QueryCompiler {

  /** The alias of the bucket key; may not be a mapped column. */
  public static final String KEY_ALIAS = "__ohlcv4j_bucket";

  private static final long MAX_DATETIME_SECONDS = 0xFFFF_FFFFL;
  private static final long MIN_DATETIME64_MILLIS =
      Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();
  private static final long MAX_DATETIME64_MILLIS =
      Instant.parse("2299-12-31T00:00:00Z").toEpochMilli();
  private static final DateTimeFormatter DATETIME64 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /** A compiled statement and the shape of its rows. */
  public record Compiled(String sql, RowLayout layout) {}

  private final String table;
  private final ColumnMapping columns;
  private final Dialect dialect;
  private final TimeColumnType timeType;
  private final boolean useFinal;
  private final TableInfo info;
  private final boolean date32;

  /**
   * @param database the database
   * @param table the table
   * @param columns the column names
   * @param dialect the dialect of the server
   * @param timeType the type of the time column
   * @param useFinal whether to read with {@code FINAL} (ReplacingMergeTree)
   * @param info the table's column types, to convert non-{@code Float64} prices
   */
  public QueryCompiler(
      String database,
      String table,
      ColumnMapping columns,
      Dialect dialect,
      TimeColumnType timeType,
      boolean useFinal,
      TableInfo info) {
    this.table = Sql.qualified(database, table);
    this.columns = Objects.requireNonNull(columns, "columns");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.timeType = Objects.requireNonNull(timeType, "timeType");
    this.useFinal = useFinal;
    this.info = Objects.requireNonNull(info, "info");
    // Date32 (21.9+) spans 1900-2299 like DateTime64; the day and month functions of DateTime64 do
    // not: before 1970 toRelativeDayNum wraps modulo 65536 and toStartOfInterval to 2106.
    this.date32 = timeType == TimeColumnType.DATE_TIME64_3 && info.version().atLeast(21, 9);
    if (columns.all().contains(KEY_ALIAS)) {
      throw new IllegalArgumentException(KEY_ALIAS + " is reserved and cannot be a column name");
    }
    if (timeType == TimeColumnType.DATE_TIME64_3 && !dialect.hasDateTime64()) {
      throw new IllegalArgumentException(
          "This ClickHouse server is too old for DateTime64 (it needs 20.5 or later)");
    }
  }

  /**
   * The candles of {@code symbols} whose open time is in {@code [from, to)}, ascending (by symbol,
   * then time, for several symbols).
   *
   * @param symbols the symbols' text forms, at least one
   * @param from start of the window, epoch ms (inclusive)
   * @param to end of the window, epoch ms (exclusive)
   * @param limit at most this many rows per symbol; 0 for no limit
   */
  public Compiled raw(List<String> symbols, long from, long to, int limit) {
    return raw(symbols, from, to, limit, false, List.of());
  }

  /**
   * As {@link #raw(List, long, long, int)}, with the store's columns of a table that has them: the
   * {@code flags} and the given extra columns, after the volume.
   *
   * @param flags whether to read the flags column
   * @param extras the extra columns to read, in table order
   */
  public Compiled raw(
      List<String> symbols,
      long from,
      long to,
      int limit,
      boolean flags,
      List<ExtraColumn> extras) {
    boolean multi = symbols.size() > 1;
    String t = Sql.id(columns.time());
    StringBuilder b = new StringBuilder(256).append("SELECT ");
    if (multi) {
      b.append(Sql.id(columns.symbol())).append(", ");
    }
    b.append(t)
        .append(", ")
        .append(number(columns.open(), Sql.id(columns.open())))
        .append(", ")
        .append(number(columns.high(), Sql.id(columns.high())))
        .append(", ")
        .append(number(columns.low(), Sql.id(columns.low())))
        .append(", ")
        .append(number(columns.close(), Sql.id(columns.close())))
        .append(", ")
        .append(number(columns.volume(), Sql.id(columns.volume())));
    if (flags) {
      b.append(", ").append(Sql.id(StoreColumns.FLAGS));
    }
    for (ExtraColumn x : extras) {
      b.append(", ").append(Sql.id(StoreColumns.column(x)));
    }
    from(b, symbols, from, to);
    b.append(" ORDER BY ");
    if (multi) {
      b.append(Sql.id(columns.symbol())).append(", ");
    }
    b.append(t);
    limit(b, limit, multi);
    b.append(" FORMAT RowBinary");
    TimeKind kind = timeType == TimeColumnType.DATE_TIME ? TimeKind.SECONDS : TimeKind.MILLIS;
    return new Compiled(b.toString(), new RowLayout(multi, kind, false, flags, extras));
  }

  /**
   * Candles of {@code symbols} aggregated into buckets of {@code target}, from stored candles whose
   * open time is in {@code [from, to)}.
   *
   * @param symbols the symbols' text forms, at least one
   * @param target the bucket interval
   * @param unit what counts as one input for the partial flag: the stored interval, or the finer
   *     interval the query asked for before resampling
   * @param unitIsStored whether {@code unit} is the stored interval (then the count is {@code
   *     count()}, else the number of distinct {@code unit} buckets)
   * @param zone the zone of calendar buckets
   * @param from start of the window, epoch ms (inclusive)
   * @param to end of the window, epoch ms (exclusive)
   * @param limit at most this many buckets per symbol; 0 for no limit
   * @throws IllegalArgumentException if a calendar interval is asked for in a zone ClickHouse
   *     cannot name (see {@link #zoneName(ZoneId)})
   * @throws InvalidQueryException if calendar buckets before 1970 are asked of a {@code DateTime64}
   *     table on a server without {@code Date32} (before 21.9), which cannot compute them
   */
  public Compiled aggregate(
      List<String> symbols,
      Interval target,
      Interval unit,
      boolean unitIsStored,
      ZoneId zone,
      long from,
      long to,
      int limit) {
    boolean multi = symbols.size() > 1;
    boolean calendar = !target.isFixed() || (!unitIsStored && !unit.isFixed());
    if (calendar && from < 0 && timeType == TimeColumnType.DATE_TIME64_3 && !date32) {
      throw new InvalidQueryException(
          "ClickHouse "
              + info.version()
              + " cannot put candles before 1970 into "
              + (target.isFixed() ? unit : target)
              + " buckets: its day and month functions of DateTime64 wrap before 1970 (Date32, from"
              + " 21.9, does not). Resample in the JVM (read the stored candles and call"
              + " CandleSeries.resample), start the range at 1970, or upgrade the server.");
    }
    Key key = key(target, zone);
    String t = Sql.id(columns.time());
    String sym = Sql.id(columns.symbol());
    String alias = Sql.id(KEY_ALIAS);
    StringBuilder b = new StringBuilder(512).append("SELECT ");
    if (multi) {
      b.append(sym).append(", ");
    }
    b.append("toInt64(")
        .append(key.sql)
        .append(") AS ")
        .append(alias)
        .append(", ")
        .append(number(columns.open(), "argMin(" + Sql.id(columns.open()) + ", " + t + ")"))
        .append(", ")
        .append(number(columns.high(), "max(" + Sql.id(columns.high()) + ")"))
        .append(", ")
        .append(number(columns.low(), "min(" + Sql.id(columns.low()) + ")"))
        .append(", ")
        .append(number(columns.close(), "argMax(" + Sql.id(columns.close()) + ", " + t + ")"))
        .append(", ")
        .append(number(columns.volume(), "sum(" + Sql.id(columns.volume()) + ")"))
        .append(", ")
        .append(unitIsStored ? "count()" : "uniqExact(" + key(unit, zone).sql + ")");
    from(b, symbols, from, to);
    b.append(" GROUP BY ");
    if (multi) {
      b.append(sym).append(", ");
    }
    b.append(alias).append(" ORDER BY ");
    if (multi) {
      b.append(sym).append(", ");
    }
    b.append(alias);
    limit(b, limit, multi);
    b.append(" FORMAT RowBinary");
    return new Compiled(b.toString(), new RowLayout(multi, key.kind, true));
  }

  /**
   * The open times (epoch ms) of the stored candles of {@code symbol} in {@code [from, to)}, as one
   * {@code TabSeparated} row: their number, the first, the last, and — for a fixed interval of
   * {@code stepMillis} — the times before and after each gap (two arrays); for a calendar interval
   * ({@code stepMillis} 0) all the times (one array). Used to find the open times in a range that
   * hold no candle; no {@code FINAL}, as only the times matter.
   */
  public String storedTimes(String symbol, long from, long to, long stepMillis) {
    String millis = millis();
    StringBuilder inner =
        new StringBuilder("SELECT arraySort(groupUniqArray(").append(millis).append(")) AS a");
    fromClause(inner, List.of(symbol), from, to, false);
    StringBuilder b = new StringBuilder("SELECT length(a), a[1], a[length(a)], ");
    if (stepMillis > 0) {
      b.append("arrayFilter((x, y) -> y - x > ")
          .append(stepMillis)
          .append(", arrayPopBack(a), arrayPopFront(a)), arrayFilter((y, x) -> y - x > ")
          .append(stepMillis)
          .append(", arrayPopFront(a), arrayPopBack(a))");
    } else {
      b.append("a");
    }
    return b.append(" FROM (").append(inner).append(") FORMAT TabSeparated").toString();
  }

  /**
   * The number of stored candles of {@code symbol} in {@code [from, to)} and the latest open time
   * (epoch ms) among them, as one {@code TabSeparated} row; no {@code FINAL}, as only the times
   * matter. Finds where an empty range that reaches into {@code [to, ...)} starts.
   */
  public String lastStoredTime(String symbol, long from, long to) {
    StringBuilder b = new StringBuilder("SELECT count(), max(").append(millis()).append(')');
    fromClause(b, List.of(symbol), from, to, false);
    return b.append(" FORMAT TabSeparated").toString();
  }

  private String millis() {
    String t = Sql.id(columns.time());
    return timeType == TimeColumnType.DATE_TIME
        ? "toInt64(toUInt32(" + t + ")) * 1000"
        : "toUnixTimestamp64Milli(" + t + ")";
  }

  private void from(StringBuilder b, List<String> symbols, long from, long to) {
    fromClause(b, symbols, from, to, useFinal);
  }

  private void fromClause(
      StringBuilder b, List<String> symbols, long from, long to, boolean useFinal) {
    if (symbols.isEmpty()) {
      throw new IllegalArgumentException("No symbols to read");
    }
    b.append(" FROM ").append(table);
    if (useFinal) {
      b.append(" FINAL");
    }
    b.append(" WHERE ").append(Sql.id(columns.symbol()));
    if (symbols.size() == 1) {
      b.append(" = ").append(Sql.string(symbols.get(0)));
    } else {
      b.append(" IN (");
      for (int i = 0; i < symbols.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(Sql.string(symbols.get(i)));
      }
      b.append(')');
    }
    String t = Sql.id(columns.time());
    if (timeType == TimeColumnType.DATE_TIME) {
      // Whole seconds: t * 1000 >= from  <=>  t >= ceil(from / 1000), likewise for the end.
      long lo = -Math.floorDiv(-from, 1000L);
      long hi = -Math.floorDiv(-to, 1000L);
      if (hi <= 0 || lo > MAX_DATETIME_SECONDS) {
        b.append(" AND 0");
        return;
      }
      if (lo > 0) {
        b.append(" AND ").append(t).append(" >= toDateTime(").append(lo).append(')');
      }
      if (hi <= MAX_DATETIME_SECONDS) {
        b.append(" AND ").append(t).append(" < toDateTime(").append(hi).append(')');
      }
    } else {
      if (to <= MIN_DATETIME64_MILLIS || from > MAX_DATETIME64_MILLIS) {
        b.append(" AND 0");
        return;
      }
      if (from > MIN_DATETIME64_MILLIS) {
        b.append(" AND ").append(t).append(" >= ").append(dateTime64(from));
      }
      if (to <= MAX_DATETIME64_MILLIS) {
        b.append(" AND ").append(t).append(" < ").append(dateTime64(to));
      }
    }
  }

  private static String dateTime64(long millis) {
    return "toDateTime64('" + DATETIME64.format(Instant.ofEpochMilli(millis)) + "', 3, 'UTC')";
  }

  private void limit(StringBuilder b, int limit, boolean multi) {
    if (limit > 0) {
      b.append(" LIMIT ").append(limit);
      if (multi) {
        b.append(" BY ").append(Sql.id(columns.symbol()));
      }
    }
  }

  /** {@code expr}, converted to Float64 unless the column already is. */
  private String number(String column, String expr) {
    return info.isFloat64(column) ? expr : "toFloat64(" + expr + ")";
  }

  /** A bucket key expression and what its values mean. */
  private record Key(String sql, TimeKind kind) {}

  private Key key(Interval interval, ZoneId zone) {
    String t = Sql.id(columns.time());
    if (interval.isFixed()) {
      long seconds = interval.fixedMillis() / 1000;
      if (timeType == TimeColumnType.DATE_TIME64_3) {
        // Plain arithmetic on the milliseconds holds before 1970 too.
        return new Key(
            floor("toUnixTimestamp64Milli(" + t + ")", seconds * 1000), TimeKind.KEY_MILLIS);
      }
      boolean dividesDay = 86_400 % seconds == 0;
      if (dialect == Dialect.MODERN && dividesDay) {
        // Within a UTC day the midnight alignment of toStartOfInterval is the epoch alignment.
        return new Key(
            "toUnixTimestamp(toStartOfInterval(" + t + ", " + sqlInterval(interval) + ", 'UTC'))",
            TimeKind.KEY_SECONDS);
      }
      return new Key(
          "intDiv(toUInt32(" + t + "), " + seconds + ") * " + seconds, TimeKind.KEY_SECONDS);
    }
    String z =
        zoneName(zone)
            .map(Sql::string)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "ClickHouse has no time zone for " + zone + "; use a region id"));
    String local = "toDate32(" + t + ", " + z + ")";
    String day =
        date32 ? "toInt64(" + local + ")" : "toInt64(toRelativeDayNum(" + t + ", " + z + "))";
    int n = interval.amount();
    switch (interval.unit()) {
      case DAY:
        return new Key(n == 1 ? day : floor(day, n), TimeKind.KEY_DAY);
      case WEEK:
        {
          // The Monday on or before the local day, by arithmetic: 1970-01-01 was a Thursday.
          // (toDayOfWeek(t, tz) became toDayOfWeek(t, mode, tz) in newer servers.)
          String monday = "(" + day + " - ((" + day + " + 3) % 7 + 7) % 7)";
          if (n == 1) {
            return new Key(monday, TimeKind.KEY_DAY);
          }
          // Weeks counted from Monday 1969-12-29 (epoch day -3), as Interval does.
          String week = "intDiv(" + monday + " + 3, 7)";
          return new Key("(" + floor(week, n) + " * 7 - 3)", TimeKind.KEY_DAY);
        }
      default:
        {
          // toRelativeMonthNum counts year * 12 + month: January 1970 is 23641.
          String month =
              date32
                  ? "((toInt64(toYear(" + local + ")) - 1970) * 12 + toMonth(" + local + ") - 1)"
                  : "(toInt64(toRelativeMonthNum(" + t + ", " + z + ")) - 23641)";
          return new Key(n == 1 ? month : floor(month, n), TimeKind.KEY_MONTH);
        }
    }
  }

  /** {@code x} rounded down to a multiple of {@code n}, also for negative {@code x}. */
  private static String floor(String x, long n) {
    return "(" + x + " - ((" + x + " % " + n + ") + " + n + ") % " + n + ")";
  }

  private static String sqlInterval(Interval i) {
    long seconds = i.fixedMillis() / 1000;
    if (seconds % 3600 == 0) {
      return "INTERVAL " + seconds / 3600 + " HOUR";
    }
    if (seconds % 60 == 0) {
      return "INTERVAL " + seconds / 60 + " MINUTE";
    }
    return "INTERVAL " + seconds + " SECOND";
  }

  /**
   * The name ClickHouse knows {@code zone} by: region ids as they are, UTC for the zero offset, and
   * {@code Etc/GMT-h} for whole-hour offsets (the sign is inverted in that database); empty for
   * other fixed offsets, which it has no name for.
   */
  public static Optional<String> zoneName(ZoneId zone) {
    ZoneId z = zone.normalized();
    if (z instanceof ZoneOffset) {
      int s = ((ZoneOffset) z).getTotalSeconds();
      if (s == 0) {
        return Optional.of("UTC");
      }
      if (s % 3600 != 0) {
        return Optional.empty();
      }
      int h = s / 3600;
      return Optional.of("Etc/GMT" + (h > 0 ? "-" : "+") + Math.abs(h));
    }
    return Optional.of(z.getId());
  }
}
