package io.github.ohlcv4j.source.live;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A venue's stream of candles, as a {@link io.github.ohlcv4j.source.CandleSource} offers it from
 * {@link io.github.ohlcv4j.source.CandleSource#live()}. A feed pushes what the venue says into a
 * {@link LiveSink}; the client does the rest (history first, ordering, exactly one close per
 * candle, missing closes and gaps fetched from the same source over REST, revisions, resampling).
 *
 * <p>WebSocket venues are best built with {@link WebSocketFeed} and a {@link VenueProtocol}: the
 * kit handles connections, limits, heartbeats and reconnects. Thread-safe; one feed serves many
 * streams and shares its connections between them.
 */
public interface LiveFeed {

  /** A short stable name for logs and events, such as {@code "bybit:spot"}. */
  String name();

  /**
   * How long after a candle's end the client waits for the venue's close before it fetches the
   * candle over REST instead.
   */
  Duration closeGrace();

  /**
   * Whether the venue says when a candle is final (Bybit's {@code confirm}, Binance's {@code x}). A
   * feed whose venue does not (Polygon's minute aggregates) returns false and pushes every candle
   * as not closed: the client then closes a candle with the values last pushed once its end plus
   * {@link #closeGrace()} has passed (a candle nothing was pushed for is fetched over REST, as a
   * close that never came is), and a later push for a candle already closed is taken as the venue's
   * correction: a revision when its values differ. True by default.
   */
  default boolean closesCandles() {
    return true;
  }

  /**
   * The venue's clock when the feed keeps one of its own (the sample market, whose clock may run
   * faster than the wall clock); empty for a real venue, whose clock the client reads from the
   * times in its messages.
   */
  default Optional<Clock> clock() {
    return Optional.empty();
  }

  /**
   * How many times faster than the local clock the venue's clock runs: 1 for real venues, the
   * {@code speed} of a sped-up sample market. Waits in venue time are divided by it.
   */
  default double speed() {
    return 1;
  }

  /**
   * Starts streaming the candles of {@code symbol} at {@code interval} into {@code sink}. Returns
   * at once: connecting and subscribing happen in the background, and their outcome reaches the
   * sink. Several streams of one feed share connections.
   *
   * @param environment the client's clock, timer, executor and event listener, for the feed's own
   *     timers and events
   * @throws io.github.ohlcv4j.UnsupportedIntervalException if the venue does not stream the
   *     interval (before any I/O)
   * @throws io.github.ohlcv4j.InvalidQueryException if it cannot stream the symbol (before any I/O)
   */
  Handle open(Symbol symbol, Interval interval, LiveSink sink, LiveEnvironment environment);

  /**
   * Drops every connection at once and stops all streams without telling their sinks; for a client
   * that is closing. Idempotent; the feed may be opened again afterwards.
   */
  default void close() {}

  /** One open stream. */
  interface Handle {
    /**
     * Stops the stream: the sink hears nothing more, and a connection left without streams is
     * closed. Idempotent.
     */
    void close();
  }
}
