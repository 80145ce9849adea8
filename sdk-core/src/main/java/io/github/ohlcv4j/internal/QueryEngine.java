package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.UnexpectedFailureException;
import io.github.ohlcv4j.source.CandleSource;
import java.time.Clock;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queries against sources: checks a query against the source's capabilities, starts a {@link
 * QueryRun} (which drives the cursor page by page through a {@link PageGuard}, feeds the pages to a
 * {@link SeriesProcessor} and reports through {@link FetchTelemetry}), and hands the answer over as
 * a future, a blocking result or a stream ({@link PageIterator}). Shared by {@link
 * io.github.ohlcv4j.OhlcvClient} (with its policies) and {@link CandleSource#fetch} (without).
 * Thread-safe; one instance serves many queries.
 *
 * <p>A query always ends: whatever is thrown while it runs — by the source, its parser, the guards,
 * the executor, an {@link Error} included — fails it with a typed {@link OhlcvException} ({@link
 * Errors#wrap}), never leaves its future waiting. Listener exceptions are logged and ignored
 * ({@link SafeListener}).
 */
public final class QueryEngine {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j");

  private final Clock clock;
  private final GuardTimer timer;
  private final OhlcvEventListener listener;
  private final PageGuard guard;
  private final Executor executor;
  private final BooleanSupplier closed;
  private final java.util.function.BiPredicate<CandleSource, io.github.ohlcv4j.Symbol> routed;

  /**
   * @param clock "now" when the venue's clock is unknown
   * @param timer runs queries' deadlines ({@link OhlcvQuery#timeout()})
   * @param listener receives events
   * @param guard protects each page request
   * @param executor runs the steps of asynchronous queries (never blocks on I/O there)
   * @param closed whether the owner (the client) is closed, which is why its executor refuses work
   */
  public QueryEngine(
      Clock clock,
      GuardTimer timer,
      OhlcvEventListener listener,
      PageGuard guard,
      Executor executor,
      BooleanSupplier closed) {
    this(clock, timer, listener, guard, executor, closed, (source, symbol) -> false);
  }

  /**
   * @param routed whether a source was routed to the symbol's venue by the application ({@code
   *     OhlcvClient.Builder.route}), whatever venues it says it serves: its venue is then not
   *     checked
   */
  public QueryEngine(
      Clock clock,
      GuardTimer timer,
      OhlcvEventListener listener,
      PageGuard guard,
      Executor executor,
      BooleanSupplier closed,
      java.util.function.BiPredicate<CandleSource, io.github.ohlcv4j.Symbol> routed) {
    this.routed = routed;
    this.clock = clock;
    this.timer = timer;
    this.listener = new SafeListener(listener);
    this.guard = guard;
    this.executor = executor;
    this.closed = closed;
  }

  /** The error for a step the executor refused (or threw on) while {@code query} ran. */
  OhlcvException refused(Throwable e, String name, OhlcvQuery query, String what) {
    if (closed.getAsBoolean()) {
      return new ClientClosedException(
          "The OhlcvClient was closed; " + query + " on " + name + " " + what + ".", name, e);
    }
    if (e instanceof RejectedExecutionException) {
      return new UnexpectedFailureException(
          "The executor of the OhlcvClient refused a step of "
              + query
              + " on "
              + name
              + " ("
              + e
              + "), so the query "
              + what
              + ". Give OhlcvClient.Builder.executor(...) an executor that is running and accepts"
              + " work (it never blocks on I/O).",
          name,
          e);
    }
    return Errors.wrap(e, name, "in the executor of the OhlcvClient while fetching " + query);
  }

  /** The listener, wrapped so that its exceptions are logged and ignored. */
  public OhlcvEventListener listener() {
    return listener;
  }

  /** "Now" when the venue's clock is unknown. */
  Clock clock() {
    return clock;
  }

  /** Runs deadlines. */
  GuardTimer timer() {
    return timer;
  }

  /** What protects each page request. */
  PageGuard guard() {
    return guard;
  }

  /** Runs the steps of asynchronous queries. */
  Executor executor() {
    return executor;
  }

  /**
   * Checks {@code query} against the source's capabilities, once, before its cursor is asked for; a
   * source the application routed to the symbol's venue is not asked about that venue.
   */
  public void check(CandleSource source, OhlcvQuery query) {
    OhlcvQuery checked =
        routed.test(source, query.symbol())
            ? query.newBuilder().symbol(query.symbol().withoutVenue()).build()
            : query;
    source.capabilities().check(source.name(), checked);
  }

  /**
   * Runs {@code query} to completion asynchronously; cancelling the future cancels the request in
   * flight.
   */
  public CompletableFuture<CandleSeries> fetchAsync(CandleSource source, OhlcvQuery query) {
    CompletableFuture<CandleSeries> result = new CompletableFuture<>();
    QueryRun run;
    try {
      check(source, query);
      run = new QueryRun(this, source, query);
    } catch (Throwable e) {
      result.completeExceptionally(Errors.wrap(e, source.name(), query));
      return result;
    }
    result.whenComplete(
        (r, e) -> {
          if (!run.hasEnded()) {
            // Completed from outside: cancelled, or completed by the caller (orTimeout, say).
            run.fetch.run(
                () -> {
                  run.failed(stoppedByCaller(run, result.isCancelled(), e));
                  run.cancel();
                });
          }
        });
    run.startDeadline(e -> result.completeExceptionally(e));
    try {
      executor.execute(run.fetch.wrap(() -> run.drive(result)));
    } catch (Throwable e) {
      run.fetch.run(() -> run.fail(result, refused(e, run.name, query, "was not started")));
    }
    return result;
  }

  private static QueryCancelledException stoppedByCaller(
      QueryRun run, boolean cancelled, @Nullable Throwable e) {
    if (cancelled || e == null) {
      return new QueryCancelledException(
          run.query + " on " + run.name + " was cancelled by its caller", run.name, null);
    }
    return new QueryCancelledException(
        run.query
            + " on "
            + run.name
            + " was stopped by its caller, who completed its future with "
            + Errors.unwrap(e)
            + "; the request in flight and any retry were cancelled. For a deadline that stops"
            + " the query and says how far it got, give the query a timeout(Duration).",
        run.name,
        Errors.unwrap(e));
  }

  /** Runs {@code query} and waits for it, in the calling thread as far as the source allows. */
  public CandleSeries fetch(CandleSource source, OhlcvQuery query) {
    return await(fetchAsync(source, query), source, query);
  }

  /**
   * Waits for {@code f}, the answer to {@code query} on {@code source}: cancels it if the waiting
   * thread is interrupted, and throws its error with this thread's stack added.
   */
  public static CandleSeries await(
      CompletableFuture<CandleSeries> f, CandleSource source, OhlcvQuery query) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new QueryCancelledException(
          "Interrupted while fetching " + query + "; the request was cancelled", source.name(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw Errors.rethrowable(e.getCause(), source.name(), query);
    }
  }

  /**
   * The answer to {@code query} as a lazy stream of processed series. The next page is requested as
   * soon as the previous one arrives, so at most two pages are held at once. Closing the stream
   * cancels what is in flight.
   */
  public Stream<CandleSeries> pages(CandleSource source, OhlcvQuery query) {
    check(source, query);
    QueryRun run;
    try {
      run = new QueryRun(this, source, query);
    } catch (Throwable e) {
      throw Errors.wrap(e, source.name(), query);
    }
    run.startDeadline(e -> {});
    PageIterator it = new PageIterator(run);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(it::close);
  }
}
