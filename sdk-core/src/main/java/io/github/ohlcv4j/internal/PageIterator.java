package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.source.Page;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Pulls processed series from a {@link QueryRun} for a stream, one page ahead: the next request is
 * sent as soon as a page arrives, so the caller's work on one page overlaps the next request, and
 * at most two pages are held. A failure is thrown from the {@link #hasNext()} that needed the page.
 * Not thread-safe, as streams are not; {@link #close()} cancels what is in flight.
 */
final class PageIterator implements Iterator<CandleSeries> {
  private final QueryRun run;
  private @Nullable CompletableFuture<Page> prefetch;
  private @Nullable CandleSeries next;
  private boolean finished;
  private long rows;

  PageIterator(QueryRun run) {
    this.run = run;
  }

  @Override
  public boolean hasNext() {
    while (next == null && !finished) {
      run.fetch.run(this::advance);
    }
    return next != null;
  }

  @Override
  public CandleSeries next() {
    CandleSeries r = hasNext() ? next : null;
    if (r == null) {
      throw new NoSuchElementException();
    }
    next = null;
    return r;
  }

  private void advance() {
    try {
      if (run.cancelled) {
        throw stopped(null);
      }
      if (prefetch == null && !run.more()) {
        CandleSeries last = run.finish();
        finished = true;
        rows += last.size();
        if (!run.succeeded(rows)) {
          throw stopped(null); // the deadline passed first
        }
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
          "Interrupted while streaming " + run.query + "; the request was cancelled", run.name, e);
    } catch (ExecutionException e) {
      OhlcvException ended = run.endedWith;
      throw ended != null ? ended : Errors.rethrowable(e.getCause(), run.name, run.query);
    } catch (CancellationException e) {
      throw stopped(e);
    }
  }

  /** The error the run ended with (its deadline), or the stream's closing. */
  private OhlcvException stopped(@Nullable Throwable cause) {
    OhlcvException e = run.endedWith;
    return e != null
        ? e
        : new QueryCancelledException(
            "The stream of " + run.query + " was closed", run.name, cause);
  }

  /** Stops the stream: cancels what is in flight and reports the run cancelled. */
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
