package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The checks the benchmark runs before timing: every variant gives the published 16,667 hourly
 * bars. Run here too, so that a change that breaks a variant fails the build, not a benchmark run.
 */
class ResampleBenchmarkTest {

  @Test
  void allVariantsGiveThePublishedBars() {
    ResampleBenchmark.Candles candles = new ResampleBenchmark.Candles();
    candles.setup(); // plain loop vs published values, CandleSeries.resample vs plain loop
    new ResampleBenchmark.Ta4jCandles().setup(candles); // ta4j vs plain loop

    ResampleBenchmark bench = new ResampleBenchmark();
    assertEquals(16_667, bench.resample(candles).size());
    assertEquals(16_667, bench.columnarLoop(candles).size());
  }

  @Test
  void theCheckNoticesADifferentBar() {
    ResampleBenchmark.Candles candles = new ResampleBenchmark.Candles();
    candles.setup();
    ResampleBenchmark.Bars reference = ResampleBenchmark.plainLoop(candles);
    ResampleBenchmark.Bars changed = ResampleBenchmark.plainLoop(candles);
    changed.volume[9000] = Math.nextUp(changed.volume[9000]);
    assertThrows(IllegalStateException.class, () -> reference.checkSame("changed", changed));
  }
}
