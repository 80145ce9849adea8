package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns what a venue pushes for one stream (one symbol, one interval) into final, ordered candles:
 * every open time closed exactly once and in ascending order, the candle in progress as updates, a
 * closed candle the venue changes afterwards as a revision. Pure logic, no threads and no clock of
 * its own: the caller passes the venue's time, runs the backfills it asks for ({@link
 * Out#backfill}) and calls {@link #tick(long)} at {@link #nextDeadline()}. Not thread-safe.
 *
 * <p><b>The watermark.</b> Every candle opening before {@link #watermark()} is final: closed, or
 * known not to exist (the venue had no trades and no candle). A push for the candle at the
 * watermark is applied at once; one for a later candle waits in {@code pending} until the candle at
 * the watermark closes, since a later push means the venue has moved on but its close for this one
 * may still be on its way (pushes can arrive out of order). If it does not come by the candle's end
 * plus the grace period, the missing range is fetched over REST ({@link Out#backfill}), and so is
 * everything a reconnect missed ({@link #resumed(long)}).
 *
 * <p><b>Duplicates and revisions.</b> Recently closed candles are kept ({@value #KEPT} of them); a
 * closed push for one of them that says the same is dropped, one that differs is a revision, and an
 * update for a closed candle is stale and dropped. Two pushes for the same candle are ordered by
 * the venue's time; the older one loses.
 *
 * <p><b>What REST says.</b> A backfill's candles close in order. A candle the venue closed over the
 * WebSocket while the backfill ran keeps the WebSocket's values (a later REST disagreement would be
 * a revision); a candle that was pushed but that REST does not have is closed with the values last
 * pushed; a candle REST flags as still in progress (by the venue's {@code Date}) stops the backfill
 * there.
 *
 * <p><b>Venues without a closed flag.</b> With {@code closesAtDeadline} (Polygon's minute
 * aggregates, pushed as updates only), the candle at the watermark is closed with its values last
 * pushed once its end plus the grace period has passed, and a push for a candle already final is
 * the venue's correction: a revision when it differs. A candle nothing was pushed for is fetched
 * over REST as usual.
 */
final class Sequencer {

  /** No time: not anchored, no deadline, no candle. */
  static final long NONE = Long.MIN_VALUE;

  /** The {@code to} of a backfill that runs until now: the history. */
  static final long OPEN_END = Long.MAX_VALUE;

  /** How many recently closed candles are kept to recognise duplicates and revisions. */
  static final int KEPT = 256;

  /** Where the sequencer's decisions go. */
  interface Out {
    /** A candle is final; open times ascend, each once. */
    void closed(long t, double o, double h, double l, double c, double v);

    /** The candle in progress changed. */
    void update(long t, double o, double h, double l, double c, double v);

    /** A candle that was already final changed. */
    void revised(long t, double o, double h, double l, double c, double v);

    /** Every candle opening before {@code watermark} is final (some may not exist). */
    void finalThrough(long watermark);

    /**
     * Please fetch the candles opening in {@code [from, to)} ({@code to} is {@link #OPEN_END} for
     * the history) and call {@link #backfilled} or {@link #backfillFailed}.
     */
    void backfill(long from, long to);

    /**
     * A backfill was applied: {@code candles} closed from it ({@code to} is where the history
     * ended, for the history).
     */
    void backfilled(long from, long to, int candles, boolean history);
  }

  /** A push waiting for its turn. */
  private static final class Push {
    double o;
    double h;
    double l;
    double c;
    double v;
    boolean closed;
    long vt;

    Push(double o, double h, double l, double c, double v, boolean closed, long vt) {
      set(o, h, l, c, v, closed, vt);
    }

    void set(double o, double h, double l, double c, double v, boolean closed, long vt) {
      this.o = o;
      this.h = h;
      this.l = l;
      this.c = c;
      this.v = v;
      this.closed = closed;
      this.vt = vt;
    }
  }

  private final Interval interval;
  private final ZoneId zone;
  private final long grace;
  private final boolean closesAtDeadline;
  private final Out out;

  private boolean anchored;
  private long watermark = NONE;
  private final TreeMap<Long, Push> pending = new TreeMap<>();

  private long formingT = NONE;
  private double fo;
  private double fh;
  private double fl;
  private double fc;
  private double fv;
  private long formingVt = NONE;

  // Recently closed candles, ascending; every candle opening in [keptFrom, watermark) is here or
  // does not exist.
  private final long[] kt = new long[KEPT];
  private final long[] kvt = new long[KEPT];
  private final double[][] kv = new double[KEPT][5];
  private int kStart;
  private int kSize;
  private long keptFrom = NONE;

  private long inFlightFrom = NONE;
  private long inFlightTo;
  private long retryAt = NONE;
  private int failures;
  private boolean resumeCheck;

  /**
   * @param interval the stream's interval
   * @param zone the zone of calendar candles
   * @param graceMillis how long after a candle's end its close may still come over the WebSocket
   * @param closesAtDeadline whether the venue has no closed flag: a pushed candle closes at its end
   *     plus the grace period, and a later push for it is a correction
   * @param out where decisions go
   */
  Sequencer(Interval interval, ZoneId zone, long graceMillis, boolean closesAtDeadline, Out out) {
    this.interval = interval;
    this.zone = zone;
    this.grace = graceMillis;
    this.closesAtDeadline = closesAtDeadline;
    this.out = out;
  }

  /** Every candle opening before this is final; {@link #NONE} before the first candle. */
  long watermark() {
    return watermark;
  }

  /** Whether a backfill is running. */
  boolean backfilling() {
    return inFlightFrom != NONE;
  }

  private long next(long t) {
    return interval.isFixed() ? t + interval.fixedMillis() : interval.bucketEnd(t, zone);
  }

  private long start(long t) {
    return interval.bucketStart(t, zone);
  }

  /**
   * Starts with the history from {@code from}: asks for it, and holds pushes back until it is
   * applied.
   */
  void startHistory(long from) {
    long first = start(from);
    if (first < from) {
      first = next(first);
    }
    anchored = true;
    watermark = first;
    keptFrom = first;
    inFlightFrom = first;
    inFlightTo = OPEN_END;
    out.backfill(first, OPEN_END);
  }

  /** A push from the venue. */
  void push(
      long t, double o, double h, double l, double c, double v, boolean closed, long venueTime) {
    if (!anchored) {
      anchored = true;
      watermark = t;
      keptFrom = t;
    }
    if (t < watermark) {
      late(t, o, h, l, c, v, closed || closesAtDeadline, venueTime);
      return;
    }
    if (t == watermark && inFlightFrom == NONE && pending.isEmpty()) {
      // The common case, with nothing to allocate: the next candle to close.
      apply(t, o, h, l, c, v, closed, venueTime);
      return;
    }
    Push p = pending.get(t);
    if (p == null) {
      pending.put(t, new Push(o, h, l, c, v, closed, venueTime));
    } else if (closed && !p.closed) {
      p.set(o, h, l, c, v, true, venueTime);
    } else if (closed == p.closed && venueTime >= p.vt) {
      p.set(o, h, l, c, v, closed, venueTime);
    } // else: an update after the close, or an older push: dropped
    drain();
  }

  /** Applies pending pushes from the watermark on, as far as they go without a hole. */
  private void drain() {
    while (inFlightFrom == NONE && !pending.isEmpty()) {
      Map.Entry<Long, Push> e = pending.firstEntry();
      long t = e.getKey();
      Push p = e.getValue();
      if (t < watermark) {
        pending.pollFirstEntry();
        late(t, p.o, p.h, p.l, p.c, p.v, p.closed || closesAtDeadline, p.vt);
      } else if (t == watermark) {
        pending.pollFirstEntry();
        apply(t, p.o, p.h, p.l, p.c, p.v, p.closed, p.vt);
      } else {
        return; // a later candle: the one at the watermark has not closed yet
      }
    }
  }

  private void apply(
      long t, double o, double h, double l, double c, double v, boolean closed, long venueTime) {
    if (closed) {
      close(t, o, h, l, c, v, venueTime);
      return;
    }
    if (formingT == t) {
      if (venueTime < formingVt) {
        return; // older than what was shown
      }
      formingVt = venueTime;
      if (same(fo, fh, fl, fc, fv, o, h, l, c, v)) {
        return;
      }
    } else {
      formingT = t;
      formingVt = venueTime;
    }
    fo = o;
    fh = h;
    fl = l;
    fc = c;
    fv = v;
    out.update(t, o, h, l, c, v);
  }

  private void close(long t, double o, double h, double l, double c, double v, long venueTime) {
    keep(t, o, h, l, c, v, venueTime);
    watermark = next(t);
    if (formingT != NONE && formingT <= t) {
      formingT = NONE;
      formingVt = NONE;
    }
    out.closed(t, o, h, l, c, v);
  }

  /** A push for a candle that is already final. */
  private void late(
      long t, double o, double h, double l, double c, double v, boolean closed, long venueTime) {
    if (!closed) {
      return; // an update for a closed candle: stale
    }
    int i = find(t);
    if (i >= 0) {
      int slot = (kStart + i) % KEPT;
      double[] k = kv[slot];
      if (venueTime < kvt[slot] || same(k[0], k[1], k[2], k[3], k[4], o, h, l, c, v)) {
        return; // an older state, or the same close again
      }
      kvt[slot] = venueTime;
      k[0] = o;
      k[1] = h;
      k[2] = l;
      k[3] = c;
      k[4] = v;
      out.revised(t, o, h, l, c, v);
      return;
    }
    if (keptFrom != NONE && t >= keptFrom) {
      // It was taken for a candle without trades, and exists after all.
      insert(-i - 1, t, o, h, l, c, v, venueTime);
      out.revised(t, o, h, l, c, v);
    } // else: older than what is kept; nothing to compare with
  }

  /**
   * The venue's clock reached {@code venueNow}: if the candle at the watermark should have closed
   * by now (its end plus the grace period), fetch what is missing over REST.
   */
  void tick(long venueNow) {
    if (!anchored || inFlightFrom != NONE) {
      return;
    }
    long due = nextDeadline();
    if (due == NONE || venueNow < due) {
      return;
    }
    if (closesAtDeadline && !resumeCheck) {
      // No closed flag: what the venue pushed for the candle at the watermark is final by now. A
      // candle only REST showed in progress (venue time NONE + 1) is asked of REST again.
      while (formingT == watermark
          && formingVt > NONE + 1
          && inFlightFrom == NONE
          && venueNow >= next(watermark) + grace) {
        close(formingT, fo, fh, fl, fc, fv, formingVt);
        drain();
      }
      due = nextDeadline();
      if (due == NONE || venueNow < due) {
        return;
      }
    }
    long to = start(venueNow);
    Map.Entry<Long, Push> later = pending.ceilingEntry(watermark);
    if (later != null && later.getKey() < to) {
      to = later.getKey();
    }
    if (to <= watermark) {
      // By the venue's clock the candle has not ended yet (our estimate of its clock was early).
      retryAt = venueNow + Math.max(grace, 1000);
      return;
    }
    resumeCheck = false;
    inFlightFrom = watermark;
    inFlightTo = to;
    out.backfill(watermark, to);
  }

  /**
   * When {@link #tick(long)} should next run, by the venue's clock; {@link #NONE} when nothing is
   * due (not anchored, or a backfill is running).
   */
  long nextDeadline() {
    if (!anchored || inFlightFrom != NONE || watermark == NONE) {
      return NONE;
    }
    long end = next(watermark);
    long due = resumeCheck ? end : end + grace;
    return retryAt != NONE ? Math.max(due, retryAt) : due;
  }

  /**
   * The stream is subscribed again after a lost connection: if a candle ended while it was down,
   * its close will not come over the WebSocket, so fetch it without waiting for the grace period.
   */
  void resumed(long venueNow) {
    if (anchored && watermark != NONE && venueNow >= next(watermark)) {
      resumeCheck = true;
    }
  }

  /** A backfill failed (after the client's retries): try again later. */
  void backfillFailed(long from, long to, long venueNow) {
    if (from != inFlightFrom || to != inFlightTo) {
      return;
    }
    inFlightFrom = NONE;
    failures = Math.min(failures + 1, 10);
    retryAt = venueNow + Math.min(60_000L, Math.max(1000L, grace) << Math.min(failures, 6));
    drain();
  }

  /**
   * The candles of the backfill {@code [from, to)}, as the client fetched them (the candle the
   * venue still has in progress flagged so).
   */
  void backfilled(long from, long to, CandleSeries s) {
    if (from != inFlightFrom || to != inFlightTo) {
      return;
    }
    inFlightFrom = NONE;
    failures = 0;
    retryAt = NONE;
    boolean history = to == OPEN_END;
    int n = s.size();
    int closed = 0;
    long stop = NONE;
    long lastEnd = NONE;
    for (int i = 0; i < n; i++) {
      long t = s.openTimeMillis(i);
      if (t < watermark) {
        continue;
      }
      if (t >= to) {
        break;
      }
      if (s.isInProgress(i)) {
        stop = t;
        if (!pending.containsKey(t)) {
          // The venue's latest word over REST; any push for it is newer.
          pending.put(
              t,
              new Push(s.open(i), s.high(i), s.low(i), s.close(i), s.volume(i), false, NONE + 1));
        }
        break;
      }
      closed += closeSeenBefore(t);
      Push p = pending.remove(t);
      if (p != null && p.closed) {
        close(t, p.o, p.h, p.l, p.c, p.v, p.vt);
      } else {
        // REST's answer has no venue time of its own: any push about the candle is newer.
        close(t, s.open(i), s.high(i), s.low(i), s.close(i), s.volume(i), NONE + 1);
      }
      closed++;
      lastEnd = next(t);
    }
    long end;
    if (stop != NONE) {
      end = stop;
    } else if (history) {
      end = lastEnd != NONE ? lastEnd : watermark;
    } else {
      end = to;
    }
    closed += closeSeenBefore(end);
    if (end > watermark) {
      watermark = end;
      if (formingT != NONE && formingT < watermark) {
        formingT = NONE;
        formingVt = NONE;
      }
    }
    out.finalThrough(watermark);
    out.backfilled(from, history ? watermark : to, closed, history);
    drain();
  }

  /**
   * Closes, with the values last pushed, the candles before {@code t} that the venue pushed but
   * REST does not have; returns how many.
   */
  private int closeSeenBefore(long t) {
    int n = 0;
    while (true) {
      long candidate = NONE;
      Push p = null;
      Map.Entry<Long, Push> e = pending.ceilingEntry(watermark);
      if (e != null && e.getKey() < t) {
        candidate = e.getKey();
        p = e.getValue();
      }
      boolean forming = formingT != NONE && formingT >= watermark && formingT < t;
      if (forming && (candidate == NONE || formingT <= candidate)) {
        long ft = formingT;
        if (p != null && candidate == ft) {
          pending.remove(ft);
          close(ft, p.o, p.h, p.l, p.c, p.v, p.vt);
        } else {
          close(ft, fo, fh, fl, fc, fv, formingVt);
        }
        n++;
        continue;
      }
      if (candidate == NONE || p == null) { // p is null exactly when there is no candidate
        return n;
      }
      pending.remove(candidate);
      close(candidate, p.o, p.h, p.l, p.c, p.v, p.vt);
      n++;
    }
  }

  // ------------------------------------------------------------------ recently closed candles

  private void keep(long t, double o, double h, double l, double c, double v, long venueTime) {
    if (kSize == KEPT) {
      keptFrom = next(kt[kStart]);
      kStart = (kStart + 1) % KEPT;
      kSize--;
    }
    int slot = (kStart + kSize) % KEPT;
    kt[slot] = t;
    kvt[slot] = venueTime;
    double[] k = kv[slot];
    k[0] = o;
    k[1] = h;
    k[2] = l;
    k[3] = c;
    k[4] = v;
    kSize++;
  }

  /** Index (from the oldest) of {@code t} among the kept candles, or {@code -(insertion) - 1}. */
  private int find(long t) {
    int lo = 0;
    int hi = kSize - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long m = kt[(kStart + mid) % KEPT];
      if (m < t) {
        lo = mid + 1;
      } else if (m > t) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -lo - 1;
  }

  private void insert(
      int at, long t, double o, double h, double l, double c, double v, long venueTime) {
    if (kSize == KEPT) {
      if (at == 0) {
        return;
      }
      keptFrom = next(kt[kStart]);
      kStart = (kStart + 1) % KEPT;
      kSize--;
      at--;
    }
    for (int i = kSize; i > at; i--) {
      int to = (kStart + i) % KEPT;
      int from = (kStart + i - 1) % KEPT;
      kt[to] = kt[from];
      kvt[to] = kvt[from];
      System.arraycopy(kv[from], 0, kv[to], 0, 5);
    }
    int slot = (kStart + at) % KEPT;
    kt[slot] = t;
    kvt[slot] = venueTime;
    double[] k = kv[slot];
    k[0] = o;
    k[1] = h;
    k[2] = l;
    k[3] = c;
    k[4] = v;
    kSize++;
  }

  static boolean same(
      double o1,
      double h1,
      double l1,
      double c1,
      double v1,
      double o2,
      double h2,
      double l2,
      double c2,
      double v2) {
    return Double.compare(o1, o2) == 0
        && Double.compare(h1, h2) == 0
        && Double.compare(l1, l2) == 0
        && Double.compare(c1, c2) == 0
        && Double.compare(v1, v2) == 0;
  }
}
