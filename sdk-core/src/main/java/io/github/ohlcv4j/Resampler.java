package io.github.ohlcv4j;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Combines candles into clock-aligned buckets of a coarser interval; the engine behind {@link
 * CandleSeries#resample(Interval, ZoneId, Alignment)}. A single pass over the columns, with the
 * bucket end computed once per bucket: a fixed-interval series without flags or extra columns takes
 * a tight loop with no branches beyond the bucket test and the min/max.
 */
final class Resampler {
  private Resampler() {}

  static CandleSeries resample(CandleSeries s, Interval target, ZoneId zone, Alignment alignment) {
    if (!s.interval.divides(target)) {
      throw new InvalidQueryException(cannotResample(s.interval, target));
    }
    target.checkAlign(alignment);
    // Calendar buckets follow the zone's calendar whatever the alignment.
    Alignment a = target.isFixed() ? alignment : Alignment.EPOCH;
    SeriesColumns out;
    if (s.size == 0) {
      out = SeriesColumns.empty();
    } else if (s.cols.flags == null
        && s.cols.extras == null
        && target.isRegular(zone, a)
        && s.interval.isRegular(s.zone, s.alignment)) {
      out = fixedPlain(s, target, zone, a);
    } else {
      out = general(s, target, zone, a);
    }
    return new CandleSeries(
        s.symbol, target, zone, a, s.source, s.synthetic, out.trimmed(), BuildStats.NONE);
  }

  /** The usual intervals, for suggestions in messages. */
  private static final List<Interval> USUAL =
      List.of(
          Interval.M1,
          Interval.M3,
          Interval.M5,
          Interval.M15,
          Interval.M30,
          Interval.H1,
          Interval.H2,
          Interval.H4,
          Interval.H6,
          Interval.H12,
          Interval.D1,
          Interval.W1,
          Interval.MN1);

  /**
   * Why {@code from} candles cannot become {@code to} candles, and what works instead: the usual
   * targets {@code from} divides, and the usual intervals that divide {@code to}.
   */
  static String cannotResample(Interval from, Interval to) {
    StringBuilder m =
        new StringBuilder("Cannot resample ")
            .append(from)
            .append(" candles to ")
            .append(to)
            .append(": ");
    if (to.compareTo(from) < 0) {
      m.append(to).append(" is finer than ").append(from);
    } else {
      m.append(to)
          .append(" is not a whole number of ")
          .append(from)
          .append(" candles starting on ")
          .append(from)
          .append(" boundaries");
    }
    List<String> targets = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    for (Interval i : USUAL) {
      if (!i.equals(from) && from.divides(i) && targets.size() < 4) {
        targets.add(i.toString());
      }
      if (!i.equals(to) && i.divides(to)) {
        bases.add(i.toString());
      }
    }
    m.append(". ");
    if (!targets.isEmpty()) {
      m.append(from)
          .append(" candles resample to ")
          .append(String.join(", ", targets))
          .append("; ");
    }
    m.append(targets.isEmpty() ? "For " : "for ").append(to).append(" candles, fetch ");
    if (!bases.isEmpty()) {
      // the coarsest ones: the fewest candles to fetch
      List<String> coarsest = bases.subList(Math.max(0, bases.size() - 2), bases.size());
      m.append(String.join(" or ", coarsest)).append(" candles and resample them, or fetch ");
    }
    return m.append(to).append(" directly").toString();
  }

  /** How far a regular grid's bucket starts lie before the epoch grid's, in milliseconds. */
  private static long shift(ZoneId zone, Alignment a) {
    return a == Alignment.EPOCH
        ? 0
        : zone.getRules().getOffset(Instant.EPOCH).getTotalSeconds() * 1000L;
  }

  /**
   * Upper bound of the number of buckets: exact for a regular grid (the buckets from the first to
   * the last candle), otherwise no more than the rows, nor than the span over the shortest bucket.
   */
  private static int capacity(CandleSeries s, Interval target, ZoneId zone, Alignment a) {
    long first = s.cols.time[0];
    long last = s.cols.time[s.size - 1];
    if (target.isFixed()) {
      long step = target.fixedMillis();
      long shift = shift(zone, a);
      long buckets = Math.floorDiv(last + shift, step) - Math.floorDiv(first + shift, step) + 1;
      if (!target.isRegular(zone, a)) {
        // On a zone's local clock the offset moves by less than a day over the span.
        buckets += 86_400_000L / step + 1;
      }
      return (int) Math.min(s.size, buckets);
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

  private static SeriesColumns fixedPlain(
      CandleSeries s, Interval target, ZoneId zone, Alignment a) {
    final int n = s.size;
    final long[] time = s.cols.time;
    final double[] open = s.cols.open;
    final double[] high = s.cols.high;
    final double[] low = s.cols.low;
    final double[] close = s.cols.close;
    final double[] volume = s.cols.volume;
    final long step = target.fixedMillis();
    final boolean baseFixed = s.interval.isFixed();
    final long expected = baseFixed ? step / s.interval.fixedMillis() : 0;

    final long shift = shift(zone, a);

    SeriesColumns out = new SeriesColumns(capacity(s, target, zone, a), 0);
    int m = 0;
    int i = 0;
    while (i < n) {
      long t = time[i];
      long start = t - Math.floorMod(t + shift, step);
      long end = start + step;
      double h = high[i];
      double l = low[i];
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
      out.set(m, start, open[i], h, l, close[j - 1], v);
      if (j - i < expected) {
        out.addFlags(m, CandleSeries.PARTIAL);
      }
      m++;
      i = j;
    }
    out.n = m;
    return out;
  }

  private static SeriesColumns general(CandleSeries s, Interval target, ZoneId zone, Alignment a) {
    final int n = s.size;
    final SeriesColumns in = s.cols;

    SeriesColumns out = new SeriesColumns(capacity(s, target, zone, a), 0);
    double[][] ex = in.extras;
    if (ex != null) {
      for (int c = 0; c < ex.length; c++) {
        if (ex[c] != null) {
          out.extra(c);
        }
      }
    }
    final int vwapCol = ExtraColumn.VWAP.ordinal();
    final int closeTimeCol = ExtraColumn.CLOSE_TIME.ordinal();

    int m = 0;
    int i = 0;
    while (i < n) {
      long t = in.time[i];
      long start = target.bucketStart(t, zone, a);
      long end = target.bucketEnd(start, zone, a);
      double o = Double.NaN;
      double h = Double.NaN;
      double l = Double.NaN;
      double c = Double.NaN;
      double v = 0;
      int usable = 0;
      int flagsOr = 0;
      boolean allFilled = true;
      int j = i;
      for (; j < n && in.time[j] < end; j++) {
        int f = in.flag(j);
        flagsOr |= f;
        allFilled &= (f & CandleSeries.FILLED) != 0;
        double oj = in.open[j];
        double hj = in.high[j];
        double lj = in.low[j];
        double cj = in.close[j];
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
        double vj = in.volume[j];
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
      long expected = countBuckets(s, start, end, zone);
      int flags = 0;
      if (usable < expected) {
        flags |= CandleSeries.PARTIAL;
      }
      flags |= flagsOr & (CandleSeries.IN_PROGRESS | CandleSeries.SUSPECT);
      if (allFilled) {
        flags |= CandleSeries.FILLED;
      }
      out.set(m, start, o, h, l, c, v);
      out.addFlags(m, flags);
      if (ex != null) {
        for (int col = 0; col < ex.length; col++) {
          if (ex[col] == null) {
            continue;
          }
          double[] x = ex[col];
          double r;
          if (col == closeTimeCol) {
            r = end - 1;
          } else if (col == vwapCol) {
            double num = 0;
            double den = 0;
            for (int k = i; k < j; k++) {
              double w = in.volume[k];
              if (Double.isFinite(x[k]) && Double.isFinite(w)) {
                num += x[k] * w;
                den += w;
              }
            }
            r = den > 0 ? num / den : lastFinite(x, i, j);
          } else {
            double sum = 0;
            boolean any = false;
            for (int k = i; k < j; k++) {
              if (Double.isFinite(x[k])) {
                sum += x[k];
                any = true;
              }
            }
            r = any ? sum : Double.NaN;
          }
          out.presentExtra(col)[m] = r;
        }
      }
      m++;
      i = j;
    }
    out.n = m;
    return out;
  }

  private static double lastFinite(double[] a, int from, int to) {
    for (int k = to - 1; k >= from; k--) {
      if (Double.isFinite(a[k])) {
        return a[k];
      }
    }
    return Double.NaN;
  }

  /**
   * How many candles of {@code s}'s interval fit in {@code [start, end)}: calendar ones in the
   * target's zone, fixed ones where {@code s} places them.
   */
  private static long countBuckets(CandleSeries s, long start, long end, ZoneId targetZone) {
    Interval base = s.interval;
    Alignment a = s.alignment;
    ZoneId zone = base.isCalendar() ? targetZone : s.zone;
    if (base.isRegular(zone, a)) {
      return (end - start) / base.fixedMillis();
    }
    long count = 0;
    long t = base.bucketStart(start, zone, a);
    while (t < end) {
      if (t >= start) {
        count++;
      }
      t = base.bucketEnd(t, zone, a);
    }
    return count;
  }
}
