package io.github.ohlcv4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Receives what an {@link OhlcvClient} does, to feed an application's metrics, progress bars or
 * audit logs; in the style of OkHttp's {@code EventListener}. Every method has an empty default, so
 * implement only what you need.
 *
 * <p>Methods are called on the thread doing the work (a client pool thread, an HTTP callback thread
 * or the caller's thread), possibly concurrently for concurrent queries. Keep them fast and never
 * throw from them: whatever a listener throws, an {@link Error} such as an {@link AssertionError}
 * included, is logged at WARN and ignored, so a listener can neither fail nor hang a query.
 */
public interface OhlcvEventListener {

  /** A listener that does nothing. */
  OhlcvEventListener NONE = new OhlcvEventListener() {};

  /**
   * How far a query has come, after each page.
   *
   * @param pages pages received so far
   * @param remainingPages pages still to fetch if the source can tell, else -1
   * @param rows raw rows received so far
   * @param bytes response bytes received so far
   * @param coveredUntil the end of the newest candle received, if any
   * @param fraction the covered part of the query's time range in {@code [0, 1]}, if the range is
   *     known
   */
  record Progress(
      int pages,
      int remainingPages,
      long rows,
      long bytes,
      Optional<Instant> coveredUntil,
      Optional<Double> fraction) {}

  /** A query starts on {@code source}. */
  default void fetchStart(OhlcvQuery query, String source) {}

  /**
   * A request for page {@code page} (counting from 1) starts; {@code attempt} counts from 1 across
   * retries.
   */
  default void pageStart(OhlcvQuery query, String source, int page, int attempt) {}

  /** A page arrived and was parsed. */
  default void pageEnd(
      OhlcvQuery query, String source, int page, int rows, long bytes, Duration duration) {}

  /** A page request failed; a retry may follow. */
  default void pageFailed(
      OhlcvQuery query, String source, int page, OhlcvException error, Duration duration) {}

  /** Progress after each page: for progress bars on long backfills. */
  default void progress(OhlcvQuery query, String source, Progress progress) {}

  /** A failed request will be retried after {@code wait}. */
  default void retry(
      OhlcvQuery query, String source, int attempt, OhlcvException cause, Duration wait) {}

  /**
   * A request waits {@code wait} for the rate limiter (or a venue-imposed pause) before it is sent.
   */
  default void rateLimitWait(String source, Duration wait) {}

  /**
   * The circuit breaker of {@code source} changed state, e.g. from {@code CLOSED} to {@code OPEN}.
   */
  default void circuitStateChanged(String source, String from, String to) {}

  /** A query finished with {@code rows} candles. */
  default void fetchEnd(OhlcvQuery query, String source, int rows, Duration duration) {}

  /** A query failed for good (after any retries), or was cancelled. */
  default void fetchFailed(
      OhlcvQuery query, String source, OhlcvException error, Duration duration) {}

  // ------------------------------------------------------------------ live candles

  /**
   * A live feed's connection {@code connection} (numbered from 1 within the feed) is open and
   * subscribed to all of its {@code streams}.
   */
  default void liveConnected(String source, int connection, int streams) {}

  /**
   * A live feed lost a connection and opens connection {@code connection} in its place after {@code
   * wait}; {@code attempt} counts the attempts in a row (1 for the first).
   */
  default void liveReconnecting(
      String source, int connection, int attempt, Duration wait, OhlcvException cause) {}

  /**
   * A live stream fetched the candles opening in {@code [from, to)} over REST, after a reconnect or
   * a close that never came, and closed {@code candles} of them.
   */
  default void liveGapBackfilled(
      String source, Symbol symbol, Interval interval, Instant from, Instant to, int candles) {}

  /** A live stream revised a candle it had closed ({@link CandleEvent.Kind#REVISED}). */
  default void liveRevised(String source, Symbol symbol, Interval interval, Candle candle) {}

  /**
   * A live subscription ended with {@code error}: refused by the venue, a failed history, a slow
   * consumer, a closing client.
   */
  default void liveStreamFailed(
      String source, Symbol symbol, Interval interval, OhlcvException error) {}
}
