package io.github.ohlcv4j.source;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CandleStore} could not be opened because another process holds it: an embedded database
 * file is locked by the process writing it. Retryable: the store opens once that process has closed
 * it. The message names the file and, where the database says, the other process.
 */
public class StoreLockedException extends SourceUnavailableException {

  private static final long serialVersionUID = 1L;

  /**
   * A store held by another process.
   *
   * @param message which store, who holds it, what to do
   * @param source the store's name, or null
   * @param cause the database's error, or null
   * @deprecated use {@link #of(String, String)}
   */
  @Deprecated
  public StoreLockedException(String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, true, null, null, cause);
  }

  /** A store of {@code source} held by another process (retryable). */
  public static OhlcvException.Builder<StoreLockedException> of(String source, String message) {
    return builder(StoreLockedException::new, source, message, true);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected StoreLockedException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
