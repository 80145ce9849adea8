package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * Runs one page request of a query, with whatever protection the caller configured (rate limit,
 * circuit breaker, retry). {@link #NONE} just sends it. Guards nest: each one runs its {@code
 * inner} guard for every attempt, and the innermost one calls {@link PageCursor#next()}.
 */
public interface PageGuard {

  /** Sends the request once, unprotected. */
  PageGuard NONE =
      (source, fetch, page, cursor, attemptStart) -> {
        attemptStart.accept(1);
        // Completes within the run's MDC, so that the guards and the engine log with its fields.
        return fetch.relay(cursor.next());
      };

  /**
   * Fetches the cursor's next page. The returned future fails with an {@link
   * io.github.ohlcv4j.OhlcvException} only; cancelling it cancels the request and any pending retry
   * or wait.
   *
   * @param source the source, for its name, rate-limit group and policies
   * @param fetch the run of the query, for events and logs
   * @param page the page number, counting from 1
   * @param cursor the cursor, positioned at the page
   * @param attemptStart told the attempt number (from 1) as each attempt is sent, after any wait
   */
  CompletableFuture<Page> fetch(
      CandleSource source,
      FetchContext fetch,
      int page,
      PageCursor cursor,
      IntConsumer attemptStart);
}
