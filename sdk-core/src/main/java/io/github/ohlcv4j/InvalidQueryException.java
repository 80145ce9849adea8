package io.github.ohlcv4j;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A query that cannot be answered as asked: a range whose start is not before its end, a negative
 * limit, a resample target finer than the base interval, {@code latest(n)} together with a range,
 * or a request the venue refused as malformed. Thrown by {@link OhlcvQuery.Builder#build()} before
 * any I/O, and by sources for requests the venue rejects. Not retryable: change the query.
 *
 * <p>Also the error for bad input anywhere in the public API: a text {@link Symbol#parse(String)}
 * or {@link Interval#parse(String)} cannot read, a {@link CandleSeries#resample(Interval)} target
 * the series' interval does not divide, and a source URI {@link
 * io.github.ohlcv4j.source.CandleSources#open(String)} cannot open. The message quotes what was
 * given and says what is accepted.
 */
public class InvalidQueryException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with a message only, from no particular source.
   *
   * @deprecated use the factories, which name the case
   */
  @Deprecated
  public InvalidQueryException(String message) {
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
  public InvalidQueryException(
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
  protected InvalidQueryException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, retryable, retryAfter, venueCode, cause);
  }

  /**
   * A query {@code source} cannot answer as asked (not retryable). The subclasses' factories of the
   * same name make the more precise errors.
   */
  public static OhlcvException.Builder<? extends InvalidQueryException> of(
      String source, String message) {
    return builder(InvalidQueryException::new, source, message, false);
  }

  /** A query that is impossible in itself, before any source sees it (not retryable). */
  public static OhlcvException.Builder<InvalidQueryException> of(String message) {
    return builder(InvalidQueryException::new, null, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected InvalidQueryException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
