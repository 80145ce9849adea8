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
 * work). When every page came back empty, the last one is handed over only once the {@link
 * EmptyAnswer} check has passed.
 */
final class WindowCursor implements PageCursor {

  /** Reads the page of one window. */
  @FunctionalInterface
  interface Pages {
    /** The page of {@code [start, end)}; cancelling it cancels the request. */
    CompletableFuture<Page> read(long start, long end);
  }

  /** Decides, after a whole answer came back empty, whether it stands. */
  @FunctionalInterface
  interface EmptyAnswer {
    /** Completes normally if the empty answer stands, exceptionally with the error if not. */
    CompletableFuture<?> check();
  }

  private final FetchPlan plan;
  private final @Nullable EmptyAnswer empty;
  private volatile boolean sawCandles;
  private final Pages pages;
  private final String what;
  private volatile long next;
  private volatile boolean closed;
  private volatile @Nullable CompletableFuture<Page> inflight;

  /**
   * @param what the query, for the message of a {@link NoSuchElementException}
   */
  WindowCursor(FetchPlan plan, Pages pages, String what) {
    this(plan, pages, what, null);
  }

  /**
   * @param what the query, for the message of a {@link NoSuchElementException}
   * @param empty checked when the last window is reached and no page had a candle, or null
   */
  WindowCursor(FetchPlan plan, Pages pages, String what, @Nullable EmptyAnswer empty) {
    this.plan = plan;
    this.empty = empty;
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
          if (!p.candles().isEmpty()) {
            sawCandles = true;
          }
          EmptyAnswer check = empty;
          if (check == null || sawCandles || plan.hasWindow(end)) {
            next = end;
            page.complete(p);
            return;
          }
          CompletableFuture<?> c;
          try {
            c = check.check();
          } catch (RuntimeException ex) {
            page.completeExceptionally(ex);
            return;
          }
          c.whenComplete(
              (ok, e2) -> {
                if (e2 != null) {
                  page.completeExceptionally(Errors.unwrap(e2));
                } else {
                  next = end;
                  page.complete(p);
                }
              });
          page.whenComplete(
              (p2, e3) -> {
                if (page.isCancelled()) {
                  c.cancel(true);
                }
              });
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
