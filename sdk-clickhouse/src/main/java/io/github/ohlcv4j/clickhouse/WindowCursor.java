package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.WindowReader.Masks;
import io.github.ohlcv4j.clickhouse.WindowReader.Statement;
import io.github.ohlcv4j.clickhouse.WindowReader.Window;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.http.HttpRequestCursor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Walks the windows of a {@link FetchPlan} on the HTTP source kit's request loop, one {@code SELECT
 * ... FORMAT RowBinary} each, in ascending time. Before the first request it resolves the table
 * and, in a store, looks up the extra columns its symbols have ({@link #prepare()}); each answer is
 * decoded as it streams in ({@link #read(Response)}), never buffered whole. When every window of a
 * one-symbol query came back empty, the last page is handed over only once the table is known to
 * hold the symbol ({@link #confirm(Window)}).
 */
final class WindowCursor extends HttpRequestCursor<Window> {

  private final TableHandle table;
  private final WindowReader reader;
  private final List<Symbol> symbols;
  private final List<String> texts;
  private final FetchPlan plan;
  private final WindowReader.Lookup lookup = new WindowReader.Lookup();
  private final boolean whole;
  private volatile long next;
  private volatile boolean sawCandles;
  private volatile @Nullable Resolved resolved;
  private volatile @Nullable Masks masks;
  private volatile @Nullable Window last;

  /**
   * @param symbols the symbols each window is read for
   * @param whole whether windows are taken whole by {@link #nextWindow()} ({@link
   *     ClickHouseSource#fetchAll}: an empty answer stands), or as the first symbol's pages
   */
  WindowCursor(
      TableHandle table,
      WindowReader reader,
      List<Symbol> symbols,
      OhlcvQuery query,
      FetchPlan plan,
      boolean whole) {
    super(table.connection().http(), table.name(), query);
    this.whole = whole;
    this.table = table;
    this.reader = reader;
    this.symbols = List.copyOf(symbols);
    this.texts = new ArrayList<>(symbols.size());
    for (Symbol s : symbols) {
      texts.add(s.toString());
    }
    this.plan = plan;
    this.next = plan.from();
  }

  @Override
  public int remainingEstimate() {
    return hasNext() ? plan.remainingWindows(next) : 0;
  }

  /** The start of the window the next request reads. */
  long position() {
    return next;
  }

  /**
   * The next window whole, all symbols' series, for {@link ClickHouseSource#fetchAll}; cancelling
   * it cancels the request.
   */
  CompletableFuture<Window> nextWindow() {
    return next().thenApply(p -> Objects.requireNonNull(last, "last"));
  }

  @Override
  protected boolean more() {
    return plan.hasWindow(next);
  }

  @Override
  protected CompletableFuture<?> prepare() {
    return table
        .resolve()
        .thenCompose(
            r ->
                (r.info().isStore()
                        ? lookup.masks(table, r, texts)
                        : CompletableFuture.completedFuture(Masks.none(texts.size())))
                    .thenAccept(
                        m -> {
                          masks = m;
                          resolved = r;
                        }));
  }

  @Override
  protected Request request() {
    Resolved r = Objects.requireNonNull(resolved, "resolved");
    long start = next;
    Statement statement =
        reader.statement(
            r,
            symbols,
            texts,
            query(),
            plan,
            start,
            plan.windowEnd(start),
            Objects.requireNonNull(masks, "masks"));
    return table
        .connection()
        .query(statement.sql(), r.readSettings())
        .newBuilder()
        .tag(Statement.class, statement)
        .build();
  }

  @Override
  protected Window read(Response response) throws IOException {
    Statement statement =
        Objects.requireNonNull(response.request().tag(Statement.class), "statement");
    return table.connection().read(response, statement.asked(), statement.reader());
  }

  @Override
  protected CompletableFuture<?> confirm(Window window) {
    for (CandleSeries s : window.series()) {
      if (!s.isEmpty()) {
        sawCandles = true;
      }
    }
    if (whole || sawCandles || plan.hasWindow(plan.windowEnd(next))) {
      return CompletableFuture.completedFuture(window);
    }
    Symbol symbol = symbols.get(0);
    return reader
        .known(symbol)
        .thenApply(
            known -> {
              if (!known) {
                throw reader.unknown(symbol);
              }
              return known;
            });
  }

  @Override
  protected Page advance(Window window) {
    next = plan.windowEnd(next);
    if (whole) {
      last = window;
    }
    return new Page(window.series().get(0), window.bytes(), window.serverTime());
  }
}
