package io.github.ohlcv4j;

import java.time.ZoneId;
import java.util.Arrays;

/**
 * Combines candles into clock-aligned buckets of a coarser interval; the engine behind {@link
 * CandleSeries#resample(Interval, ZoneId)}. A single pass over the columns, with the bucket end
 * computed once per bucket: a fixed-interval series without flags or extra columns takes a tight
 * loop with no branches beyond the bucket test and the min/max.
 */
final class Resampler {
  private Resampler() {}

  static CandleSeries resample(CandleSeries s, Interval target, ZoneId zone) {
    if (s.size == 0) {
      return new CandleSeries(
          s.symbol,
          target,
          zone,
          s.source,
          s.synthetic,
          0,
          new long[0],
          new double[0],
          new double[0],
          new double[0],
          new double[0],
          new double[0],
          null,
          null,
          BuildStats.NONE);
    }
    if (s.flags == null && s.extras == null && target.isFixed()) {
      return fixedPlain(s, target, zone);
    }
    return general(s, target, zone);
  }

  /**
   * Upper bound of the number of buckets: exact for fixed targets (the buckets from the first to
   * the last candle), otherwise no more than the rows, nor than the span over the shortest bucket.
   */
  private static int capacity(CandleSeries s, Interval target) {
    long first = s.time[0];
    long last = s.time[s.size - 1];
    if (target.isFixed()) {
      long step = target.fixedMillis();
      return (int) Math.min(s.size, Math.floorDiv(last, step) - Math.floorDiv(first, step) + 1);
    }
    // A day can be 23 hours across DST; a month is at least 28 such days.
    long day = 23 * 3_600_000L;
    long shortest;
    switch (target.unit()) {
      case DAY:
        shortest = day * target.amount();
        break;
      case WEEK:
        shortest = 7 * day * target.amount();
        break;
      default:
        shortest = 28 * day * target.amount();
        break;
    }
    return (int) Math.min(s.size, (last - first) / shortest + 2);
  }

  private static CandleSeries fixedPlain(CandleSeries s, Interval target, ZoneId zone) {
    final int n = s.size;
    final long[] time = s.time;
    final double[] open = s.open;
    final double[] high = s.high;
    final double[] low = s.low;
    final double[] close = s.close;
    final double[] volume = s.volume;
    final long step = target.fixedMillis();
    final boolean baseFixed = s.interval.isFixed();
    final long expected = baseFixed ? step / s.interval.fixedMillis() : 0;

    int cap = capacity(s, target);
    long[] ot = new long[cap];
    double[] oo = new double[cap];
    double[] oh = new double[cap];
    double[] ol = new double[cap];
    double[] oc = new double[cap];
    double[] ov = new double[cap];
    byte[] of = null;

    int m = 0;
    int i = 0;
    while (i < n) {
      long t = time[i];
      long start = t - Math.floorMod(t, step);
      long end = start + step;
      double o = open[i];
      double h = high[i];
      double l = low[i];
      double c = close[i];
      double v = volume[i];
      int j = i + 1;
      while (j < n && time[j] < end) {
        double hj = high[j];
        double lj = low[j];
        if (hj > h) {
          h = hj;
        }
        if (lj < l) {
          l = lj;
        }
        v += volume[j];
        j++;
      }
      c = close[j - 1];
      ot[m] = start;
      oo[m] = o;
      oh[m] = h;
      ol[m] = l;
      oc[m] = c;
      ov[m] = v;
      if (j - i < expected) {
        if (of == null) {
          of = new byte[cap];
        }
        of[m] = CandleSeries.PARTIAL;
      }
      m++;
      i = j;
    }
    return build(s, target, zone, m, ot, oo, oh, ol, oc, ov, null, of);
  }

  private static CandleSeries general(CandleSeries s, Interval target, ZoneId zone) {
    final int n = s.size;
    final Interval base = s.interval;
    final boolean fixedTarget = target.isFixed();
    final long step = fixedTarget ? target.fixedMillis() : 0;
    final long fixedExpected = fixedTarget && base.isFixed() ? step / base.fixedMillis() : -1;

    int cap = capacity(s, target);
    long[] ot = new long[cap];
    double[] oo = new double[cap];
    double[] oh = new double[cap];
    double[] ol = new double[cap];
    double[] oc = new double[cap];
    double[] ov = new double[cap];
    byte[] of = new byte[cap];
    double[][] ox = null;
    double[][] ex = s.extras;
    if (ex != null) {
      ox = new double[ex.length][];
      for (int c = 0; c < ex.length; c++) {
        if (ex[c] != null) {
          ox[c] = new double[cap];
        }
      }
    }
    final int vwapCol = ExtraColumn.VWAP.ordinal();
    final int closeTimeCol = ExtraColumn.CLOSE_TIME.ordinal();

    int m = 0;
    int i = 0;
    while (i < n) {
      long t = s.time[i];
      long start = fixedTarget ? t - Math.floorMod(t, step) : target.bucketStart(t, zone);
      long end = fixedTarget ? start + step : target.bucketEnd(start, zone);
      double o = Double.NaN;
      double h = Double.NaN;
      double l = Double.NaN;
      double c = Double.NaN;
      double v = 0;
      int usable = 0;
      int flagsOr = 0;
      boolean allFilled = true;
      int j = i;
      for (; j < n && s.time[j] < end; j++) {
        int f = s.flags == null ? 0 : s.flags[j];
        flagsOr |= f;
        allFilled &= (f & CandleSeries.FILLED) != 0;
        double oj = s.open[j];
        double hj = s.high[j];
        double lj = s.low[j];
        double cj = s.close[j];
        if (!(Double.isFinite(oj)
            && Double.isFinite(hj)
            && Double.isFinite(lj)
            && Double.isFinite(cj))) {
          continue;
        }
        if (Double.isNaN(o)) {
          o = oj;
          h = hj;
          l = lj;
        } else {
          if (hj > h) {
            h = hj;
          }
          if (lj < l) {
            l = lj;
          }
        }
        c = cj;
        double vj = s.volume[j];
        if (Double.isFinite(vj)) {
          v += vj;
        }
        if ((f & CandleSeries.FILLED) == 0) {
          usable++;
        }
      }
      if (Double.isNaN(o)) {
        v = Double.NaN; // no row with usable prices: keep the bucket visible as NaN
      }
      long expected = fixedExpected >= 0 ? fixedExpected : countBuckets(base, start, end, zone);
      int out = 0;
      if (usable < expected) {
        out |= CandleSeries.PARTIAL;
      }
      out |= flagsOr & (CandleSeries.IN_PROGRESS | CandleSeries.SUSPECT);
      if (allFilled) {
        out |= CandleSeries.FILLED;
      }
      ot[m] = start;
      oo[m] = o;
      oh[m] = h;
      ol[m] = l;
      oc[m] = c;
      ov[m] = v;
      of[m] = (byte) out;
      if (ox != null) {
        for (int col = 0; col < ox.length; col++) {
          if (ox[col] == null) {
            continue;
          }
          double[] in = ex[col];
          double r;
          if (col == closeTimeCol) {
            r = end - 1;
          } else if (col == vwapCol) {
            double num = 0;
            double den = 0;
            for (int k = i; k < j; k++) {
              double w = s.volume[k];
              if (Double.isFinite(in[k]) && Double.isFinite(w)) {
                num += in[k] * w;
                den += w;
              }
            }
            r = den > 0 ? num / den : lastFinite(in, i, j);
          } else {
            double sum = 0;
            boolean any = false;
            for (int k = i; k < j; k++) {
              if (Double.isFinite(in[k])) {
                sum += in[k];
                any = true;
              }
            }
            r = any ? sum : Double.NaN;
          }
          ox[col][m] = r;
        }
      }
      m++;
      i = j;
    }
    return build(s, target, zone, m, ot, oo, oh, ol, oc, ov, ox, CandleSeries.nullIfZero(of));
  }

  private static double lastFinite(double[] a, int from, int to) {
    for (int k = to - 1; k >= from; k--) {
      if (Double.isFinite(a[k])) {
        return a[k];
      }
    }
    return Double.NaN;
  }

  /** How many buckets of {@code base} fit in {@code [start, end)}. */
  static long countBuckets(Interval base, long start, long end, ZoneId zone) {
    if (base.isFixed()) {
      return (end - start) / base.fixedMillis();
    }
    long count = 0;
    long t = base.bucketStart(start, zone);
    while (t < end) {
      if (t >= start) {
        count++;
      }
      t = base.bucketEnd(t, zone);
    }
    return count;
  }

  private static CandleSeries build(
      CandleSeries s,
      Interval target,
      ZoneId zone,
      int m,
      long[] ot,
      double[] oo,
      double[] oh,
      double[] ol,
      double[] oc,
      double[] ov,
      double[][] ox,
      byte[] of) {
    if (m != ot.length) {
      ot = Arrays.copyOf(ot, m);
      oo = Arrays.copyOf(oo, m);
      oh = Arrays.copyOf(oh, m);
      ol = Arrays.copyOf(ol, m);
      oc = Arrays.copyOf(oc, m);
      ov = Arrays.copyOf(ov, m);
      if (ox != null) {
        for (int c = 0; c < ox.length; c++) {
          if (ox[c] != null) {
            ox[c] = Arrays.copyOf(ox[c], m);
          }
        }
      }
      if (of != null) {
        of = CandleSeries.nullIfZero(Arrays.copyOf(of, m));
      }
    }
    return new CandleSeries(
        s.symbol,
        target,
        zone,
        s.source,
        s.synthetic,
        m,
        ot,
        oo,
        oh,
        ol,
        oc,
        ov,
        ox,
        of,
        BuildStats.NONE);
  }
}
