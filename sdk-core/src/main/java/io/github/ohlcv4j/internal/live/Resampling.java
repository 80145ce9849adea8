package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds candles of a coarser interval from the final, ordered candles of a stream as they come,
 * with exactly the result of {@link CandleSeries#resample(Interval, ZoneId, Alignment)} on the same
 * candles: the first open, the highest high, the lowest low, the last close, the volumes summed in
 * order, {@link CandleSeries#PARTIAL} when the bucket holds fewer candles than it could. The bucket
 * in progress is an update after every input (flagged in progress, as {@code resample} flags a
 * bucket holding the candle in progress), and a close once its last candle is final.
 *
 * <p>The inputs of the current bucket and the {@value #PAST} before it are kept, so a revised input
 * revises its bucket; a revision of an older input is logged and dropped. An update costs no
 * allocation.
 */
final class Resampling implements Aggregator {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j.live");

  /** Closed buckets kept for revisions. */
  static final int PAST = 2;

  private final Interval base;
  private final Interval target;
  private final ZoneId zone;
  private final Alignment alignment;
  private final Candles out;

  /** The bucket of the latest candle, null before the first. */
  private @Nullable Bucket cur;

  private final ArrayDeque<Bucket> past = new ArrayDeque<>();
  private boolean hasForming;
  private long ft;
  private double fo;
  private double fh;
  private double fl;
  private double fc;
  private double fv;

  Resampling(Interval base, Interval target, ZoneId zone, Alignment alignment, Candles out) {
    this.base = base;
    this.target = target;
    this.zone = zone;
    this.alignment = target.isFixed() ? alignment : Alignment.EPOCH;
    this.out = out;
  }

  @Override
  public void closed(long t, double o, double h, double l, double c, double v) {
    Bucket b = moveTo(t);
    if (hasForming && ft <= t) {
      hasForming = false;
    }
    b.add(t, o, h, l, c, v);
    if (baseEnd(t) >= b.end) {
      closeCurrent(b);
    } else {
      updateCurrent(b);
    }
  }

  @Override
  public void update(long t, double o, double h, double l, double c, double v) {
    Bucket b = moveTo(t);
    if (b.emitted) {
      return; // cannot happen with ordered input: the bucket's last candle closed already
    }
    hasForming = true;
    ft = t;
    fo = o;
    fh = h;
    fl = l;
    fc = c;
    fv = v;
    updateCurrent(b);
  }

  @Override
  public void revised(long t, double o, double h, double l, double c, double v) {
    long b = target.bucketStart(t, zone, alignment);
    Bucket bucket = null;
    if (cur != null && cur.start == b) {
      bucket = cur;
    } else {
      for (Bucket p : past) {
        if (p.start == b) {
          bucket = p;
        }
      }
    }
    if (bucket == null) {
      log.warn(
          "A {} candle opening at {} was revised, but its {} bucket is too old to revise; the"
              + " revision is dropped",
          base,
          java.time.Instant.ofEpochMilli(t),
          target);
      return;
    }
    bucket.put(t, o, h, l, c, v);
    if (bucket.emitted) {
      out.emit(
          Candles.Kind.REVISED,
          bucket.start,
          bucket.ao,
          bucket.ah,
          bucket.al,
          bucket.ac,
          bucket.av,
          bucket.n < bucket.expected ? CandleSeries.PARTIAL : 0);
    } else {
      updateCurrent(bucket); // the current one: a bucket is emitted before it becomes past
    }
  }

  @Override
  public void finalThrough(long watermark) {
    Bucket c = cur;
    if (c != null && !c.emitted && c.end <= watermark) {
      closeCurrent(c);
    }
    if (hasForming && ft < watermark) {
      hasForming = false;
    }
    out.settled(watermark);
  }

  private long baseEnd(long t) {
    return base.isFixed() ? t + base.fixedMillis() : base.bucketEnd(t, zone);
  }

  /**
   * Makes the bucket of {@code t} the current one, closing the one before if it is still open, and
   * returns it.
   */
  private Bucket moveTo(long t) {
    long b = target.bucketStart(t, zone, alignment);
    Bucket before = cur;
    if (before != null && before.start == b) {
      return before;
    }
    if (before != null) {
      if (!before.emitted) {
        closeCurrent(before); // a later candle is final, so this bucket is over
      }
      past.addLast(before);
      while (past.size() > PAST) {
        past.pollFirst();
      }
    }
    long e = target.bucketEnd(b, zone, alignment);
    Bucket now = new Bucket(b, e, count(b, e));
    cur = now;
    hasForming = false;
    return now;
  }

  /** Closes {@code b}, the current bucket. */
  private void closeCurrent(Bucket b) {
    b.emitted = true;
    hasForming = false;
    if (b.n == 0) {
      return;
    }
    out.emit(
        Candles.Kind.CLOSED,
        b.start,
        b.ao,
        b.ah,
        b.al,
        b.ac,
        b.av,
        b.n < b.expected ? CandleSeries.PARTIAL : 0);
  }

  /** Emits {@code b}, the current bucket, as it stands with the forming candle. */
  private void updateCurrent(Bucket b) {
    int n = b.n + (hasForming ? 1 : 0);
    if (n == 0) {
      return;
    }
    int flags = CandleSeries.IN_PROGRESS | (n < b.expected ? CandleSeries.PARTIAL : 0);
    if (!hasForming) {
      out.emit(Candles.Kind.UPDATE, b.start, b.ao, b.ah, b.al, b.ac, b.av, flags);
    } else if (b.n == 0) {
      out.emit(Candles.Kind.UPDATE, b.start, fo, fh, fl, fc, fv, flags);
    } else {
      out.emit(
          Candles.Kind.UPDATE,
          b.start,
          b.ao,
          Math.max(b.ah, fh),
          Math.min(b.al, fl),
          fc,
          b.av + fv,
          flags);
    }
  }

  /** How many candles of the stream's interval fit in {@code [start, end)}. */
  private long count(long start, long end) {
    if (base.isFixed()) {
      long m = base.fixedMillis();
      return Math.floorDiv(end - 1, m) - Math.floorDiv(start - 1, m);
    }
    long n = 0;
    long t = base.bucketStart(start, zone);
    while (t < end) {
      if (t >= start) {
        n++;
      }
      t = base.bucketEnd(t, zone);
    }
    return n;
  }

  /** One bucket: its final inputs, in order, and their aggregate. */
  private static final class Bucket {
    final long start;
    final long end;
    final long expected;
    long[] t = new long[4];
    double[] o = new double[4];
    double[] h = new double[4];
    double[] l = new double[4];
    double[] c = new double[4];
    double[] v = new double[4];
    int n;
    boolean emitted;
    double ao;
    double ah;
    double al;
    double ac;
    double av;

    Bucket(long start, long end, long expected) {
      this.start = start;
      this.end = end;
      this.expected = expected;
    }

    void add(long ti, double oi, double hi, double li, double ci, double vi) {
      grow();
      t[n] = ti;
      o[n] = oi;
      h[n] = hi;
      l[n] = li;
      c[n] = ci;
      v[n] = vi;
      if (n == 0) {
        ao = oi;
        ah = hi;
        al = li;
        av = vi;
      } else {
        if (hi > ah) {
          ah = hi;
        }
        if (li < al) {
          al = li;
        }
        av += vi;
      }
      ac = ci;
      n++;
    }

    /** Replaces the input at {@code ti}, or inserts it in order, and folds the inputs again. */
    void put(long ti, double oi, double hi, double li, double ci, double vi) {
      int i = Arrays.binarySearch(t, 0, n, ti);
      if (i < 0) {
        grow();
        i = -i - 1;
        System.arraycopy(t, i, t, i + 1, n - i);
        System.arraycopy(o, i, o, i + 1, n - i);
        System.arraycopy(h, i, h, i + 1, n - i);
        System.arraycopy(l, i, l, i + 1, n - i);
        System.arraycopy(c, i, c, i + 1, n - i);
        System.arraycopy(v, i, v, i + 1, n - i);
        n++;
      }
      t[i] = ti;
      o[i] = oi;
      h[i] = hi;
      l[i] = li;
      c[i] = ci;
      v[i] = vi;
      int count = n;
      n = 0;
      long[] tt = t.clone();
      double[] oo = o.clone();
      double[] hh = h.clone();
      double[] ll = l.clone();
      double[] cc = c.clone();
      double[] vv = v.clone();
      for (int k = 0; k < count; k++) {
        add(tt[k], oo[k], hh[k], ll[k], cc[k], vv[k]);
      }
    }

    private void grow() {
      if (n == t.length) {
        int cap = n * 2;
        t = Arrays.copyOf(t, cap);
        o = Arrays.copyOf(o, cap);
        h = Arrays.copyOf(h, cap);
        l = Arrays.copyOf(l, cap);
        c = Arrays.copyOf(c, cap);
        v = Arrays.copyOf(v, cap);
      }
    }
  }
}
