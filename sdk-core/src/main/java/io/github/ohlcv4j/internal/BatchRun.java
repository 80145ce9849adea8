package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvEventListener.Batch;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryCancelledException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Runs several queries concurrently, at most {@code concurrency} at a time, each to its own series
 * or its own typed error: one failing does not stop the others. The budgets that matter to a venue
 * are the rate-limit guards', which every query passes whatever runs it; the concurrency bound only
 * keeps one call from holding hundreds of requests and series in flight at once. Each query is
 * started with the batch's id in the MDC, so its run's log lines carry it. Cancelling the result
 * cancels every query in flight and starts no more.
 */
public final class BatchRun {

  /** What each query ended with: its series or its error, by position. */
  public record Outcome(
      List<OhlcvQuery> queries,
      List<@Nullable CandleSeries> series,
      List<@Nullable OhlcvException> errors) {}

  private final List<OhlcvQuery> queries;
  private final Function<OhlcvQuery, CompletableFuture<CandleSeries>> fetch;
  private final OhlcvEventListener listener;
  private final Batch batch;
  private final Map<String, String> mdc;
  private final @Nullable CandleSeries[] series;
  private final @Nullable OhlcvException[] errors;
  private final List<CompletableFuture<CandleSeries>> running = new ArrayList<>();
  private final CompletableFuture<Outcome> result = new CompletableFuture<>();
  private final Object progressLock = new Object();
  private int succeeded;
  private int failed;
  private final AtomicInteger draining = new AtomicInteger();
  private final AtomicInteger reported = new AtomicInteger();
  private final int concurrency;
  private int next;

  private BatchRun(
      List<OhlcvQuery> queries,
      Function<OhlcvQuery, CompletableFuture<CandleSeries>> fetch,
      int concurrency,
      OhlcvEventListener listener) {
    this.queries = List.copyOf(queries);
    this.concurrency = Math.max(1, concurrency);
    this.fetch = fetch;
    this.listener = listener;
    this.batch = new Batch(FetchContext.nextId(), this.queries.size());
    Map<String, String> captured = MDC.getCopyOfContextMap();
    Map<String, String> m = captured == null ? new HashMap<>() : new HashMap<>(captured);
    m.put(Batch.MDC_KEY, batch.id());
    this.mdc = Map.copyOf(m);
    this.series = new CandleSeries[this.queries.size()];
    this.errors = new OhlcvException[this.queries.size()];
  }

  /**
   * Starts the queries.
   *
   * @param queries the queries, in the order their outcomes are reported
   * @param fetch starts one query; its future never fails with anything but an {@link
   *     OhlcvException}
   * @param concurrency how many queries may run at once, at least 1
   * @param listener told of each query's end ({@link OhlcvEventListener#batchProgress}); already
   *     safe to call
   */
  public static CompletableFuture<Outcome> start(
      List<OhlcvQuery> queries,
      Function<OhlcvQuery, CompletableFuture<CandleSeries>> fetch,
      int concurrency,
      OhlcvEventListener listener) {
    Objects.requireNonNull(fetch, "fetch");
    BatchRun run = new BatchRun(queries, fetch, concurrency, listener);
    run.result.whenComplete(
        (r, e) -> {
          if (e != null) {
            run.cancelAll();
          }
        });
    if (run.queries.isEmpty()) {
      run.result.complete(run.outcome());
      return run.result;
    }
    run.drain();
    return run.result;
  }

  /**
   * Starts queries while there is room. A query that ends at once (refused before any I/O) ends
   * inside this loop and asks for another start, which this loop then makes, rather than a nested
   * call: thousands of such queries do not deepen the stack.
   */
  private void drain() {
    if (draining.getAndIncrement() != 0) {
      return; // the thread in the loop below sees the request
    }
    int missed = 1;
    while (true) {
      while (true) {
        int i;
        CompletableFuture<CandleSeries> f;
        synchronized (this) {
          if (result.isDone() || next >= queries.size() || running.size() >= concurrency) {
            break;
          }
          i = next++;
          f = startWithMdc(queries.get(i));
          running.add(f);
        }
        f.whenComplete((s, e) -> ended(i, f, s, e));
      }
      missed = draining.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private CompletableFuture<CandleSeries> startWithMdc(OhlcvQuery query) {
    Map<String, String> before = MDC.getCopyOfContextMap();
    MDC.setContextMap(mdc);
    try {
      return fetch.apply(query);
    } catch (Throwable e) { // the query fails, not the batch
      return CompletableFuture.failedFuture(e);
    } finally {
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    }
  }

  private void ended(
      int i, CompletableFuture<CandleSeries> f, @Nullable CandleSeries s, @Nullable Throwable e) {
    synchronized (this) {
      running.remove(f);
      if (e == null) {
        series[i] = s;
      } else {
        errors[i] = Errors.wrap(e, null, "while fetching " + queries.get(i));
      }
    }
    // One event at a time, so the counts a listener sees only grow, even from several threads.
    synchronized (progressLock) {
      if (e == null) {
        succeeded++;
      } else {
        failed++;
      }
      listener.batchProgress(batch, succeeded, failed);
    }
    // Counted after the event, so the batch completes after every query's event.
    if (reported.incrementAndGet() == queries.size()) {
      result.complete(outcome());
    } else {
      drain();
    }
  }

  private synchronized Outcome outcome() {
    return new Outcome(queries, Arrays.asList(series.clone()), Arrays.asList(errors.clone()));
  }

  private void cancelAll() {
    List<CompletableFuture<CandleSeries>> inFlight;
    synchronized (this) {
      next = queries.size(); // start no more
      inFlight = List.copyOf(running);
    }
    for (CompletableFuture<CandleSeries> f : inFlight) {
      f.cancel(true);
    }
  }

  /** The error for a batch whose caller stopped waiting. */
  public static QueryCancelledException cancelled(int size, @Nullable Throwable cause) {
    return new QueryCancelledException(
        "fetchAll of "
            + size
            + (size == 1 ? " query" : " queries")
            + " was cancelled; the queries in flight were cancelled and no more were started",
        null,
        cause);
  }
}
