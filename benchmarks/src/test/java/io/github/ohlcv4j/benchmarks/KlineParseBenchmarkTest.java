package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import org.junit.jupiter.api.Test;

/**
 * The checks the benchmark runs before timing: every variant reads both payloads bit for bit. Run
 * here too, so that a change that breaks a variant fails the build, not a benchmark run.
 */
class KlineParseBenchmarkTest {

  @Test
  void everyVariantReadsThePayloadsExactly() {
    KlineParseBenchmark.Bodies bodies = new KlineParseBenchmark.Bodies();
    bodies.setup();
    KlineParseBenchmark bench = new KlineParseBenchmark();
    assertEquals(1000, bench.bybitSdk(bodies).size());
    assertEquals(1000, bench.binanceSdk(bodies).size());
    assertEquals(1000, bench.bybitHandRolled(bodies).n);
  }

  @Test
  void theCheckNoticesADifferentValue() {
    Payloads.Rows rows = Payloads.rows(Payloads.KLINE_ROWS);
    CandleSeries expected =
        Payloads.candleSeries(rows, KlineParseBenchmark.BYBIT_SYMBOL, ExtraColumn.QUOTE_VOLUME);
    byte[] body = Payloads.bybitKlines();
    // One digit of one turnover changed.
    String text = new String(body, java.nio.charset.StandardCharsets.US_ASCII);
    int at = text.indexOf("4781989.685");
    body[at + 10] = (byte) '6';
    CandleSeries changed = KlineParseBenchmark.bybitSdk(body);
    assertThrows(
        IllegalStateException.class,
        () -> KlineParseBenchmark.checkSame("changed", expected, changed));
  }
}
