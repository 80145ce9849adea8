package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The live events of a client as short names a test can wait for, in order: {@code "connected C S"}
 * (connection {@code C} carries {@code S} streams), {@code "reconnecting C"}, {@code "backfilled
 * N"}, {@code "revised"} and {@code "failed SYMBOL"}. Every event is also passed to a {@link
 * RecordingListener} ({@link #recorded()}). For the live tests of the venues, whose sockets are
 * real: a test waits for what the client did instead of for time to pass. Thread-safe.
 */
public final class LiveSignals implements OhlcvEventListener {

  private final RecordingListener recorded = new RecordingListener();
  private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
  private final List<String> skipped = new ArrayList<>();

  /** A listener that has heard nothing yet. */
  public LiveSignals() {}

  /** Everything heard, with its details. */
  public RecordingListener recorded() {
    return recorded;
  }

  /** Matches {@code "connected C S"} for connection {@code c}, whatever {@code S}. */
  public static Predicate<String> connected(int c) {
    String prefix = "connected " + c + " ";
    return s -> s.startsWith(prefix);
  }

  /**
   * The first signal {@code which} accepts, in order, waiting up to 20 s; signals it passes over
   * stay for a later call.
   *
   * @throws AssertionError if none comes in 20 s, listing what was heard
   */
  public String await(Predicate<String> which) throws InterruptedException {
    synchronized (skipped) {
      for (Iterator<String> it = skipped.iterator(); it.hasNext(); ) {
        String s = it.next();
        if (which.test(s)) {
          it.remove();
          return s;
        }
      }
    }
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      String s = signals.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (s == null) {
        throw new AssertionError("the awaited event did not come in 20 s; had " + recorded.lines());
      }
      if (which.test(s)) {
        return s;
      }
      synchronized (skipped) {
        skipped.add(s);
      }
    }
  }

  @Override
  public void liveConnected(String source, int connection, int streams) {
    recorded.liveConnected(source, connection, streams);
    signals.add("connected " + connection + " " + streams);
  }

  @Override
  public void liveReconnecting(
      String source, int connection, int attempt, Duration wait, OhlcvException cause) {
    recorded.liveReconnecting(source, connection, attempt, wait, cause);
    signals.add("reconnecting " + connection);
  }

  @Override
  public void liveGapBackfilled(
      String source, Symbol symbol, Interval interval, Instant from, Instant to, int candles) {
    recorded.liveGapBackfilled(source, symbol, interval, from, to, candles);
    signals.add("backfilled " + candles);
  }

  @Override
  public void liveRevised(String source, Symbol symbol, Interval interval, Candle candle) {
    recorded.liveRevised(source, symbol, interval, candle);
    signals.add("revised");
  }

  @Override
  public void liveStreamFailed(
      String source, Symbol symbol, Interval interval, OhlcvException error) {
    recorded.liveStreamFailed(source, symbol, interval, error);
    signals.add("failed " + symbol);
  }
}
