package io.github.ohlcv4j;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The source cannot serve the requested interval. Thrown before any request when the interval is
 * missing from {@link io.github.ohlcv4j.source.SourceCapabilities#intervals()}, or when the venue
 * rejects it (Binance {@code -1120}). Not retryable: pick a supported interval, or fetch a finer
 * one and {@code resample}.
 */
public class UnsupportedIntervalException extends InvalidQueryException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with a message only, from no particular source.
   *
   * @deprecated use the factories, which name the case
   */
  @Deprecated
  public UnsupportedIntervalException(String message) {
    this(message, null, null, null);
  }

  /**
   * An error from a source.
   *
   * @param message what was asked, what went wrong, what to do
   * @param source the source's name, or null
   * @param venueCode the venue's own error code, or null
   * @param cause the underlying exception, or null
   * @deprecated use the factories ({@link #of}), which name the case
   */
  @Deprecated
  public UnsupportedIntervalException(
      String message,
      @Nullable String source,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, false, null, venueCode, cause);
  }

  /**
   * For subclasses that know more.
   *
   * @deprecated use the factories, which name the case
   */
  @Deprecated
  protected UnsupportedIntervalException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, retryable, retryAfter, venueCode, cause);
  }

  /** An interval {@code source} does not serve (not retryable). */
  public static OhlcvException.Builder<UnsupportedIntervalException> of(
      String source, String message) {
    return builder(UnsupportedIntervalException::new, source, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected UnsupportedIntervalException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
