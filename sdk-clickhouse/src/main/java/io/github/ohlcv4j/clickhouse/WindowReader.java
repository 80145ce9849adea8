package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryReader;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.source.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Reads one window of a query — one {@code SELECT ... FORMAT RowBinary} — for one or more symbols:
 * resolves the table on first use, compiles the statement from the plan, and streams the answer
 * into one series per symbol. Thread-safe.
 */
final class WindowReader {

  /**
   * The candles of one window.
   *
   * @param series one series per symbol, in the order asked
   * @param bytes the bytes of the answer
   * @param serverTime the server's clock, if it sent one
   */
  record Window(List<CandleSeries> series, long bytes, Optional<Instant> serverTime) {}

  private final TableHandle table;

  WindowReader(TableHandle table) {
    this.table = table;
  }

  /**
   * Reads the window {@code [start, end)} of {@code plan}. Cancelling the returned future cancels
   * the HTTP call.
   */
  CompletableFuture<Window> read(
      List<Symbol> symbols, OhlcvQuery query, FetchPlan plan, long start, long end) {
    CompletableFuture<Window> result = new CompletableFuture<>();
    AtomicReference<@Nullable CompletableFuture<?>> call = new AtomicReference<>();
    result.whenComplete(
        (w, e) -> {
          CompletableFuture<?> c = call.get();
          if (result.isCancelled() && c != null) {
            c.cancel(true);
          }
        });
    table
        .resolve()
        .whenComplete(
            (r, error) -> {
              if (error != null) {
                result.completeExceptionally(Errors.unwrap(error));
                return;
              }
              if (result.isDone()) {
                return;
              }
              CompletableFuture<Window> http;
              try {
                http = send(r, symbols, query, plan, start, end);
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
              }
              call.set(http);
              if (result.isCancelled()) {
                http.cancel(true);
              }
              http.whenComplete(
                  (w, e) -> {
                    if (e != null) {
                      result.completeExceptionally(Errors.unwrap(e));
                    } else {
                      result.complete(w);
                    }
                  });
            });
    return result;
  }

  /**
   * The page of symbol {@code index} of a window being read; cancelling the page cancels the
   * window's request.
   */
  static CompletableFuture<Page> page(CompletableFuture<Window> window, int index) {
    CompletableFuture<Page> page = new CompletableFuture<>();
    page.whenComplete(
        (p, e) -> {
          if (page.isCancelled()) {
            window.cancel(true);
          }
        });
    window.whenComplete(
        (w, e) -> {
          if (e != null) {
            page.completeExceptionally(Errors.unwrap(e));
          } else {
            page.complete(new Page(w.series().get(index), w.bytes(), w.serverTime()));
          }
        });
    return page;
  }

  private CompletableFuture<Window> send(
      Resolved r, List<Symbol> symbols, OhlcvQuery query, FetchPlan plan, long start, long end) {
    List<String> texts = new ArrayList<>(symbols.size());
    for (Symbol s : symbols) {
      texts.add(s.toString());
    }
    QueryCompiler.Compiled sql = plan.compile(r.compiler(), texts, start, end);
    String name = table.name();
    String asked =
        "reading "
            + (symbols.size() == 1 ? symbols.get(0).toString() : symbols.size() + " symbols")
            + " "
            + plan.pageInterval()
            + " ["
            + Instant.ofEpochMilli(start)
            + ", "
            + Instant.ofEpochMilli(end)
            + ") from "
            + table.settings().qualifiedName();
    int hint = plan.sizeHint(start, end);
    return table.connection().stream(
        sql.sql(),
        asked,
        r.readSettings(),
        (in, answer) -> {
          List<RowBinaryReader.Target> targets = new ArrayList<>(symbols.size());
          for (int i = 0; i < symbols.size(); i++) {
            targets.add(
                new RowBinaryReader.Target(
                    texts.get(i),
                    CandleSeries.builder(symbols.get(i), plan.pageInterval())
                        .zone(query.zone())
                        .source(name)
                        .badRows(query.badRows())
                        .expectedSize(hint)));
          }
          RowBinaryReader reader =
              new RowBinaryReader(
                  sql.layout(),
                  targets,
                  query.zone(),
                  plan.minTime(start),
                  end,
                  plan.fullCount(),
                  name,
                  name + " " + asked);
          long bytes = reader.read(in, answer.exceptionTag());
          List<CandleSeries> out = new ArrayList<>(targets.size());
          for (RowBinaryReader.Target t : targets) {
            out.add(t.builder().build());
          }
          return new Window(out, bytes, answer.serverTime());
        });
  }
}
