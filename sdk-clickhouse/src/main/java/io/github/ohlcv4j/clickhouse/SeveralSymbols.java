package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.WindowReader.Window;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.internal.DirectRunner;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ClickHouseSource#fetchAll}: several symbols with one request per window. Each symbol's
 * answer is built by the same query processing as {@link CandleSource#fetch} (page merging,
 * resampling in the JVM where needed, gap filling, limits), run over a view of the source whose
 * pages are that symbol's part of the shared windows. A window is read once, when the first symbol
 * needs it, and each symbol's part of it is let go once that symbol has taken it.
 */
final class SeveralSymbols {

  private final ClickHouseSource source;
  private final List<Symbol> symbols;
  private final OhlcvQuery query;
  private final FetchPlan plan;
  private final WindowCursor reads;
  private final Map<Long, CompletableFuture<Window>> windows = new HashMap<>();

  SeveralSymbols(
      ClickHouseSource source,
      TableHandle table,
      WindowReader reader,
      List<Symbol> symbols,
      OhlcvQuery query,
      FetchPlan plan) {
    this.source = source;
    this.symbols = List.copyOf(symbols);
    this.query = query;
    this.plan = plan;
    this.reads = new WindowCursor(table, reader, symbols, query, plan, true);
  }

  /** Fetches every symbol, in the calling thread; fails as a whole if any window fails. */
  Map<Symbol, CandleSeries> fetch(Clock clock) {
    Map<Symbol, CandleSeries> result = new LinkedHashMap<>();
    try {
      for (int i = 0; i < symbols.size(); i++) {
        Symbol s = symbols.get(i);
        result.put(s, DirectRunner.fetch(new View(i), query.newBuilder().symbol(s).build(), clock));
      }
    } finally {
      reads.close();
      synchronized (this) {
        windows.values().forEach(w -> w.cancel(true));
        windows.clear();
      }
    }
    return result;
  }

  /** Symbol {@code index}'s page of the window starting at {@code start}, reading it if needed. */
  private CompletableFuture<Page> page(int index, long start) {
    CompletableFuture<Window> window;
    synchronized (this) {
      window = windows.get(start);
      if (window == null || window.isCompletedExceptionally()) {
        if (reads.position() != start) { // the symbols' queries walk the same windows in order
          throw new IllegalStateException(
              "window " + start + " asked while the next to read is " + reads.position());
        }
        window = reads.nextWindow();
        windows.put(start, window);
      }
    }
    CompletableFuture<Page> page = new CompletableFuture<>();
    CompletableFuture<Window> w = window;
    page.whenComplete(
        (p, e) -> {
          if (page.isCancelled()) {
            w.cancel(true);
          }
        });
    w.whenComplete(
        (win, e) -> {
          if (e != null) {
            page.completeExceptionally(Errors.unwrap(e));
            return;
          }
          CandleSeries mine;
          synchronized (this) {
            mine = win.series().get(index);
            win.series().set(index, null); // nobody else reads this symbol's part
          }
          page.complete(new Page(mine, win.bytes(), win.serverTime()));
        });
    return page;
  }

  /** The source as one symbol's query sees it. */
  private final class View implements CandleSource {
    private final int index;

    View(int index) {
      this.index = index;
    }

    @Override
    public String name() {
      return source.name();
    }

    @Override
    public SourceCapabilities capabilities() {
      return source.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery q) {
      return new Part(index);
    }
  }

  /**
   * One symbol's pages: its part of each window, in order; moves on only when a part arrives, so a
   * failed one is asked again.
   */
  private final class Part implements PageCursor {
    private final int index;
    private volatile long next = plan.from();

    Part(int index) {
      this.index = index;
    }

    @Override
    public boolean hasNext() {
      return plan.hasWindow(next);
    }

    @Override
    public int remainingEstimate() {
      return plan.remainingWindows(next);
    }

    /** Moves past the last window; the windows read are let go when {@link #fetch} ends. */
    @Override
    public void close() {
      next = plan.to();
    }

    @Override
    public CompletableFuture<Page> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("No more windows for " + symbols.get(index));
      }
      long start = next;
      CompletableFuture<Page> part = page(index, start);
      CompletableFuture<Page> moved =
          part.thenApply(
              p -> {
                next = plan.windowEnd(start);
                return p;
              });
      moved.whenComplete(
          (p, e) -> {
            if (moved.isCancelled()) {
              part.cancel(true);
            }
          });
      return moved;
    }
  }
}
