package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import org.junit.jupiter.api.Test;

/** The memory budget of a series: 1,000,000 candles retain at most 56 MB. */
class RetainedSizeTest {

  @Test
  void aMillionCandlesStayWithinTheBudget() {
    CandleSeries series = Payloads.candleSeries(Payloads.CLICKHOUSE_ROWS);
    long bytes = RetainedSize.of(series);
    // At least the six 8-byte columns, at most the budget.
    assertTrue(bytes >= 48L * Payloads.CLICKHOUSE_ROWS, "retained " + bytes);
    assertTrue(bytes <= RetainedSize.BUDGET_1M_BYTES, "retained " + bytes);
  }
}
