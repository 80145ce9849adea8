package io.github.ohlcv4j.source.live;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.util.List;
import java.util.Optional;

/**
 * A venue's WebSocket protocol for candles: how to name a stream, how to subscribe, what the
 * heartbeat is and how to read a frame. This is all a venue adapter writes; {@link WebSocketFeed}
 * does the connecting, batching within the venue's {@link WebSocketLimits}, heartbeats, silence
 * detection, reconnects with backoff, re-subscribing and replacing connections.
 *
 * <p>For example, Bybit v5: {@link #topic} gives {@code kline.1.BTCUSDT}, {@link #subscribe} {@code
 * {"req_id":"7","op":"subscribe","args":["kline.1.BTCUSDT"]}}, {@link #heartbeat} {@code
 * {"req_id":"8","op":"ping"}} every 20 s, and {@link #message} reads pushes, acknowledgements and
 * pongs. A venue that authenticates first (Polygon) sends its handshake from {@link
 * #opened(WebSocketSession)} and calls {@link WebSocketSession#ready()} when the venue accepts it.
 *
 * <p>Implementations are thread-safe and keep no state per connection outside what the {@link
 * WebSocketSession} holds: {@link #message} is called for several connections at once (each on its
 * own thread).
 */
public interface VenueProtocol {

  /**
   * The venue's name for the stream of {@code symbol} at {@code interval}, such as {@code
   * kline.1.BTCUSDT} or {@code btcusdt@kline_1m}; pushes are routed back to streams by it.
   *
   * @throws io.github.ohlcv4j.UnsupportedIntervalException if the venue does not stream the
   *     interval
   * @throws io.github.ohlcv4j.InvalidQueryException if it cannot stream the symbol
   */
  String topic(Symbol symbol, Interval interval);

  /**
   * The text of one request that subscribes to {@code topics} (never more than {@link
   * WebSocketLimits#topicsPerRequest()}), carrying {@code requestId} where the venue echoes an id.
   */
  String subscribe(List<String> topics, String requestId);

  /** The text of one request that unsubscribes from {@code topics}. */
  String unsubscribe(List<String> topics, String requestId);

  /**
   * The heartbeat message the venue wants every {@link WebSocketLimits#heartbeat()} (Bybit's {@code
   * {"op":"ping"}}); empty for venues that ping the client instead (OkHttp answers those).
   */
  default Optional<String> heartbeat(String requestId) {
    return Optional.empty();
  }

  /**
   * How much of {@link WebSocketLimits#charactersPerConnection()} a topic uses; its length by
   * default.
   */
  default int characters(String topic) {
    return topic.length();
  }

  /**
   * Called when a connection opens. By default the connection is ready for subscriptions at once; a
   * venue with a handshake sends it with {@link WebSocketSession#send(String)} and calls {@link
   * WebSocketSession#ready()} when the venue accepts it (or {@link
   * WebSocketSession#fail(io.github.ohlcv4j.OhlcvException)} when it refuses).
   */
  default void opened(WebSocketSession session) {
    session.ready();
  }

  /**
   * Reads one text frame and tells the connection what it said: candles ({@link
   * WebSocketSession#candle}), acknowledgements ({@link WebSocketSession#acknowledged(String)}),
   * refusals ({@link WebSocketSession#refused}), a notice to move to a new connection ({@link
   * WebSocketSession#rotate()}). Frames it does not know (pongs, status) are ignored; every frame
   * counts as a sign of life.
   *
   * @throws io.github.ohlcv4j.DataFormatException if the frame is malformed, saying where; the
   *     frame is logged and skipped, and the streams it may have carried catch up over REST
   */
  void message(String text, WebSocketSession session);
}
