package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvQuery;
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
      (source, query, page, cursor, attemptStart) -> {
        attemptStart.accept(1);
        return cursor.next();
      };

  /**
   * Fetches the cursor's next page. The returned future fails with an {@link
   * io.github.ohlcv4j.OhlcvException} only; cancelling it cancels the request and any pending retry
   * or wait.
   *
   * @param source the source, for its name, rate-limit group and policies
   * @param query the query, for events
   * @param page the page number, counting from 1
   * @param cursor the cursor, positioned at the page
   * @param attemptStart told the attempt number (from 1) as each attempt is sent, after any wait
   */
  CompletableFuture<Page> fetch(
      CandleSource source, OhlcvQuery query, int page, PageCursor cursor, IntConsumer attemptStart);
}
