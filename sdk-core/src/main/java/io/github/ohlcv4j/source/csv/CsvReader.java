package io.github.ohlcv4j.source.csv;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads the rows of one candle file, line by line, in either form a {@link CsvSource} knows: with a
 * header ({@code open_time,open,high,low,close,volume,...} as {@code CandleSeries.toCsv} writes it,
 * or Binance's USD-M futures dumps), or without one (Binance's spot dumps: twelve columns, open
 * time first). Open times are ISO-8601 instants or epoch numbers, milliseconds or (Binance's spot
 * dumps since 2025) microseconds, decided by the file's first row and held to for the rest of it.
 * Not thread-safe; one per file being read.
 */
final class CsvReader implements Closeable {

  /** Epoch numbers at or above this are microseconds (2.5e14 ms would be the year 9890). */
  private static final long MICROS = 100_000_000_000_000L;

  private static final int TIME = -1;
  private static final int OPEN = -2;
  private static final int HIGH = -3;
  private static final int LOW = -4;
  private static final int CLOSE = -5;
  private static final int VOLUME = -6;
  private static final int FLAGS = -7;
  private static final int IGNORE = -8;

  /** The columns of Binance's kline dumps, by position, as roles. */
  private static final int[] BINANCE = {
    TIME,
    OPEN,
    HIGH,
    LOW,
    CLOSE,
    VOLUME,
    ExtraColumn.CLOSE_TIME.ordinal(),
    ExtraColumn.QUOTE_VOLUME.ordinal(),
    ExtraColumn.TRADE_COUNT.ordinal(),
    ExtraColumn.TAKER_BUY_VOLUME.ordinal(),
    ExtraColumn.TAKER_BUY_QUOTE_VOLUME.ordinal(),
    IGNORE
  };

  private final CsvFile file;
  private final String source;
  private final BufferedReader in;
  private final StringBuilder line = new StringBuilder(160);
  private int lineNo;
  private boolean newlineAtEnd = true;
  private int @Nullable [] roles;
  private @Nullable Boolean micros;
  private long last = Long.MIN_VALUE;
  private @Nullable Row pending;

  /** One parsed row, held back when it belongs to the next page. */
  static final class Row {
    final int line;
    final long time;
    final double[] values;
    final int flags;

    Row(int line, long time, double[] values, int flags) {
      this.line = line;
      this.time = time;
      this.values = values;
      this.flags = flags;
    }
  }

  private CsvReader(CsvFile file, String source, BufferedReader in) {
    this.file = file;
    this.source = source;
    this.in = in;
  }

  /**
   * Opens {@code file}: its first entry ending in {@code .csv} if it is a zip (Binance's dumps hold
   * one).
   *
   * @throws IOException if it cannot be read
   * @throws DataFormatException if a zip holds no CSV file
   */
  static CsvReader open(CsvFile file, String source) throws IOException {
    InputStream raw = Files.newInputStream(file.path);
    try {
      InputStream data = raw;
      if (file.zipped) {
        ZipInputStream zip = new ZipInputStream(raw, StandardCharsets.UTF_8);
        ZipEntry e;
        while ((e = zip.getNextEntry()) != null
            && (e.isDirectory() || !e.getName().toLowerCase(Locale.ROOT).endsWith(".csv"))) {
          // skip what is not a CSV file
        }
        if (e == null) {
          throw DataFormatException.of(
                  source, source + ": " + file + " is a zip without a .csv file in it.")
              .build();
        }
        data = zip;
      }
      return new CsvReader(
          file,
          source,
          new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8), 1 << 16));
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The line of the last row read or held back (1-based). */
  int line() {
    return lineNo;
  }

  /** Skips rows until the next one is on line {@code line} or later: to resume after a failure. */
  void skipTo(int line) throws IOException {
    while (lineNo < line - 1 && readLine()) {
      if (roles == null && !isBlank()) {
        roles = firstLine(); // the header, or the first row: either says how to read the rest
      }
    }
  }

  /**
   * The next row, or null at the end of the file.
   *
   * @throws DataFormatException naming the file, line and column of what cannot be read
   */
  @Nullable Row next() throws IOException {
    if (pending != null) {
      Row r = pending;
      pending = null;
      return r;
    }
    while (readLine()) {
      if (line.length() == 0 || isBlank()) {
        continue;
      }
      if (roles == null) {
        roles = firstLine();
        if (roles != BINANCE) {
          continue; // the header
        }
      }
      return row(roles);
    }
    return null;
  }

  /** Gives {@code r} back: the next {@link #next()} returns it again. */
  void pushBack(Row r) {
    pending = r;
  }

  /** Adds {@code r} to {@code b}, with its extra columns and flags. */
  void add(Row r, CandleSeries.Builder b) {
    try {
      b.add(r.time, r.values[0], r.values[1], r.values[2], r.values[3], r.values[4]);
    } catch (DataFormatException e) {
      throw error(r.line, 0, "is not a valid candle: " + e.getMessage(), false);
    }
    for (ExtraColumn c : ExtraColumn.values()) {
      double v = r.values[5 + c.ordinal()];
      if (!Double.isNaN(v) || hasExtra[c.ordinal()]) {
        b.extra(c, v);
      }
    }
    if (r.flags != 0) {
      b.flag(r.flags);
    }
  }

  private final boolean[] hasExtra = new boolean[ExtraColumn.values().length];

  /** Checks that {@code r}'s open time starts a candle of {@code interval} in {@code zone}. */
  void checkGrid(Row r, Interval interval, ZoneId zone) {
    if (interval.bucketStart(r.time, zone) != r.time) {
      throw error(
          r.line,
          1,
          "has the open time "
              + Instant.ofEpochMilli(r.time)
              + ", which does not start a "
              + interval
              + " candle in "
              + zone
              + ": the file holds candles of another interval (name it SYMBOL-INTERVAL.csv)",
          false);
    }
  }

  private boolean isBlank() {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) > ' ') {
        return false;
      }
    }
    return true;
  }

  /** Reads the next line into {@link #line}; false at the end of the file. */
  private boolean readLine() throws IOException {
    line.setLength(0);
    int c = in.read();
    if (c < 0) {
      return false;
    }
    lineNo++;
    while (c >= 0 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
      c = in.read();
    }
    newlineAtEnd = c == '\n';
    return true;
  }

  /** The roles of the columns: Binance's when the first line is a row, else from the header. */
  private int[] firstLine() {
    String first = line.toString();
    String head = first.substring(0, Math.max(0, first.indexOf(','))).trim();
    if (!head.isEmpty() && Character.isDigit(head.charAt(0)) && !head.contains("T")) {
      return BINANCE;
    }
    String[] names = first.split(",", -1);
    int[] r = new int[names.length];
    boolean[] seen = new boolean[6];
    for (int i = 0; i < names.length; i++) {
      r[i] = role(names[i].trim().toLowerCase(Locale.ROOT).replace(' ', '_'));
      if (r[i] <= TIME && r[i] >= VOLUME) {
        seen[-r[i] - 1] = true;
      } else if (r[i] >= 0) {
        hasExtra[r[i]] = true;
      }
    }
    String[] need = {"open_time", "open", "high", "low", "close", "volume"};
    for (int i = 0; i < need.length; i++) {
      if (!seen[i]) {
        throw error(
            lineNo,
            0,
            "is a header without a column \""
                + need[i]
                + "\": expected open_time,open,high,low,close,volume and optional extra columns"
                + " (as CandleSeries.toCsv writes them), or Binance's twelve kline columns without"
                + " a header",
            false);
      }
    }
    return r;
  }

  private static int role(String name) {
    switch (name) {
      case "open_time":
      case "timestamp":
      case "time":
        return TIME;
      case "open":
        return OPEN;
      case "high":
        return HIGH;
      case "low":
        return LOW;
      case "close":
        return CLOSE;
      case "volume":
        return VOLUME;
      case "quote_volume":
      case "quote_asset_volume":
        return ExtraColumn.QUOTE_VOLUME.ordinal();
      case "trade_count":
      case "count":
      case "number_of_trades":
        return ExtraColumn.TRADE_COUNT.ordinal();
      case "taker_buy_volume":
      case "taker_buy_base_asset_volume":
        return ExtraColumn.TAKER_BUY_VOLUME.ordinal();
      case "taker_buy_quote_volume":
      case "taker_buy_quote_asset_volume":
        return ExtraColumn.TAKER_BUY_QUOTE_VOLUME.ordinal();
      case "vwap":
        return ExtraColumn.VWAP.ordinal();
      case "close_time":
        return ExtraColumn.CLOSE_TIME.ordinal();
      case "flags":
        return FLAGS;
      default:
        return IGNORE;
    }
  }

  private Row row(int[] roles) {
    if (roles == BINANCE) {
      java.util.Arrays.fill(hasExtra, 0, ExtraColumn.VWAP.ordinal(), true);
      hasExtra[ExtraColumn.CLOSE_TIME.ordinal()] = true;
    }
    double[] values = new double[5 + ExtraColumn.values().length];
    java.util.Arrays.fill(values, Double.NaN);
    long time = Long.MIN_VALUE;
    int flags = 0;
    int col = 0;
    int start = 0;
    int n = line.length();
    boolean cut = !newlineAtEnd;
    for (int i = 0; i <= n; i++) {
      if (i < n && line.charAt(i) != ',') {
        continue;
      }
      if (col < roles.length) {
        String field = line.substring(start, i).trim();
        int role = roles[col];
        try {
          if (role == TIME) {
            time = time(field, col + 1, cut);
          } else if (role <= OPEN && role >= VOLUME) {
            values[-role - 2] = number(field, col + 1, cut);
          } else if (role == ExtraColumn.CLOSE_TIME.ordinal()) {
            values[5 + role] = field.isEmpty() ? Double.NaN : time(field, col + 1, cut);
          } else if (role >= 0) {
            values[5 + role] = field.isEmpty() ? Double.NaN : number(field, col + 1, cut);
          } else if (role == FLAGS) {
            flags = flags(field, col + 1);
          }
        } catch (NumberFormatException | DateTimeParseException e) {
          throw error(lineNo, col + 1, "holds \"" + clip(field) + "\", not a " + what(role), cut);
        }
      }
      col++;
      start = i + 1;
    }
    int need = roles == BINANCE ? 6 : roles.length;
    if (col < need) {
      throw error(lineNo, col, "has " + col + " columns; expected " + need, cut);
    }
    if (time < last) {
      throw error(
          lineNo,
          1,
          "goes back in time to "
              + Instant.ofEpochMilli(time)
              + " after "
              + Instant.ofEpochMilli(last)
              + ": the rows of a file must be in ascending order",
          false);
    }
    last = time;
    return new Row(lineNo, time, values, flags);
  }

  private long time(String field, int col, boolean cut) {
    if (!field.isEmpty()
        && (Character.isDigit(field.charAt(0)) || field.charAt(0) == '-')
        && field.indexOf('T') < 0) {
      long v = Long.parseLong(field);
      boolean us = v >= MICROS;
      if (micros == null) {
        micros = us;
      } else if (micros != us) {
        throw error(
            lineNo,
            col,
            "holds "
                + field
                + " in "
                + (us ? "microseconds" : "milliseconds")
                + ", but the file's first row was in "
                + (micros ? "microseconds" : "milliseconds"),
            cut);
      }
      return us ? Math.floorDiv(v, 1000) : v;
    }
    return Instant.parse(field).toEpochMilli();
  }

  private static double number(String field, int col, boolean cut) {
    if (field.isEmpty()) {
      throw new NumberFormatException("empty");
    }
    return Double.parseDouble(field);
  }

  private int flags(String field, int col) {
    int f = 0;
    for (String s : field.split("[|,;]")) {
      switch (s.trim()) {
        case "":
          break;
        case "partial":
          f |= CandleSeries.PARTIAL;
          break;
        case "in_progress":
          f |= CandleSeries.IN_PROGRESS;
          break;
        case "filled":
          f |= CandleSeries.FILLED;
          break;
        case "suspect":
          f |= CandleSeries.SUSPECT;
          break;
        default:
          throw error(
              lineNo,
              col,
              "holds the flag \""
                  + clip(s)
                  + "\"; expected partial, in_progress, filled or suspect, separated by |",
              false);
      }
    }
    return f;
  }

  private static String what(int role) {
    return role == TIME || role == ExtraColumn.CLOSE_TIME.ordinal()
        ? "time (epoch milliseconds or microseconds, or an ISO-8601 instant such as"
            + " 2024-01-01T00:00:00Z)"
        : "number";
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** An error that names the file, the line and the column (0 for the whole line). */
  DataFormatException error(int line, int column, String what, boolean cut) {
    String where =
        source + ": " + file + ", line " + line + (column > 0 ? ", column " + column : "") + ", ";
    if (cut) {
      return DataFormatException.retryable(
              source,
              where
                  + what
                  + ". It is the last line and has no line end: the file may still be being"
                  + " written, so the read will be tried again.")
          .build();
    }
    return DataFormatException.of(source, where + what + ".").build();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
