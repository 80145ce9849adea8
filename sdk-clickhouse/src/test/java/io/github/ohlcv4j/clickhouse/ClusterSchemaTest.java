package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.clickhouse.cluster.ClickHouseCluster;
import io.github.ohlcv4j.clickhouse.cluster.ClusterNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ClickHouseSchema} with {@code cluster(..)} on the real test cluster (two shards of two
 * 18.16 replicas): the tables on every node, replicated where the cluster has replicas, a {@code
 * Distributed} table sharded by the symbol, and a version every node reports as soon as {@code
 * migrate()} returns.
 */
@Timeout(180)
@ExtendWith(ClickHouseCluster.Extension.class)
class ClusterSchemaTest {

  static ClickHouseSource source(ClusterNode node, String db, String table) {
    return ClickHouseSource.builder().url(node.url()).database(db).table(table).build();
  }

  static String tables(ClusterNode n, String db) {
    return n.sql(
        "SELECT name, engine_full FROM system.tables WHERE database = '"
            + db
            + "' ORDER BY name FORMAT TSV");
  }

  @Test
  void migrateMakesTheTablesOnEveryNodeAndEveryNodeReportsTheVersion(ClickHouseCluster cluster) {
    String db = "schema_cluster";
    cluster.node(1, 1).sql("DROP DATABASE IF EXISTS " + db + " ON CLUSTER ohlcv4j");
    ClickHouseSchema schema =
        ClickHouseSchema.builder(source(cluster.node(1, 1), db, "candles"))
            .cluster(ClickHouseCluster.NAME)
            .build();
    assertEquals(ClickHouseSchema.LATEST_VERSION, schema.migrate());

    for (ClusterNode n : cluster.nodes()) {
      // The version is recorded with a quorum of every node: each reports it at once.
      ClickHouseSchema seen = ClickHouseSchema.builder(source(n, db, "candles")).build();
      assertEquals(ClickHouseSchema.LATEST_VERSION, seen.version(), n.name());
      String tables = tables(n, db);
      assertTrue(
          tables.contains(
              "candles\tDistributed(ohlcv4j, " + db + ", candles_local, cityHash64(symbol))"),
          n.name() + ":\n" + tables);
      assertTrue(
          tables.contains(
              "candles_local\tReplicatedReplacingMergeTree(\\'/clickhouse/tables/{shard}/"
                  + db
                  + "/candles_local\\', \\'{replica}\\') PARTITION BY toYYYYMM(ts)"
                  + " ORDER BY (symbol, ts)"),
          n.name() + ":\n" + tables);
      assertTrue(
          tables.contains(
              "ohlcv4j_coverage\tDistributed(ohlcv4j, "
                  + db
                  + ", ohlcv4j_coverage_local, cityHash64(symbol))"),
          n.name() + ":\n" + tables);
      assertTrue(
          tables.contains(
              "ohlcv4j_schema_migrations\tReplicatedReplacingMergeTree(\\'/clickhouse/ohlcv4j/"
                  + db
                  + "/ohlcv4j_schema_migrations\\', \\'{shard}-{replica}\\')"),
          n.name() + ":\n" + tables);
      assertEquals(
          "4\t4\n",
          n.sql(
              "SELECT total_replicas, active_replicas FROM system.replicas WHERE database = '"
                  + db
                  + "' AND table = 'ohlcv4j_schema_migrations' FORMAT TSV"),
          n.name());
    }
    // Again, through another node: nothing to do.
    assertEquals(
        ClickHouseSchema.LATEST_VERSION,
        ClickHouseSchema.builder(source(cluster.node(2, 2), db, "candles"))
            .cluster(ClickHouseCluster.NAME)
            .build()
            .migrate());
    assertEquals(
        "2\n",
        cluster
            .node(2, 1)
            .sql(
                "SELECT count() FROM "
                    + db
                    + ".ohlcv4j_schema_migrations FINAL WHERE table_name = 'candles' FORMAT TSV"));
  }

  @Test
  void anUnreplicatedClusterGetsPlainReplacingTablesOnEachShard(ClickHouseCluster cluster) {
    String db = "schema_unreplicated";
    String on = " ON CLUSTER " + ClickHouseCluster.UNREPLICATED;
    cluster.node(1, 1).sql("DROP DATABASE IF EXISTS " + db + on);
    ClickHouseSchema schema =
        ClickHouseSchema.builder(source(cluster.node(1, 1), db, "candles"))
            .cluster(ClickHouseCluster.UNREPLICATED)
            .build();
    assertEquals(ClickHouseSchema.LATEST_VERSION, schema.migrate());
    for (ClusterNode n : List.of(cluster.node(1, 1), cluster.node(2, 1))) {
      String tables = tables(n, db);
      assertTrue(
          tables.contains("candles_local\tReplacingMergeTree() PARTITION BY toYYYYMM(ts)"),
          n.name() + ":\n" + tables);
      assertEquals(
          ClickHouseSchema.LATEST_VERSION,
          ClickHouseSchema.builder(source(n, db, "candles")).build().version(),
          n.name());
    }
    assertEquals(
        "0\n",
        cluster
            .node(1, 2)
            .sql("SELECT count() FROM system.databases WHERE name = '" + db + "' FORMAT TSV"));
    cluster.node(1, 1).sql("DROP DATABASE " + db + on);
  }

  @Test
  void theStatementsCanBeReviewedBeforeAnythingIsChanged(ClickHouseCluster cluster) {
    String db = "schema_review";
    ClickHouseSchema schema =
        ClickHouseSchema.builder(source(cluster.node(2, 1), db, "ohlcv_1m"))
            .cluster(ClickHouseCluster.NAME)
            .localTable("ohlcv_1m_shard")
            .build();
    List<String> statements = schema.statements();
    assertEquals(6, statements.size(), String.join("\n", statements));
    for (String sql : statements) {
      assertTrue(sql.contains(" ON CLUSTER `ohlcv4j`"), sql);
    }
    assertTrue(
        statements
            .get(2)
            .startsWith(
                "CREATE TABLE IF NOT EXISTS `schema_review`.`ohlcv_1m_shard` ON CLUSTER `ohlcv4j`"
                    + " (`symbol` String, `ts` DateTime('UTC'), `open` Float64"),
        statements.get(2));
    assertTrue(
        statements
            .get(2)
            .contains(
                "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/schema_review/"
                    + "ohlcv_1m_shard', '{replica}')"),
        statements.get(2));
    assertTrue(
        statements
            .get(3)
            .endsWith(
                "ENGINE = Distributed(`ohlcv4j`, `schema_review`, `ohlcv_1m_shard`,"
                    + " cityHash64(`symbol`))"),
        statements.get(3));
    assertEquals(
        "0\n",
        cluster
            .node(2, 1)
            .sql("SELECT count() FROM system.databases WHERE name = '" + db + "' FORMAT TSV"));
  }

  @Test
  void aTableThatIsNotDistributedOrAClusterTheServerDoesNotKnowIsRefused(
      ClickHouseCluster cluster) {
    String db = "schema_refused";
    ClusterNode n = cluster.node(1, 2);
    n.sql("CREATE DATABASE IF NOT EXISTS " + db);
    ClickHouseSource plain = source(n, db, "plain");
    ClickHouseSchema.builder(plain).build().migrate(); // a table on this node only
    SourceUnavailableException e =
        assertThrows(
            SourceUnavailableException.class,
            () ->
                ClickHouseSchema.builder(plain).cluster(ClickHouseCluster.NAME).build().migrate());
    assertTrue(e.getMessage().contains("not a Distributed table"), e.getMessage());
    SourceUnavailableException unknown =
        assertThrows(
            SourceUnavailableException.class,
            () ->
                ClickHouseSchema.builder(source(n, db, "other"))
                    .cluster("nowhere")
                    .build()
                    .migrate());
    assertTrue(
        unknown.getMessage().contains("does not know the cluster nowhere"), unknown.getMessage());
    n.sql("DROP DATABASE " + db);
  }
}
