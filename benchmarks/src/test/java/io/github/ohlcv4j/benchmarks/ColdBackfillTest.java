package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold backfill scaled down to three days (4,320 candles, five requests): every candle reaches
 * the store with the market's prices, and the venue never counted more weight in a minute than its
 * limit, nor refused a request.
 */
class ColdBackfillTest {

  @Test
  void threeDaysReachTheStoreWithinTheBudget(@TempDir Path dir) throws Exception {
    ColdBackfill.Result r = ColdBackfill.run(3, 6000, dir);
    assertEquals(4320, r.expected());
    assertEquals(4320, r.candles(), r.toString());
    assertEquals(0, r.missing(), r.toString());
    assertEquals(5, r.requests(), "1000 candles a request: " + r);
    assertEquals(10, r.weight());
    assertTrue(r.withinBudget(), r.toString());
    assertTrue(r.used() > 0 && r.used() <= 1, r.toString());
  }
}
