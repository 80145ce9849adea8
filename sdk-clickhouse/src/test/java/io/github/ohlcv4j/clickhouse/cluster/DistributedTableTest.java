package io.github.ohlcv4j.clickhouse.cluster;

import static io.github.ohlcv4j.clickhouse.cluster.CandleTables.SYMBOLS;
import static io.github.ohlcv4j.clickhouse.cluster.CandleTables.SYNC;
import static io.github.ohlcv4j.clickhouse.cluster.CandleTables.SYNC_QUORUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Debian's ClickHouse 18.16 does with a {@code Distributed} table over replicated replacing
 * local tables, as the SDK will meet it: where a synchronous insert lands and when it is visible,
 * what a read without {@code FINAL} returns after candles were written twice, insert de-duplication
 * of a retried block, and how the catalogue describes the tables.
 */
@Timeout(120)
@ExtendWith(ClickHouseCluster.Extension.class)
class DistributedTableTest {

  @Test
  void aSynchronousInsertIsOnTheShardOfItsSymbolOnReturnAndReachesTheOtherReplica(
      ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "dist_sync");
    cluster.node(1, 2).sql(t.insert(SYMBOLS, 100, 0), SYNC);

    Set<Integer> shardsUsed = new TreeSet<>();
    for (String symbol : SYMBOLS) {
      int shard = t.shardOf(symbol);
      shardsUsed.add(shard);
      // On return, written to (at least) one replica of its shard, and to no other shard.
      long written = 0;
      for (ClusterNode n : cluster.shard(shard)) {
        written = Math.max(written, t.localCount(n, symbol));
      }
      assertEquals(100, written, symbol + " on shard " + shard);
      for (ClusterNode n : cluster.shard(3 - shard)) {
        assertEquals(0, t.localCount(n, symbol), symbol + " on " + n.name());
      }
    }
    assertEquals(Set.of(1, 2), shardsUsed, "the six symbols use both shards");

    // The replica the insert did not write fetches the part from its peer.
    for (ClusterNode n : cluster.nodes()) {
      n.sql("SYSTEM SYNC REPLICA " + t.local());
    }
    for (String symbol : SYMBOLS) {
      for (ClusterNode n : cluster.shard(t.shardOf(symbol))) {
        assertEquals(100, t.localCount(n, symbol), symbol + " on " + n.name());
      }
    }
  }

  @Test
  void aQuorumInsertIsReadableThroughEveryNodeOnReturn(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "dist_quorum");
    cluster.node(2, 1).sql(t.insert(SYMBOLS, 100, 0), SYNC_QUORUM);
    for (ClusterNode n : cluster.nodes()) {
      assertEquals(
          "600\n", n.sql("SELECT count() FROM " + t.distributed() + " FORMAT TSV"), n.name());
      for (String symbol : SYMBOLS) {
        if (t.shardOf(symbol) == n.shard()) {
          assertEquals(100, t.localCount(n, symbol), symbol + " on " + n.name());
        }
      }
    }
  }

  @Test
  void withoutFinalRewrittenCandlesComeBackAsOldCopies(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "dist_final");
    ClusterNode writer = cluster.node(2, 1);
    writer.sql(t.insert(SYMBOLS, 60, 0), SYNC_QUORUM);
    writer.sql(t.insert(SYMBOLS, 60, 10), SYNC_QUORUM); // the same candles, corrected

    // 5-minute buckets of BTCUSDT: the volume the rewritten candles should give, and what the
    // old and new copies together give.
    List<String> finalBuckets = new ArrayList<>();
    List<String> doubledBuckets = new ArrayList<>();
    for (int b = 0; b < 12; b++) {
      double once = 0;
      double twice = 0;
      for (int i = b * 5; i < b * 5 + 5; i++) {
        once += 1 + i % 7 + 10;
        twice += (1 + i % 7) + (1 + i % 7 + 10);
      }
      long bucket = CandleTables.START + 300L * b;
      finalBuckets.add(bucket + "\t" + fmt(once) + "\t5");
      doubledBuckets.add(bucket + "\t" + fmt(twice) + "\t10");
    }
    String resample =
        "SELECT intDiv(toUInt32(ts), 300) * 300 AS b, sum(volume), count() FROM "
            + t.distributed()
            + " %s WHERE symbol = 'BTCUSDT' GROUP BY b ORDER BY b FORMAT TSV";
    String stored =
        "SELECT toUInt32(ts), close FROM "
            + t.distributed()
            + " %s WHERE symbol = 'ETHUSDT' ORDER BY ts, close FORMAT TSV";

    for (ClusterNode n : cluster.nodes()) {
      assertEquals(
          "720\n", n.sql("SELECT count() FROM " + t.distributed() + " FORMAT TSV"), n.name());
      assertEquals(
          "360\n", n.sql("SELECT count() FROM " + t.distributed() + " FINAL FORMAT TSV"), n.name());
      assertEquals(doubledBuckets, n.sql(resample.formatted("")).lines().toList(), n.name());
      assertEquals(finalBuckets, n.sql(resample.formatted("FINAL")).lines().toList(), n.name());

      List<String> plain = n.sql(stored.formatted("")).lines().toList();
      List<String> collapsed = n.sql(stored.formatted("FINAL")).lines().toList();
      assertEquals(120, plain.size(), n.name());
      assertEquals(60, collapsed.size(), n.name());
      for (int i = 0; i < 60; i++) {
        long ts = CandleTables.START + 60L * i;
        String old = ts + "\t" + fmt(100 + i + 0.5);
        String corrected = ts + "\t" + fmt(100 + i + 0.5 + 10);
        assertEquals(List.of(old, corrected), plain.subList(2 * i, 2 * i + 2), n.name());
        assertEquals(corrected, collapsed.get(i), n.name());
      }
    }
  }

  @Test
  void aRetriedBlockIsDroppedByInsertDeduplicationThroughAnyNode(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "dist_dedup");
    String batch = t.insert(SYMBOLS, 50, 0);
    String count = "SELECT count() FROM " + t.distributed() + " FORMAT TSV";
    cluster.node(1, 1).sql(batch, SYNC_QUORUM);
    assertEquals("300\n", cluster.node(1, 1).sql(count));

    // The same batch again, through the same node and through a node of the other shard.
    cluster.node(1, 1).sql(batch, SYNC_QUORUM);
    cluster.node(2, 2).sql(batch, SYNC_QUORUM);
    assertEquals("300\n", cluster.node(1, 1).sql(count), "no copy added without FINAL");

    // With de-duplication off, the same batch adds a copy of every row: it was the one dropping.
    Map<String, String> noDedup =
        Map.of("insert_distributed_sync", "1", "insert_quorum", "2", "insert_deduplicate", "0");
    cluster.node(1, 1).sql(batch, noDedup);
    assertEquals("600\n", cluster.node(1, 1).sql(count));
  }

  @Test
  void theCatalogueShowsTheDistributedTableAndTheReplacingEngineBehindIt(
      ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "dist_engine");
    for (ClusterNode n : cluster.nodes()) {
      assertEquals(
          "Distributed\tDistributed(ohlcv4j, dist_engine, candles_local, cityHash64(symbol))\n",
          n.sql(
              "SELECT engine, engine_full FROM system.tables WHERE database = 'dist_engine'"
                  + " AND name = 'candles' FORMAT TSV"),
          n.name());
      assertEquals(
          "ReplicatedReplacingMergeTree\tReplicatedReplacingMergeTree("
              + "\\'/clickhouse/tables/{shard}/dist_engine/candles\\', \\'{replica}\\')"
              + " PARTITION BY toYYYYMM(ts) ORDER BY (symbol, ts)"
              + " SETTINGS index_granularity = 8192\n",
          n.sql(
              "SELECT engine, engine_full FROM system.tables WHERE database = 'dist_engine'"
                  + " AND name = 'candles_local' FORMAT TSV"),
          n.name());
    }
    // The engine of the local table on every shard, asked through one node.
    assertEquals(
        "ReplicatedReplacingMergeTree\t2\n",
        cluster
            .node(1, 1)
            .sql(
                "SELECT engine, count() FROM cluster('ohlcv4j', system, tables)"
                    + " WHERE database = 'dist_engine' AND name = 'candles_local'"
                    + " GROUP BY engine FORMAT TSV"));
    assertTrue(t.local().endsWith("candles_local"));
  }

  @Test
  void theSettingsTheSdkNeedsAndTheOnesThisServerLacks(ClickHouseCluster cluster) {
    ClusterNode n = cluster.node(1, 1);
    assertEquals(
        List.of(
            "distributed_ddl_task_timeout\t30\t1",
            "insert_deduplicate\t1\t0",
            "insert_distributed_sync\t0\t0",
            "insert_distributed_timeout\t0\t0",
            "insert_quorum\t0\t0",
            "prefer_localhost_replica\t1\t0",
            "skip_unavailable_shards\t0\t0"),
        n.sql(
                "SELECT name, value, changed FROM system.settings WHERE name IN"
                    + " ('insert_distributed_sync', 'insert_distributed_timeout',"
                    + " 'insert_deduplicate', 'insert_quorum', 'skip_unavailable_shards',"
                    + " 'prefer_localhost_replica', 'distributed_ddl_task_timeout',"
                    + " 'optimize_skip_unused_shards', 'distributed_foreground_insert')"
                    + " ORDER BY name FORMAT TSV")
            .lines()
            .toList());
    // Newer servers' settings are unknown here, as URL parameters and in a SETTINGS clause.
    for (String setting : List.of("optimize_skip_unused_shards", "distributed_foreground_insert")) {
      ClusterNode.Reply asParameter = n.send("SELECT 1", Map.of(setting, "1"));
      ClusterNode.Reply inQuery = n.send("SELECT 1 SETTINGS " + setting + " = 1", Map.of());
      for (ClusterNode.Reply r : List.of(asParameter, inQuery)) {
        assertEquals(404, r.status(), r.body());
        assertEquals(115, r.code(), r.body());
        assertTrue(r.body().contains("Unknown setting " + setting), r.body());
      }
    }
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
