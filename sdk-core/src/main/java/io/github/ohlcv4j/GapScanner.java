package io.github.ohlcv4j;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Finds and fills missing candles; the engine behind {@link CandleSeries#gaps()} and {@link
 * CandleSeries#fill(GapFill)}.
 */
final class GapScanner {
  private GapScanner() {}

  /** Interval end of the candle opening at {@code t}, as the next expected open time. */
  private static long next(CandleSeries s, long t) {
    return s.endOf(t);
  }

  static List<Gap> gaps(CandleSeries s) {
    List<Gap> gaps = new ArrayList<>();
    for (int i = 0; i + 1 < s.size; i++) {
      long expected = next(s, s.time[i]);
      long actual = s.time[i + 1];
      if (actual > expected) {
        long missing = missingBetween(s, expected, actual);
        if (missing > 0) {
          gaps.add(new Gap(Instant.ofEpochMilli(expected), Instant.ofEpochMilli(actual), missing));
        }
      }
    }
    return Collections.unmodifiableList(gaps);
  }

  /** Number of bucket starts in {@code [from, to)}, where {@code from} is a bucket start. */
  private static long missingBetween(CandleSeries s, long from, long to) {
    if (s.interval.isFixed()) {
      long step = s.interval.fixedMillis();
      return (to - from + step - 1) / step;
    }
    long count = 0;
    for (long t = from; t < to; t = next(s, t)) {
      count++;
    }
    return count;
  }

  /** Total missing candles. */
  static long missingCount(CandleSeries s) {
    long total = 0;
    for (Gap g : gaps(s)) {
      total += g.missing();
    }
    return total;
  }

  static CandleSeries fill(CandleSeries s, GapFill mode) {
    long missing = missingCount(s);
    if (missing == 0) {
      return s;
    }
    long total = s.size + missing;
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Filling "
              + missing
              + " missing candles would exceed the maximum series size; fill a shorter range");
    }
    int n = (int) total;
    long[] t = new long[n];
    double[] o = new double[n];
    double[] h = new double[n];
    double[] l = new double[n];
    double[] c = new double[n];
    double[] v = new double[n];
    byte[] f = new byte[n];
    double[][] ex = null;
    if (s.extras != null) {
      ex = new double[s.extras.length][];
      for (int col = 0; col < ex.length; col++) {
        if (s.extras[col] != null) {
          ex[col] = new double[n];
        }
      }
    }
    int w = 0;
    for (int i = 0; i < s.size; i++) {
      if (i > 0) {
        long expected = next(s, s.time[i - 1]);
        double prev = s.close[i - 1];
        for (long ts = expected; ts < s.time[i]; ts = next(s, ts)) {
          t[w] = ts;
          double price = mode == GapFill.PREVIOUS_CLOSE ? prev : Double.NaN;
          o[w] = price;
          h[w] = price;
          l[w] = price;
          c[w] = price;
          v[w] = mode == GapFill.PREVIOUS_CLOSE ? 0 : Double.NaN;
          f[w] = CandleSeries.FILLED;
          if (ex != null) {
            for (int col = 0; col < ex.length; col++) {
              if (ex[col] != null) {
                ex[col][w] = fillExtra(col, mode, prev, ts, next(s, ts));
              }
            }
          }
          w++;
        }
      }
      t[w] = s.time[i];
      o[w] = s.open[i];
      h[w] = s.high[i];
      l[w] = s.low[i];
      c[w] = s.close[i];
      v[w] = s.volume[i];
      f[w] = s.flags == null ? 0 : s.flags[i];
      if (ex != null) {
        for (int col = 0; col < ex.length; col++) {
          if (ex[col] != null) {
            ex[col][w] = s.extras[col][i];
          }
        }
      }
      w++;
    }
    if (w != n) {
      // Only possible if open times are off the interval's grid; keep what was written.
      t = Arrays.copyOf(t, w);
      o = Arrays.copyOf(o, w);
      h = Arrays.copyOf(h, w);
      l = Arrays.copyOf(l, w);
      c = Arrays.copyOf(c, w);
      v = Arrays.copyOf(v, w);
      f = Arrays.copyOf(f, w);
      if (ex != null) {
        for (int col = 0; col < ex.length; col++) {
          if (ex[col] != null) {
            ex[col] = Arrays.copyOf(ex[col], w);
          }
        }
      }
    }
    return new CandleSeries(
        s.symbol, s.interval, s.zone, s.source, s.synthetic, w, t, o, h, l, c, v, ex, f, s.stats);
  }

  private static double fillExtra(int col, GapFill mode, double prevClose, long open, long end) {
    if (mode == GapFill.NAN) {
      return Double.NaN;
    }
    if (col == ExtraColumn.VWAP.ordinal()) {
      return prevClose;
    }
    if (col == ExtraColumn.CLOSE_TIME.ordinal()) {
      return end - 1;
    }
    return 0;
  }
}
