package io.github.ohlcv4j.examples;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Recorder;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.duckdb.DuckDbSource;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Records the sample market's live one-minute candles into a DuckDB file with a {@link Recorder},
 * then reads the file back resampled to five minutes.
 *
 * <p>The sample market streams with its clock 120 times faster than the wall clock (as {@code
 * sample:?speed=120}: a minute closes every half second). The recorder first backfills the last ten
 * minutes, then writes each candle as it closes, until five live ones are stored; it never stores
 * the candle still forming. The file is recorded afresh on every run.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.RecordToDuckDb
 * </pre>
 */
public final class RecordToDuckDb {
  private RecordToDuckDb() {}

  /**
   * Records, closes, reads back.
   *
   * @param args optional DuckDB file (default {@code examples/target/recorded.duckdb}, or under
   *     {@code ohlcv4j.examples.outputDir})
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    Path file =
        args.length > 0
            ? Path.of(args[0])
            : Path.of(
                System.getProperty("ohlcv4j.examples.outputDir", "examples/target"),
                "recorded.duckdb");
    Files.deleteIfExists(file);
    Files.deleteIfExists(Path.of(file + ".wal"));
    Symbol btc = Symbol.parse("BTCUSDT");
    SampleSource market = SampleSource.builder().speed(120).build();
    // The store decides which candles have closed by its clock: give it the market's.
    SourceContext marketTime = SourceContext.builder().clock(market.clock()).build();
    int exit = 0;
    try {
      Instant from;
      Instant until;
      Instant readTo;
      DuckDbSource store = DuckDbSource.builder().path(file).context(marketTime).build();
      try (OhlcvClient client = OhlcvClient.builder().source(market).store(store).build()) {
        Instant start = Interval.M1.bucketStart(market.clock().instant(), ZoneOffset.UTC);
        from = start.minus(Duration.ofMinutes(10)); // ten minutes of history
        until = start.plus(Duration.ofMinutes(5)); // then five live closes
        Recorder recorder =
            Recorder.builder().client(client).symbol(btc).interval(Interval.M1).from(from).build();
        System.out.println("Recording " + btc + " 1m from the sample market (120x) into " + file);
        recorder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        Recorder.Status s = recorder.status().get(0);
        while (s.coverageEnd().map(end -> end.isBefore(until)).orElse(true)) {
          if (System.nanoTime() > deadline) {
            System.err.println("The recorder did not get there in 8 s: " + s);
            exit = 1;
            break;
          }
          Thread.sleep(50);
          s = recorder.status().get(0);
        }
        recorder.close(); // stops the stream and writes the closes still waiting
        s = recorder.status().get(0);
        // Read back up to the last five-minute boundary recorded: a later bucket has not closed.
        readTo = Interval.M5.bucketStart(s.coverageEnd().orElse(from), ZoneOffset.UTC);
        System.out.println(
            "Stored "
                + s.written()
                + " candles, "
                + s.firstStored().map(Instant::toString).orElse("-")
                + " to "
                + s.lastStored().map(Instant::toString).orElse("-")
                + "; covered to "
                + s.coverageEnd().map(Instant::toString).orElse("-")
                + s.lastError().map(e -> "; last error: " + e.getMessage()).orElse(""));
      } // closes the client and its store

      // Read the file back through a client on the market's clock, which decides what has closed.
      try (OhlcvClient reader =
          OhlcvClient.builder()
              .clock(market.clock())
              .source(DuckDbSource.builder().path(file).readOnly(true).context(marketTime).build())
              .build()) {
        CandleSeries fives =
            reader.fetch(
                OhlcvQuery.builder()
                    .symbol(btc)
                    .interval(Interval.M1)
                    .between(from, readTo)
                    .resample(Interval.M5)
                    .build());
        System.out.println();
        System.out.println("Read back from " + file + ", resampled to 5m:");
        System.out.println(fives.toTable(10));
      }
    } catch (OhlcvException e) {
      System.err.println("Could not record: " + e.getMessage());
      exit = 1;
    }
    if (exit != 0) {
      System.exit(exit);
    }
  }
}
