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

  /**
   * A transient failure of a source: retryable.
   *
   * @deprecated use the factories, which name the case
   */
  @Deprecated
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
   * @deprecated use the factories ({@link #retryable}), which name the case
   */
  @Deprecated
  public SourceUnavailableException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, retryable, retryAfter, venueCode, cause);
  }

  /**
   * A transient failure of {@code source} (I/O, a timeout, a 5xx): the same request may succeed
   * later.
   */
  public static OhlcvException.Builder<SourceUnavailableException> retryable(
      String source, String message) {
    return builder(SourceUnavailableException::new, source, message, true);
  }

  /**
   * A failure of {@code source} that asking again will not mend (a wrong path, a location the venue
   * does not serve).
   */
  public static OhlcvException.Builder<SourceUnavailableException> permanent(
      String source, String message) {
    return builder(SourceUnavailableException::new, source, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected SourceUnavailableException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
