package io.github.ohlcv4j;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The source could not be reached or could not answer: a connection refused or reset, an unknown
 * host, a timeout, an HTTP 5xx, a venue's "server busy" code (Bybit {@code 10000}/{@code 10016}),
 * or an open circuit breaker. Retryable unless the circuit is open, in which case {@link
 * #retryAfter()} says when the source will be tried again.
 */
public class SourceUnavailableException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /** A transient failure of a source: retryable. */
  public SourceUnavailableException(
      String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, true, null, null, cause);
  }

  /**
   * A failure of a source with all details.
   *
   * @param retryable whether trying again may help
   * @param retryAfter when to try again, or null
   * @param venueCode the venue's code, or null
   */
  public SourceUnavailableException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, retryable, retryAfter, venueCode, cause);
  }
}
