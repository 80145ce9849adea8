package io.github.ohlcv4j;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The source refused the credentials, or needs some and got none (HTTP 401, ClickHouse codes
 * 192-194, Polygon's missing API key, Bybit {@code 10003}/{@code 10004}) or the account is not
 * entitled to the data (Polygon {@code NOT_AUTHORIZED}). Not retryable. The message never contains
 * the key or password itself.
 */
public class AuthenticationException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with a message only, from no particular source.
   *
   * @deprecated use the factories, which name the case
   */
  @Deprecated
  public AuthenticationException(String message) {
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
  public AuthenticationException(
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
  protected AuthenticationException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, retryable, retryAfter, venueCode, cause);
  }

  /** Credentials {@code source} refused, or needs and did not get (not retryable). */
  public static OhlcvException.Builder<AuthenticationException> of(String source, String message) {
    return builder(AuthenticationException::new, source, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected AuthenticationException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
