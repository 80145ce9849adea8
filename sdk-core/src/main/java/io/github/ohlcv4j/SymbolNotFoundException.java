package io.github.ohlcv4j;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The source does not know the symbol: Binance {@code -1121}, a Bybit {@code 10001} about the
 * symbol, a ClickHouse table or DuckDB store that holds nothing of it (no candle at any time, no
 * recorded range; looked up when an answer is empty), a CSV folder with no file of it. A known
 * symbol asked for a range without candles is an empty series instead. Not retryable: check the
 * code and the market type ({@code .P} for perpetuals) and the venue's spelling; the message says
 * how to see what the source holds.
 */
public class SymbolNotFoundException extends InvalidQueryException {

  private static final long serialVersionUID = 1L;

  /**
   * An error with a message only, from no particular source.
   *
   * @deprecated use the factories, which name the case
   */
  @Deprecated
  public SymbolNotFoundException(String message) {
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
  public SymbolNotFoundException(
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
  protected SymbolNotFoundException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, source, retryable, retryAfter, venueCode, cause);
  }

  /** A symbol {@code source} does not know (not retryable). */
  public static OhlcvException.Builder<SymbolNotFoundException> of(String source, String message) {
    return builder(SymbolNotFoundException::new, source, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected SymbolNotFoundException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
