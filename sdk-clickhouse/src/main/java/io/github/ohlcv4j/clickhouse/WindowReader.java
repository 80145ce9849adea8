package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.clickhouse.internal.Connection;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryReader;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.clickhouse.internal.StoreColumns;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * What one window of a query — one {@code SELECT ... FORMAT RowBinary} for one or more symbols —
 * asks and how its answer is read: compiles the statement from the plan and streams the answer into
 * one series per symbol ({@link #statement}); {@link WindowCursor} sends it. Also the small reads
 * around a query: the extra columns a store holds, whether a symbol is known, and a store's candles
 * read back. Thread-safe.
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
   * The extra columns and flags stored for each symbol of one query, looked up once (on its first
   * window) in the coverage table of a table that keeps them; shared by the query's windows.
   * Thread-safe.
   */
  static final class Lookup {
    private final AtomicReference<@Nullable CompletableFuture<Masks>> masks =
        new AtomicReference<>();

    /** The masks of {@code symbols}, looked up on the first call (again after a failure). */
    CompletableFuture<Masks> masks(TableHandle table, Resolved r, List<String> symbols) {
      CompletableFuture<Masks> f = masks.get();
      if (f != null && !f.isCompletedExceptionally()) {
        return f;
      }
      CompletableFuture<Masks> mine =
          table
              .connection()
              .text(
                  Masks.query(table.settings(), symbols),
                  "reading which extra columns "
                      + table.settings().qualifiedName()
                      + " holds for "
                      + (symbols.size() == 1 ? symbols.get(0) : symbols.size() + " symbols"),
                  r.readSettings())
              .thenApply(tsv -> Masks.parse(tsv, symbols, table));
      masks.set(mine);
      return mine;
    }
  }

  /**
   * Which extra columns (as a mask of {@link StoreColumns#bit}) and flags were ever written for
   * each symbol of a query, in the order of the query's symbols.
   */
  record Masks(int[] extras, int[] flags) {

    /** No extra columns or flags for any symbol. */
    static Masks none(int symbols) {
      return new Masks(new int[symbols], new int[symbols]);
    }

    static String query(SourceSettings s, List<String> symbols) {
      StringBuilder b =
          new StringBuilder(
                  "SELECT symbol, toUInt64(groupBitOr(extras)), toUInt64(groupBitOr(flags))")
              .append(" FROM ")
              .append(Sql.qualified(s.database(), TableInfo.COVERAGE_TABLE))
              .append(" WHERE table_name = ")
              .append(Sql.string(s.table()))
              .append(" AND kind = 'series' AND symbol IN (");
      for (int i = 0; i < symbols.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(Sql.string(symbols.get(i)));
      }
      return b.append(") GROUP BY symbol FORMAT TabSeparated").toString();
    }

    static Masks parse(String tsv, List<String> symbols, TableHandle table) {
      Masks m = none(symbols.size());
      for (String line : tsv.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        int i = f.length == 3 ? symbols.indexOf(TableInfo.unescapeText(f[0])) : -1;
        try {
          if (i < 0) {
            throw new NumberFormatException();
          }
          m.extras[i] |= Integer.parseInt(f[1]);
          m.flags[i] |= Integer.parseInt(f[2]);
        } catch (NumberFormatException e) {
          throw new DataFormatException(
              table.name()
                  + ": unexpected line in the answer about the stored extra columns: "
                  + table.connection().credentials().redact(Sql.printable(line)),
              table.name(),
              null,
              null);
        }
      }
      return m;
    }

    /** Whether any symbol has extra columns or flags: then the candles are read as stored. */
    boolean any() {
      for (int i = 0; i < extras.length; i++) {
        if (extras[i] != 0 || (flags[i] & StoreColumns.STORED_FLAGS) != 0) {
          return true;
        }
      }
      return false;
    }

    /** The extra columns of any symbol. */
    int allExtras() {
      int m = 0;
      for (int x : extras) {
        m |= x;
      }
      return m;
    }

    /** Whether any symbol has flags. */
    boolean anyFlags() {
      for (int f : flags) {
        if ((f & StoreColumns.STORED_FLAGS) != 0) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Whether the table holds anything of {@code symbol}: a candle at any time, or (in a store) a
   * recorded range. One small read without {@code FINAL} ({@code SELECT ... LIMIT 1}), asked only
   * when a whole answer was empty.
   */
  CompletableFuture<Boolean> known(Symbol symbol) {
    return table
        .resolve()
        .thenCompose(
            r -> {
              SourceSettings s = table.settings();
              String text = Sql.string(symbol.toString());
              // Columns, not constants: a constant in a UNION ALL over a Distributed table fails
              // on old servers ("non constant in source stream but must be constant in result").
              String symbolColumn = Sql.id(s.columns().symbol());
              StringBuilder sql =
                  new StringBuilder("SELECT toString(")
                      .append(symbolColumn)
                      .append(") FROM ")
                      .append(Sql.qualified(s.database(), s.table()))
                      .append(" WHERE ")
                      .append(symbolColumn)
                      .append(" = ")
                      .append(text)
                      .append(" LIMIT 1");
              if (r.info().isStore()) {
                sql.append(" UNION ALL SELECT toString(symbol) FROM ")
                    .append(Sql.qualified(s.database(), TableInfo.COVERAGE_TABLE))
                    .append(" WHERE table_name = ")
                    .append(Sql.string(s.table()))
                    .append(" AND symbol = ")
                    .append(text)
                    .append(" LIMIT 1");
              }
              sql.append(" FORMAT TabSeparated");
              return table
                  .connection()
                  .text(
                      sql.toString(),
                      "looking up whether " + s.qualifiedName() + " holds " + symbol,
                      r.readSettings())
                  .thenApply(tsv -> !tsv.isBlank());
            });
  }

  /** The error for a symbol the table holds nothing of. */
  SymbolNotFoundException unknown(Symbol symbol) {
    SourceSettings s = table.settings();
    return SymbolNotFoundException.of(
            table.name(),
            table.name()
                + " holds no candle of "
                + symbol
                + " at any time (rows are keyed by the symbol's text form, \""
                + symbol
                + "\", in column "
                + s.columns().symbol()
                + "). See what it holds with SELECT DISTINCT "
                + s.columns().symbol()
                + " FROM "
                + s.qualifiedName()
                + ".")
        .build();
  }

  /**
   * One window's statement: its SQL, what it asks (for messages) and how its RowBinary answer is
   * read into one series per symbol.
   */
  record Statement(String sql, String asked, Connection.BodyReader<Window> reader) {}

  /**
   * The statement of one window. Without stored extra columns or flags, the plan's SQL (aggregated
   * on the server where it says so); with them, the stored candles with those columns, built in the
   * JVM into the plan's candles — the same answer, the extra columns and flags included.
   */
  Statement statement(
      Resolved r,
      List<Symbol> symbols,
      List<String> texts,
      OhlcvQuery query,
      FetchPlan plan,
      long start,
      long end,
      Masks masks) {
    boolean asStored = masks.any();
    boolean aggregate = plan.mode() == FetchPlan.Mode.AGGREGATE;
    QueryCompiler.Compiled sql =
        asStored
            ? r.compiler()
                .raw(
                    texts,
                    start,
                    end,
                    aggregate ? 0 : plan.limit(),
                    masks.anyFlags(),
                    StoreColumns.of(masks.allExtras()))
            : plan.compile(r.compiler(), texts, start, end);
    Interval rowInterval = asStored ? table.settings().interval() : plan.pageInterval();
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
    int hint = asStored && aggregate ? 0 : plan.sizeHint(start, end);
    return new Statement(
        sql.sql(),
        asked,
        (in, answer) -> {
          List<RowBinaryReader.Target> targets = new ArrayList<>(symbols.size());
          for (int i = 0; i < symbols.size(); i++) {
            CandleSeries.Builder b =
                CandleSeries.builder(symbols.get(i), rowInterval)
                    .zone(query.zone())
                    .source(name)
                    .badRows(query.badRows());
            if (hint > 0) {
              b.expectedSize(hint);
            }
            targets.add(
                new RowBinaryReader.Target(texts.get(i), b, asStored ? masks.extras()[i] : 0));
          }
          RowBinaryReader reader =
              new RowBinaryReader(
                  sql.layout(),
                  targets,
                  query.zone(),
                  asStored ? start : plan.minTime(start),
                  end,
                  asStored ? null : plan.fullCount(),
                  name,
                  name + " " + asked);
          long bytes = reader.read(in, answer.exceptionTag());
          List<CandleSeries> out = new ArrayList<>(targets.size());
          for (RowBinaryReader.Target t : targets) {
            CandleSeries built = t.builder().build();
            out.add(asStored && aggregate ? plan.aggregate(built) : built);
          }
          return new Window(out, bytes, answer.serverTime());
        });
  }

  /**
   * The stored candles of one symbol with open times in {@code [from, to)}, with the given extra
   * columns and the flags, as {@code FINAL} (on a replacing table) shows them; bad rows kept as
   * suspect.
   */
  CompletableFuture<CandleSeries> stored(
      Resolved r, Symbol symbol, long from, long to, int extras) {
    String text = symbol.toString();
    QueryCompiler.Compiled sql =
        r.compiler().raw(List.of(text), from, to, 0, true, StoreColumns.of(extras));
    String name = table.name();
    String asked =
        "reading the stored candles of "
            + symbol
            + " ["
            + Instant.ofEpochMilli(from)
            + ", "
            + Instant.ofEpochMilli(to)
            + ") from "
            + table.settings().qualifiedName();
    return table.connection().stream(
        sql.sql(),
        asked,
        r.readSettings(),
        (in, answer) -> {
          CandleSeries.Builder b =
              CandleSeries.builder(symbol, table.settings().interval())
                  .source(name)
                  .badRows(io.github.ohlcv4j.BadRowPolicy.FLAG);
          RowBinaryReader.Target target = new RowBinaryReader.Target(text, b, extras);
          new RowBinaryReader(
                  sql.layout(),
                  List.of(target),
                  java.time.ZoneOffset.UTC,
                  from,
                  to,
                  null,
                  name,
                  name + " " + asked)
              .read(in, answer.exceptionTag());
          return b.build();
        });
  }
}
