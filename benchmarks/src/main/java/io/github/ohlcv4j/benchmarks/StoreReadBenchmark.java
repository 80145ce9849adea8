package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.clickhouse.ClickHouseSchema;
import io.github.ohlcv4j.clickhouse.ClickHouseSource;
import io.github.ohlcv4j.duckdb.DuckDbSource;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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
 * A warm read: a range the store holds complete, read through a client with {@code .store(...)}
 * ({@code throughClient}: coverage lookup, planning, the store's pages through the client's page
 * checks) beside the same range read straight from the store ({@code direct}: {@code
 * store.fetch(query)}), for a DuckDB store file and a ClickHouse table, in one run. The goal is
 * {@code throughClient} at most 1.1 times {@code direct}.
 *
 * <p>The setup writes {@link Payloads#candleSeries(int)} with the range it covers into the store,
 * checks that both reads return the written candles and that the client's read asked the venue
 * nothing. The venue is a sample market that counts the requests it gets. The ClickHouse store
 * needs a server: {@code benchmarks/clickhouse.sh start} prints its URL, which goes to JMH as
 * {@code -p url=http://127.0.0.1:18124}. Run with {@code benchmarks/run.sh StoreReadBenchmark -p
 * url=...}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Benchmark)
public class StoreReadBenchmark {

  static final Symbol SYMBOL = Symbol.of(Payloads.SYMBOL);

  /** {@code duckdb}: a store file in a temporary directory; {@code clickhouse}: a table. */
  @Param({"duckdb", "clickhouse"})
  public String store = "duckdb";

  /** How many candles the store holds and each read returns. */
  @Param("1000000")
  public int rows = 1_000_000;

  /** The ClickHouse server's HTTP endpoint (for {@code store=clickhouse}). */
  @Param("")
  public String url = "";

  @org.jspecify.annotations.Nullable Path dir;
  CandleStore candles;
  CountingVenue venue;
  OhlcvClient client;
  OhlcvQuery query;
  CandleSeries written;

  /** Fills the store and checks both reads. */
  @Setup(Level.Trial)
  public void setup() {
    written = Payloads.candleSeries(Payloads.rows(rows), SYMBOL);
    TimeRange range = new TimeRange(written.start().orElseThrow(), written.end().orElseThrow());
    query =
        OhlcvQuery.builder()
            .symbol(SYMBOL)
            .interval(Interval.M1)
            .between(range.from(), range.to())
            .build();
    candles = store.equals("clickhouse") ? clickHouse(range) : duckDb(range);
    venue = new CountingVenue(SampleSource.create());
    client = OhlcvClient.builder().source(venue).store(candles).autoDiscover(false).build();
    check();
  }

  private CandleStore duckDb(TimeRange range) {
    Path d;
    try {
      d = Files.createTempDirectory("ohlcv4j-store-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dir = d;
    Path file = d.resolve("candles.duckdb");
    try (DuckDbSource w = DuckDbSource.builder().path(file).build()) {
      w.write(written, range);
    }
    return DuckDbSource.builder().path(file).build();
  }

  private CandleStore clickHouse(TimeRange range) {
    if (url.isEmpty()) {
      throw new IllegalStateException(
          "Start a server with benchmarks/clickhouse.sh start and pass -p url=<its URL>");
    }
    ClickHouseSource s =
        ClickHouseSource.builder().url(url).database("ohlcv4j_bench").table("store_read").build();
    ClickHouseSchema.builder(s).build().migrate();
    Coverage held = s.coverage(SYMBOL, Interval.M1);
    if (!held.isComplete(range) || s.fetch(query).size() != rows) {
      s.write(written, range); // a re-run with the same rows stores nothing new
    }
    return s;
  }

  /** Both reads return the written candles, and the client's asks the venue nothing. */
  void check() {
    if (!written.equals(direct())) {
      throw new IllegalStateException(store + ": store.fetch does not return the written candles");
    }
    if (!written.equals(throughClient())) {
      throw new IllegalStateException(store + ": the client does not return the written candles");
    }
    if (venue.requests() != 0) {
      throw new IllegalStateException(
          store + ": a warm read asked the venue " + venue.requests() + " times");
    }
  }

  /** Closes the client (and with it the store), and removes the DuckDB file. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    client.close();
    Path d = dir;
    if (d != null) {
      try (Stream<Path> files = Files.walk(d)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The range read straight from the store. */
  @Benchmark
  public CandleSeries direct() {
    return candles.fetch(query);
  }

  /** The same range read through a client with the store: it asks the venue nothing. */
  @Benchmark
  public CandleSeries throughClient() {
    return client.fetch(query);
  }

  /** A venue that counts the requests (cursors) it was asked for. */
  static final class CountingVenue implements CandleSource {
    private final CandleSource market;
    private final AtomicInteger requests = new AtomicInteger();

    CountingVenue(CandleSource market) {
      this.market = market;
    }

    int requests() {
      return requests.get();
    }

    @Override
    public String name() {
      return "venue";
    }

    @Override
    public SourceCapabilities capabilities() {
      return market.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery q) {
      requests.incrementAndGet();
      return market.cursor(q);
    }

    @Override
    public String toString() {
      return "CountingVenue" + List.of(market.name());
    }
  }
}
