package io.github.ohlcv4j;

import java.util.Optional;

/**
 * A running subscription to {@link LiveCandles}: close it to stop. The {@link
 * java.util.concurrent.Flow.Subscription} handed to a {@link java.util.concurrent.Flow.Subscriber}
 * is one too.
 *
 * <pre>{@code
 * try (LiveSubscription sub = live.subscribe(event -> ...)) {
 *   ...
 *   CandleSeries soFar = sub.series();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface LiveSubscription extends AutoCloseable {

  /**
   * The candles so far, as one series of the events' interval: the history asked for, then the
   * newest closed candles (10,000 by default, {@link LiveCandles#keep(int)}), then the candle in
   * progress, flagged so (left out with {@code completeOnly()}). A snapshot: later events do not
   * change it.
   */
  CandleSeries series();

  /** Whether events still come: neither closed nor ended by an error. */
  boolean isActive();

  /**
   * Why the subscription ended, if an error ended it: a {@link SlowConsumerException}, a {@link
   * SymbolNotFoundException} for a symbol the venue refused, the history's fetch error, a {@link
   * ClientClosedException}.
   */
  Optional<OhlcvException> error();

  /** How many closed or revised candles wait for the consumer now (updates not counted). */
  int lag();

  /**
   * Stops the subscription: no more events, the venue subscription dropped, a connection left
   * without streams closed. A {@link java.util.concurrent.Flow.Subscriber} gets {@code
   * onComplete()}. Idempotent.
   */
  @Override
  void close();
}
