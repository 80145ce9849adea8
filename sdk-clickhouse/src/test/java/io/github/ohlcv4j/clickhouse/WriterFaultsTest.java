package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.testing.Fault;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes that fail on the way, against the real server through a proxy: an insert is never sent
 * twice by the HTTP client, and a failed write says what is stored for certain — checked against
 * what the server holds.
 */
@ExtendWith(ClickHouseServer.Extension.class)
@Timeout(60)
class WriterFaultsTest {

  static final String DB = "ohlcv4j_writer_faults";
  static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
  static final Symbol SYM = Symbol.parse("BINANCE:BTCUSDT");

  static CandleSeries candles(int n) {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1);
    for (int i = 0; i < n; i++) {
      b.add(T0.toEpochMilli() + 60_000L * i, 10 + i, 12 + i, 9 + i, 11 + i, 1);
    }
    return b.build();
  }

  /** A plain MergeTree table, which keeps every copy of a row: duplicates show. */
  static ClickHouseSource.Builder table(ClickHouseServer server, String url, String name) {
    ClickHouseSource direct = server.source(DB, name).build();
    ClickHouseSchema.builder(direct).engine(ClickHouseSchema.Engine.MERGE_TREE).build().migrate();
    return ClickHouseSource.builder().url(url).database(DB).table(name);
  }

  static long count(ClickHouseServer server, String name) {
    return Long.parseLong(server.sql("SELECT count() FROM " + DB + "." + name).strip());
  }

  @Test
  void anInsertWhoseAnswerIsLostIsNotSentAgain(ClickHouseServer server) {
    try (ClickHouseProxy proxy = new ClickHouseProxy(server.url())) {
      ClickHouseSource source = table(server, "http://" + proxy.hostPort(), "lost_answer").build();
      proxy.insertFaults(ClickHouseProxy.dropBeforeAnswer());
      ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, () -> writer.write(candles(1000)));
      assertEquals(1, proxy.inserts().size(), "the insert was sent once: " + proxy.inserts());
      assertEquals(1000, count(server, "lost_answer"), "the server stored it once");
      assertTrue(e.isRetryable());
      assertTrue(
          e.getMessage().contains("Stored for certain by this write: 0 rows"), e.getMessage());
      assertTrue(e.getMessage().contains("may be stored in whole, in part or not at all"));
    }
  }

  @Test
  void aFailedBatchAfterGoodOnesSaysWhatIsStoredForCertain(ClickHouseServer server) {
    try (ClickHouseProxy proxy = new ClickHouseProxy(server.url())) {
      ClickHouseSource source = table(server, "http://" + proxy.hostPort(), "third_fails").build();
      proxy.insertFaults(Fault.none(), Fault.none(), ClickHouseProxy.dropBeforeAnswer());
      ClickHouseWriter writer = ClickHouseWriter.builder(source).batchSize(400).build();
      OhlcvException e = assertThrows(OhlcvException.class, () -> writer.write(candles(1000)));
      assertTrue(
          e.getMessage().contains("Stored for certain by this write: 800 rows in 2 batches"),
          e.getMessage());
      assertTrue(e.getMessage().contains("batch of 200 rows"), e.getMessage());
      assertEquals(3, proxy.inserts().size());
      assertEquals(1000, count(server, "third_fails"));
    }
  }

  @Test
  void anInsertBrokenOffMidUploadLeavesWholeInsertBlocksStored(ClickHouseServer server) {
    // ClickHouse stores an insert in blocks of max_insert_block_size rows, squashed to at least
    // min_insert_block_size_rows (both 1,048,576 by default), each on its own: an upload broken
    // off after two and a half blocks leaves two stored.
    try (ClickHouseProxy proxy = new ClickHouseProxy(server.url())) {
      ClickHouseSource source =
          table(server, "http://" + proxy.hostPort(), "blocks")
              .setting("max_insert_block_size", "1000")
              .setting("min_insert_block_size_rows", "1000")
              .build();
      int rowBytes = RowBinaryBytes.rowBytes(SYM.toString(), TimeColumnType.DATE_TIME);
      proxy.cutInsertsAfter(2500L * rowBytes + 7);
      ClickHouseWriter writer = ClickHouseWriter.builder(source).batchSize(5000).build();
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, () -> writer.write(candles(5000)));
      assertEquals(2000, count(server, "blocks"));
      assertEquals(1, proxy.inserts().size());
      assertTrue(e.getMessage().contains("0 rows in 0 batches"), e.getMessage());
      assertTrue(e.getMessage().contains("in part"), e.getMessage());
    }
  }

  @Test
  void aRefusedBatchIsNotStoredAndSaysSo(ClickHouseServer server) {
    ClickHouseSource reader =
        table(server, server.url(), "refused").user(ClickHouseServer.READONLY_USER).build();
    AuthenticationException e =
        assertThrows(
            AuthenticationException.class,
            () -> ClickHouseWriter.builder(reader).build().write(candles(10)));
    assertEquals("164", e.venueCode().orElseThrow());
    assertTrue(e.getMessage().contains("is not stored (the server refused it"), e.getMessage());
    assertEquals(0, count(server, "refused"));
  }

  /** The size of RowBinary rows as the writer sends them. */
  static final class RowBinaryBytes {
    private RowBinaryBytes() {}

    static int rowBytes(String symbol, TimeColumnType type) {
      int len = symbol.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      int varint = len < 128 ? 1 : 2;
      return varint + len + (type == TimeColumnType.DATE_TIME ? 4 : 8) + 40;
    }
  }
}
