package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.UnexpectedFailureException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Turns whatever a future, a source, a parser or an executor threw into a typed {@link
 * OhlcvException}: the exception itself if it is one, {@link QueryCancelledException} for a cancel,
 * and {@link UnexpectedFailureException} for anything else, {@link Error}s included, so a query
 * always ends with an error that says what to do.
 */
public final class Errors {
  private Errors() {}

  /**
   * Unwraps completion wrappers; returns the {@link OhlcvException} inside, or a typed one for
   * anything else.
   */
  public static OhlcvException wrap(@Nullable Throwable t, String source, OhlcvQuery query) {
    return wrap(t, source, "while fetching " + query);
  }

  /**
   * As {@link #wrap(Throwable, String, OhlcvQuery)}, for work that is not a query ({@code what}
   * says what it was, e.g. "while checking its health").
   */
  public static OhlcvException wrap(@Nullable Throwable t, @Nullable String source, String what) {
    Throwable c = unwrap(t);
    if (c instanceof OhlcvException) {
      return (OhlcvException) c;
    }
    String on = source == null ? "" : " on " + source;
    if (c instanceof CancellationException) {
      String m = "The request" + on + " was cancelled " + what;
      return (source == null
              ? QueryCancelledException.of(m)
              : QueryCancelledException.of(source, m))
          .cause(c)
          .build();
    }
    String m = "Unexpected " + c + on + " " + what + ". " + advice(c);
    return (source == null
            ? UnexpectedFailureException.of(m)
            : UnexpectedFailureException.of(source, m))
        .cause(c)
        .build();
  }

  /** What to do about an unexpected throwable, for messages. */
  static String advice(Throwable c) {
    if (c instanceof OutOfMemoryError) {
      return "The JVM ran out of memory: fetch a shorter range, use stream() to walk a long one,"
          + " or give the JVM more memory (-Xmx).";
    }
    if (c instanceof LinkageError) {
      return "A class is missing or incompatible at run time: check that every dependency of"
          + " ohlcv4j is on the runtime class path (not only in test or provided scope), in the"
          + " version ohlcv4j's POM names.";
    }
    if (c instanceof StackOverflowError) {
      return "The thread's stack overflowed: report it with the stack trace.";
    }
    return "This is a bug in the source or in ohlcv4j: report it with the stack trace.";
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

  /** As {@link #rethrowable(Throwable, String, OhlcvQuery)}, for work that is not one query. */
  public static OhlcvException rethrowable(
      @Nullable Throwable t, @Nullable String source, String what) {
    OhlcvException e = wrap(t, source, what);
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
