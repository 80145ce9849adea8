package io.github.ohlcv4j.examples;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Candles from CSV files through a client: writes the quickstart's day (one day of one-minute
 * BTCUSDT candles from the sample market) to a CSV file with {@code toCsv}, reads it back with the
 * {@code csv:} source, resampled to hours, and reads the Binance kline dumps it is given (the
 * monthly or daily files of Binance's public data site, zipped or not).
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.CsvFiles
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.CsvFiles \
 *     -Dexec.args="examples/target/csv ~/Downloads/BTCUSDT-1m-2025-01.zip"
 * </pre>
 */
public final class CsvFiles {
  private CsvFiles() {}

  /** A Binance dump's name: symbol, interval, year, month and an optional day. */
  private static final Pattern DUMP =
      Pattern.compile("([A-Za-z0-9]+)-(\\w+)-(\\d{4})-(\\d{2})(?:-(\\d{2}))?\\.(?:csv|zip)");

  /**
   * Runs the example.
   *
   * @param args optional: the folder to write the CSV file to (default {@code
   *     examples/target/csv}), then Binance kline dump files to read
   */
  public static void main(String[] args) {
    Path folder =
        args.length > 0
            ? Path.of(args[0])
            : Path.of(System.getProperty("ohlcv4j.examples.outputDir", "examples/target"), "csv");
    try {
      quickstartDay(folder);
      for (int i = 1; i < args.length; i++) {
        binanceDump(Path.of(args[i]));
      }
    } catch (OhlcvException e) {
      System.err.println("Could not read candles: " + e.getMessage());
      System.exit(1);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }

  private static void quickstartDay(Path folder) throws IOException {
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    OhlcvQuery day =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .interval(Interval.M1)
            .between(from, from.plusSeconds(86_400))
            .build();
    CandleSeries written;
    try (OhlcvClient sample = OhlcvClient.of("sample:")) {
      written = sample.fetch(day);
    }
    Files.createDirectories(folder);
    Path file = folder.resolve("BTCUSDT-1m-2024-01-01.csv");
    try (Writer w = Files.newBufferedWriter(file)) {
      written.toCsv(w);
    }
    System.out.println("Wrote the quickstart's day (" + written.size() + " candles) to " + file);

    try (OhlcvClient csv = OhlcvClient.of(uri(folder))) {
      CandleSeries read = csv.fetch(day);
      System.out.println(read);
      System.out.println(
          "Read back through "
              + uri(folder)
              + ": "
              + read.size()
              + " candles, the same as written: "
              + read.toCsv().equals(written.toCsv()));
      System.out.println();
      CandleSeries hourly = csv.fetch(day.newBuilder().resample(Interval.H1).build());
      System.out.println("Resampled to 1h by the client:");
      System.out.println(hourly.toTable(3));
    }
  }

  private static void binanceDump(Path file) {
    Matcher m = DUMP.matcher(String.valueOf(file.getFileName()));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          file + " is not named as Binance names its kline dumps (BTCUSDT-1m-2025-01.zip)");
    }
    LocalDate first =
        LocalDate.of(
            Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)),
            m.group(5) != null ? Integer.parseInt(m.group(5)) : 1);
    LocalDate end = m.group(5) != null ? first.plusDays(1) : first.plusMonths(1);
    String interval = m.group(2).endsWith("mo") ? m.group(2).replace("mo", "M") : m.group(2);
    OhlcvQuery query =
        OhlcvQuery.builder()
            .symbol(m.group(1))
            .interval(Interval.parse(interval))
            .between(
                first.atStartOfDay().toInstant(ZoneOffset.UTC),
                end.atStartOfDay().toInstant(ZoneOffset.UTC))
            .build();
    try (OhlcvClient csv = OhlcvClient.of(uri(file))) {
      CandleSeries candles = csv.fetch(query);
      System.out.println();
      System.out.println("Binance's dump " + file.getFileName() + ":");
      System.out.println(candles);
      System.out.println(candles.quality());
    }
  }

  /** The {@code csv:} URI of a path, with the characters a URI cannot hold escaped. */
  private static String uri(Path p) {
    return "csv:" + p.toString().replace("%", "%25").replace(" ", "%20");
  }
}
