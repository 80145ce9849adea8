package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * The candles of a live subscription so far, for {@code series()}: the history asked for, then the
 * newest {@code keep} closed candles (older ones leave as new ones close), and the candle in
 * progress. Columns in a ring, grown as needed. Not thread-safe.
 */
final class LiveWindow {
  private final Symbol symbol;
  private final Interval interval;
  private final ZoneId zone;
  private final Alignment alignment;
  private final String source;
  private final boolean synthetic;
  private final int keep;
  private int history;

  private long[] t = new long[16];
  private double[] o = new double[16];
  private double[] h = new double[16];
  private double[] l = new double[16];
  private double[] c = new double[16];
  private double[] v = new double[16];
  private byte[] f = new byte[16];
  private int head;
  private int size;

  private boolean forming;
  private long ft;
  private double fo;
  private double fh;
  private double fl;
  private double fc;
  private double fv;
  private int fflags;

  LiveWindow(
      Symbol symbol,
      Interval interval,
      ZoneId zone,
      Alignment alignment,
      String source,
      boolean synthetic,
      int keep) {
    this.symbol = symbol;
    this.interval = interval;
    this.zone = zone;
    this.alignment = alignment;
    this.source = source;
    this.synthetic = synthetic;
    this.keep = keep;
  }

  private int at(int i) {
    return (head + i) & (t.length - 1);
  }

  /** A closed candle, newer than every one held; {@code history} ones are always kept. */
  void closed(
      long time,
      double oo,
      double hh,
      double ll,
      double cc,
      double vv,
      int flags,
      boolean fromHistory) {
    if (fromHistory) {
      history++;
    }
    if (size > 0 && t[at(size - 1)] >= time) {
      put(time, oo, hh, ll, cc, vv, flags);
      return;
    }
    if (size == t.length) {
      if (size >= (long) history + keep) {
        head = at(1);
        size--;
      } else {
        grow();
      }
    }
    int i = at(size++);
    t[i] = time;
    o[i] = oo;
    h[i] = hh;
    l[i] = ll;
    c[i] = cc;
    v[i] = vv;
    f[i] = (byte) flags;
    while (size > (long) history + keep) {
      head = at(1);
      size--;
    }
    if (forming && ft <= time) {
      forming = false;
    }
  }

  /** A revised closed candle: replaced where held (inserted in order if it was missing). */
  void put(long time, double oo, double hh, double ll, double cc, double vv, int flags) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = t[at(mid)];
      if (m < time) {
        lo = mid + 1;
      } else if (m > time) {
        hi = mid - 1;
      } else {
        int i = at(mid);
        o[i] = oo;
        h[i] = hh;
        l[i] = ll;
        c[i] = cc;
        v[i] = vv;
        f[i] = (byte) flags;
        return;
      }
    }
    if (lo == 0 && size > 0) {
      return; // older than the window
    }
    if (size == t.length) {
      grow();
    }
    for (int k = size; k > lo; k--) {
      int to = at(k);
      int from = at(k - 1);
      t[to] = t[from];
      o[to] = o[from];
      h[to] = h[from];
      l[to] = l[from];
      c[to] = c[from];
      v[to] = v[from];
      f[to] = f[from];
    }
    int i = at(lo);
    t[i] = time;
    o[i] = oo;
    h[i] = hh;
    l[i] = ll;
    c[i] = cc;
    v[i] = vv;
    f[i] = (byte) flags;
    size++;
  }

  /** The candle in progress. */
  void forming(long time, double oo, double hh, double ll, double cc, double vv, int flags) {
    forming = true;
    ft = time;
    fo = oo;
    fh = hh;
    fl = ll;
    fc = cc;
    fv = vv;
    fflags = flags | CandleSeries.IN_PROGRESS;
  }

  /** Drops the candle in progress if its bucket ended before {@code watermark} without a close. */
  void finalThrough(long watermark) {
    if (forming && interval.bucketEnd(ft, zone, alignment) <= watermark) {
      forming = false;
    }
  }

  /** How many closed candles are held. */
  int size() {
    return size;
  }

  /** The candles held, the one in progress last (flagged so) unless {@code withForming} is off. */
  CandleSeries snapshot(boolean withForming) {
    CandleSeries.Builder b =
        CandleSeries.builder(symbol, interval)
            .zone(zone)
            .alignment(alignment)
            .source(source)
            .synthetic(synthetic)
            .expectedSize(Math.max(1, size + 1));
    for (int k = 0; k < size; k++) {
      int i = at(k);
      b.add(t[i], o[i], h[i], l[i], c[i], v[i]);
      if (f[i] != 0) {
        b.flag(f[i]);
      }
    }
    if (withForming && forming && (size == 0 || ft > t[at(size - 1)])) {
      b.add(ft, fo, fh, fl, fc, fv).flag(fflags);
    }
    return b.build();
  }

  private void grow() {
    int cap = t.length * 2;
    long[] nt = new long[cap];
    double[] no = new double[cap];
    double[] nh = new double[cap];
    double[] nl = new double[cap];
    double[] nc = new double[cap];
    double[] nv = new double[cap];
    byte[] nf = new byte[cap];
    for (int k = 0; k < size; k++) {
      int i = at(k);
      nt[k] = t[i];
      no[k] = o[i];
      nh[k] = h[i];
      nl[k] = l[i];
      nc[k] = c[i];
      nv[k] = v[i];
      nf[k] = f[i];
    }
    t = nt;
    o = no;
    h = nh;
    l = nl;
    c = nc;
    v = nv;
    f = nf;
    head = 0;
    Arrays.fill(nf, size, cap, (byte) 0);
  }
}
