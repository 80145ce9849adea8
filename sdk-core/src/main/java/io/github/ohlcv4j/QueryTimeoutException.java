package io.github.ohlcv4j;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A query did not finish within its {@linkplain OhlcvQuery#timeout() timeout}: the request in
 * flight was cancelled, any pending retry or rate-limit wait was dropped, and nothing more is sent
 * for it. The message and the accessors say how far it got: pages and candles received, requests
 * sent; the cause, when there is one, is the last error a request failed with (a venue that did not
 * answer, a retry that was waiting).
 *
 * <p>A {@link SourceUnavailableException}, since a source too slow to answer in time is the usual
 * reason, and retryable: the same query may finish in time later. It does not count against the
 * source's circuit breaker, which judges each request by itself.
 */
public class QueryTimeoutException extends SourceUnavailableException {

  private static final long serialVersionUID = 1L;

  private final Duration timeout;
  private final int pages;
  private final long candles;
  private final int attempts;

  /**
   * A query stopped at its deadline.
   *
   * @param message which query, its timeout, how far it got and what to do
   * @param source the source's name, or null
   * @param timeout the query's timeout
   * @param pages pages received before the deadline
   * @param candles candles received before the deadline (as the source sent them, before
   *     resampling)
   * @param attempts requests sent, retries included
   * @param cause the last error a request failed with, or null
   */
  public QueryTimeoutException(
      String message,
      @Nullable String source,
      Duration timeout,
      int pages,
      long candles,
      int attempts,
      @Nullable Throwable cause) {
    super(message, source, true, null, null, cause);
    this.timeout = timeout;
    this.pages = pages;
    this.candles = candles;
    this.attempts = attempts;
  }

  /** The query's timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** How many pages arrived before the deadline. */
  public int pages() {
    return pages;
  }

  /** How many candles arrived before the deadline, as the source sent them. */
  public long candles() {
    return candles;
  }

  /**
   * How many requests were sent, every page's attempts added up (0 if none got past a rate-limit
   * wait).
   */
  public int attempts() {
    return attempts;
  }
}
