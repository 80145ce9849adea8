package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.clickhouse.ClickHouseSchema;
import io.github.ohlcv4j.clickhouse.ClickHouseSource;
import io.github.ohlcv4j.clickhouse.ClickHouseWriter;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * End to end against a local ClickHouse server: writing the 1,000,000 payload candles with {@link
 * ClickHouseWriter#write} beside the very same RowBinary bytes sent as one plain HTTP POST (OkHttp,
 * the bytes prepared in memory beforehand: the floor of an INSERT from the JVM). Both go into a
 * {@code MergeTree} table of the same shape, emptied before each iteration, so neither pays for
 * merges the other caused.
 *
 * <p>{@code sdkWrite} is the writer as it comes ({@code batchSize} 500,000: two INSERTs); {@code
 * sdkWriteOneBatch} sends one INSERT, like the plain POST. The goal: the writer within 1.2× of the
 * plain POST.
 *
 * <p>Needs a server: {@code benchmarks/clickhouse.sh start} prints its URL, which goes to JMH as
 * {@code -p url=http://127.0.0.1:18124}. Run with {@code benchmarks/run.sh ClickHouseWriteBenchmark
 * -p url=...}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Benchmark)
public class ClickHouseWriteBenchmark {

  static final int ROWS = Payloads.CLICKHOUSE_ROWS;
  static final String DATABASE = "ohlcv4j_bench";

  /** The server's HTTP endpoint. */
  @Param("")
  public String url;

  CandleSeries candles;
  ClickHouseSource sdkTable;
  ClickHouseWriter writer;
  ClickHouseWriter oneBatch;
  OkHttpClient http;
  Request plainPost;
  long plainBytes;

  /** Creates the tables and prepares the bytes of the plain POST. */
  @Setup(Level.Trial)
  public void setup() throws IOException {
    if (url.isEmpty()) {
      throw new IllegalStateException(
          "Start a server with benchmarks/clickhouse.sh start and pass -p url=<its URL>");
    }
    candles = Payloads.candleSeries(ROWS);
    sdkTable = table("writes_sdk");
    table("writes_plain");
    writer = ClickHouseWriter.builder(sdkTable).build();
    oneBatch = ClickHouseWriter.builder(sdkTable).batchSize(ROWS).build();
    http = new OkHttpClient();

    // The bytes the writer sends, made by the writer's own encoder.
    Buffer bytes = new Buffer();
    RowBinaryWriter.body(
            candles, 0, ROWS, candles.symbol().toString(), TimeColumnType.DATE_TIME, false)
        .writeTo(bytes);
    plainBytes = bytes.size();
    String insert =
        "INSERT INTO "
            + DATABASE
            + ".writes_plain (symbol, ts, open, high, low, close, volume) FORMAT RowBinary";
    plainPost =
        new Request.Builder()
            .url(HttpUrl.get(url).newBuilder().addQueryParameter("query", insert).build())
            .post(
                RequestBody.create(
                    bytes.readByteArray(), MediaType.get("application/octet-stream")))
            .build();

    // Both ways store the payload's candles.
    emptyTables();
    if (sdkWrite().rows() != ROWS || plainPost() != plainBytes) {
      throw new IllegalStateException("A variant did not write the payload");
    }
    String both =
        sql(
            "SELECT count(), sum(cityHash64(symbol, ts, open, high, low, close, volume)) FROM "
                + DATABASE
                + ".writes_sdk UNION ALL SELECT count(), sum(cityHash64(symbol, ts, open, high,"
                + " low, close, volume)) FROM "
                + DATABASE
                + ".writes_plain FORMAT TabSeparated");
    String[] lines = both.strip().split("\n");
    if (lines.length != 2 || !lines[0].equals(lines[1]) || !lines[0].startsWith(ROWS + "\t")) {
      throw new IllegalStateException("The tables differ: " + both);
    }
  }

  /** Empties both tables, so that every iteration inserts into the same state. */
  @Setup(Level.Iteration)
  public void emptyTables() {
    sql("TRUNCATE TABLE " + DATABASE + ".writes_sdk");
    sql("TRUNCATE TABLE " + DATABASE + ".writes_plain");
  }

  /** The SDK as it comes: {@code writer.write(series)} in batches of 500,000. */
  @Benchmark
  public ClickHouseWriter.WriteResult sdkWrite() {
    return writer.write(candles);
  }

  /** The SDK in one INSERT, like the plain POST. */
  @Benchmark
  public ClickHouseWriter.WriteResult sdkWriteOneBatch() {
    return oneBatch.write(candles);
  }

  /** The floor: the same RowBinary bytes, ready in memory, sent in one POST with OkHttp. */
  @Benchmark
  public long plainPost() {
    try (Response r = http.newCall(plainPost).execute()) {
      if (!r.isSuccessful()) {
        throw new IllegalStateException("HTTP " + r.code() + ": " + r.body().string());
      }
      return plainBytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ClickHouseSource table(String name) {
    ClickHouseSource source =
        ClickHouseSource.builder().url(url).database(DATABASE).table(name).build();
    ClickHouseSchema.builder(source)
        .engine(ClickHouseSchema.Engine.MERGE_TREE)
        .timeColumnType(TimeColumnType.DATE_TIME)
        .build()
        .migrate();
    return source;
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
