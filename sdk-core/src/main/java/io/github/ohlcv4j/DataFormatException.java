package io.github.ohlcv4j;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A response, or rows handed to a {@link CandleSeries.Builder}, could not be read as candles:
 * malformed or truncated JSON, an HTML error page where JSON was expected, a RowBinary stream cut
 * short or followed by a server error, or a bad row (NaN, high below low, negative volume) under
 * the default {@link BadRowPolicy#REJECT} policy. The message says what was expected where (byte
 * offset, row, field). Never is a partially read series returned instead. Not retryable by default;
 * sources mark it retryable when the cause was a cut connection.
 */
public class DataFormatException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with a message only, from no particular source.
   *
   * @deprecated use the factories, which name the case
   */
  @Deprecated
  public DataFormatException(String message) {
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
  public DataFormatException(
      String message,
      @Nullable String source,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, false, null, venueCode, cause);
  }

  /**
   * A format error with all details; sources mark it retryable when the body was cut short by the
   * network.
   *
   * @param retryable whether fetching the same data again may succeed
   * @deprecated use the factories ({@link #of}), which name the case
   */
  @Deprecated
  public DataFormatException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, retryable, retryAfter, venueCode, cause);
  }

  /** An answer of {@code source} that cannot be read as candles (not retryable). */
  public static OhlcvException.Builder<DataFormatException> of(String source, String message) {
    return builder(DataFormatException::new, source, message, false);
  }

  /** Rows that cannot be read as candles, from no particular source (not retryable). */
  public static OhlcvException.Builder<DataFormatException> of(String message) {
    return builder(DataFormatException::new, null, message, false);
  }

  /** An answer of {@code source} cut short by the network: fetching it again may succeed. */
  public static OhlcvException.Builder<DataFormatException> retryable(
      String source, String message) {
    return builder(DataFormatException::new, source, message, true);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected DataFormatException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
