package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Events waiting for a consumer: final ones ({@code CLOSED}, {@code REVISED}) in order, never
 * dropped, and the latest update in one slot (a newer update replaces one not yet delivered, and a
 * close of the same candle makes it moot). Held as primitives; an event object is made only when it
 * is delivered. Final events from the history or a backfill are the client's own backlog; only the
 * others count towards the limit of how far a consumer may fall behind. Not thread-safe.
 */
final class Outbox {
  private static final byte CLOSED = 1;
  private static final byte REVISED = 2;
  private static final byte BULK = 4;

  private final Symbol symbol;
  private final Interval interval;
  private final int limit;

  private long[] t = new long[16];
  private double[] o = new double[16];
  private double[] h = new double[16];
  private double[] l = new double[16];
  private double[] c = new double[16];
  private double[] v = new double[16];
  private byte[] f = new byte[16];
  private byte[] k = new byte[16];
  private int head;
  private int size;
  private int live;

  private boolean update;
  private long ut;
  private double uo;
  private double uh;
  private double ul;
  private double uc;
  private double uv;
  private int uf;

  private @Nullable Instant lastInstant;
  private long lastMillis;

  /**
   * @param limit how many live final events may wait before the consumer counts as too slow
   */
  Outbox(Symbol symbol, Interval interval, int limit) {
    this.symbol = symbol;
    this.interval = interval;
    this.limit = limit;
  }

  /** Final events waiting that count towards the limit. */
  int lag() {
    return live;
  }

  /** Whether nothing waits. */
  boolean isEmpty() {
    return size == 0 && !update;
  }

  /** Drops everything waiting. */
  void clear() {
    size = 0;
    live = 0;
    head = 0;
    update = false;
  }

  /**
   * Queues an event; returns false if a live final event would make the consumer fall further
   * behind than the limit (nothing is queued then).
   */
  boolean add(
      Candles.Kind kind,
      long time,
      double oo,
      double hh,
      double ll,
      double cc,
      double vv,
      int flags,
      boolean bulk) {
    if (kind == Candles.Kind.UPDATE) {
      update = true;
      ut = time;
      uo = oo;
      uh = hh;
      ul = ll;
      uc = cc;
      uv = vv;
      uf = flags;
      return true;
    }
    if (!bulk && live >= limit) {
      return false;
    }
    if (size == t.length) {
      grow();
    }
    int i = (head + size) & (t.length - 1);
    t[i] = time;
    o[i] = oo;
    h[i] = hh;
    l[i] = ll;
    c[i] = cc;
    v[i] = vv;
    f[i] = (byte) flags;
    k[i] = (byte) ((kind == Candles.Kind.CLOSED ? CLOSED : REVISED) | (bulk ? BULK : 0));
    size++;
    if (!bulk) {
      live++;
    }
    if (kind == Candles.Kind.CLOSED && update && ut <= time) {
      update = false; // its close is on the way
    }
    return true;
  }

  /** The next event to deliver: final ones first, then the latest update; null if none. */
  @Nullable CandleEvent poll() {
    if (size > 0) {
      int i = head;
      head = (head + 1) & (t.length - 1);
      size--;
      if ((k[i] & BULK) == 0) {
        live--;
      }
      CandleEvent.Kind kind =
          (k[i] & CLOSED) != 0 ? CandleEvent.Kind.CLOSED : CandleEvent.Kind.REVISED;
      return new CandleEvent(
          kind, symbol, interval, new Candle(instant(t[i]), o[i], h[i], l[i], c[i], v[i], f[i]));
    }
    if (update) {
      update = false;
      return new CandleEvent(
          CandleEvent.Kind.UPDATE,
          symbol,
          interval,
          new Candle(instant(ut), uo, uh, ul, uc, uv, uf));
    }
    return null;
  }

  /**
   * The open time as an {@link Instant}, the previous one's object when they are equal: the updates
   * of a forming candle, and of the coarser bucket it resamples into, share an open time, so that
   * an update allocates only its event and candle.
   */
  private Instant instant(long millis) {
    Instant i = lastInstant;
    if (i == null || lastMillis != millis) {
      i = Instant.ofEpochMilli(millis);
      lastInstant = i;
      lastMillis = millis;
    }
    return i;
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
    byte[] nk = new byte[cap];
    for (int j = 0; j < size; j++) {
      int i = (head + j) & (t.length - 1);
      nt[j] = t[i];
      no[j] = o[i];
      nh[j] = h[i];
      nl[j] = l[i];
      nc[j] = c[i];
      nv[j] = v[i];
      nf[j] = f[i];
      nk[j] = k[i];
    }
    t = nt;
    o = no;
    h = nh;
    l = nl;
    c = nc;
    v = nv;
    f = nf;
    k = nk;
    head = 0;
  }
}
