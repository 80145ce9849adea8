package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.StoreSchemaException;
import io.github.ohlcv4j.source.WriteResult;
import io.github.ohlcv4j.testing.CandleStoreContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store contract on a real ClickHouse server: each store is a fresh table. */
@ExtendWith(ClickHouseServer.Extension.class)
class ClickHouseStoreTest extends CandleStoreContract {

  static final String DB = "ohlcv4j_store_contract";
  private static final AtomicInteger TABLES = new AtomicInteger();

  private ClickHouseServer server;

  @BeforeEach
  void server(ClickHouseServer server) {
    this.server = server;
  }

  @Override
  protected int randomRounds() {
    return 2;
  }

  @Override
  protected CandleStore store(Instant now) {
    ClickHouseSource source =
        server
            .source(DB, "store_" + TABLES.incrementAndGet())
            .context(SourceContext.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build())
            .build();
    ClickHouseSchema.builder(source).build().migrate();
    return source;
  }

  static long activeParts(ClickHouseServer server, String table) {
    return Long.parseLong(
        server
            .sql(
                "SELECT count() FROM system.parts WHERE database = '"
                    + DB
                    + "' AND table = '"
                    + table
                    + "' AND active")
            .strip());
  }

  @Test
  void aRerunStoresNothingNewAndALostAnswerLeavesNoCoverage() throws Exception {
    Instant end = START.plus(Duration.ofDays(1));
    CandleSeries day = sample(BTC, START, end);
    TimeRange range = new TimeRange(START, end);
    try (ClickHouseProxy proxy = new ClickHouseProxy(server.url())) {
      String table = "store_lost_answer";
      ClickHouseSource direct = server.source(DB, table).build();
      ClickHouseSchema.builder(direct).build().migrate();
      ClickHouseSource store =
          ClickHouseSource.builder()
              .url("http://" + proxy.hostPort())
              .database(DB)
              .table(table)
              .build();
      // The candles reach the server, their answer is lost: the range is not recorded.
      proxy.insertFaults(ClickHouseProxy.dropBeforeAnswer());
      assertThrows(SourceUnavailableException.class, () -> store.write(day, range));
      assertEquals(day, direct.fetch(range(BTC, START, end).build()));
      assertTrue(store.coverage(BTC, Interval.M1).isNone());
      long parts = activeParts(server, table);
      // Written again: the candles are there as they are, so none is sent; the range is recorded.
      WriteResult again = store.write(day, range);
      assertEquals(day.size(), again.replaced());
      assertEquals(List.of(range), store.coverage(BTC, Interval.M1).complete());
      assertEquals(parts, activeParts(server, table), "no new part for the candles");
      assertEquals(1, proxy.inserts().size(), "one insert of candles, the lost one");
    }
  }

  @Test
  void aTableThatKeepsEveryCopyOrLacksTheStoreColumnsIsRefusedBeforeAnyWrite() {
    ClickHouseSource plain = server.source(DB, "store_merge_tree").build();
    ClickHouseSchema.builder(plain).engine(ClickHouseSchema.Engine.MERGE_TREE).build().migrate();
    StoreSchemaException e =
        assertThrows(StoreSchemaException.class, () -> plain.write(candles(1, 2)));
    assertTrue(e.getMessage().contains("keeps every copy of a row"), e.getMessage());
    server.sql(
        "CREATE TABLE IF NOT EXISTS "
            + DB
            + ".store_by_hand (symbol String, ts DateTime, open Float64, high Float64,"
            + " low Float64, close Float64, volume Float64) ENGINE = ReplacingMergeTree()"
            + " ORDER BY (symbol, ts)");
    ClickHouseSource byHand = server.source(DB, "store_by_hand").build();
    StoreSchemaException columns =
        assertThrows(StoreSchemaException.class, () -> byHand.write(candles(1, 2), r(0, 5)));
    assertTrue(
        columns.getMessage().contains("lacks the flags and extra columns"), columns.getMessage());
    assertEquals("0", server.sql("SELECT count() FROM " + DB + ".store_by_hand").strip());
    assertTrue(byHand.coverage(BTC, Interval.M1).isNone());
  }

  @Test
  void theFirstWriteCreatesTheTables() throws Exception {
    try (ClickHouseSource store = server.source("ohlcv4j_store_created", "candles").build()) {
      assertTrue(store.coverage(BTC, Interval.M1).isNone());
      store.write(candles(0, 1, 2), r(0, 5));
      assertEquals(List.of(r(0, 5)), store.coverage(BTC, Interval.M1).complete());
      assertEquals(
          ClickHouseSchema.LATEST_VERSION, ClickHouseSchema.builder(store).build().version());
    }
  }
}
