package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import org.openjdk.jol.info.GraphLayout;

/**
 * Prints the retained size of a {@link CandleSeries} of the {@link Payloads} candles, measured by
 * walking its object graph with JOL: everything reachable from the series (columns, symbol,
 * interval, zone, statistics). The budget is 56 MB for 1,000,000 candles: 48 bytes a candle plus
 * headroom.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.github.ohlcv4j.benchmarks.RetainedSize [candles]}.
 */
public final class RetainedSize {

  /** The retained-size budget of a series of 1,000,000 candles, in bytes (56 MB, MB = 10^6 B). */
  public static final long BUDGET_1M_BYTES = 56_000_000L;

  static {
    // CandleSeries holds records (BuildStats), whose field offsets Unsafe refuses to give; JOL then
    // needs its own way of finding them.
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
  }

  private RetainedSize() {}

  /**
   * Prints the footprint table and total of a series of {@code args[0]} candles (1,000,000 by
   * default).
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : Payloads.CLICKHOUSE_ROWS;
    CandleSeries series = Payloads.candleSeries(n);
    GraphLayout layout = GraphLayout.parseInstance(series);
    System.out.println(layout.toFootprint());
    long total = layout.totalSize();
    System.out.printf(
        "CandleSeries of %,d candles retains %,d bytes (%.2f bytes a candle, %.1f MB)%n",
        n, total, (double) total / n, total / 1e6);
  }

  /** The bytes retained by {@code series}: every object reachable from it, each counted once. */
  public static long of(CandleSeries series) {
    return GraphLayout.parseInstance(series).totalSize();
  }
}
