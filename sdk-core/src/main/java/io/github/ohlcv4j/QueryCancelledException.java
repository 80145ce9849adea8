package io.github.ohlcv4j;

import org.jspecify.annotations.Nullable;

/**
 * The query was stopped by its caller before it finished: its {@code fetchAsync} future was
 * cancelled, its stream was closed early, or the thread waiting in {@code fetch} was interrupted.
 * The request in flight was cancelled with it and nothing more is sent. Not retryable: nobody is
 * waiting for the answer any more; run the query again if it is still wanted.
 */
public class QueryCancelledException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /**
   * A query stopped by its caller.
   *
   * @param message which query, and how it was stopped
   * @param source the source's name, or null
   * @param cause the {@link java.util.concurrent.CancellationException} or {@link
   *     InterruptedException}, or null
   */
  public QueryCancelledException(
      String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, false, null, null, cause);
  }
}
