package io.github.ohlcv4j;

import org.jspecify.annotations.Nullable;

/**
 * The {@link OhlcvClient} was closed: a call made after {@link OhlcvClient#close()}, or a query
 * that was still running, waiting for a retry or waiting for a rate limit when it was closed. Not
 * retryable on this client: build a new one (and close a client only when the application no longer
 * needs it).
 */
public class ClientClosedException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /**
   * An error for a call to, or a query on, a closed client.
   *
   * @param message what was asked and what to do
   * @param source the source's name, or null if the call never reached one
   * @param cause what the closing interrupted, or null
   * @deprecated use the factories ({@link #of}), which name the case
   */
  @Deprecated
  public ClientClosedException(String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, false, null, null, cause);
  }

  /** A query on {@code source} that met a closed client. */
  public static OhlcvException.Builder<ClientClosedException> of(String source, String message) {
    return builder(ClientClosedException::new, source, message, false);
  }

  /** A call to a closed client that reached no source. */
  public static OhlcvException.Builder<ClientClosedException> of(String message) {
    return builder(ClientClosedException::new, null, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected ClientClosedException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
