package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;

/** Candle-for-candle comparison that says where two series differ. */
final class Candles {
  private Candles() {}

  /**
   * Asserts the same symbol, interval, times, values to the last bit (NaN equals NaN), extra
   * columns and flags — {@link CandleSeries#equals} — and on failure names the first difference.
   */
  static void assertSame(CandleSeries expected, CandleSeries actual, String what) {
    assertSame(expected, actual, what, false);
  }

  /**
   * As {@link #assertSame(CandleSeries, CandleSeries, String)}, but with {@code tolerant} the extra
   * columns only to within 1e-12 relative: resampling sums them in whatever order DuckDB adds them.
   */
  static void assertSame(
      CandleSeries expected, CandleSeries actual, String what, boolean tolerant) {
    if (expected.equals(actual)) {
      return;
    }
    assertEquals(expected.symbol(), actual.symbol(), what);
    assertEquals(expected.interval(), actual.interval(), what);
    assertEquals(expected.extraColumns(), actual.extraColumns(), what + ": extra columns");
    int n = Math.min(expected.size(), actual.size());
    for (int i = 0; i < n; i++) {
      String at = what + " candle " + i + " at " + expected.openTime(i);
      assertEquals(expected.openTimeMillis(i), actual.openTimeMillis(i), at);
      assertEquals(expected.open(i), actual.open(i), at + " open");
      assertEquals(expected.high(i), actual.high(i), at + " high");
      assertEquals(expected.low(i), actual.low(i), at + " low");
      assertEquals(expected.close(i), actual.close(i), at + " close");
      assertEquals(expected.volume(i), actual.volume(i), at + " volume");
      assertEquals(expected.flags(i), actual.flags(i), at + " flags");
      for (ExtraColumn x : expected.extraColumns()) {
        double e = expected.extra(x, i);
        double a = actual.extra(x, i);
        if (tolerant && !Double.isNaN(e)) {
          assertEquals(e, a, Math.abs(e) * 1e-12, at + " " + x);
        } else {
          assertEquals(e, a, at + " " + x);
        }
      }
    }
    assertEquals(expected.size(), actual.size(), what + ": candles");
    if (!tolerant) {
      fail(what + ": the series differ");
    }
  }
}
