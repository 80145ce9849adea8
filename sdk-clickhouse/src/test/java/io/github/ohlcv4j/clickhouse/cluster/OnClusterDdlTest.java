package io.github.ohlcv4j.clickhouse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ON CLUSTER} DDL on 18.16 as a schema migration would use it: a table replicated on all
 * four nodes (for a version record every node agrees on), the error for a table that exists, and
 * {@code ALTER}: run on one replica of each shard it reaches every replica of a replicated table by
 * replication; {@code ON CLUSTER} refuses it where a table's replication and the cluster's {@code
 * internal_replication} disagree. ({@code ALTER ... ON CLUSTER ohlcv4j} of the replicated table is
 * not run here: on 18.16 the two replicas of a shard race for it, and when one loses the race its
 * DDL worker stops until the server restarts.)
 */
@Timeout(120)
@ExtendWith(ClickHouseCluster.Extension.class)
class OnClusterDdlTest {

  @Test
  void aTableWhosePathHasNoShardIsOneTableReplicatedOnAllFourNodes(ClickHouseCluster cluster) {
    CandleTables.create(cluster, "ddl_record");
    cluster
        .node(1, 1)
        .sql(
            "CREATE TABLE ddl_record.migrations ON CLUSTER ohlcv4j"
                + " (table String, version UInt32, description String, applied DateTime)"
                + " ENGINE = ReplicatedReplacingMergeTree("
                + "'/clickhouse/tables/all/ddl_record/migrations', '{replica}')"
                + " ORDER BY (table, version)");
    cluster
        .node(2, 2)
        .sql("INSERT INTO ddl_record.migrations VALUES ('candles', 1, 'table', now())");
    for (ClusterNode n : cluster.nodes()) {
      n.sql("SYSTEM SYNC REPLICA ddl_record.migrations");
      assertEquals(
          "candles\t1\n",
          n.sql("SELECT table, max(version) FROM ddl_record.migrations GROUP BY table FORMAT TSV"),
          n.name());
      assertEquals(
          "4\t4\n",
          n.sql(
              "SELECT total_replicas, active_replicas FROM system.replicas"
                  + " WHERE database = 'ddl_record' AND table = 'migrations' FORMAT TSV"),
          n.name());
    }
  }

  @Test
  void creatingATableThatExistsFailsWithCode57AndIfNotExistsSucceeds(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "ddl_exists");
    String create =
        " ddl_exists.candles ON CLUSTER ohlcv4j AS ddl_exists.candles_local"
            + " ENGINE = Distributed(ohlcv4j, ddl_exists, candles_local, cityHash64(symbol))";
    ClusterNode.Reply r = cluster.node(1, 1).send("CREATE TABLE" + create, Map.of());
    System.err.println("ON CLUSTER create of an existing table:\n" + r);
    assertEquals(500, r.status(), r.body());
    assertEquals(57, r.code(), r.body());
    assertTrue(
        r.body()
            .startsWith(
                "Code: 57, e.displayText() = DB::Exception: There was an error on"
                    + " [127.0.0.1:"),
        r.body());
    assertTrue(r.body().contains("Table ddl_exists.candles already exists."), r.body());
    cluster.node(1, 1).sql("CREATE TABLE IF NOT EXISTS" + create);
    assertTrue(t.distributed().startsWith("ddl_exists."));
  }

  @Test
  void alterReachesTheOtherReplicaByReplicationButOnClusterRefusesTwoCases(
      ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "ddl_alter");
    String add = " ADD COLUMN trades UInt64 DEFAULT 0";

    // ON CLUSTER refuses a replicated table on a cluster whose shards do not say they replicate,
    // and a table that does not replicate (the Distributed one) on a cluster whose shards do.
    ClusterNode.Reply local =
        cluster
            .node(1, 1)
            .send(
                "ALTER TABLE " + t.local() + " ON CLUSTER " + ClickHouseCluster.UNREPLICATED + add,
                Map.of());
    ClusterNode.Reply distributed =
        cluster
            .node(1, 1)
            .send("ALTER TABLE " + t.distributed() + " ON CLUSTER ohlcv4j" + add, Map.of());
    System.err.println("ALTER ON CLUSTER refused:\n" + local + "\n" + distributed);
    for (ClusterNode.Reply r : List.of(local, distributed)) {
      assertEquals(500, r.status(), r.body());
      assertEquals(371, r.code(), r.body());
    }
    for (String part :
        List.of(
            "An error occured before execution: Code: 371",
            "DB::Exception: Table candles_local is replicated, but shard #",
            " isn't replicated according to its cluster definition. Possibly"
                + " <internal_replication>true</internal_replication> is forgotten in the"
                + " cluster config.")) {
      assertTrue(local.body().contains(part), local.body());
    }
    assertTrue(
        distributed
            .body()
            .matches(
                "(?s).*Table candles isn't replicated, but shard #[12] is replicated according to"
                    + " its cluster definition.*"),
        distributed.body());

    // An ALTER on one replica of each shard reaches the other replica through ZooKeeper.
    cluster.node(1, 2).sql("ALTER TABLE " + t.local() + add);
    cluster.node(2, 1).sql("ALTER TABLE " + t.local() + add);
    for (ClusterNode n : cluster.nodes()) {
      assertEquals("trades\tUInt64\n", column(n, "candles_local"), n.name());
      assertEquals("", column(n, "candles"), n.name());
    }

    // The Distributed table holds no rows: made again ON CLUSTER, it has the new column.
    ClusterNode n1 = cluster.node(1, 1);
    n1.sql("DROP TABLE " + t.distributed() + " ON CLUSTER ohlcv4j");
    n1.sql(
        "CREATE TABLE "
            + t.distributed()
            + " ON CLUSTER ohlcv4j AS "
            + t.local()
            + " ENGINE = Distributed(ohlcv4j, ddl_alter, candles_local, cityHash64(symbol))");
    for (ClusterNode n : cluster.nodes()) {
      assertEquals("trades\tUInt64\n", column(n, "candles"), n.name());
    }
    n1.sql(
        "INSERT INTO " + t.distributed() + " (symbol, ts, trades) VALUES ('BTCUSDT', now(), 7)",
        CandleTables.SYNC_QUORUM);
    assertEquals(
        "7\n",
        cluster.node(2, 2).sql("SELECT sum(trades) FROM " + t.distributed() + " FORMAT TSV"));
  }

  private static String column(ClusterNode n, String table) {
    return n.sql(
        "SELECT name, type FROM system.columns WHERE database = 'ddl_alter' AND table = '"
            + table
            + "' AND name = 'trades' FORMAT TSV");
  }
}
