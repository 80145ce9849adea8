package io.github.ohlcv4j.examples;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.ClickHouseSchema;
import io.github.ohlcv4j.clickhouse.ClickHouseSource;
import io.github.ohlcv4j.clickhouse.ClickHouseWriter;
import io.github.ohlcv4j.clickhouse.ClickHouseWriter.WriteResult;
import io.github.ohlcv4j.resilience.RetryPolicy;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Fills a ClickHouse candle table from any source: the embedded sample market by default, or an
 * exchange given by its URI. It creates the table if needed, reads the source page by page (with
 * retries) and writes each page as it arrives, printing its progress.
 *
 * <p>Running it again is safe: the table is a {@code ReplacingMergeTree}, so candles written twice
 * are read once, and a re-run replaces candles that were still in progress or have been corrected.
 * Interrupt it at any point and run it again with the same arguments.
 *
 * <p>The sample market's candles are synthetic, so they never go into the table real candles go to:
 * from {@code sample:} they are written into a table of their own, the configured table's name with
 * {@value #SAMPLE_SUFFIX} appended ({@code ohlcv_sample} by default), and the output says so.
 * Synthetic candles from any other source are refused.
 *
 * <p>The ClickHouse server comes from the environment: {@code OHLCV4J_CLICKHOUSE_URL} (default
 * {@code http://localhost:8123}), {@code OHLCV4J_CLICKHOUSE_USER}, {@code
 * OHLCV4J_CLICKHOUSE_PASSWORD}, {@code OHLCV4J_CLICKHOUSE_DATABASE} (default {@code default}) and
 * {@code OHLCV4J_CLICKHOUSE_TABLE} (default {@code ohlcv}).
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java \
 *   -Dexec.mainClass=io.github.ohlcv4j.examples.BackfillToClickHouse
 * ./mvnw -q -pl examples -am compile exec:java \
 *   -Dexec.mainClass=io.github.ohlcv4j.examples.BackfillToClickHouse \
 *   -Dexec.args="binance:spot BINANCE:BTCUSDT,BINANCE:ETHUSDT 2024-01-01 2024-03-01 1m"
 * </pre>
 */
public final class BackfillToClickHouse {
  /**
   * The suffix of the table synthetic candles go to, so that they are never taken for real ones.
   */
  static final String SAMPLE_SUFFIX = "_sample";

  private BackfillToClickHouse() {}

  /**
   * Runs the backfill.
   *
   * @param args source URI (default {@code sample:}), comma-separated symbols (default {@code
   *     BTCUSDT,ETHUSDT}), first day and day after the last (default 2024-01-01 and 2024-02-01,
   *     UTC) and interval (default {@code 1m})
   */
  public static void main(String[] args) {
    String sourceUri = arg(args, 0, "sample:");
    List<Symbol> symbols = new ArrayList<>();
    try {
      Interval interval;
      try {
        for (String s : arg(args, 1, "BTCUSDT,ETHUSDT").split(",")) {
          symbols.add(Symbol.parse(s.trim()));
        }
        interval = Interval.parse(arg(args, 4, "1m"));
      } catch (InvalidQueryException e) {
        throw new Usage(e.getMessage());
      }
      Instant from = day(arg(args, 2, "2024-01-01"));
      Instant to = day(arg(args, 3, "2024-02-01"));
      run(sourceUri, symbols, from, to, interval, ClickHouseSource.builder(), System.out);
    } catch (Usage e) {
      System.err.println(e.getMessage());
      System.err.println(
          "Usage: BackfillToClickHouse [source-uri] [SYMBOL,SYMBOL] [from-day] [to-day] [interval]");
      System.exit(2);
    } catch (OhlcvException e) {
      System.err.println("Backfill failed: " + e.getMessage());
      System.err.println(
          e.isRetryable()
              ? "This may be temporary: run the backfill again; candles already written are kept."
              : "Fix the cause above and run the backfill again.");
      System.exit(1);
    }
  }

  /**
   * Backfills {@code symbols} from the source at {@code sourceUri} into the table {@code
   * clickhouse} configures (or, for the sample market, its {@value #SAMPLE_SUFFIX} table), printing
   * progress to {@code out}.
   */
  static void run(
      String sourceUri,
      List<Symbol> symbols,
      Instant from,
      Instant to,
      Interval interval,
      ClickHouseSource.Builder clickhouse,
      PrintStream out) {
    clickhouse.interval(interval);
    ClickHouseSource target = clickhouse.build();
    boolean sample = isSample(sourceUri);
    if (sample && !target.table().endsWith(SAMPLE_SUFFIX)) {
      String real = target.database() + "." + target.table();
      target = clickhouse.table(target.table() + SAMPLE_SUFFIX).build();
      out.printf(
          "The sample market is SYNTHETIC: its candles are not market prices. They go into %s.%s,"
              + " a table of their own, not into %s. For real candles, give a source URI and"
              + " symbols, e.g. binance:spot BINANCE:BTCUSDT.%n",
          target.database(), target.table(), real);
    }
    out.printf(
        "Writing %s candles from %s into %s.%s at %s%n",
        interval, sourceUri, target.database(), target.table(), target.url());
    int version = ClickHouseSchema.builder(target).build().migrate();
    out.printf("Table ready (schema version %d)%n", version);
    ClickHouseWriter writer = ClickHouseWriter.builder(target).build();
    RetryPolicy retries = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 6);
    long started = System.nanoTime();
    WriteResult total = WriteResult.none();
    try (OhlcvClient client =
        OhlcvClient.builder().source(sourceUri).retryPolicy(retries).build()) {
      for (Symbol symbol : symbols) {
        OhlcvQuery query =
            OhlcvQuery.builder()
                .symbol(symbol)
                .interval(interval)
                .between(from, to)
                .completeOnly()
                .build();
        WriteResult written = WriteResult.none();
        boolean synthetic = false;
        try (Stream<CandleSeries> pages = client.pages(query)) {
          for (CandleSeries page : (Iterable<CandleSeries>) pages::iterator) {
            checkLabelled(page, sourceUri, target.table());
            synthetic |= page.isSynthetic();
            written = written.plus(writer.write(page));
            progress(out, symbol, page, written, from, to);
          }
        }
        out.printf(
            "%n%s: %,d candles written%s%s%n",
            symbol,
            written.rows(),
            written.skipped() > 0 ? ", " + written.skipped() + " skipped" : "",
            synthetic ? " (SYNTHETIC sample data, in " + target.table() + ")" : "");
        total = total.plus(written);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "Done: %,d candles of %d symbols in %.1f s (%,.0f candles/s). Running it again is safe.%n",
        total.rows(), symbols.size(), seconds, total.rows() / Math.max(seconds, 1e-9));
    CandleSeries check =
        target.fetch(
            OhlcvQuery.builder()
                .symbol(symbols.get(0))
                .interval(interval)
                .between(from, to)
                .resample(Interval.D1)
                .limit(3)
                .build());
    out.println("Read back from ClickHouse, resampled to days on the server:");
    out.println(check.toTable(3));
  }

  /** Whether the URI names the embedded sample market. */
  static boolean isSample(String sourceUri) {
    return sourceUri.trim().toLowerCase(Locale.ROOT).startsWith("sample:");
  }

  /**
   * Refuses synthetic candles on their way into a table not named for them: a source other than
   * {@code sample:} that returns them would otherwise mix them with real ones.
   */
  static void checkLabelled(CandleSeries page, String sourceUri, String table) {
    if (page.isSynthetic() && !table.endsWith(SAMPLE_SUFFIX)) {
      throw new Usage(
          sourceUri
              + " returned SYNTHETIC candles for "
              + page.symbol()
              + "; they are not written into "
              + table
              + ", which holds real ones. Backfill synthetic candles from sample:, which writes"
              + " them into a table of their own ("
              + table
              + SAMPLE_SUFFIX
              + ").");
    }
  }

  private static Instant day(String text) {
    try {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new Usage("\"" + text + "\" is not a day; write it as 2024-01-31");
    }
  }

  /** A mistake in the arguments: the message says what to change. */
  static final class Usage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }

  private static void progress(
      PrintStream out,
      Symbol symbol,
      CandleSeries page,
      WriteResult written,
      Instant from,
      Instant to) {
    if (page.isEmpty()) {
      return;
    }
    Instant reached = page.end().orElse(from);
    double share =
        (double) (reached.toEpochMilli() - from.toEpochMilli())
            / (to.toEpochMilli() - from.toEpochMilli());
    out.printf(
        Locale.ROOT,
        "\r%s: %5.1f%%  %,d candles, up to %s",
        symbol,
        100 * Math.min(1, share),
        written.rows(),
        reached);
  }

  private static String arg(String[] args, int i, String fallback) {
    return args.length > i && !args[i].isBlank() ? args[i] : fallback;
  }
}
