package io.github.ohlcv4j;

import io.github.ohlcv4j.internal.FetchContext;
import io.github.ohlcv4j.internal.RetryGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The root of every error ohlcv4j throws: catch this to handle them all. Unchecked, like jOOQ's
 * {@code DataAccessException}.
 *
 * <p>Each error says which source it came from ({@link #source()}), whether trying again may help
 * ({@link #isRetryable()}), how long to wait first where the venue said so ({@link #retryAfter()}),
 * and the venue's own error code where there is one ({@link #venueCode()}). Messages say what was
 * asked, what went wrong and what to do next; they never contain API keys or passwords.
 *
 * <p>The subclasses name the cause: {@link InvalidQueryException}, {@link SymbolNotFoundException},
 * {@link UnsupportedIntervalException}, {@link AuthenticationException}, {@link
 * RateLimitException}, {@link SourceUnavailableException} and {@link DataFormatException} for what
 * the query or the venue did; {@link QueryCancelledException} and {@link ClientClosedException} for
 * what the application did; {@link UnexpectedFailureException} for a bug or an {@link Error} (out
 * of memory, a missing class), so that even those end the query instead of hanging it. The library
 * itself throws only these subclasses, never a bare {@code OhlcvException}.
 *
 * <p><b>Making one.</b> Each type has named factories that say what kind of failure it is and take
 * the source's name and the message; they return a {@link Builder} for the details a failure may
 * have (the venue's code, how long to wait, the cause), and {@link Builder#build()} makes the
 * exception:
 *
 * <pre>{@code
 * throw SourceUnavailableException.retryable(name, "HTTP 503 for BTCUSDT 1m klines ...")
 *     .retryAfter(Duration.ofSeconds(5))
 *     .venueCode("503")
 *     .build();
 * throw RateLimitException.ban(name, "this IP is banned until ...", until).venueCode("418").build();
 * throw SymbolNotFoundException.of(name, "Binance does not know BTCUSDX ...").venueCode("-1121").build();
 * }</pre>
 *
 * Whether an error is retryable is decided by the factory ({@code retryable} or {@code permanent}
 * where a type can be either), never by a flag among other arguments. The constructors with
 * positional arguments are deprecated.
 */
public class OhlcvException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String source;
  private final boolean retryable;
  private final @Nullable Duration retryAfter;
  private final @Nullable String venueCode;
  private volatile @Nullable String fetchId;

  static {
    FetchContext.tagger(
        (e, id) -> {
          if (e.fetchId == null) {
            e.fetchId = id;
          }
        });
  }

  /** An error with a message only: not retryable, no source. */
  public OhlcvException(String message) {
    super(message);
    this.source = null;
    this.retryable = false;
    this.retryAfter = null;
    this.venueCode = null;
  }

  /** An error with a message and a cause: not retryable, no source. */
  public OhlcvException(String message, @Nullable Throwable cause) {
    super(message, cause);
    this.source = null;
    this.retryable = false;
    this.retryAfter = null;
    this.venueCode = null;
  }

  /**
   * An error made by a {@link Builder}: what subclasses call from the constructor their factories
   * pass to {@link #builder(Function, String, String, boolean)}.
   */
  protected OhlcvException(Builder<?> b) {
    super(b.message, b.cause);
    this.source = b.source;
    this.retryable = b.retryable;
    this.retryAfter = b.retryAfter;
    this.venueCode = b.venueCode;
  }

  /**
   * The full constructor, for sources and subclasses.
   *
   * @param message what was asked, what went wrong, what to do
   * @param source the source's {@link io.github.ohlcv4j.source.CandleSource#name() name}, or null
   * @param retryable whether the same request may succeed later
   * @param retryAfter how long the venue asked to wait, or null
   * @param venueCode the venue's own error code (e.g. {@code "-1121"}, {@code "10006"}), or null
   * @param cause the underlying exception, or null
   * @deprecated use a factory of the subclass ({@code SourceUnavailableException.retryable(source,
   *     message)} and the like), which names the case instead of six positional arguments
   */
  @Deprecated
  protected OhlcvException(
      String message,
      @Nullable String source,
      boolean retryable,
      @Nullable Duration retryAfter,
      @Nullable String venueCode,
      @Nullable Throwable cause) {
    super(message, cause);
    this.source = source;
    this.retryable = retryable;
    this.retryAfter = retryAfter;
    this.venueCode = venueCode;
  }

  /**
   * What went wrong, what was asked and what to do. When the client's retries gave up on this
   * error, the message ends with how many attempts were made, how long they took and what to do
   * next, so that it stays true whatever the retry policy (a source's own text never promises a
   * retry).
   */
  @Override
  public @Nullable String getMessage() {
    String m = super.getMessage();
    for (Throwable note : getSuppressed()) {
      if (note instanceof RetryGuard.GaveUp) {
        return m == null ? note.getMessage() : m + " " + note.getMessage();
      }
    }
    return m;
  }

  /** The name of the source that failed, if the error came from one. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /**
   * Whether the same request may succeed if tried again (after {@link #retryAfter()}, if present).
   */
  public boolean isRetryable() {
    return retryable;
  }

  /** How long the venue asked to wait before the next request, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * The venue's own error code, such as Binance's {@code -1121} or Bybit's {@code 10006}, if there
   * is one.
   */
  public Optional<String> venueCode() {
    return Optional.ofNullable(venueCode);
  }

  /**
   * The id of the run of a query ({@code fetch}, {@code fetchAsync}, {@code stream}) this error
   * ended, as its events ({@link OhlcvEventListener.Fetch#id()}) and its log lines (MDC {@code
   * fetch_id}) name it; empty for an error thrown before a run started (an invalid query, a closed
   * client) or outside one.
   */
  public Optional<String> fetchId() {
    return Optional.ofNullable(fetchId);
  }

  /**
   * The failure inside the wrappers a future adds ({@link
   * java.util.concurrent.CompletionException}, {@link java.util.concurrent.ExecutionException}):
   * what a source completes a page's future with when a step it ran on a future failed.
   */
  public static Throwable unwrap(Throwable t) {
    return io.github.ohlcv4j.internal.Errors.unwrap(Objects.requireNonNull(t, "t"));
  }

  /**
   * A builder for subclasses' factories: {@code make} is the subclass's constructor that takes a
   * builder; {@code retryable} is decided by the factory.
   */
  protected static <E extends OhlcvException> Builder<E> builder(
      Function<Builder<E>, E> make, @Nullable String source, String message, boolean retryable) {
    return new Builder<>(make, source, message, retryable);
  }

  /**
   * The details of an error being made: the venue's code, how long to wait, the cause. Obtained
   * from a factory of the exception type ({@code InvalidQueryException.of(source, message)}, {@code
   * SourceUnavailableException.retryable(source, message)}, ...); {@link #build()} makes the
   * exception. Not thread-safe; meant to be used in one expression.
   *
   * @param <E> the type of exception built
   */
  public static final class Builder<E extends OhlcvException> {
    private final Function<Builder<E>, E> make;
    final @Nullable String source;
    final String message;
    final boolean retryable;
    @Nullable Duration retryAfter;
    @Nullable String venueCode;
    @Nullable Throwable cause;
    @Nullable Instant bannedUntil;

    private Builder(
        Function<Builder<E>, E> make, @Nullable String source, String message, boolean retryable) {
      this.make = make;
      this.source = source;
      this.message = Objects.requireNonNull(message, "message");
      this.retryable = retryable;
    }

    /** The venue's own error code, such as Binance's {@code -1121} or an HTTP status. */
    public Builder<E> venueCode(String venueCode) {
      this.venueCode = Objects.requireNonNull(venueCode, "venueCode");
      return this;
    }

    /** How long the venue asked to wait before the next request. */
    public Builder<E> retryAfter(Duration retryAfter) {
      this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
      return this;
    }

    /** How long the venue asked to wait, if it said; nothing if empty. */
    public Builder<E> retryAfter(Optional<Duration> retryAfter) {
      this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter").orElse(null);
      return this;
    }

    /** The underlying exception. */
    public Builder<E> cause(Throwable cause) {
      this.cause = Objects.requireNonNull(cause, "cause");
      return this;
    }

    /** Makes the exception. */
    public E build() {
      return make.apply(this);
    }
  }
}
