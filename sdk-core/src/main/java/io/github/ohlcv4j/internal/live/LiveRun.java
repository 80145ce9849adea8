package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SlowConsumerException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.source.http.Http;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import io.github.ohlcv4j.source.live.LiveSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One live subscription: the feed's pushes go through a {@link Sequencer} (order, closes,
 * backfills, revisions) and an {@link Aggregator} (resampling) into the {@link LiveWindow} behind
 * {@code series()} and the {@link Outbox}, from which events are delivered on the client's
 * executor.
 *
 * <p>One lock (this object) guards the state. Nothing that can take long or call application code
 * runs under it: backfill requests, listener events and deliveries are collected while it is held
 * and run once it is released. The feed's threads push under it briefly; its connection lock is
 * never taken while an application callback runs.
 */
public final class LiveRun
    implements LiveSubscription, Flow.Subscription, LiveSink, Sequencer.Out, Candles {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j.live");
  private static final long TOLERANCE = Http.DATE_TOLERANCE.toMillis();

  private enum State {
    NEW,
    RUNNING,
    DONE
  }

  private final LiveEngine engine;
  private final LiveEnvironment env;
  private final LiveFeed feed;
  private final String source;
  private final OhlcvQuery query;
  private final Symbol symbol;
  private final Interval base;
  private final Interval output;
  private final ZoneId zone;
  private final @Nullable Instant historyFrom;
  private final boolean completeOnly;
  private final Receiver receiver;
  private final Sequencer sequencer;
  private final Aggregator aggregator;
  private final LiveWindow window;
  private final Outbox outbox;
  private final @Nullable Clock venueClock;
  private final double speed;
  private final int bufferSize;
  private final String what;

  private State state = State.NEW;
  private LiveFeed.@Nullable Handle handle;
  private @Nullable Future<?> timer;
  private long armed = Sequencer.NONE;
  private final List<CompletableFuture<CandleSeries>> fetches = new ArrayList<>();
  private long offset; // guarded by this
  private boolean bulk;
  private boolean inHistory;
  private List<Runnable> after = new ArrayList<>();
  private boolean drainWanted;
  private @Nullable OhlcvException error;
  private boolean drainFirst;
  private boolean terminalSent;
  private long demand;
  private final AtomicInteger wip = new AtomicInteger();
  private long badPushes;

  LiveRun(
      LiveEngine engine,
      LiveEngine.Spec spec,
      String source,
      boolean synthetic,
      LiveFeed feed,
      Receiver receiver) {
    this.engine = engine;
    this.env = engine.env();
    this.feed = feed;
    this.source = source;
    this.query = spec.query();
    this.symbol = query.symbol();
    this.base = query.interval();
    this.output = query.outputInterval();
    this.zone = query.zone();
    this.historyFrom = spec.historyFrom();
    this.completeOnly = query.completeOnly();
    this.receiver = receiver;
    this.venueClock = feed.clock().orElse(null);
    this.speed = feed.speed();
    this.bufferSize = spec.bufferSize();
    this.what =
        symbol
            + " "
            + base
            + (historyFrom != null ? " from " + historyFrom : "")
            + (output.equals(base) ? "" : " → " + output)
            + " on "
            + source;
    Alignment alignment =
        query.resample().isPresent() && output.isFixed() ? query.alignment() : Alignment.EPOCH;
    this.window = new LiveWindow(symbol, output, zone, alignment, source, synthetic, spec.keep());
    this.outbox = new Outbox(symbol, output, spec.bufferSize());
    this.aggregator =
        query.resample().isPresent()
            ? new Resampling(base, output, zone, query.alignment(), this)
            : Aggregator.identity(this);
    this.sequencer = new Sequencer(base, zone, graceMillis(feed), !feed.closesCandles(), this);
  }

  /**
   * The feed's close grace in venue time, and for a feed faster than the wall clock at least a
   * quarter second of real time: a timer late by a few milliseconds must not make a close pushed on
   * time look missed (two market seconds are 17 ms at {@code speed=120}).
   */
  private static long graceMillis(LiveFeed feed) {
    long grace = Math.max(0, feed.closeGrace().toMillis());
    double speed = feed.speed();
    return speed > 1 ? Math.max(grace, (long) Math.min(Math.ceil(speed * 250), 3_600_000)) : grace;
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Opens the feed's stream and starts the history. A stream the feed refuses at once (an interval
   * it does not stream) ends the subscription: thrown when {@code rethrow}, else delivered as its
   * error.
   */
  public void start(boolean rethrow) {
    try {
      synchronized (this) {
        if (state != State.NEW) {
          return;
        }
        state = State.RUNNING;
        try {
          handle = feed.open(symbol, base, this, env);
        } catch (RuntimeException e) {
          OhlcvException err = Errors.wrap(e, source, "while opening the live stream of " + what);
          state = State.DONE;
          error = err;
          if (rethrow) {
            terminalSent = true;
            throw err;
          }
          scheduleDrain();
          return;
        }
        if (historyFrom != null) {
          inHistory = true;
          sequencer.startHistory(historyFrom.toEpochMilli());
        }
        rearm();
      }
      engine.started(this);
      logDebug("live stream of {} started", what);
    } finally {
      runAfter();
    }
  }

  /**
   * Ends the subscription: with {@code error} (delivered after what is queued if {@code
   * drainFirst}, else at once), or closed (null).
   */
  void terminate(@Nullable OhlcvException err, boolean drainFirst) {
    LiveFeed.Handle h;
    try {
      synchronized (this) {
        if (state == State.DONE) {
          return;
        }
        state = State.DONE;
        this.error = err;
        this.drainFirst = drainFirst;
        if (!drainFirst) {
          outbox.clear();
        }
        h = handle;
        handle = null;
        if (timer != null) {
          timer.cancel(false);
          timer = null;
        }
        // A copy: cancelling a fetch runs its completion, which removes it from the list.
        List<CompletableFuture<CandleSeries>> pending = new ArrayList<>(fetches);
        fetches.clear();
        for (CompletableFuture<CandleSeries> f : pending) {
          f.cancel(true);
        }
        scheduleDrain();
      }
      if (h != null) {
        h.close();
      }
      engine.ended(this);
      if (err instanceof io.github.ohlcv4j.UnexpectedFailureException) {
        withMdc(() -> log.warn("live stream of {} ended", what, err));
        env.listener().liveStreamFailed(source, symbol, output, err);
      } else if (err != null) {
        logWarn("live stream of {} ended: {}", what, err.getMessage());
        env.listener().liveStreamFailed(source, symbol, output, err);
      } else {
        logDebug("live stream of {} closed", what);
      }
    } finally {
      runAfter();
    }
  }

  @Override
  public void close() {
    terminate(null, false);
  }

  @Override
  public void cancel() {
    close();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      terminate(
          new InvalidQueryException(
              "Flow.Subscription.request(" + n + "): a subscriber must request at least 1 event"),
          false);
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      scheduleDrain();
    }
    runAfter();
  }

  @Override
  public synchronized CandleSeries series() {
    return window.snapshot(!completeOnly);
  }

  @Override
  public synchronized boolean isActive() {
    return state != State.DONE;
  }

  @Override
  public synchronized Optional<OhlcvException> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public synchronized int lag() {
    return outbox.lag();
  }

  @Override
  public String toString() {
    return "LiveSubscription{" + what + "}";
  }

  // ------------------------------------------------------------------ from the feed

  @Override
  public void candle(
      long t, double o, double h, double l, double c, double v, boolean closed, long venueTime) {
    long now = env.clock().millis();
    String bad;
    long n = 0;
    boolean drain = false;
    synchronized (this) {
      if (venueClock == null) {
        offset = Math.max(-TOLERANCE, Math.min(TOLERANCE, venueTime - now));
      }
      bad = check(t, o, h, l, c, v);
      if (bad != null) {
        n = ++badPushes;
      } else {
        if (state != State.RUNNING) {
          return;
        }
        sequencer.push(t, o, h, l, c, v, closed, venueTime);
        rearm();
        if (after.isEmpty()) {
          // The common push: take the drain here, not in another turn of the lock.
          drain = drainWanted;
          drainWanted = false;
          if (!drain) {
            return;
          }
        }
      }
    }
    if (bad != null) {
      if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th...: visible, not a flood
        logWarn(
            "dropped push {} for {} at {}: {}", n, query.symbol(), Instant.ofEpochMilli(t), bad);
      }
      return;
    }
    if (drain) {
      try {
        startDrain();
      } catch (Throwable e) {
        log.warn("live stream of {}: a follow-up task failed", what, e);
      }
      return; // whoever asks for more work after this runs it, as this push did
    }
    runAfter();
  }

  private @Nullable String check(long t, double o, double h, double l, double c, double v) {
    if (!(h >= l)
        || !(v >= 0)
        || !Double.isFinite(o)
        || !Double.isFinite(h)
        || !Double.isFinite(l)
        || !Double.isFinite(c)
        || !Double.isFinite(v)) {
      return "not a valid candle (o=" + o + " h=" + h + " l=" + l + " c=" + c + " v=" + v + ")";
    }
    if (base.bucketStart(t, zone) != t) {
      return "the open time is not the start of a " + base + " candle";
    }
    long now = venueNow();
    if (t > now + base.nominalMillis() + TOLERANCE) {
      return "the candle opens after the venue's time " + Instant.ofEpochMilli(now);
    }
    return null;
  }

  @Override
  public void interrupted(OhlcvException cause) {
    logDebug("live stream of {} interrupted: {}", what, cause.getMessage());
  }

  @Override
  public void resumed() {
    synchronized (this) {
      if (state != State.RUNNING) {
        return;
      }
      sequencer.resumed(venueNow());
      rearm();
    }
    runAfter();
  }

  @Override
  public void failed(OhlcvException error) {
    terminate(error, true);
  }

  // ------------------------------------------------------------------ time

  private long venueNow() {
    Clock vc = venueClock;
    return vc != null ? vc.millis() : env.clock().millis() + offset;
  }

  /**
   * Runs the sequencer's deadline if it has passed, else arms the timer for it (under the lock).
   */
  private void rearm() {
    if (state != State.RUNNING) {
      return;
    }
    long due = sequencer.nextDeadline();
    for (int i = 0; i < 4 && due != Sequencer.NONE; i++) {
      long now = venueNow();
      if (due > now) {
        break;
      }
      sequencer.tick(now); // starts a backfill, or moves the deadline on
      due = sequencer.nextDeadline();
    }
    if (due == armed) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    armed = due;
    if (due == Sequencer.NONE) {
      return;
    }
    long wait = Math.max(0, due - venueNow());
    long nanos = (long) Math.ceil(wait * 1_000_000.0 / speed);
    timer = env.schedule(this::onTimer, Duration.ofNanos(nanos));
  }

  private void onTimer() {
    try {
      synchronized (this) {
        timer = null;
        armed = Sequencer.NONE;
        if (state != State.RUNNING) {
          return;
        }
        sequencer.tick(venueNow());
        rearm();
      }
    } catch (Throwable e) {
      log.warn("live stream of {}: a timer task failed", what, e);
    } finally {
      runAfter();
    }
  }

  // ------------------------------------------------------------------ backfills

  @Override
  public void backfill(long from, long to) {
    after.add(() -> fetch(from, to));
  }

  private void fetch(long from, long to) {
    OhlcvQuery.Builder b =
        OhlcvQuery.builder().symbol(symbol).interval(base).zone(zone).badRows(query.badRows());
    if (to == Sequencer.OPEN_END) {
      b.from(Instant.ofEpochMilli(from));
    } else {
      b.between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to));
    }
    OhlcvQuery q = b.build();
    logDebug("fetching {} over REST for the live stream", q);
    CompletableFuture<CandleSeries> f;
    try {
      f = engine.fetch(q);
    } catch (Throwable e) {
      f = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<CandleSeries> mine = f;
    synchronized (this) {
      if (state != State.RUNNING) {
        mine.cancel(true);
        return;
      }
      fetches.add(mine);
    }
    mine.whenComplete((s, e) -> fetched(mine, from, to, s, e));
  }

  private void fetched(
      CompletableFuture<CandleSeries> f,
      long from,
      long to,
      @Nullable CandleSeries s,
      @Nullable Throwable e) {
    OhlcvException fail = null;
    try {
      synchronized (this) {
        fetches.remove(f);
        if (state != State.RUNNING) {
          return;
        }
        if (e == null && s != null) {
          bulk = true;
          try {
            sequencer.backfilled(from, to, s);
          } finally {
            bulk = false;
            inHistory = false;
          }
        } else {
          OhlcvException err = Errors.wrap(e, source, "while backfilling the live stream");
          if (to == Sequencer.OPEN_END) {
            fail = err;
          } else {
            logWarn(
                "fetching {} to {} for the live stream of {} failed; trying again later: {}",
                Instant.ofEpochMilli(from),
                Instant.ofEpochMilli(to),
                what,
                err.getMessage());
            sequencer.backfillFailed(from, to, venueNow());
          }
        }
        rearm();
      }
    } catch (Throwable x) {
      fail = Errors.wrap(x, source, "while applying a backfill to the live stream of " + what);
    } finally {
      runAfter();
    }
    if (fail != null) {
      terminate(fail, true);
    }
  }

  // ------------------------------------------------------------------ sequencer → aggregator

  @Override
  public void closed(long t, double o, double h, double l, double c, double v) {
    aggregator.closed(t, o, h, l, c, v);
  }

  @Override
  public void update(long t, double o, double h, double l, double c, double v) {
    aggregator.update(t, o, h, l, c, v);
  }

  @Override
  public void revised(long t, double o, double h, double l, double c, double v) {
    aggregator.revised(t, o, h, l, c, v);
  }

  @Override
  public void finalThrough(long watermark) {
    aggregator.finalThrough(watermark);
  }

  @Override
  public void settled(long watermark) {
    window.finalThrough(watermark);
  }

  @Override
  public void backfilled(long from, long to, int candles, boolean history) {
    if (history) {
      logDebug("history of {}: {} candles", what, candles);
      return;
    }
    Instant a = Instant.ofEpochMilli(from);
    Instant b = Instant.ofEpochMilli(to);
    logInfo("live stream of {}: backfilled {} candles over REST, {} to {}", what, candles, a, b);
    after.add(() -> env.listener().liveGapBackfilled(source, symbol, base, a, b, candles));
  }

  // ------------------------------------------------------------------ aggregator → consumer

  @Override
  public void emit(
      Candles.Kind kind, long t, double o, double h, double l, double c, double v, int flags) {
    switch (kind) {
      case CLOSED:
        window.closed(t, o, h, l, c, v, flags, inHistory);
        break;
      case UPDATE:
        window.forming(t, o, h, l, c, v, flags);
        break;
      default:
        window.put(t, o, h, l, c, v, flags);
        Candle revised = new Candle(Instant.ofEpochMilli(t), o, h, l, c, v, flags);
        logInfo("live stream of {}: the candle at {} was revised", what, revised.openTime());
        after.add(() -> env.listener().liveRevised(source, symbol, output, revised));
        break;
    }
    if (completeOnly && kind == Candles.Kind.UPDATE) {
      return;
    }
    if (!outbox.add(kind, t, o, h, l, c, v, flags, bulk)) {
      int behind = outbox.lag();
      after.add(
          () ->
              terminate(
                  new SlowConsumerException(
                      "The consumer of the live stream of "
                          + what
                          + " fell "
                          + behind
                          + " closed candles behind (bufferSize "
                          + bufferSize
                          + "); the subscription ended rather than drop candles. Hand the work"
                          + " to another thread, raise LiveCandles.bufferSize(n), or subscribe"
                          + " again from the last candle handled.",
                      source),
                  false));
      return;
    }
    scheduleDrain();
  }

  // ------------------------------------------------------------------ delivery

  /**
   * Asks for a drain once the lock is released (under the lock): a flag, not a task in {@link
   * #after}, so that a push that only updates the candle in progress allocates nothing here.
   */
  private void scheduleDrain() {
    drainWanted = true;
  }

  private final Runnable drainer = this::drain;

  private void startDrain() {
    if (wip.getAndIncrement() == 0) {
      try {
        env.executor().execute(drainer);
      } catch (RejectedExecutionException e) {
        drain(); // the client is shutting down: finish here so the end is delivered
      }
    }
  }

  /** Runs what was collected under the lock, then the drain if one was asked for. */
  private void runAfter() {
    while (true) {
      List<Runnable> todo = null;
      boolean drain;
      synchronized (this) {
        drain = drainWanted;
        drainWanted = false;
        if (!after.isEmpty()) {
          todo = after;
          after = new ArrayList<>();
        } else if (!drain) {
          return;
        }
      }
      if (todo != null) {
        for (Runnable r : todo) {
          try {
            r.run();
          } catch (Throwable e) {
            log.warn("live stream of {}: a follow-up task failed", what, e);
          }
        }
      }
      if (drain) {
        try {
          startDrain();
        } catch (Throwable e) {
          log.warn("live stream of {}: a follow-up task failed", what, e);
        }
      }
    }
  }

  private void drain() {
    int missed = 1;
    while (true) {
      while (true) {
        CandleEvent event = null;
        OhlcvException err = null;
        boolean complete = false;
        boolean last = false;
        synchronized (this) {
          if (terminalSent) {
            break;
          }
          if (state == State.DONE && (!drainFirst || outbox.isEmpty())) {
            terminalSent = true;
            err = error;
            complete = err == null;
            outbox.clear();
          } else if (demand > 0) {
            event = outbox.poll();
            if (event != null && demand != Long.MAX_VALUE) {
              demand--;
            }
            // Nothing more to deliver now: whatever changes that (a push, a request, the end)
            // starts a drain, which the count below sees, so the lock need not be taken again.
            last = state != State.DONE && (demand == 0 || outbox.isEmpty());
          }
        }
        if (err != null || complete) {
          try {
            if (err != null) {
              receiver.onError(err);
            } else {
              receiver.onComplete();
            }
          } catch (Throwable e) {
            log.warn("live stream of {}: the subscriber threw at the end; ignored", what, e);
          }
          break;
        }
        if (event == null) {
          break;
        }
        try {
          receiver.onNext(event);
        } catch (Throwable e) {
          log.warn("live stream of {}: the consumer threw on {}; ignored", what, event, e);
        }
        if (last) {
          break;
        }
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  // ------------------------------------------------------------------ logs

  private void logInfo(String format, @Nullable Object... args) {
    withMdc(() -> log.info(format, args));
  }

  private void logWarn(String format, @Nullable Object... args) {
    withMdc(() -> log.warn(format, args));
  }

  private void logDebug(String format, @Nullable Object... args) {
    if (log.isDebugEnabled()) {
      withMdc(() -> log.debug(format, args));
    }
  }

  private void withMdc(Runnable r) {
    try (MDC.MDCCloseable a = MDC.putCloseable("source", source);
        MDC.MDCCloseable s = MDC.putCloseable("symbol", symbol.toString());
        MDC.MDCCloseable i = MDC.putCloseable("interval", output.toString())) {
      r.run();
    }
  }
}
