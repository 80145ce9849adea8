package io.github.ohlcv4j.examples;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.OHLCChart;
import org.knowm.xchart.OHLCChartBuilder;
import org.knowm.xchart.OHLCSeries;

/**
 * Fetches three days of five-minute candles, resamples them to one hour and draws the hourly
 * candles as a candlestick chart in a PNG file, with <a
 * href="https://knowm.org/open-source/xchart/">XChart</a>.
 *
 * <p>With no arguments it reads the embedded sample market (synthetic data, no server, no network)
 * and writes {@code examples/target/ohlcv4j-chart.png}. The arguments are, in order and each
 * optional: a source URI ({@code sample:}, {@code bybit:linear}, {@code binance:spot} — these two
 * need internet access — or {@code clickhouse://localhost:8123/market?table=ohlcv}), a symbol
 * (default {@code BTCUSDT}) and the PNG file to write.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.ResampleAndChart
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.ohlcv4j.examples.ResampleAndChart \
 *     -Dexec.args="bybit:linear BTCUSDT /tmp/btcusdt-1h.png"
 * </pre>
 *
 * <p>The chart renders off screen ({@code java.awt.headless=true}), so it works on servers and in
 * CI.
 */
public final class ResampleAndChart {

  /** Width of the chart in pixels. */
  public static final int WIDTH = 1000;

  /** Height of the chart in pixels. */
  public static final int HEIGHT = 600;

  /** Colour of rising candles (close at or above open). */
  public static final Color UP = new Color(38, 166, 154);

  /** Colour of falling candles. */
  public static final Color DOWN = new Color(239, 83, 80);

  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2024-01-04T00:00:00Z");

  private ResampleAndChart() {}

  /**
   * Runs the example.
   *
   * @param args optional source URI (default {@code sample:}), symbol (default {@code BTCUSDT}) and
   *     PNG file (default {@code ohlcv4j-chart.png} in the folder named by the system property
   *     {@code ohlcv4j.examples.outputDir}, else in {@code target})
   */
  public static void main(String[] args) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    String source = args.length > 0 ? args[0] : "sample:";
    String symbol = args.length > 1 ? args[1] : "BTCUSDT";
    Path out =
        args.length > 2
            ? Path.of(args[2])
            : Path.of(System.getProperty("ohlcv4j.examples.outputDir", "target"))
                .resolve("ohlcv4j-chart.png");

    try (OhlcvClient client = OhlcvClient.of(source)) {
      OhlcvQuery query =
          OhlcvQuery.builder().symbol(symbol).interval(Interval.M5).between(FROM, TO).build();
      CandleSeries candles = client.fetch(query);
      CandleSeries hourly = candles.resample(Interval.H1);
      System.out.println(
          "Fetched " + candles.size() + " 5m candles from " + source + ", resampled to 1h:");
      System.out.println(hourly);

      writePng(chart(hourly), out);
      System.out.println();
      System.out.println(
          "Wrote a " + WIDTH + "x" + HEIGHT + " candlestick chart to " + out.toAbsolutePath());
    } catch (OhlcvException e) {
      System.err.println("Could not fetch candles from " + source + ": " + e.getMessage());
      System.exit(1);
    } catch (UncheckedIOException e) {
      System.err.println("Could not write " + out + ": " + e.getCause().getMessage());
      System.exit(3);
    }
  }

  /**
   * A candlestick chart of {@code series}, {@value #WIDTH} by {@value #HEIGHT} pixels, with times
   * on the x axis shown in the series' zone.
   */
  static OHLCChart chart(CandleSeries series) {
    String title =
        series.symbol()
            + " "
            + series.interval()
            + (series.isSynthetic() ? " (synthetic sample data)" : "");
    OHLCChart chart =
        new OHLCChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle("price").build();
    chart.getStyler().setTimezone(TimeZone.getTimeZone(series.zone()));
    chart.getStyler().setLocale(Locale.ROOT);
    chart.getStyler().setDatePattern("MM-dd HH:mm");
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);

    List<Date> times = new ArrayList<>(series.size());
    for (long t : series.openTimes()) {
      times.add(new Date(t));
    }
    OHLCSeries candles =
        chart.addSeries(
            series.symbol().toString(),
            times,
            boxed(series.opens()),
            boxed(series.highs()),
            boxed(series.lows()),
            boxed(series.closes()));
    candles.setUpColor(UP);
    candles.setDownColor(DOWN);
    return chart;
  }

  private static List<Double> boxed(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return list;
  }

  /**
   * Writes {@code chart} as a PNG file, creating its folder if needed.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  static void writePng(OHLCChart chart, Path out) {
    try {
      Path dir = out.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      try (OutputStream os = Files.newOutputStream(out)) {
        BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
