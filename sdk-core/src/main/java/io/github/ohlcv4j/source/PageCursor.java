package io.github.ohlcv4j.source;

import java.util.concurrent.CompletableFuture;

/**
 * Walks through the requests that answer one query, a page at a time, in ascending time order.
 * Sources implement it; the client drives it, wrapping each {@link #next()} in its rate limiter,
 * circuit breaker and retry policy.
 *
 * <p><b>Contract.</b> Calls are sequential: at most one {@link #next()} is outstanding. A cursor
 * moves forward only when a page succeeds, so after a failed {@code next()} calling it again
 * repeats the same request; that is how retries work. Cancelling the returned future cancels the
 * request. {@link #close()} releases what the cursor holds and may be called at any time, also
 * while a request is outstanding (which it then cancels).
 *
 * <p><b>Windows.</b> A cursor whose requests each ask for a time window returns it with the page
 * ({@link Page#window()}), and moves on from what it asked for, or from the candles inside that
 * window, never from a candle outside it: the caller drops such candles, so a venue that sends one
 * too many cannot make the cursor skip the candles in between.
 */
public interface PageCursor extends AutoCloseable {

  /** Whether another request is needed. */
  boolean hasNext();

  /**
   * Sends the next request. The future completes with the page, or exceptionally with an {@link
   * io.github.ohlcv4j.OhlcvException} (never another exception type, nor a page that holds only
   * part of what the response promised).
   *
   * @throws java.util.NoSuchElementException if {@link #hasNext()} is false
   */
  CompletableFuture<Page> next();

  /**
   * The weight of the next request in the venue's rate-limit units; 1 unless the venue weighs
   * requests.
   */
  default int nextWeight() {
    return 1;
  }

  /**
   * How many requests remain, if the source can tell; -1 when unknown (e.g. paging by a next-page
   * link).
   */
  default int remainingEstimate() {
    return -1;
  }

  /** Releases resources and cancels an outstanding request. Idempotent. */
  @Override
  void close();
}
