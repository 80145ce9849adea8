package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.source.Page;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one page request of a query, with whatever protection the caller configured (rate limit,
 * circuit breaker, retry). {@link #NONE} just sends it. Guards nest like OkHttp's interceptors:
 * each one runs its {@code inner} guard for every attempt with the same {@link PageRequest} (or an
 * amended copy), and the innermost one calls {@link PageRequest#send()}.
 */
public interface PageGuard {

  /** Sends the request once, unprotected. */
  PageGuard NONE = PageRequest::send;

  /**
   * Fetches the request's page. The returned future fails with an {@link
   * io.github.ohlcv4j.OhlcvException} only; cancelling it cancels the request and any pending retry
   * or wait.
   */
  CompletableFuture<Page> fetch(PageRequest request);
}
