package io.github.ohlcv4j.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the live tests of the venues record: the events and the errors of their subscriptions, taken
 * one at a time with a bounded wait, and the check of an event against a stand-in's candle.
 */
public final class LiveEvents {

  /** The events delivered, in order. */
  public final BlockingQueue<CandleEvent> got = new LinkedBlockingQueue<>();

  /** The errors that ended subscriptions, in order. */
  public final BlockingQueue<OhlcvException> errors = new LinkedBlockingQueue<>();

  private final Supplier<String> context;

  /**
   * @param context what else to show when nothing comes (the client's events, say)
   */
  public LiveEvents(Supplier<String> context) {
    this.context = context;
  }

  /**
   * Subscribes to 1m candles of {@code symbol} on {@code client}, with history from {@code from}.
   */
  public LiveSubscription subscribe(OhlcvClient client, String symbol, @Nullable Instant from) {
    var q = client.query(symbol).interval(Interval.M1);
    if (from != null) {
      q = q.from(from);
    }
    return q.live().subscribe(got::add, errors::add);
  }

  /** The next event, waiting up to 20 s. */
  public CandleEvent next() throws InterruptedException {
    CandleEvent e = got.poll(20, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no event in 20 s; errors " + errors + ", events " + context.get());
    }
    return e;
  }

  /** The next error, waiting up to 20 s. */
  public OhlcvException error() throws InterruptedException {
    OhlcvException e = errors.poll(20, TimeUnit.SECONDS);
    if (e == null) {
      throw new AssertionError("no error in 20 s; events " + context.get());
    }
    return e;
  }

  /**
   * Checks that {@code e} is a {@code kind} event for the candle at {@code t} whose values are
   * {@code b} (a stand-in's o, h, l, c, v in whole units) divided by {@code pricePer} and {@code
   * volumePer} units to one, in progress exactly when it is an update.
   */
  public static void assertCandle(
      CandleEvent.Kind kind, long t, long[] b, double pricePer, double volumePer, CandleEvent e) {
    assertEquals(kind, e.kind(), e.toString());
    assertEquals(t, e.candle().openTimeMillis(), e.toString());
    assertEquals(b[0] / pricePer, e.candle().open(), e.toString());
    assertEquals(b[1] / pricePer, e.candle().high(), e.toString());
    assertEquals(b[2] / pricePer, e.candle().low(), e.toString());
    assertEquals(b[3] / pricePer, e.candle().close(), e.toString());
    assertEquals(b[4] / volumePer, e.candle().volume(), e.toString());
    assertEquals(kind == CandleEvent.Kind.UPDATE, e.candle().inProgress(), e.toString());
  }
}
