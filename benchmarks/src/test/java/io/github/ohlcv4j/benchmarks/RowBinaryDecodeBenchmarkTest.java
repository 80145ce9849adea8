package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The checks the decode benchmark runs before timing: every variant yields the payload's rows bit
 * for bit. Run here too, so that a change that breaks a variant fails the build.
 */
class RowBinaryDecodeBenchmarkTest {

  @Test
  void allVariantsDecodeThePayloadRows() {
    RowBinaryDecodeBenchmark.Body body = new RowBinaryDecodeBenchmark.Body();
    body.setup(); // checks sdk, sdkWithoutSizeHint, byteBufferLoop, streamLoop, clientV2 on the
    // rows
    RowBinaryDecodeBenchmark bench = new RowBinaryDecodeBenchmark();
    assertEquals(Payloads.CLICKHOUSE_ROWS, bench.sdk(body).size());
    assertEquals(Payloads.CLICKHOUSE_ROWS, bench.byteBufferLoopNewColumns(body).size);
  }

  @Test
  void theCheckNoticesADifferentValue() {
    Payloads.Rows rows = Payloads.rows(1000);
    RowBinaryDecodeBenchmark.Columns c =
        RowBinaryDecodeBenchmark.byteBufferLoop(
            Payloads.rowBinary(rows), new RowBinaryDecodeBenchmark.Columns(1000));
    RowBinaryDecodeBenchmark.check("plain", c, rows);
    c.close[500] = Math.nextUp(c.close[500]);
    assertThrows(
        IllegalStateException.class, () -> RowBinaryDecodeBenchmark.check("changed", c, rows));
  }
}
