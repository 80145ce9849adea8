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
   * @deprecated use the factories ({@link #of}), which name the case
   */
  @Deprecated
  public QueryCancelledException(
      String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, false, null, null, cause);
  }

  /** A query on {@code source} stopped by its caller. */
  public static OhlcvException.Builder<QueryCancelledException> of(String source, String message) {
    return builder(QueryCancelledException::new, source, message, false);
  }

  /** A query stopped by its caller before it reached a source. */
  public static OhlcvException.Builder<QueryCancelledException> of(String message) {
    return builder(QueryCancelledException::new, null, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected QueryCancelledException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
