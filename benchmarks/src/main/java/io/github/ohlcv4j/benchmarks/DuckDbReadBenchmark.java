package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.duckdb.DuckDbSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
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
 * Reading the 1,000,000 payload candles back from a DuckDB store file: through {@link
 * DuckDbSource#fetch} into a {@link CandleSeries}, beside DuckDB's own JDBC driver running the same
 * {@code SELECT} and copying each row into six primitive arrays (the ceiling: what any Java reader
 * of the file pays), in the same run. {@code resampledToHours} is the same range resampled to hours
 * by DuckDB.
 *
 * <p>The setup writes {@link Payloads#candleSeries(int)} into a new store file in a temporary
 * directory through {@link DuckDbSource#write}, checkpointed as a file at rest would be, and checks
 * that both readers return the written candles. Run with {@code benchmarks/run.sh
 * DuckDbReadBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Benchmark)
public class DuckDbReadBenchmark {

  static final Symbol SYMBOL = Symbol.of(Payloads.SYMBOL);

  /** How many candles the store holds and each read returns. */
  @Param("1000000")
  public int rows;

  Path dir;
  DuckDbSource store;
  OhlcvQuery query;
  OhlcvQuery hourly;
  Connection jdbc;
  PreparedStatement select;
  CandleSeries written;

  /** Writes the candles into a new store and checks both readers. */
  @Setup(Level.Trial)
  public void setup() {
    try {
      dir = Files.createTempDirectory("ohlcv4j-duckdb-bench");
      Path file = dir.resolve("candles.duckdb");
      written = Payloads.candleSeries(Payloads.rows(rows), SYMBOL);
      try (DuckDbSource w = DuckDbSource.builder().path(file).build()) {
        w.write(written);
      }
      store = DuckDbSource.builder().path(file).build();
      Instant from = written.start().orElseThrow();
      Instant to = written.end().orElseThrow();
      query = OhlcvQuery.builder().symbol(SYMBOL).interval(Interval.M1).between(from, to).build();
      hourly = query.newBuilder().resample(Interval.H1).build();
      jdbc = DriverManager.getConnection("jdbc:duckdb:" + file);
      select =
          jdbc.prepareStatement(
              "SELECT epoch_ms(open_time), open, high, low, close, volume FROM ohlcv4j_candles"
                  + " WHERE symbol = ? AND \"interval\" = '1m' AND zone = 'UTC'"
                  + " AND open_time >= make_timestamp(?) AND open_time < make_timestamp(?)"
                  + " ORDER BY open_time");
      select.setString(1, SYMBOL.toString());
      select.setLong(2, from.toEpochMilli() * 1000);
      select.setLong(3, to.toEpochMilli() * 1000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    check();
  }

  /** Both readers return the written candles, or the benchmark does not run. */
  void check() {
    CandleSeries viaSource = source();
    if (!written.equals(viaSource)) {
      throw new IllegalStateException("DuckDbSource.fetch does not return the written candles");
    }
    Columns c = jdbcLoop();
    for (int i = 0; i < written.size(); i++) {
      if (c.time[i] != written.openTimeMillis(i)
          || c.open[i] != written.open(i)
          || c.high[i] != written.high(i)
          || c.low[i] != written.low(i)
          || c.close[i] != written.close(i)
          || c.volume[i] != written.volume(i)) {
        throw new IllegalStateException("The JDBC loop differs from the written candles at " + i);
      }
    }
    if (c.size != written.size()) {
      throw new IllegalStateException("The JDBC loop read " + c.size + " rows, not " + rows);
    }
    if (!written.resample(Interval.H1).equals(resampledToHours())) {
      throw new IllegalStateException("DuckDB's hours differ from CandleSeries.resample");
    }
  }

  /** Removes the store. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    select.close();
    jdbc.close();
    store.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The store: {@code fetch} of the whole range. */
  @Benchmark
  public CandleSeries source() {
    return store.fetch(query);
  }

  /** The same range resampled to hours by DuckDB. */
  @Benchmark
  public CandleSeries resampledToHours() {
    return store.fetch(hourly);
  }

  /** The ceiling: DuckDB's JDBC driver, the same SELECT, rows copied into primitive arrays. */
  @Benchmark
  public Columns jdbcLoop() {
    Columns c = new Columns(rows);
    try (ResultSet r = select.executeQuery()) {
      int i = 0;
      while (r.next()) {
        c.time[i] = r.getLong(1);
        c.open[i] = r.getDouble(2);
        c.high[i] = r.getDouble(3);
        c.low[i] = r.getDouble(4);
        c.close[i] = r.getDouble(5);
        c.volume[i] = r.getDouble(6);
        i++;
      }
      c.size = i;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return c;
  }

  /** Six primitive columns. */
  public static final class Columns {
    final long[] time;
    final double[] open;
    final double[] high;
    final double[] low;
    final double[] close;
    final double[] volume;
    int size;

    Columns(int n) {
      time = new long[n];
      open = new double[n];
      high = new double[n];
      low = new double[n];
      close = new double[n];
      volume = new double[n];
    }
  }
}
