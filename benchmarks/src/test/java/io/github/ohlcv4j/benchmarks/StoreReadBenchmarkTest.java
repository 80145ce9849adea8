package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The checks the warm-read benchmark runs before timing, on 20,000 candles in a DuckDB store: both
 * reads return the written candles, and reading through the client asks the venue nothing, however
 * often.
 */
class StoreReadBenchmarkTest {

  @Test
  void aWarmReadThroughTheClientAsksTheVenueNothing() throws Exception {
    StoreReadBenchmark bench = new StoreReadBenchmark();
    bench.store = "duckdb";
    bench.rows = 20_000;
    bench.setup(); // runs check()
    try {
      for (int i = 0; i < 3; i++) {
        assertEquals(bench.written, bench.throughClient());
      }
      assertEquals(bench.written, bench.direct());
      assertEquals(0, bench.venue.requests(), "a warm read costs no venue request");
    } finally {
      bench.tearDown();
    }
  }
}
