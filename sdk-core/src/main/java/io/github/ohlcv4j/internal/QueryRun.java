package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryTimeoutException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one run of a query: its cursor, the page checks and the series processor, what it
 * has received so far, and the request in flight. {@link #drive} is the asynchronous loop of {@link
 * QueryEngine#fetchAsync}; {@link PageIterator} pulls the same steps for a stream. Each step runs
 * on one thread at a time; {@link #cancel()} may come from any thread.
 */
final class QueryRun {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j");

  private final QueryEngine engine;
  final CandleSource source;
  final OhlcvQuery query;
  final String name;
  final FetchContext fetch;
  final FetchTelemetry telemetry;
  private final PageCursor cursor;
  private final SeriesProcessor processor;
  private final PageCheck check;
  private final TimeRange range;
  private final long startNanos = System.nanoTime();
  private final AtomicReference<@Nullable CompletableFuture<Page>> inflight =
      new AtomicReference<>();
  private final List<CandleSeries> outputs = new ArrayList<>();
  private final AtomicBoolean cursorClosed = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicReference<@Nullable Future<?>> deadline = new AtomicReference<>();
  volatile boolean cancelled;

  /** The error the run failed with, once it has. */
  volatile @Nullable OhlcvException endedWith;

  private volatile int pages;
  private volatile long bytes;
  private volatile long candles;
  private volatile int attempts;
  private volatile int attempt;
  private @Nullable Instant serverNow;
  private @Nullable Instant coveredUntil;
  private long pageStartNanos;

  QueryRun(QueryEngine engine, CandleSource source, OhlcvQuery query) {
    this.engine = engine;
    this.source = source;
    this.query = query;
    this.name = source.name();
    this.range = query.rangeAt(engine.clock().instant());
    this.processor = new SeriesProcessor(query);
    this.check = new PageCheck(query, name);
    this.fetch = FetchContext.start(query, name);
    this.telemetry = new FetchTelemetry(engine.listener(), fetch);
    this.cursor = source.cursor(query);
    fetch.run(telemetry::started);
  }

  /** Pages received so far. */
  int pages() {
    return pages;
  }

  /** Whether the run has ended: succeeded, failed or cancelled. */
  boolean hasEnded() {
    return ended.get();
  }

  /**
   * Claims the end of the run for whoever ends it (the last page, an error, the deadline, a
   * cancel): true for the first caller only, which then reports it. Stops the deadline.
   */
  private boolean end() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    Future<?> d = deadline.getAndSet(null);
    if (d != null) {
      d.cancel(false);
    }
    return true;
  }

  /**
   * Starts the query's deadline, if it has a {@link OhlcvQuery#timeout()}: when it passes, the run
   * fails with a {@link QueryTimeoutException}, the request in flight is cancelled (and with it any
   * pending retry or rate-limit wait), and {@code onExpiry} is given the error.
   */
  void startDeadline(Consumer<OhlcvException> onExpiry) {
    Optional<Duration> timeout = query.timeout();
    if (timeout.isEmpty()) {
      return;
    }
    Future<?> task;
    try {
      task =
          engine.timer().schedule(fetch.wrap(() -> expire(timeout.get(), onExpiry)), timeout.get());
    } catch (Throwable e) { // the timer is shut down: the client is closing, which ends the run
      log.debug("no deadline for {} on {}: {}", query, name, e.toString());
      return;
    }
    deadline.set(task);
    if (ended.get()) {
      task.cancel(false);
    }
  }

  private void expire(Duration timeout, Consumer<OhlcvException> onExpiry) {
    if (ended.get()) {
      return;
    }
    OhlcvException e = timedOut(timeout);
    if (!failed(e)) {
      return; // ended meanwhile
    }
    try {
      onExpiry.accept(e); // before the cancel, whose echo must not be the answer
    } finally {
      cancel();
    }
  }

  private QueryTimeoutException timedOut(Duration timeout) {
    int p = pages;
    int a = attempts;
    long c = candles;
    Optional<OhlcvException> last = fetch.lastFailure();
    StringBuilder m = new StringBuilder();
    m.append(query)
        .append(" on ")
        .append(name)
        .append(" did not finish within its timeout of ")
        .append(timeout.toMillis())
        .append(" ms: ")
        .append(p)
        .append(p == 1 ? " page" : " pages")
        .append(" (")
        .append(c)
        .append(c == 1 ? " candle" : " candles")
        .append(") received, ")
        .append(a)
        .append(a == 1 ? " request" : " requests")
        .append(" sent");
    if (a == 0) {
      m.append(" (the first was still waiting for the rate limit)");
    } else {
      m.append("; page ").append(p + 1).append(" was at attempt ").append(attempt);
    }
    m.append(". The request in flight and any retry were stopped.");
    last.ifPresent(
        e ->
            m.append(" Last error: ")
                .append(e.getClass().getSimpleName())
                .append(": ")
                .append(GuardLog.firstLine(e.getMessage())));
    m.append(
        " Give the query a longer timeout(...), fetch a shorter range, or check the source"
            + " (health()).");
    return new QueryTimeoutException(m.toString(), name, timeout, p, c, a, last.orElse(null));
  }

  private Instant now() {
    return serverNow != null ? serverNow : engine.clock().instant();
  }

  /** Whether another page is to be requested. */
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
          engine
              .guard()
              .fetch(
                  PageRequest.of(
                      source,
                      fetch,
                      page,
                      cursor,
                      a -> {
                        pageStartNanos = System.nanoTime();
                        attempt = a;
                        attempts++;
                        telemetry.pageStarted(page, a);
                      }));
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
    candles += raw.size();
    if (!raw.isEmpty()) {
      coveredUntil = raw.end().orElse(null);
    }
    telemetry.pageEnded(pages, raw.size(), page.bytes(), took);
    Optional<Double> fraction = Optional.empty();
    if (coveredUntil != null) {
      double f =
          (double) (coveredUntil.toEpochMilli() - range.fromMillis())
              / (range.toMillis() - range.fromMillis());
      fraction = Optional.of(Math.max(0, Math.min(1, f)));
    }
    int remaining = cursor.hasNext() ? cursor.remainingEstimate() : 0;
    telemetry.progress(
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

  private void closeCursor() {
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
      if (!failed(e)) {
        OhlcvException first = endedWith; // the deadline, say, whose cancel this is the echo of
        if (first != null) {
          e = first;
        }
      }
    } finally {
      result.completeExceptionally(e);
    }
  }

  /** The last output, once no page is left; closes the cursor. */
  CandleSeries finish() {
    CandleSeries last = processor.finish(now());
    closeCursor();
    return last;
  }

  /**
   * The run ended with {@code rows} candles in all (a stream's pages added up): reported, unless it
   * ended otherwise first (its deadline passed), which returns false.
   */
  boolean succeeded(long rows) {
    if (!end()) {
      return false;
    }
    telemetry.succeeded(
        rows, bytes, pages, check.dropped(), Duration.ofNanos(System.nanoTime() - startNanos));
    return true;
  }

  /**
   * The run failed with {@code e}: reported once, whoever gets there first; false if it had already
   * ended.
   */
  boolean failed(OhlcvException e) {
    if (!end()) {
      return false;
    }
    endedWith = e;
    fetch.tag(e);
    closeCursor();
    telemetry.failed(e, bytes, Duration.ofNanos(System.nanoTime() - startNanos));
    return true;
  }

  /** Stops the request in flight and closes the cursor; from any thread. */
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
          if (succeeded(all.size())) {
            result.complete(all);
          }
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
      outputs.add(
          accept(Objects.requireNonNull(page, "a request ended with no page and no error")));
    } catch (Throwable e) {
      fail(result, e);
      return;
    }
    try {
      engine.executor().execute(fetch.wrap(() -> drive(result)));
    } catch (Throwable e) {
      // the executor stopped (the client is closing) or threw: fail rather than hang
      fail(result, engine.refused(e, name, query, "stopped after page " + pages));
    }
  }

  private static CandleSeries join(List<CandleSeries> parts) {
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
