package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** Turns whatever a future or a source threw into an {@link OhlcvException}. */
public final class Errors {
  private Errors() {}

  /**
   * Unwraps completion wrappers; returns the {@link OhlcvException} inside, or wraps anything else
   * in one.
   */
  public static OhlcvException wrap(@Nullable Throwable t, String source, OhlcvQuery query) {
    Throwable c = unwrap(t);
    if (c instanceof OhlcvException) {
      return (OhlcvException) c;
    }
    if (c instanceof CancellationException) {
      return new OhlcvException("Query " + query + " on " + source + " was cancelled", c);
    }
    return new OhlcvException(
        "Unexpected error from source " + source + " while fetching " + query + ": " + c, c);
  }

  /**
   * For a blocking caller: the same as {@link #wrap}, but with the caller's stack trace added as a
   * suppressed exception, so the trace shows both where it failed and who was waiting.
   */
  public static OhlcvException rethrowable(@Nullable Throwable t, String source, OhlcvQuery query) {
    OhlcvException e = wrap(t, source, query);
    e.addSuppressed(new WaitedHere());
    return e;
  }

  /** Unwraps {@link CompletionException} and {@link ExecutionException}. */
  public static Throwable unwrap(@Nullable Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c == null ? new IllegalStateException("unknown error") : c;
  }

  /** Marks the stack of the thread that waited for a failed asynchronous call. */
  static final class WaitedHere extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WaitedHere() {
      super("the caller waited here");
    }
  }
}
