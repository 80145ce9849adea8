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
   */
  public UnexpectedFailureException(
      String message, @Nullable String source, @Nullable Throwable cause) {
    super(message, source, false, null, null, cause);
  }
}
