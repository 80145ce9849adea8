package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.time.Instant;

/** Test helpers: candle-for-candle comparison, and reading candles with plain SQL. */
final class Candles {
  private Candles() {}

  /**
   * Asserts the same symbol, interval and candles: times, prices and flags exactly; volumes to
   * within 1e-12 relative, as the server may add them in another order than the JVM.
   */
  static void assertSameCandles(CandleSeries expected, CandleSeries actual, String what) {
    assertEquals(expected.symbol(), actual.symbol(), what);
    assertEquals(expected.interval(), actual.interval(), what);
    if (expected.size() != actual.size()) {
      fail(what + ": expected " + expected.size() + " candles, got " + actual.size());
    }
    for (int i = 0; i < expected.size(); i++) {
      String at = what + " candle " + i + " at " + expected.openTime(i);
      assertEquals(expected.openTimeMillis(i), actual.openTimeMillis(i), at);
      assertEquals(expected.open(i), actual.open(i), at + " open");
      assertEquals(expected.high(i), actual.high(i), at + " high");
      assertEquals(expected.low(i), actual.low(i), at + " low");
      assertEquals(expected.close(i), actual.close(i), at + " close");
      assertEquals(
          expected.volume(i),
          actual.volume(i),
          Math.abs(expected.volume(i)) * 1e-12,
          at + " volume");
      assertEquals(expected.flags(i), actual.flags(i), at + " flags");
    }
  }

  /** The stored candles of a symbol in {@code [from, to)}, read with TabSeparated SQL. */
  static CandleSeries direct(
      ClickHouseServer server,
      String table,
      Symbol symbol,
      Interval interval,
      Instant from,
      Instant to) {
    String tsv =
        server.sql(
            "SELECT toUInt32(ts), open, high, low, close, volume FROM "
                + table
                + " FINAL WHERE hex(symbol) = '"
                + hex(symbol.toString())
                + "' AND ts >= toDateTime("
                + Math.max(0, (from.toEpochMilli() + 999) / 1000)
                + ") AND ts < toDateTime("
                + (to.toEpochMilli() + 999) / 1000
                + ") ORDER BY ts FORMAT TabSeparated");
    CandleSeries.Builder b = CandleSeries.builder(symbol, interval);
    for (String line : tsv.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t");
      b.add(
          Long.parseLong(f[0]) * 1000,
          Double.parseDouble(f[1]),
          Double.parseDouble(f[2]),
          Double.parseDouble(f[3]),
          Double.parseDouble(f[4]),
          Double.parseDouble(f[5]));
    }
    return b.build();
  }

  /** Upper-case hex of the UTF-8 bytes, as ClickHouse's {@code hex(s)} prints it. */
  static String hex(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      b.append(String.format("%02X", x & 0xFF));
    }
    return b.toString();
  }
}
