package io.github.ohlcv4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The venue says too many requests were sent: HTTP 429, Bybit {@code 10006} or its HTTP 403 "access
 * too frequent", Binance {@code -1003}, Polygon's per-minute limit. Retryable after {@link
 * #retryAfter()}, which the retry policy honours instead of its own backoff.
 *
 * <p>A {@linkplain #isBan() ban} (Binance HTTP 418, Bybit's IP block) is stronger: no request may
 * go to the venue before {@link #bannedUntil()}; the client does not retry before then and keeps
 * other queries to the venue back too.
 */
public class RateLimitException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Instant bannedUntil;

  /**
   * A rate-limit error.
   *
   * @param message what was asked, what the venue said, how long to wait
   * @param source the source's name, or null
   * @param retryAfter how long the venue asked to wait, or null if it did not say
   * @param venueCode the venue's code, or null
   * @deprecated use {@link #of(String, String)}
   */
  @Deprecated
  public RateLimitException(
      String message,
      @Nullable String source,
      @Nullable Duration retryAfter,
      @Nullable String venueCode) {
    this(message, source, retryAfter, venueCode, null, null);
  }

  /**
   * A rate-limit error that may be a ban.
   *
   * @param bannedUntil the end of a ban, or null if this is not a ban
   * @param cause the underlying exception, or null
   * @deprecated use {@link #of(String, String)} or {@link #ban(String, String, Instant)}
   */
  @Deprecated
  public RateLimitException(
      String message,
      @Nullable String source,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Instant bannedUntil,
      @Nullable Throwable cause) {
    super(message, source, true, retryAfter, venueCode, cause);
    this.bannedUntil = bannedUntil;
  }

  /**
   * Whether the venue has banned this client (its IP) for a while, rather than just refusing one
   * request.
   */
  public boolean isBan() {
    return bannedUntil != null;
  }

  /** When the ban ends, if this is a ban. */
  public Optional<Instant> bannedUntil() {
    return Optional.ofNullable(bannedUntil);
  }

  /**
   * The venue refused a request of {@code source} as one too many (retryable); give the wait it
   * asked for as {@link OhlcvException.Builder#retryAfter(Duration)}.
   */
  public static OhlcvException.Builder<RateLimitException> of(String source, String message) {
    return builder(RateLimitException::new, source, message, true);
  }

  /**
   * The venue banned this client from {@code source} until {@code bannedUntil} (retryable, not
   * before then).
   */
  public static OhlcvException.Builder<RateLimitException> ban(
      String source, String message, Instant bannedUntil) {
    OhlcvException.Builder<RateLimitException> b =
        builder(RateLimitException::new, source, message, true);
    b.bannedUntil = java.util.Objects.requireNonNull(bannedUntil, "bannedUntil");
    return b;
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected RateLimitException(OhlcvException.Builder<?> b) {
    super(b);
    this.bannedUntil = b.bannedUntil;
  }
}
