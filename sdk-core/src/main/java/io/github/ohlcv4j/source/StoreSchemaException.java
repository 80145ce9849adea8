package io.github.ohlcv4j.source;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CandleStore} whose files or tables this library cannot use, found before anything was
 * written: a schema version newer than the library knows, a table of the store's name that another
 * program created, a file that is not a database of the store's kind or is damaged, or stored rows
 * that break the store's rules (candles off their interval's grid). Nothing was changed; the
 * message says what was found and what to do. Not retryable.
 */
public class StoreSchemaException extends SourceUnavailableException {

  private static final long serialVersionUID = 1L;

  /**
   * A store that cannot be used as it is.
   *
   * @param message what was found, and what to do
   * @param source the store's name, or null
   * @param cause the database's error, or null
   * @deprecated use {@link #of(String, String)}
   */
  @Deprecated
  public StoreSchemaException(String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, false, null, null, cause);
  }

  /** A store of {@code source} whose files or tables cannot be used as they are (not retryable). */
  public static OhlcvException.Builder<StoreSchemaException> of(String source, String message) {
    return builder(StoreSchemaException::new, source, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected StoreSchemaException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
