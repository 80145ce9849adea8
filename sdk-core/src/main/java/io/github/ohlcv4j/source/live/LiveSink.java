package io.github.ohlcv4j.source.live;

import io.github.ohlcv4j.OhlcvException;

/**
 * Where a {@link LiveFeed} reports one stream (one symbol at one interval): the candles the venue
 * pushes, and what happens to the connection carrying them. Implemented by the client, which turns
 * pushes into ordered {@link io.github.ohlcv4j.CandleEvent}s; a feed only passes on what the venue
 * said.
 *
 * <p>Methods may be called from any thread, also concurrently for two connections carrying the same
 * stream (while one replaces the other); they return quickly and never block (they are called on
 * OkHttp's WebSocket reader thread, which must keep reading to answer pings).
 */
public interface LiveSink {

  /**
   * The venue pushed a candle: the candle in progress ({@code closed} false) or a closed one.
   * Pushes may come twice, out of order or not at all; the receiver sorts that out.
   *
   * @param openTimeMillis the candle's open time, epoch milliseconds
   * @param open first price
   * @param high highest price
   * @param low lowest price
   * @param close last price
   * @param volume volume in the venue's base unit
   * @param closed whether the venue says the candle is final (Bybit {@code confirm}, Binance {@code
   *     x})
   * @param venueTimeMillis when the venue stamped the message, epoch milliseconds by its clock;
   *     orders pushes of one candle and tells the receiver the venue's time
   */
  void candle(
      long openTimeMillis,
      double open,
      double high,
      double low,
      double close,
      double volume,
      boolean closed,
      long venueTimeMillis);

  /**
   * The connection carrying this stream was lost: pushes may be missing until {@link #resumed()}.
   */
  void interrupted(OhlcvException cause);

  /**
   * The stream is subscribed again after {@link #interrupted(OhlcvException)}, on a new connection:
   * what was missed in between must be fetched another way.
   */
  void resumed();

  /**
   * The venue refused the stream for good (an unknown symbol, a rejected subscription, failed
   * authentication): nothing more comes for it.
   */
  void failed(OhlcvException error);
}
