package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The checks the DuckDB benchmark runs before timing (both readers return the written candles,
 * DuckDB's hours equal the JVM's), on 20,000 candles, so that a change that breaks a variant fails
 * the build rather than a benchmark run.
 */
class DuckDbReadBenchmarkTest {

  @Test
  void bothReadersReturnTheWrittenCandles() throws Exception {
    DuckDbReadBenchmark bench = new DuckDbReadBenchmark();
    bench.rows = 20_000;
    bench.setup(); // runs check()
    try {
      assertEquals(20_000, bench.source().size());
      assertEquals(20_000, bench.jdbcLoop().size);
      assertEquals(334, bench.resampledToHours().size());
    } finally {
      bench.tearDown();
    }
  }
}
