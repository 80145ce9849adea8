package io.github.ohlcv4j;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The work behind {@link CandleSeries.Builder}: takes rows one at a time into chunks of columns,
 * applies the {@link BadRowPolicy}, notices whether the rows arrive ascending or wholly descending,
 * and at the end sorts, removes duplicates and counts what it changed in a {@link BuildStats}.
 *
 * <p>Rows go straight into primitive columns. Told the exact row count ({@link #expectSize(int)}),
 * it allocates one chunk of that size and hands those very arrays to the series when the rows came
 * in order: no copy at all, which is what the RowBinary and kline parsers rely on. Otherwise chunks
 * grow by half the rows so far (up to {@value #MAX_CHUNK}) and are joined once at the end.
 *
 * <p>Not thread-safe; collects for one series.
 */
final class RowCollector {
  private static final int FIRST_CHUNK = 1024;
  private static final int MAX_CHUNK = 1 << 16;

  private final Symbol symbol;
  private final Interval interval;
  private BadRowPolicy policy = BadRowPolicy.REJECT;

  private final List<SeriesColumns> full = new ArrayList<>();
  // Allocated on the first row, or at the size expectSize gives.
  private SeriesColumns cur = SeriesColumns.empty();
  private int count;
  private long lastTime = Long.MIN_VALUE;
  private boolean ascending = true;
  private boolean descending = true;
  private boolean lastDropped;
  private long dropped;
  private final TimeSample droppedAt = new TimeSample();
  private long flaggedBad;
  private BuildStats stats = BuildStats.NONE;
  private boolean built;

  RowCollector(Symbol symbol, Interval interval) {
    this.symbol = symbol;
    this.interval = interval;
  }

  void policy(BadRowPolicy policy) {
    this.policy = policy;
  }

  /** Sizes the first chunk to {@code rows} if nothing was added yet. */
  void expectSize(int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative: " + rows);
    }
    if (count == 0 && rows > cur.capacity()) {
      cur = new SeriesColumns(rows, 0);
    }
  }

  /** Rows held (after dropping bad ones, before removing duplicates). */
  int size() {
    return count;
  }

  /** Adds a row, checked against the policy. */
  void add(long t, double o, double h, double l, double c, double v) {
    int flag = 0;
    if (!(h >= l) || !(v >= 0) || !isFinite(o, h, l, c, v)) {
      switch (policy) {
        case REJECT:
          throw DataFormatException.of(
                  symbol
                      + " "
                      + interval
                      + ": bad candle at input row "
                      + (count + dropped)
                      + " (open time "
                      + Instant.ofEpochMilli(t)
                      + "): "
                      + whatIsBad(o, h, l, c, v)
                      + ". Use badRows(BadRowPolicy.DROP or FLAG) to keep the rest of the data.")
              .build();
        case DROP:
          dropped++;
          droppedAt.add(t);
          lastDropped = true;
          return;
        default:
          flag = CandleSeries.SUSPECT;
          flaggedBad++;
          break;
      }
    }
    store(t, o, h, l, c, v);
    cur.addFlags(cur.n - 1, flag);
  }

  private void store(long t, double o, double h, double l, double c, double v) {
    if (cur.n == cur.capacity()) {
      if (cur.n > 0) {
        full.add(cur);
      }
      cur = new SeriesColumns(Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, count / 2)), 0);
    }
    cur.set(cur.n++, t, o, h, l, c, v);
    if (count > 0) {
      ascending &= t > lastTime;
      descending &= t < lastTime;
    }
    lastTime = t;
    lastDropped = false;
    count++;
  }

  /** Adds a candle and its flags. */
  void add(Candle c) {
    add(c.openTimeMillis(), c.open(), c.high(), c.low(), c.close(), c.volume());
    flag(c.flags());
  }

  /** Sets an extra column of the row added last, unless it was dropped. */
  void extra(ExtraColumn column, double value) {
    if (count == 0 && !lastDropped) { // the message only when it is needed: this runs per cell
      requireRow("extra(" + column + ")");
    }
    if (!lastDropped) {
      cur.extra(column.ordinal())[cur.n - 1] = value;
    }
  }

  /** Adds flag bits to the row added last, unless it was dropped. */
  void flag(int bits) {
    requireRow("flag");
    if ((bits & ~CandleSeries.ALL_FLAGS) != 0) {
      throw new IllegalArgumentException("Unknown flag bits: " + bits);
    }
    if (!lastDropped) {
      cur.addFlags(cur.n - 1, bits);
    }
  }

  private void requireRow(String what) {
    if (count == 0 && !lastDropped) {
      throw new IllegalStateException(what + " needs a row: call add(...) first");
    }
  }

  /** Adds rows of a built series unchecked (they passed their own builder's policy). */
  void addAll(SeriesColumns rows) {
    for (int i = 0; i < rows.n; i++) {
      store(rows.time[i], rows.open[i], rows.high[i], rows.low[i], rows.close[i], rows.volume[i]);
      cur.copyExtrasAndFlags(rows, i, cur.n - 1);
    }
  }

  /**
   * The rows sorted by open time, one per time (the last added wins), in columns of exactly that
   * size; {@link #stats()} says what was changed.
   */
  SeriesColumns build() {
    if (built) {
      throw new IllegalStateException("This builder has already built its series");
    }
    built = true;
    SeriesColumns cols = joined();
    long outOfOrder = 0;
    TimeSample outOfOrderAt = new TimeSample();
    long duplicates = 0;
    long conflicts = 0;
    TimeSample duplicateAt = new TimeSample();
    if (!ascending && descending) {
      cols.reverse();
    } else if (!ascending) {
      long prev = Long.MIN_VALUE;
      for (int i = 0; i < cols.n; i++) {
        if (cols.time[i] < prev) {
          outOfOrder++;
          outOfOrderAt.add(cols.time[i]);
        }
        prev = Math.max(prev, cols.time[i]);
      }
      cols = cols.sortedStable();
      // Equal times are adjacent now, in input order. Keep the last of each run.
      int w = 0;
      for (int r = 0; r < cols.n; r++) {
        if (r + 1 < cols.n && cols.time[r + 1] == cols.time[r]) {
          if (cols.sameRow(r, r + 1)) {
            duplicates++;
          } else {
            conflicts++;
          }
          duplicateAt.add(cols.time[r]);
          continue;
        }
        if (w != r) {
          cols.move(r, w);
        }
        w++;
      }
      cols.n = w;
    }
    stats =
        new BuildStats(
            count + dropped,
            duplicates,
            conflicts,
            duplicateAt.toArray(),
            outOfOrder,
            outOfOrderAt.toArray(),
            dropped,
            droppedAt.toArray(),
            flaggedBad);
    return cols.trimmed();
  }

  /** What {@link #build()} removed or reordered. */
  BuildStats stats() {
    return stats;
  }

  /**
   * Joins {@code parts} (of one symbol and interval) as {@link CandleSeries#concat(List)} says:
   * sorted, the later of two rows at one time wins, labelled as the first part.
   */
  static CandleSeries concat(List<CandleSeries> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("concat needs at least one series");
    }
    CandleSeries first = parts.get(0);
    if (parts.size() == 1) {
      return first;
    }
    RowCollector rows = new RowCollector(first.symbol, first.interval);
    rows.expectSize(parts.stream().mapToInt(CandleSeries::size).sum());
    for (CandleSeries p : parts) {
      if (!p.symbol.equals(first.symbol) || !p.interval.equals(first.interval)) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot concat %s %s with %s %s",
                p.symbol, p.interval, first.symbol, first.interval));
      }
      rows.addAll(p.cols);
    }
    SeriesColumns joined = rows.build();
    // The parts' own build statistics (rows their builders dropped) plus the seams found here.
    return first.with(joined, BuildStats.ofParts(parts).withSeams(rows.stats()));
  }

  private SeriesColumns joined() {
    if (full.isEmpty()) {
      return cur; // trimmed() hands these arrays over when the size was exact
    }
    SeriesColumns out = new SeriesColumns(count, count);
    int at = 0;
    for (SeriesColumns c : full) {
      out.copyFrom(c, 0, at, c.n);
      at += c.n;
    }
    out.copyFrom(cur, 0, at, cur.n);
    return out;
  }

  private static boolean isFinite(double o, double h, double l, double c, double v) {
    // Subtracting a finite number from itself gives 0; NaN and infinity give NaN.
    return (o - o) + (h - h) + (l - l) + (c - c) + (v - v) == 0;
  }

  private static String whatIsBad(double o, double h, double l, double c, double v) {
    List<String> why = new ArrayList<>();
    String[] names = {"open", "high", "low", "close", "volume"};
    double[] values = {o, h, l, c, v};
    for (int k = 0; k < 5; k++) {
      if (!Double.isFinite(values[k])) {
        why.add(names[k] + " is " + values[k]);
      }
    }
    if (h < l) {
      why.add("high " + h + " is below low " + l);
    }
    if (v < 0) {
      why.add("volume " + v + " is negative");
    }
    return String.join(", ", why);
  }
}
