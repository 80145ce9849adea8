package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Walks the windows of a {@link FetchPlan}, one page each, in ascending time; moves on only when a
 * page arrives, so a failed page is asked again by the next {@link #next()} (that is how retries
 * work).
 */
final class WindowCursor implements PageCursor {

  /** Reads the page of one window. */
  @FunctionalInterface
  interface Pages {
    /** The page of {@code [start, end)}; cancelling it cancels the request. */
    CompletableFuture<Page> read(long start, long end);
  }

  private final FetchPlan plan;
  private final Pages pages;
  private final String what;
  private volatile long next;
  private volatile boolean closed;
  private volatile @Nullable CompletableFuture<Page> inflight;

  /**
   * @param what the query, for the message of a {@link NoSuchElementException}
   */
  WindowCursor(FetchPlan plan, Pages pages, String what) {
    this.plan = plan;
    this.pages = pages;
    this.what = what;
    this.next = plan.from();
  }

  @Override
  public boolean hasNext() {
    return !closed && plan.hasWindow(next);
  }

  @Override
  public int remainingEstimate() {
    return closed ? 0 : plan.remainingWindows(next);
  }

  @Override
  public CompletableFuture<Page> next() {
    if (!hasNext()) {
      throw new NoSuchElementException("No more windows for " + what);
    }
    long start = next;
    long end = plan.windowEnd(start);
    CompletableFuture<Page> read = pages.read(start, end);
    inflight = read;
    CompletableFuture<Page> page = new CompletableFuture<>();
    page.whenComplete(
        (p, e) -> {
          if (page.isCancelled()) {
            read.cancel(true);
          }
        });
    read.whenComplete(
        (p, e) -> {
          if (e != null) {
            page.completeExceptionally(Errors.unwrap(e));
            return;
          }
          next = end;
          page.complete(p);
        });
    return page;
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<Page> r = inflight;
    if (r != null) {
      r.cancel(true);
    }
  }
}
