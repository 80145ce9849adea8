package io.github.ohlcv4j;

import org.jspecify.annotations.Nullable;

/**
 * A query ended with a failure no other type describes, so that it fails instead of hanging or
 * returning part of its answer: a source, a parser or an executor threw something it should not (a
 * {@link NullPointerException} or {@link IllegalStateException} is a bug in that source or in
 * ohlcv4j), or an {@link Error} stopped it — an {@link OutOfMemoryError} (the answer did not fit:
 * fetch a shorter range, use {@code stream}, or give the JVM more memory), a {@link
 * NoClassDefFoundError} (a dependency is missing from the class path at run time, or has the wrong
 * scope). {@link #getCause()} is the original throwable. Not retryable.
 */
public class UnexpectedFailureException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /**
   * A failure that is not the venue's nor the query's.
   *
   * @param message what was asked, what was thrown where, and what to do
   * @param source the source's name, or null
   * @param cause what was thrown
   * @deprecated use the factories ({@link #of}), which name the case
   */
  @Deprecated
  public UnexpectedFailureException(
      String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, false, null, null, cause);
  }

  /**
   * A failure on {@code source} that no other type describes; give it the throwable as {@code
   * cause}.
   */
  public static OhlcvException.Builder<UnexpectedFailureException> of(
      String source, String message) {
    return builder(UnexpectedFailureException::new, source, message, false);
  }

  /**
   * A failure outside any source that no other type describes; give it the throwable as {@code
   * cause}.
   */
  public static OhlcvException.Builder<UnexpectedFailureException> of(String message) {
    return builder(UnexpectedFailureException::new, null, message, false);
  }

  /** An error from a builder; see {@link OhlcvException.Builder}. */
  protected UnexpectedFailureException(OhlcvException.Builder<?> b) {
    super(b);
  }
}
