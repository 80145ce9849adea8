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
   */
  public ClientClosedException(String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, false, null, null, cause);
  }
}
