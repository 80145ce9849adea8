package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.clickhouse.cluster.ClickHouseCluster;
import io.github.ohlcv4j.clickhouse.cluster.ClusterNode;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.testing.CandleStoreContract;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store contract on the real test cluster: each store is a fresh {@code Distributed} table made
 * by {@code ClickHouseSchema...cluster(..)}, its coverage in the {@code Distributed} coverage table
 * of the same database, written and read through one node.
 */
@Timeout(120)
@ExtendWith(ClickHouseCluster.Extension.class)
class ClusterStoreTest extends CandleStoreContract {

  static final String DB = "ohlcv4j_cluster_store";
  private static final AtomicInteger TABLES = new AtomicInteger();

  private ClusterNode node;

  @BeforeAll
  static void fresh(ClickHouseCluster cluster) {
    cluster.node(1, 1).sql("DROP DATABASE IF EXISTS " + DB + " ON CLUSTER ohlcv4j");
  }

  @BeforeEach
  void node(ClickHouseCluster cluster) {
    this.node = cluster.node(2, 1);
  }

  @Override
  protected int randomRounds() {
    return 1;
  }

  @Override
  protected CandleStore store(Instant now) {
    ClickHouseSource source =
        ClickHouseSource.builder()
            .url(node.url())
            .database(DB)
            .table("store_" + TABLES.incrementAndGet())
            .context(SourceContext.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build())
            .build();
    ClickHouseSchema.builder(source).cluster(ClickHouseCluster.NAME).build().migrate();
    return source;
  }

  /**
   * A candle written, corrected, then written as first again: the third block is the same as the
   * first, which a replicated table's insert de-duplication would drop — the store must not let it.
   */
  @Test
  void anEarlierVersionWrittenAgainAfterACorrectionWins() throws Exception {
    CandleSeries first = candles(7);
    CandleSeries fix = CandleSeries.builder(BTC, Interval.M1).add(m(7), 1, 2, 0.5, 1.5, 42).build();
    try (CandleStore store = store(m(1_000))) {
      store.write(first);
      store.write(fix);
      assertEquals(fix, store.fetch(range(BTC, m(0), m(10)).build()));
      store.write(first);
      assertEquals(first, store.fetch(range(BTC, m(0), m(10)).build()));
    }
  }

  @Test
  void aStoppedShardFailsAWriteAndNothingIsRecorded(ClickHouseCluster cluster) throws Exception {
    // The shard the store's node is not on.
    int down = 3 - node.shard();
    try (CandleStore store = store(m(10_000))) {
      Symbol there = null;
      for (String code : List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "ADAUSDT")) {
        Symbol s = Symbol.parse("BINANCE:" + code);
        if (ClusterSourceTest.shardOf(cluster, s) == down) {
          there = s;
          break;
        }
      }
      CandleSeries.Builder b = CandleSeries.builder(there, Interval.M1);
      for (int k = 0; k < 10; k++) {
        b.add(m(k), 100 + k, 101 + k, 99 + k, 100.5 + k, 1 + k);
      }
      cluster.stop(cluster.node(down, 1), cluster.node(down, 2));
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, () -> store.write(b.build(), r(0, 10)));
      assertEquals("279", e.venueCode().orElse(e.getMessage()), e.getMessage());
      cluster.start(cluster.node(down, 1), cluster.node(down, 2));
      assertTrue(store.coverage(there, Interval.M1).isNone());
      Symbol lost = there;
      // Not a candle of it is stored: the store does not know the symbol.
      assertThrows(
          SymbolNotFoundException.class, () -> store.fetch(range(lost, m(0), m(10)).build()));
    }
  }
}
