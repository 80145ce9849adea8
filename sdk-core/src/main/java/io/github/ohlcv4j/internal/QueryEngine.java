package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.UnexpectedFailureException;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs queries against sources: checks the query against the source's capabilities (once, here,
 * before the cursor is asked for), drives the cursor page by page through a {@link PageGuard},
 * feeds the pages to a {@link SeriesProcessor}, reports events and logs. Shared by {@link
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
  private final OhlcvEventListener listener;
  private final PageGuard guard;
  private final Executor executor;
  private final BooleanSupplier closed;

  /**
   * @param clock "now" when the venue's clock is unknown
   * @param listener receives events
   * @param guard protects each page request
   * @param executor runs the steps of asynchronous queries (never blocks on I/O there)
   */
  public QueryEngine(Clock clock, OhlcvEventListener listener, PageGuard guard, Executor executor) {
    this(clock, listener, guard, executor, () -> false);
  }

  /**
   * @param clock "now" when the venue's clock is unknown
   * @param listener receives events
   * @param guard protects each page request
   * @param executor runs the steps of asynchronous queries (never blocks on I/O there)
   * @param closed whether the owner (the client) is closed, which is why its executor refuses work
   */
  public QueryEngine(
      Clock clock,
      OhlcvEventListener listener,
      PageGuard guard,
      Executor executor,
      BooleanSupplier closed) {
    this.clock = clock;
    this.listener = new SafeListener(listener);
    this.guard = guard;
    this.executor = executor;
    this.closed = closed;
  }

  /** The error for a step the executor refused (or threw on) while {@code query} ran. */
  private OhlcvException refused(Throwable e, String name, OhlcvQuery query, String what) {
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

  /**
   * Runs {@code query} to completion asynchronously; cancelling the future cancels the request in
   * flight.
   */
  public CompletableFuture<CandleSeries> fetchAsync(CandleSource source, OhlcvQuery query) {
    CompletableFuture<CandleSeries> result = new CompletableFuture<>();
    Run run;
    try {
      source.capabilities().check(source.name(), query);
      run = new Run(source, query);
    } catch (Throwable e) {
      result.completeExceptionally(Errors.wrap(e, source.name(), query));
      return result;
    }
    result.whenComplete(
        (r, e) -> {
          if (result.isCancelled()) {
            run.fetch.run(
                () -> {
                  run.failed(
                      new QueryCancelledException(
                          query + " on " + run.name + " was cancelled by its caller",
                          run.name,
                          null));
                  run.cancel();
                });
          }
        });
    try {
      executor.execute(run.fetch.wrap(() -> run.drive(result)));
    } catch (Throwable e) {
      run.fetch.run(() -> run.fail(result, refused(e, run.name, query, "was not started")));
    }
    return result;
  }

  /** Runs {@code query} and waits for it, in the calling thread as far as the source allows. */
  public CandleSeries fetch(CandleSource source, OhlcvQuery query) {
    CompletableFuture<CandleSeries> f = fetchAsync(source, query);
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
    source.capabilities().check(source.name(), query);
    Run run;
    try {
      run = new Run(source, query);
    } catch (Throwable e) {
      throw Errors.wrap(e, source.name(), query);
    }
    PageIterator it = new PageIterator(run);
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(it::close);
  }

  /** The state of one query. */
  private final class Run {
    final CandleSource source;
    final OhlcvQuery query;
    final String name;
    final FetchContext fetch;
    final PageCursor cursor;
    final SeriesProcessor processor;
    final PageCheck check;
    final TimeRange range;
    final long startNanos = System.nanoTime();
    final AtomicReference<@Nullable CompletableFuture<Page>> inflight = new AtomicReference<>();
    final List<CandleSeries> outputs = new ArrayList<>();
    volatile boolean cancelled;
    volatile boolean ended;
    private final java.util.concurrent.atomic.AtomicBoolean cursorClosed =
        new java.util.concurrent.atomic.AtomicBoolean();
    int pages;
    long bytes;
    @Nullable Instant serverNow;
    @Nullable Instant coveredUntil;
    int attempt;
    long pageStartNanos;

    Run(CandleSource source, OhlcvQuery query) {
      this.source = source;
      this.query = query;
      this.name = source.name();
      this.range = query.rangeAt(clock.instant());
      this.processor = new SeriesProcessor(query);
      this.check = new PageCheck(query, name);
      this.fetch = FetchContext.start(query, name);
      this.cursor = source.cursor(query);
      fetch.run(() -> listener.fetchStart(fetch.fetch()));
    }

    Instant now() {
      return serverNow != null ? serverNow : clock.instant();
    }

    boolean more() {
      return !cancelled && !processor.isDone() && cursor.hasNext();
    }

    /** Starts the next page request through the guard. */
    CompletableFuture<Page> request() {
      int page = pages + 1;
      pageStartNanos = System.nanoTime();
      CompletableFuture<Page> f;
      try {
        f =
            guard.fetch(
                source,
                fetch,
                page,
                cursor,
                a -> {
                  attempt = a;
                  pageStartNanos = System.nanoTime();
                  listener.pageStart(fetch.fetch(), page, a);
                });
      } catch (Throwable e) {
        f = CompletableFuture.failedFuture(e);
      }
      inflight.set(f);
      if (cancelled) {
        f.cancel(true);
      }
      return f;
    }

    /** Takes a page; returns the processed output. */
    CandleSeries accept(Page page) {
      pages++;
      bytes += page.bytes();
      Duration took = Duration.ofNanos(System.nanoTime() - pageStartNanos);
      page.serverTime().ifPresent(t -> serverNow = t);
      CandleSeries raw = check.accept(page, pages);
      if (!raw.isEmpty()) {
        coveredUntil = raw.end().orElse(null);
      }
      listener.pageEnd(fetch.fetch(), pages, raw.size(), page.bytes(), took);
      logPage(raw.size(), page.bytes(), took);
      Optional<Double> fraction = Optional.empty();
      if (coveredUntil != null) {
        double f =
            (double) (coveredUntil.toEpochMilli() - range.fromMillis())
                / (range.toMillis() - range.fromMillis());
        fraction = Optional.of(Math.max(0, Math.min(1, f)));
      }
      int remaining = cursor.hasNext() ? cursor.remainingEstimate() : 0;
      listener.progress(
          fetch.fetch(),
          new OhlcvEventListener.Progress(
              pages,
              remaining,
              processor.rawRows() + raw.size(),
              bytes,
              Optional.ofNullable(coveredUntil),
              fraction));
      if (!cursor.hasNext()) {
        // The last page: nothing can continue its last bucket, so nothing is held back.
        return processor.acceptLast(raw, now());
      }
      return processor.accept(raw);
    }

    void closeCursor() {
      if (cursorClosed.compareAndSet(false, true)) {
        try {
          cursor.close();
        } catch (Throwable e) { // a cursor that fails to close must not keep the query from ending
          log.warn("closing the cursor of {} on {} failed", query, name, e);
        }
      }
    }

    /** Ends the query with {@code error}, whatever it is. */
    void fail(CompletableFuture<CandleSeries> result, Throwable error) {
      OhlcvException e = Errors.wrap(error, name, query);
      try {
        failed(e);
      } finally {
        result.completeExceptionally(e);
      }
    }

    CandleSeries finish() {
      CandleSeries last = processor.finish(now());
      closeCursor();
      ended = true;
      return last;
    }

    /** The run ended with {@code rows} candles in all (a stream's pages added up). */
    void succeeded(int rows) {
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      listener.fetchEnd(fetch.fetch(), rows, took);
      if (log.isDebugEnabled()) {
        withMdc(
            rows,
            bytes,
            took,
            () ->
                log.debug(
                    "fetched source={} symbol={} interval={} rows={} bytes={} pages={}"
                        + " dropped_outside_window={} duration_ms={}",
                    name,
                    query.symbol(),
                    query.outputInterval(),
                    rows,
                    bytes,
                    pages,
                    check.dropped(),
                    took.toMillis()));
      }
    }

    void failed(OhlcvException e) {
      if (ended) {
        return;
      }
      ended = true;
      fetch.tag(e);
      closeCursor();
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      listener.fetchFailed(fetch.fetch(), e, took);
      if (log.isDebugEnabled()) {
        withMdc(
            -1,
            bytes,
            took,
            () ->
                log.debug(
                    "failed source={} symbol={} interval={} duration_ms={} error={}",
                    name,
                    query.symbol(),
                    query.interval(),
                    took.toMillis(),
                    e.getMessage()));
      }
    }

    void cancel() {
      cancelled = true;
      CompletableFuture<Page> f = inflight.get();
      if (f != null) {
        try {
          f.cancel(true);
        } catch (Throwable e) { // a dependent action threw: the cancel happened all the same
          log.warn("cancelling the request of {} on {} threw", query, name, e);
        }
      }
      closeCursor();
    }

    private void logPage(int rows, long pageBytes, Duration took) {
      if (log.isDebugEnabled()) {
        withMdc(
            rows,
            pageBytes,
            took,
            () ->
                log.debug(
                    "page source={} symbol={} interval={} page={} rows={} bytes={} duration_ms={}",
                    name,
                    query.symbol(),
                    query.interval(),
                    pages,
                    rows,
                    pageBytes,
                    took.toMillis()));
      }
    }

    private void withMdc(long rows, long b, Duration took, Runnable r) {
      try (MDC.MDCCloseable a = MDC.putCloseable("source", name);
          MDC.MDCCloseable s = MDC.putCloseable("symbol", query.symbol().toString());
          MDC.MDCCloseable i = MDC.putCloseable("interval", query.interval().toString());
          MDC.MDCCloseable w = MDC.putCloseable("rows", Long.toString(rows));
          MDC.MDCCloseable y = MDC.putCloseable("bytes", Long.toString(b));
          MDC.MDCCloseable d = MDC.putCloseable("duration_ms", Long.toString(took.toMillis()))) {
        r.run();
      }
    }

    /**
     * The asynchronous loop: runs pages that complete at once in a loop, others in their callback.
     */
    void drive(CompletableFuture<CandleSeries> result) {
      try {
        while (true) {
          if (result.isDone()) {
            return;
          }
          if (!more()) {
            outputs.add(finish());
            CandleSeries all = join(outputs);
            succeeded(all.size());
            result.complete(all);
            return;
          }
          CompletableFuture<Page> f = request();
          if (f.isDone() && !f.isCompletedExceptionally() && !f.isCancelled()) {
            outputs.add(accept(f.join()));
            continue;
          }
          f.whenComplete((page, error) -> fetch.run(() -> next(result, page, error)));
          return;
        }
      } catch (Throwable e) {
        fail(result, e);
      }
    }

    /** Takes the page (or the error) a request ended with; runs in its completion. */
    private void next(
        CompletableFuture<CandleSeries> result, @Nullable Page page, @Nullable Throwable error) {
      try {
        if (error != null) {
          fail(result, error);
          return;
        }
        if (result.isDone()) {
          return;
        }
        outputs.add(accept(page));
      } catch (Throwable e) {
        fail(result, e);
        return;
      }
      try {
        executor.execute(fetch.wrap(() -> drive(result)));
      } catch (Throwable e) {
        // the executor stopped (the client is closing) or threw: fail rather than hang
        fail(result, refused(e, name, query, "stopped after page " + pages));
      }
    }

    private CandleSeries join(List<CandleSeries> parts) {
      List<CandleSeries> nonEmpty = new ArrayList<>();
      for (CandleSeries p : parts) {
        if (!p.isEmpty()) {
          nonEmpty.add(p);
        }
      }
      if (nonEmpty.isEmpty()) {
        return parts.get(parts.size() - 1);
      }
      return nonEmpty.size() == 1 ? nonEmpty.get(0) : CandleSeries.concat(nonEmpty);
    }
  }

  /** Pulls processed series from a run, one page ahead. */
  private final class PageIterator implements Iterator<CandleSeries> {
    private final Run run;
    private @Nullable CompletableFuture<Page> prefetch;
    private @Nullable CandleSeries next;
    private boolean finished;
    private int rows;

    PageIterator(Run run) {
      this.run = run;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !finished) {
        advance();
      }
      return next != null;
    }

    @Override
    public CandleSeries next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      CandleSeries r = next;
      next = null;
      return r;
    }

    private void advance() {
      run.fetch.run(this::advanceHere);
    }

    private void advanceHere() {
      try {
        if (run.cancelled) {
          throw new QueryCancelledException(
              "The stream of " + run.query + " was closed", run.name, null);
        }
        if (prefetch == null && !run.more()) {
          CandleSeries last = run.finish();
          finished = true;
          rows += last.size();
          run.succeeded(rows);
          next = last.isEmpty() ? null : last;
          return;
        }
        CompletableFuture<Page> f = prefetch != null ? prefetch : run.request();
        prefetch = null;
        Page page = await(f);
        CandleSeries out = run.accept(page);
        if (run.more()) {
          prefetch = run.request(); // overlaps the next request with the caller's work on this page
        }
        rows += out.size();
        next = out.isEmpty() ? null : out;
      } catch (Throwable e) {
        finished = true;
        OhlcvException w = Errors.wrap(e, run.name, run.query);
        run.failed(w);
        throw w;
      }
    }

    private Page await(CompletableFuture<Page> f) {
      try {
        return f.get();
      } catch (InterruptedException e) {
        f.cancel(true);
        Thread.currentThread().interrupt();
        throw new QueryCancelledException(
            "Interrupted while streaming " + run.query + "; the request was cancelled",
            run.name,
            e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw Errors.rethrowable(e.getCause(), run.name, run.query);
      } catch (CancellationException e) {
        throw new QueryCancelledException(
            "The stream of " + run.query + " was closed", run.name, e);
      }
    }

    void close() {
      if (!finished) {
        finished = true;
        run.fetch.run(
            () -> {
              run.cancel();
              run.failed(
                  new QueryCancelledException(
                      "The stream of " + run.query + " was closed after " + rows + " rows",
                      run.name,
                      null));
            });
      }
    }
  }
}
