package io.github.ohlcv4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Several series of one interval on one time axis, the gaps left visible: a row for every bucket
 * from the earliest candle of any series to the latest, and for each series its candle in that
 * bucket or {@code NaN}. For comparing symbols side by side, feeding a multi-asset indicator, or a
 * notebook table:
 *
 * <pre>{@code
 * SeriesTable t = SeriesTable.of(btc, eth);   // or client.fetchAll(...).table()
 * double[] ethCloses = t.closes(eth.symbol()); // NaN where ETH has no candle
 * System.out.println(t);                       // the closes, one column per symbol
 * }</pre>
 *
 * <p>The axis holds every bucket of the interval between the first and the last candle (in the
 * first series' zone and alignment), so a bucket that no series has shows as a row of {@code NaN}
 * too, plus any open time a series has off that grid. Should that grid exceed five million rows
 * (seconds over years), the axis holds only the open times the series have. Columns are copies; the
 * table is immutable and thread-safe.
 */
public final class SeriesTable {

  /** More buckets than this between the first and last candle: only the open times present. */
  private static final int MAX_GRID = 5_000_000;

  private final Interval interval;
  private final ZoneId zone;
  private final long[] times;
  private final Map<Symbol, CandleSeries> series;
  private final Map<Symbol, int[]> index;
  private final boolean synthetic;

  private SeriesTable(List<CandleSeries> list) {
    if (list.isEmpty()) {
      this.interval = Interval.M1;
      this.zone = ZoneOffset.UTC;
    } else {
      this.interval = list.get(0).interval();
      this.zone = list.get(0).zone();
    }
    Map<Symbol, CandleSeries> bySymbol = new LinkedHashMap<>();
    boolean anySynthetic = false;
    for (CandleSeries s : list) {
      Objects.requireNonNull(s, "series");
      if (!s.interval().equals(interval)) {
        throw new InvalidQueryException(
            "A SeriesTable holds series of one interval: "
                + list.get(0).symbol()
                + " is "
                + interval
                + ", "
                + s.symbol()
                + " is "
                + s.interval()
                + ". Resample them to one interval first (series.resample(...)).");
      }
      if (bySymbol.put(s.symbol(), s) != null) {
        throw new InvalidQueryException(
            "A SeriesTable has one column per symbol, and "
                + s.symbol()
                + " is given twice. Concatenate its series first (CandleSeries.concat).");
      }
      anySynthetic |= s.isSynthetic();
    }
    this.series = java.util.Collections.unmodifiableMap(bySymbol);
    this.synthetic = anySynthetic;
    this.times = axis(list);
    Map<Symbol, int[]> idx = new LinkedHashMap<>();
    for (CandleSeries s : list) {
      int[] at = new int[times.length];
      Arrays.fill(at, -1);
      int j = 0;
      for (int i = 0; i < s.size(); i++) {
        long t = s.openTimeMillis(i);
        while (times[j] < t) {
          j++;
        }
        at[j] = i;
      }
      idx.put(s.symbol(), at);
    }
    this.index = idx;
  }

  /**
   * The series on one axis, one column each, in the order given.
   *
   * @throws InvalidQueryException if they have different intervals, or a symbol is given twice
   */
  public static SeriesTable of(Collection<CandleSeries> series) {
    return new SeriesTable(List.copyOf(Objects.requireNonNull(series, "series")));
  }

  /**
   * The series on one axis, one column each, in the order given.
   *
   * @throws InvalidQueryException if they have different intervals, or a symbol is given twice
   */
  public static SeriesTable of(CandleSeries... series) {
    return of(Arrays.asList(series));
  }

  /** Every bucket from the first candle to the last, plus open times off that grid; ascending. */
  private long[] axis(List<CandleSeries> list) {
    long[] present = presentTimes(list);
    if (present.length == 0) {
      return present;
    }
    long first = present[0];
    long last = present[present.length - 1];
    Alignment a = list.get(0).alignment();
    long[] grid = new long[Math.min(1024, MAX_GRID)];
    int n = 0;
    for (long t = interval.bucketStart(first, zone, a);
        t <= last;
        t = interval.plus(t, 1, zone, a)) {
      if (n == MAX_GRID) {
        return present; // too sparse for a grid: the open times the series have
      }
      if (n == grid.length) {
        grid = Arrays.copyOf(grid, Math.min(MAX_GRID, 2 * grid.length));
      }
      grid[n++] = t;
    }
    return mergeDistinct(present, present.length, grid, n);
  }

  /** The distinct open times of all series, ascending. */
  private static long[] presentTimes(List<CandleSeries> list) {
    long[] all = new long[0];
    int n = 0;
    for (CandleSeries s : list) {
      long[] times = s.openTimes();
      all = mergeDistinct(all, n, times, times.length);
      n = all.length;
    }
    return all;
  }

  /** The distinct values of two ascending arrays' first {@code na} and {@code nb} values. */
  private static long[] mergeDistinct(long[] a, int na, long[] b, int nb) {
    long[] out = new long[na + nb];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < na || j < nb) {
      long v = j >= nb || (i < na && a[i] <= b[j]) ? a[i] : b[j];
      while (i < na && a[i] == v) {
        i++;
      }
      while (j < nb && b[j] == v) {
        j++;
      }
      out[k++] = v;
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  /** The interval of every series. */
  public Interval interval() {
    return interval;
  }

  /** The symbols, one per column, in the order given. */
  public List<Symbol> symbols() {
    return List.copyOf(series.keySet());
  }

  /**
   * The series of {@code symbol}.
   *
   * @throws IllegalArgumentException if the table has no such column
   */
  public CandleSeries series(Symbol symbol) {
    column(symbol);
    return present(symbol);
  }

  /** The number of rows: buckets on the axis. */
  public int size() {
    return times.length;
  }

  /** The open time of row {@code row}, in epoch milliseconds. */
  public long openTimeMillis(int row) {
    return times[row];
  }

  /** The open time of row {@code row}. */
  public Instant openTime(int row) {
    return Instant.ofEpochMilli(times[row]);
  }

  /** Every row's open time in epoch milliseconds, ascending; a copy. */
  public long[] openTimes() {
    return times.clone();
  }

  /** Whether {@code symbol} has a candle in row {@code row}. */
  public boolean has(int row, Symbol symbol) {
    return column(symbol)[row] >= 0;
  }

  /** How many rows {@code symbol} has no candle in. */
  public int missing(Symbol symbol) {
    int n = 0;
    for (int i : column(symbol)) {
      if (i < 0) {
        n++;
      }
    }
    return n;
  }

  /** The open prices of {@code symbol}, one per row, {@code NaN} where it has no candle. */
  public double[] opens(Symbol symbol) {
    return values(symbol, 0);
  }

  /** The high prices of {@code symbol}, one per row, {@code NaN} where it has no candle. */
  public double[] highs(Symbol symbol) {
    return values(symbol, 1);
  }

  /** The low prices of {@code symbol}, one per row, {@code NaN} where it has no candle. */
  public double[] lows(Symbol symbol) {
    return values(symbol, 2);
  }

  /** The close prices of {@code symbol}, one per row, {@code NaN} where it has no candle. */
  public double[] closes(Symbol symbol) {
    return values(symbol, 3);
  }

  /** The volumes of {@code symbol}, one per row, {@code NaN} where it has no candle. */
  public double[] volumes(Symbol symbol) {
    return values(symbol, 4);
  }

  /** The close of {@code symbol} in row {@code row}, or {@code NaN} if it has no candle there. */
  public double close(int row, Symbol symbol) {
    int i = column(symbol)[row];
    return i < 0 ? Double.NaN : present(symbol).close(i);
  }

  private double[] values(Symbol symbol, int field) {
    int[] at = column(symbol);
    CandleSeries s = present(symbol);
    double[] out = new double[at.length];
    for (int r = 0; r < at.length; r++) {
      int i = at[r];
      out[r] =
          i < 0
              ? Double.NaN
              : switch (field) {
                case 0 -> s.open(i);
                case 1 -> s.high(i);
                case 2 -> s.low(i);
                case 3 -> s.close(i);
                default -> s.volume(i);
              };
    }
    return out;
  }

  /** The series of a symbol {@link #column} has accepted: both maps have the same keys. */
  private CandleSeries present(Symbol symbol) {
    return Objects.requireNonNull(series.get(symbol), "a column without its series");
  }

  private int[] column(Symbol symbol) {
    int[] at = index.get(Objects.requireNonNull(symbol, "symbol"));
    if (at == null) {
      throw new IllegalArgumentException(
          "This table has no column " + symbol + "; its columns are " + symbols() + ".");
    }
    return at;
  }

  /**
   * The closes as CSV: {@code open_time} (ISO-8601, UTC) and one column per symbol, {@code NaN}
   * where a series has no candle; every row, every digit.
   */
  public void toCsv(Appendable out) {
    try {
      out.append("open_time");
      for (Symbol s : series.keySet()) {
        out.append(',').append(s.toString());
      }
      out.append('\n');
      for (int r = 0; r < times.length; r++) {
        out.append(Instant.ofEpochMilli(times[r]).toString());
        for (Symbol s : series.keySet()) {
          out.append(',').append(TextFormat.plain(close(r, s)));
        }
        out.append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A short table of the closes: a header (interval, columns, rows, range, and how many buckets
   * each series misses), the first and last five rows, {@code NaN} where a series has no candle.
   */
  @Override
  public String toString() {
    return toTable(5);
  }

  /** As {@link #toString()}, with the first and last {@code rows} rows. */
  public String toTable(int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative: " + rows);
    }
    DateTimeFormatter fmt =
        DateTimeFormatter.ofPattern(
            interval.isCalendar()
                ? "yyyy-MM-dd"
                : interval.unit() == Interval.Unit.SECOND
                    ? "yyyy-MM-dd HH:mm:ss"
                    : "yyyy-MM-dd HH:mm",
            Locale.ROOT);
    String zoneName = zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    StringBuilder b = new StringBuilder();
    b.append("SeriesTable ").append(interval).append(" closes · ");
    b.append(series.size()).append(" series · ");
    b.append(String.format(Locale.ROOT, "%,d", times.length))
        .append(times.length == 1 ? " row" : " rows");
    if (times.length > 0) {
      b.append(" · ")
          .append(fmt.format(Instant.ofEpochMilli(times[0]).atZone(zone)))
          .append(" → ")
          .append(fmt.format(Instant.ofEpochMilli(times[times.length - 1]).atZone(zone)))
          .append(' ')
          .append(zoneName);
    }
    List<String> gaps = new ArrayList<>();
    for (Symbol s : series.keySet()) {
      int m = missing(s);
      if (m > 0) {
        gaps.add(s + " " + String.format(Locale.ROOT, "%,d", m));
      }
    }
    b.append(gaps.isEmpty() ? " · no gaps" : " · missing: " + String.join(", ", gaps));
    if (synthetic) {
      b.append(" · SYNTHETIC sample data, not market prices");
    }
    if (times.length == 0 || series.isEmpty() || rows == 0) {
      return b.toString();
    }
    List<Symbol> cols = symbols();
    List<String[]> lines = new ArrayList<>();
    String[] head = new String[cols.size() + 1];
    head[0] = "open time";
    for (int c = 0; c < cols.size(); c++) {
      head[c + 1] = cols.get(c).toString();
    }
    lines.add(head);
    boolean elide = times.length > 2 * rows;
    for (int r = 0; r < times.length; r++) {
      if (elide && r == rows) {
        String[] dots = new String[head.length];
        Arrays.fill(dots, "");
        dots[0] = "… " + String.format(Locale.ROOT, "%,d", times.length - 2 * rows) + " more";
        lines.add(dots);
        r = times.length - rows;
      }
      String[] line = new String[head.length];
      line[0] = fmt.format(Instant.ofEpochMilli(times[r]).atZone(zone));
      for (int c = 0; c < cols.size(); c++) {
        line[c + 1] = TextFormat.display(close(r, cols.get(c)));
      }
      lines.add(line);
    }
    int[] width = new int[head.length];
    for (String[] line : lines) {
      for (int c = 0; c < head.length; c++) {
        if (c > 0 || !line[0].startsWith("…")) {
          width[c] = Math.max(width[c], line[c].length());
        }
      }
    }
    for (String[] line : lines) {
      b.append('\n');
      StringBuilder l = new StringBuilder();
      l.append(line[0]).append(" ".repeat(Math.max(1, width[0] - line[0].length() + 2)));
      for (int c = 1; c < head.length; c++) {
        l.append(" ".repeat(Math.max(0, width[c] - line[c].length() + (c == 1 ? 0 : 2))))
            .append(line[c]);
      }
      b.append(l.toString().stripTrailing());
    }
    return b.toString();
  }
}
