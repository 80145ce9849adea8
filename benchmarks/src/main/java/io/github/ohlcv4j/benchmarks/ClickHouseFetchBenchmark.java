package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.clickhouse.ClickHouseSchema;
import io.github.ohlcv4j.clickhouse.ClickHouseSource;
import io.github.ohlcv4j.clickhouse.ClickHouseWriter;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End to end against a local ClickHouse server: fetching the 1,000,000 payload candles into a
 * {@link CandleSeries} with {@link ClickHouseSource#fetch}, beside {@code curl} sending the very
 * same SQL and writing the RowBinary answer to {@code /dev/null} (the floor: the server's work plus
 * the transfer), and OkHttp reading the same answer and discarding it (the floor inside a JVM).
 *
 * <p>Needs a server: {@code benchmarks/clickhouse.sh start} prints its URL, which goes to JMH as
 * {@code -p url=http://127.0.0.1:18124}. The setup creates {@code ohlcv4j_bench.candles_<engine>}
 * with {@link ClickHouseSchema}, writes {@link Payloads#candleSeries(int)} through {@link
 * ClickHouseWriter} unless it is already there, and merges the parts ({@code OPTIMIZE ... FINAL}),
 * as a table at rest would be. {@code engine=replacing} is read with {@code FINAL}, {@code plain}
 * without. Run with {@code benchmarks/run.sh ClickHouseFetchBenchmark -p url=...}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Benchmark)
public class ClickHouseFetchBenchmark {

  static final int ROWS = Payloads.CLICKHOUSE_ROWS;
  static final Symbol SYMBOL = Symbol.of(Payloads.SYMBOL);

  /** The server's HTTP endpoint. */
  @Param("")
  public String url = ""; // JMH sets every @Param before @Setup

  /** {@code replacing}: a ReplacingMergeTree read with FINAL; {@code plain}: a MergeTree. */
  @Param({"replacing", "plain"})
  public String engine = "replacing";

  ClickHouseSource source;
  ClickHouseSource waitEndOfQuery;
  OhlcvQuery query;
  OkHttpClient http;
  Request request;
  Path sqlFile;
  byte[] discard;

  /** The rows the table holds for the query: none in a new table, which knows no symbol yet. */
  private int storedRows() {
    try {
      return source.fetch(query).size();
    } catch (SymbolNotFoundException e) {
      return 0;
    }
  }

  /** Fills the table if needed and checks that every variant sees all the rows. */
  @Setup(Level.Trial)
  public void setup() throws IOException {
    if (url.isEmpty()) {
      throw new IllegalStateException(
          "Start a server with benchmarks/clickhouse.sh start and pass -p url=<its URL>");
    }
    String table = "candles_" + engine;
    source = ClickHouseSource.builder().url(url).database("ohlcv4j_bench").table(table).build();
    waitEndOfQuery =
        ClickHouseSource.builder()
            .url(url)
            .database("ohlcv4j_bench")
            .table(table)
            .setting("wait_end_of_query", "1")
            .build();
    ClickHouseSchema.builder(source)
        .engine(
            engine.equals("plain")
                ? ClickHouseSchema.Engine.MERGE_TREE
                : ClickHouseSchema.Engine.REPLACING_MERGE_TREE)
        .timeColumnType(TimeColumnType.DATE_TIME)
        .build()
        .migrate();
    Instant from = Instant.ofEpochMilli(Payloads.START_MILLIS);
    Instant to = Instant.ofEpochMilli(Payloads.START_MILLIS + ROWS * Payloads.STEP_MILLIS);
    query = OhlcvQuery.builder().symbol(SYMBOL).between(from, to).build();
    http = new OkHttpClient();
    if (storedRows() != ROWS) {
      sql("TRUNCATE TABLE ohlcv4j_bench." + table);
      ClickHouseWriter.builder(source).build().write(Payloads.candleSeries(ROWS));
    }
    sql("OPTIMIZE TABLE ohlcv4j_bench." + table + " FINAL");

    // The statement the source sends for this query, built the way the source builds it.
    TableInfo info = TableInfo.parse(sql(TableInfo.query("ohlcv4j_bench", table)));
    QueryCompiler compiler =
        new QueryCompiler(
            "ohlcv4j_bench",
            table,
            source.columns(),
            info.dialect(),
            info.timeType(source.columns()),
            info.isReplacing(),
            info);
    FetchPlan plan =
        FetchPlan.of(
            query,
            Interval.M1,
            query.rangeAt(Instant.now()),
            source.capabilities().maxRowsPerRequest(),
            1);
    String sql =
        plan.compile(compiler, List.of(SYMBOL.toString()), plan.from(), plan.windowEnd(plan.from()))
            .sql();
    if (plan.windowEnd(plan.from()) != plan.to()) {
      throw new IllegalStateException("The query should be one request: " + plan);
    }
    sqlFile = Files.createTempFile("ohlcv4j-bench-", ".sql");
    Files.writeString(sqlFile, sql);
    request =
        new Request.Builder()
            .url(url)
            .post(RequestBody.create(sql, MediaType.get("text/plain; charset=utf-8")))
            .build();
    discard = new byte[1 << 16];

    CandleSeries fetched = source.fetch(query);
    if (!fetched.equals(Payloads.candleSeries(ROWS))) {
      throw new IllegalStateException("The table does not hold the payload candles");
    }
    if (waitEndOfQuery.fetch(query).size() != ROWS) {
      throw new IllegalStateException("wait_end_of_query=1 read a different answer");
    }
    long bytes = okHttp();
    if (bytes != 44L * ROWS) {
      throw new IllegalStateException("OkHttp read " + bytes + " bytes, not " + 44L * ROWS);
    }
    curl();
  }

  /** Removes the SQL file. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(sqlFile);
  }

  /** The SDK: {@code source.fetch(query)} into a {@link CandleSeries}. */
  @Benchmark
  public CandleSeries sdkFetch() {
    return source.fetch(query);
  }

  /**
   * The SDK with {@code wait_end_of_query=1}: the server buffers the whole answer before sending
   * it, so an error can never follow rows (the alternative to detecting one in the stream).
   */
  @Benchmark
  public CandleSeries sdkFetchWaitEndOfQuery() {
    return waitEndOfQuery.fetch(query);
  }

  /** The floor: {@code curl} posting the same SQL and writing the answer to /dev/null. */
  @Benchmark
  public int curl() {
    try {
      Process p =
          new ProcessBuilder(
                  "curl", "-sS", "-o", "/dev/null", "--data-binary", "@" + sqlFile, url + "/")
              .redirectErrorStream(true)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      int code = p.waitFor();
      if (code != 0 || out.length != 0) {
        throw new IllegalStateException(
            "curl exited with " + code + ": " + new String(out, StandardCharsets.UTF_8));
      }
      return code;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The floor inside the JVM: OkHttp reading the same answer and discarding it. */
  @Benchmark
  public long okHttp() {
    try (Response r = http.newCall(request).execute()) {
      if (!r.isSuccessful()) {
        throw new IllegalStateException("HTTP " + r.code());
      }
      long total = 0;
      try (InputStream in = r.body().byteStream()) {
        int n;
        while ((n = in.read(discard)) >= 0) {
          total += n;
        }
      }
      return total;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String sql(String statement) {
    Request r =
        new Request.Builder()
            .url(url)
            .post(RequestBody.create(statement, MediaType.get("text/plain; charset=utf-8")))
            .build();
    try (Response response = http.newCall(r).execute()) {
      String body = response.body().string();
      if (!response.isSuccessful()) {
        throw new IllegalStateException(statement + ": " + body);
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
