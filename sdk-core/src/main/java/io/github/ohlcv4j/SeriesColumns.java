package io.github.ohlcv4j;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The storage of a {@link CandleSeries}: one primitive array per field (open times, open, high,
 * low, close, volume), the optional {@link ExtraColumn}s and the flag bytes, plus the number of
 * rows in use. Every operation that reshapes rows (slice, gather, permute, sort, reverse, trim) is
 * written here once, for all columns at the same time, so no caller lists the columns again.
 *
 * <p>A builder, the resampler or the gap filler fills an instance; once a series holds it, it is
 * never written again. The arrays may be longer than {@link #n}; rows past {@code n} mean nothing.
 */
final class SeriesColumns implements Cloneable {
  static final int EXTRA_COUNT = ExtraColumn.values().length;

  /** Open times in epoch milliseconds, ascending once built. */
  final long[] time;

  /** Rows in use. */
  int n;

  final double[] open;
  final double[] high;
  final double[] low;
  final double[] close;
  final double[] volume;

  /** Per {@link ExtraColumn#ordinal()}, or null when the series has no extra column. */
  double @Nullable [] @Nullable [] extras;

  /** Flag bits per row, or null when no row has a flag. */
  byte @Nullable [] flags;

  /** Empty columns with room for {@code capacity} rows, of which {@code n} are in use. */
  SeriesColumns(int capacity, int n) {
    this.n = n;
    time = new long[capacity];
    open = new double[time.length];
    high = new double[time.length];
    low = new double[time.length];
    close = new double[time.length];
    volume = new double[time.length];
  }

  static SeriesColumns empty() {
    return new SeriesColumns(0, 0);
  }

  /** The length of the arrays. */
  int capacity() {
    return time.length;
  }

  boolean hasExtra(int col) {
    return extras != null && extras[col] != null;
  }

  /** The extra columns present. */
  Set<ExtraColumn> extraColumns() {
    EnumSet<ExtraColumn> set = EnumSet.noneOf(ExtraColumn.class);
    for (ExtraColumn c : ExtraColumn.values()) {
      if (hasExtra(c.ordinal())) {
        set.add(c);
      }
    }
    return Collections.unmodifiableSet(set);
  }

  /**
   * Extra column {@code col}, which the caller knows is present ({@link #hasExtra}).
   *
   * @throws IllegalStateException if it is not
   */
  double[] presentExtra(int col) {
    double @Nullable [] @Nullable [] ex = extras;
    double @Nullable [] e = ex == null ? null : ex[col];
    if (e == null) {
      throw new IllegalStateException("No extra column " + ExtraColumn.values()[col]);
    }
    return e;
  }

  /** Extra column {@code col}, created (all NaN) on first use. */
  double[] extra(int col) {
    if (extras == null) {
      extras = new double[EXTRA_COUNT][];
    }
    double[] e = extras[col];
    if (e == null) {
      e = new double[capacity()];
      Arrays.fill(e, Double.NaN);
      extras[col] = e;
    }
    return e;
  }

  /** The flag bits of row {@code i}. */
  int flag(int i) {
    return flags == null ? 0 : flags[i];
  }

  /** Adds flag bits to row {@code i}, creating the flag column on first use. */
  void addFlags(int i, int bits) {
    if (bits == 0) {
      return;
    }
    if (flags == null) {
      flags = new byte[capacity()];
    }
    flags[i] |= (byte) bits;
  }

  /** Drops the flag column when no row uses it, so a series without flags stores none. */
  SeriesColumns dropEmptyFlags() {
    if (flags != null) {
      for (int i = 0; i < n; i++) {
        if (flags[i] != 0) {
          return this;
        }
      }
      flags = null;
    }
    return this;
  }

  /** These columns with another flag column (sharing every other array). */
  SeriesColumns withFlags(byte @Nullable [] fl) {
    try {
      SeriesColumns c = (SeriesColumns) clone();
      c.flags = fl;
      return c;
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  /** These columns with flag {@code bit} added to rows {@code from..n} (sharing the values). */
  SeriesColumns withFlagFrom(int from, int bit) {
    byte[] fl = flags == null ? new byte[n] : Arrays.copyOf(flags, n);
    for (int i = from; i < n; i++) {
      fl[i] |= (byte) bit;
    }
    return withFlags(fl);
  }

  /** The rows without flag {@code bit}: this instance when there are none. */
  SeriesColumns withoutFlagged(int bit) {
    byte[] fl = flags;
    if (fl == null) {
      return this;
    }
    int end = n;
    while (end > 0 && (fl[end - 1] & bit) != 0) {
      end--;
    }
    // Flagged rows are normally the newest (a candle in progress), so this is usually a tail cut.
    int[] keep = null;
    int kept = end;
    for (int i = 0; i < end; i++) {
      if (keep != null && (fl[i] & bit) == 0) {
        keep[kept++] = i;
      } else if (keep == null && (fl[i] & bit) != 0) {
        keep = new int[end];
        for (int k = 0; k < i; k++) {
          keep[k] = k;
        }
        kept = i;
      }
    }
    if (keep != null) {
      return gather(keep, kept);
    }
    return end == n ? this : slice(0, end);
  }

  // ---------------------------------------------------------------- one row

  /** Writes the six base fields of row {@code i}. */
  void set(int i, long t, double o, double h, double l, double c, double v) {
    time[i] = t;
    open[i] = o;
    high[i] = h;
    low[i] = l;
    close[i] = c;
    volume[i] = v;
  }

  /**
   * Copies row {@code from} of {@code src} into row {@code to}: fields, extra columns and flags.
   */
  void copyRow(SeriesColumns src, int from, int to) {
    set(
        to,
        src.time[from],
        src.open[from],
        src.high[from],
        src.low[from],
        src.close[from],
        src.volume[from]);
    copyExtrasAndFlags(src, from, to);
  }

  /** Copies the extra columns and flags of row {@code from} of {@code src} into row {@code to}. */
  void copyExtrasAndFlags(SeriesColumns src, int from, int to) {
    if (src.extras != null) {
      for (int c = 0; c < EXTRA_COUNT; c++) {
        if (src.extras[c] != null) {
          extra(c)[to] = src.extras[c][from];
        }
      }
    }
    if (flags != null) {
      flags[to] = (byte) src.flag(from);
    } else {
      addFlags(to, src.flag(from));
    }
  }

  /** Whether rows {@code a} and {@code b} hold the same values, extra columns and flags. */
  boolean sameRow(int a, int b) {
    if (Double.compare(open[a], open[b]) != 0
        || Double.compare(high[a], high[b]) != 0
        || Double.compare(low[a], low[b]) != 0
        || Double.compare(close[a], close[b]) != 0
        || Double.compare(volume[a], volume[b]) != 0) {
      return false;
    }
    if (extras != null) {
      for (double[] e : extras) {
        if (e != null && Double.compare(e[a], e[b]) != 0) {
          return false;
        }
      }
    }
    return flag(a) == flag(b);
  }

  // ---------------------------------------------------------------- reshaping

  /** New columns of exactly {@code m} rows, with the extra columns these have. */
  private SeriesColumns sameShape(int m) {
    SeriesColumns out = new SeriesColumns(m, m);
    if (extras != null) {
      out.extras = new double[EXTRA_COUNT][];
      for (int c = 0; c < EXTRA_COUNT; c++) {
        if (extras[c] != null) {
          out.extras[c] = new double[m];
        }
      }
    }
    return out;
  }

  /** A copy of rows {@code [from, to)}. */
  SeriesColumns slice(int from, int to) {
    SeriesColumns out = sameShape(to - from);
    out.copyFrom(this, from, 0, to - from);
    return out.dropEmptyFlags();
  }

  /** A copy of the rows {@code idx[0..m)}, in that order. */
  SeriesColumns gather(int[] idx, int m) {
    SeriesColumns out = sameShape(m);
    for (int k = 0; k < m; k++) {
      out.copyRow(this, idx[k], k);
    }
    return out.dropEmptyFlags();
  }

  /** These rows sorted by open time, equal times kept in their order: a new set of columns. */
  SeriesColumns sortedStable() {
    return gather(IndexSort.stableOrder(time, n), n);
  }

  /** Reverses the order of the rows in place. */
  void reverse() {
    for (int i = 0, j = n - 1; i < j; i++, j--) {
      long t = time[i];
      time[i] = time[j];
      time[j] = t;
      swap(open, i, j);
      swap(high, i, j);
      swap(low, i, j);
      swap(close, i, j);
      swap(volume, i, j);
      if (extras != null) {
        for (double[] e : extras) {
          if (e != null) {
            swap(e, i, j);
          }
        }
      }
      if (flags != null) {
        byte b = flags[i];
        flags[i] = flags[j];
        flags[j] = b;
      }
    }
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** Moves row {@code from} to row {@code to} in place (for compacting). */
  void move(int from, int to) {
    time[to] = time[from];
    open[to] = open[from];
    high[to] = high[from];
    low[to] = low[from];
    close[to] = close[from];
    volume[to] = volume[from];
    if (extras != null) {
      for (double[] e : extras) {
        if (e != null) {
          e[to] = e[from];
        }
      }
    }
    if (flags != null) {
      flags[to] = flags[from];
    }
  }

  /**
   * Copies rows {@code [from, from + rows)} of {@code src} to rows {@code at..} here, with their
   * extra columns and flags.
   */
  void copyFrom(SeriesColumns src, int from, int at, int rows) {
    System.arraycopy(src.time, from, time, at, rows);
    System.arraycopy(src.open, from, open, at, rows);
    System.arraycopy(src.high, from, high, at, rows);
    System.arraycopy(src.low, from, low, at, rows);
    System.arraycopy(src.close, from, close, at, rows);
    System.arraycopy(src.volume, from, volume, at, rows);
    if (src.extras != null) {
      for (int c = 0; c < EXTRA_COUNT; c++) {
        if (src.extras[c] != null) {
          System.arraycopy(src.extras[c], from, extra(c), at, rows);
        }
      }
    }
    if (src.flags != null) {
      if (flags == null) {
        flags = new byte[capacity()];
      }
      System.arraycopy(src.flags, from, flags, at, rows);
    }
  }

  /** These columns cut to exactly {@link #n} rows: this instance when they already are. */
  SeriesColumns trimmed() {
    return capacity() == n ? dropEmptyFlags() : slice(0, n);
  }

  // ---------------------------------------------------------------- comparing

  /** Whether the first {@link #n} rows equal those of {@code o} (NaN equals NaN). */
  boolean sameRows(SeriesColumns o) {
    int m = n;
    if (m != o.n
        || !Arrays.equals(time, 0, m, o.time, 0, m)
        || !Arrays.equals(open, 0, m, o.open, 0, m)
        || !Arrays.equals(high, 0, m, o.high, 0, m)
        || !Arrays.equals(low, 0, m, o.low, 0, m)
        || !Arrays.equals(close, 0, m, o.close, 0, m)
        || !Arrays.equals(volume, 0, m, o.volume, 0, m)) {
      return false;
    }
    for (int i = 0; i < m; i++) {
      if (flag(i) != o.flag(i)) {
        return false;
      }
    }
    for (int c = 0; c < EXTRA_COUNT; c++) {
      if (hasExtra(c) != o.hasExtra(c)
          || (hasExtra(c) && !Arrays.equals(presentExtra(c), 0, m, o.presentExtra(c), 0, m))) {
        return false;
      }
    }
    return true;
  }
}
