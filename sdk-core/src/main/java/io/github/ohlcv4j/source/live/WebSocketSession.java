package io.github.ohlcv4j.source.live;

import io.github.ohlcv4j.OhlcvException;

/**
 * One connection of a {@link WebSocketFeed}, as its {@link VenueProtocol} sees it: where the
 * protocol reports what a frame said, and how it sends a handshake. Methods may be called from the
 * connection's reader thread only, while the protocol handles a frame or the opening.
 */
public interface WebSocketSession {

  /** The feed's name, for errors. */
  String feed();

  /** The connection's number within the feed (1, 2, …), for logs. */
  int connection();

  /**
   * A candle pushed for {@code topic}; passed to every stream subscribed to it (see {@link
   * LiveSink#candle}). Pushes for topics no stream holds are ignored.
   */
  void candle(
      String topic,
      long openTimeMillis,
      double open,
      double high,
      double low,
      double close,
      double volume,
      boolean closed,
      long venueTimeMillis);

  /**
   * The venue accepted the request with {@code requestId}. An empty id (venues that do not echo it)
   * means the oldest request not yet answered.
   */
  void acknowledged(String requestId);

  /**
   * The venue refused the request with {@code requestId} (empty: the oldest not yet answered). A
   * request for several topics is sent again one topic at a time, so that one bad topic does not
   * take the others with it; the streams of a topic refused on its own fail with {@code error}.
   */
  void refused(String requestId, OhlcvException error);

  /** The handshake is done: subscriptions may be sent. */
  void ready();

  /** Sends a message of the protocol's own (a handshake), within the control-message rate. */
  void send(String text);

  /**
   * The venue asks the client to move to a new connection (Binance's {@code serverShutdown}): a
   * replacement opens and subscribes before this one is closed, so nothing is missed.
   */
  void rotate();

  /**
   * Something is wrong that a reconnect will not fix (authentication refused, too many connections
   * for the account): every stream on this connection fails with {@code error} and the connection
   * is closed without a reconnect.
   */
  void fail(OhlcvException error);
}
