package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryWriter;
import java.io.IOException;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/**
 * The plain POST of the write benchmark sends the writer's own bytes; they are exactly the
 * published RowBinary payload of the same rows, so the benchmark compares like with like.
 */
class ClickHouseWriteBenchmarkTest {

  @Test
  void theWritersBytesAreThePayload() throws IOException {
    int n = 5000;
    CandleSeries candles = Payloads.candleSeries(n);
    Buffer bytes = new Buffer();
    RowBinaryWriter.body(
            candles, 0, n, candles.symbol().toString(), TimeColumnType.DATE_TIME, false)
        .writeTo(bytes);
    assertArrayEquals(Payloads.rowBinary(Payloads.rows(n)), bytes.readByteArray());
  }
}
