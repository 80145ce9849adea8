package io.github.ohlcv4j;

import io.github.ohlcv4j.internal.ListenerChain;
import io.github.ohlcv4j.resilience.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
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
   * One run of a query, as every event of that run names it: what {@code fetch}, {@code
   * fetchAsync}, {@code stream} or {@code pages} started. Events of concurrent runs interleave;
   * {@link #id()} tells them apart, and is also what the logs of the run carry in the MDC (under
   * {@link #MDC_KEY}) and what an error that ended the run says ({@link OhlcvException#fetchId()}).
   *
   * @param id short and unique within the JVM, such as {@code "k3x9q-1c"}: a random prefix per JVM
   *     (so that ids of two processes rarely meet in one log) and a counter, both in base 36
   * @param query the query
   * @param source the name of the source that answers it
   */
  record Fetch(String id, OhlcvQuery query, String source) {

    /** The MDC key of the fetch id on every log line of a run: {@value}. */
    public static final String MDC_KEY = "fetch_id";

    /** Checks that no component is null. */
    public Fetch {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * A call of {@link OhlcvClient#fetchAll(java.util.Collection)}: its queries run concurrently,
   * each a run with its own {@link Fetch} id, and each of their log lines carries the batch's id in
   * the MDC (under {@link #MDC_KEY}) besides its own fetch id.
   *
   * @param id short and unique within the JVM, of the same form as a fetch id
   * @param size how many queries the batch holds
   */
  record Batch(String id, int size) {

    /** The MDC key of the batch id on every log line of the batch's runs: {@value}. */
    public static final String MDC_KEY = "batch_id";

    /** Checks the components. */
    public Batch {
      Objects.requireNonNull(id, "id");
      if (size < 0) {
        throw new IllegalArgumentException("size must not be negative: " + size);
      }
    }
  }

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

  /**
   * A listener that passes every event to this one, then to {@code other}, as OkHttp's {@code
   * EventListener.plus} does: an application's own listener beside a metrics or tracing one. What
   * either throws is logged and ignored, and does not keep the event from the other.
   */
  default OhlcvEventListener plus(OhlcvEventListener other) {
    return ListenerChain.of(this, Objects.requireNonNull(other, "other"));
  }

  /** A query starts. */
  default void fetchStart(Fetch fetch) {}

  /**
   * A request for page {@code page} (counting from 1) starts, after any rate-limit wait; {@code
   * attempt} counts from 1 across retries.
   */
  default void pageStart(Fetch fetch, int page, int attempt) {}

  /** A page arrived and was parsed; {@code duration} runs from sending to parsed. */
  default void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {}

  /**
   * A page request failed; a retry may follow. Includes a request the circuit breaker or the rate
   * limit refused to send (no {@link #pageStart} came before it).
   */
  default void pageFailed(Fetch fetch, int page, OhlcvException error, Duration duration) {}

  /** Progress after each page: for progress bars on long backfills. */
  default void progress(Fetch fetch, Progress progress) {}

  /** A failed request will be retried after {@code wait}, as attempt {@code attempt}. */
  default void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {}

  /**
   * A request of {@code fetch} waits {@code wait} for the rate limiter (or a venue-imposed pause)
   * before it is sent.
   */
  default void rateLimitWait(Fetch fetch, Duration wait) {}

  /**
   * The circuit breaker of {@code source} changed state, e.g. from {@link CircuitState#CLOSED} to
   * {@link CircuitState#OPEN}; {@code fetch} is the run whose request made it change, when there is
   * one.
   */
  default void circuitStateChanged(
      String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {}

  /** A query finished with {@code rows} candles. */
  default void fetchEnd(Fetch fetch, int rows, Duration duration) {}

  /** A query failed for good (after any retries), or was cancelled. */
  default void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {}

  /**
   * A query of a {@code fetchAll} batch ended: {@code succeeded + failed} of {@link Batch#size()}
   * are done (the batch is over when they add up to it). Called after that query's own {@code
   * fetchEnd} or {@code fetchFailed}, one at a time, so the counts only grow; for a progress bar
   * over many symbols.
   *
   * @param batch the batch
   * @param succeeded how many of its queries have returned a series so far
   * @param failed how many of its queries have failed so far
   */
  default void batchProgress(Batch batch, int succeeded, int failed) {}

  // ------------------------------------------------------------------ stores

  /** How much of a query's range the client's store held ({@link #storeRead}). */
  enum StoreRead {
    /** All of it: the venue was not asked. */
    HIT,
    /** Some of it: only the rest was fetched from the venue. */
    PARTIAL,
    /** None of it: everything came from the venue (and was written back). */
    MISS
  }

  /**
   * A query of a client with a store ({@code OhlcvClient.Builder.store}) was planned: {@code
   * result} says how much of its range {@code store} held; the rest is fetched from {@code source}.
   * Called once per query read through the store, before its pages.
   */
  default void storeRead(
      String store, String source, Symbol symbol, Interval interval, StoreRead result) {}

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
