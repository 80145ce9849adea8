package io.github.ohlcv4j.clickhouse.cluster;

import static io.github.ohlcv4j.clickhouse.cluster.CandleTables.SYMBOLS;
import static io.github.ohlcv4j.clickhouse.cluster.CandleTables.SYNC;
import static io.github.ohlcv4j.clickhouse.cluster.CandleTables.SYNC_QUORUM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nodes of the cluster stopped during a test (and started again after it): a replica down changes
 * nothing a read sees; a shard down fails reads and synchronous writes with the server's code 279,
 * while the default asynchronous insert reports success; {@code ON CLUSTER} DDL waits for a node
 * that is down and runs there when it is back.
 */
@Timeout(180)
@ExtendWith(ClickHouseCluster.Extension.class)
class ClusterFailureTest {

  @Test
  void aStoppedReplicaChangesNothingAReadSees(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "fail_replica");
    cluster.node(1, 1).sql(t.insert(SYMBOLS, 100, 0), SYNC_QUORUM);
    cluster.node(1, 1).sql(t.insert(List.of("BTCUSDT", "ETHUSDT"), 50, 10), SYNC_QUORUM);
    List<String> queries =
        List.of(
            "SELECT symbol, toUInt32(ts), open, high, low, close, volume FROM "
                + t.distributed()
                + " FINAL ORDER BY symbol, ts FORMAT TSV",
            "SELECT symbol, intDiv(toUInt32(ts), 3600) * 3600 AS b, argMin(open, ts),"
                + " max(high), min(low), argMax(close, ts), sum(volume), count() FROM "
                + t.distributed()
                + " FINAL GROUP BY symbol, b ORDER BY symbol, b FORMAT TSV",
            "SELECT count(), sum(volume) FROM " + t.distributed() + " FORMAT TSV");
    Map<String, String> expected = new LinkedHashMap<>();
    for (String q : queries) {
      expected.put(q, cluster.node(1, 1).sql(q));
      for (ClusterNode n : cluster.nodes()) {
        assertEquals(expected.get(q), n.sql(q), n.name());
      }
    }
    assertEquals(600, expected.get(queries.get(0)).lines().count());

    cluster.node(2, 2).stop();
    for (ClusterNode n : List.of(cluster.node(1, 1), cluster.node(1, 2), cluster.node(2, 1))) {
      for (String q : queries) {
        assertEquals(expected.get(q), n.sql(q), n.name() + " with s2r2 down");
      }
    }
    cluster.node(1, 1).stop(); // now one replica of each shard is down
    for (ClusterNode n : List.of(cluster.node(1, 2), cluster.node(2, 1))) {
      for (String q : queries) {
        assertEquals(expected.get(q), n.sql(q), n.name() + " with s1r1 and s2r2 down");
      }
    }

    // Writes go on (without a quorum of two), and the stopped replicas catch up when back.
    cluster.node(1, 2).sql(t.insert(List.of("ADAUSDT", "DOTUSDT"), 10, 0), SYNC);
    cluster.start(cluster.node(1, 1), cluster.node(2, 2));
    for (ClusterNode n : cluster.nodes()) {
      n.sql("SYSTEM SYNC REPLICA " + t.local());
    }
    for (String symbol : List.of("ADAUSDT", "DOTUSDT")) {
      for (ClusterNode n : cluster.shard(t.shardOf(symbol))) {
        assertEquals(10, t.localCount(n, symbol), symbol + " on " + n.name());
      }
    }
  }

  @Test
  void aStoppedShardFailsEveryReadWithCode279(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "fail_shard");
    cluster.node(1, 1).sql(t.insert(SYMBOLS, 20, 0), SYNC_QUORUM);
    String liveSymbol = SYMBOLS.stream().filter(s -> t.shardOf(s) == 1).findFirst().orElseThrow();
    long liveRows = 20L * SYMBOLS.stream().filter(s -> t.shardOf(s) == 1).count();

    cluster.stop(cluster.node(2, 1), cluster.node(2, 2));
    for (ClusterNode reader : cluster.shard(1)) {
      for (String q :
          List.of(
              "SELECT count() FROM " + t.distributed() + " FINAL",
              // one symbol of the live shard: 18.16 cannot skip the unused shard
              "SELECT count() FROM " + t.distributed() + " WHERE symbol = '" + liveSymbol + "'")) {
        ClusterNode.Reply r = reader.send(q, Map.of());
        System.err.println(reader.name() + " with shard 2 down, " + q + ":\n" + r);
        assertEquals(500, r.status(), r.body());
        assertEquals(279, r.code(), r.body());
        assertTrue(
            r.body()
                .startsWith(
                    "Code: 279, e.displayText() = DB::NetException: All connection"
                        + " tries failed. Log: "),
            r.body());
        assertTrue(
            r.body().contains("(127.0.0.1:" + cluster.node(2, 1).tcpPort() + ")")
                && r.body().contains("(127.0.0.1:" + cluster.node(2, 2).tcpPort() + ")"),
            r.body());
      }
      // skip_unavailable_shards hides the missing shard: HTTP 200 with half of the data.
      assertEquals(
          liveRows + "\n",
          reader.sql(
              "SELECT count() FROM " + t.distributed() + " FORMAT TSV",
              Map.of("skip_unavailable_shards", "1")));
    }
  }

  @Test
  void aSynchronousInsertWithAShardDownFailsAndItsRetryWritesEachRowOnce(
      ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "fail_write");
    String batch = t.insert(SYMBOLS, 30, 0);
    cluster.stop(cluster.node(2, 1), cluster.node(2, 2));
    ClusterNode.Reply r = cluster.node(1, 1).send(batch, SYNC);
    System.err.println("sync insert with shard 2 down:\n" + r);
    assertEquals(500, r.status(), r.body());
    assertEquals(279, r.code(), r.body());
    assertTrue(r.body().contains("All connection tries failed"), r.body());
    long written = 0;
    for (ClusterNode n : cluster.shard(1)) {
      written += Long.parseLong(n.sql("SELECT count() FROM " + t.local() + " FORMAT TSV").trim());
    }
    System.err.println("rows on shard 1 after the failed insert: " + written);

    cluster.start(cluster.node(2, 1), cluster.node(2, 2));
    cluster.node(1, 1).sql(batch, SYNC); // the caller's retry
    for (ClusterNode n : cluster.nodes()) {
      n.sql("SYSTEM SYNC REPLICA " + t.local());
    }
    for (ClusterNode n : cluster.nodes()) {
      assertEquals(
          "180\t6\n",
          n.sql("SELECT count(), uniqExact(symbol) FROM " + t.distributed() + " FORMAT TSV"),
          n.name() + ": every row once, without FINAL");
    }
  }

  @Test
  void theDefaultAsynchronousInsertReportsSuccessWithAShardDown(ClickHouseCluster cluster)
      throws IOException {
    CandleTables t = CandleTables.create(cluster, "fail_async");
    cluster.stop(cluster.node(2, 1), cluster.node(2, 2));
    ClusterNode writer = cluster.node(1, 1);
    ClusterNode.Reply r = writer.send(t.insert(SYMBOLS, 30, 0), Map.of());
    assertEquals(200, r.status(), r.body());
    // The rows for shard 2 wait in a file on the writer, to be sent when the shard is back.
    Path queue = writer.dir().resolve("data/data/fail_async/candles");
    try (Stream<Path> files = Files.walk(queue)) {
      List<String> pending =
          files
              .filter(p -> p.toString().endsWith(".bin"))
              .map(p -> queue.relativize(p).toString())
              .toList();
      assertEquals(1, pending.size(), pending.toString());
      assertTrue(
          pending.get(0).contains("%2E1:" + cluster.node(2, 1).tcpPort()),
          "queued for shard 2's replicas: " + pending);
    }
  }

  @Test
  void aQuorumInsertWithAReplicaDownFails(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "fail_quorum");
    String symbol = SYMBOLS.stream().filter(s -> t.shardOf(s) == 1).findFirst().orElseThrow();
    cluster.node(1, 2).stop();
    ClusterNode.Reply r = cluster.node(2, 1).send(t.insert(List.of(symbol), 10, 0), SYNC_QUORUM);
    System.err.println("quorum insert with s1r2 down:\n" + r);
    assertEquals(500, r.status(), r.body());
    assertEquals(285, r.code(), r.body());
    assertTrue(
        r.body().contains("Number of alive replicas (1) is less than requested quorum (2)"),
        r.body());
  }

  @Test
  void onClusterDdlWithANodeDownTimesOutAndRunsThereWhenItIsBack(ClickHouseCluster cluster) {
    ClusterNode down = cluster.node(2, 2);
    cluster.node(1, 1).sql("DROP DATABASE IF EXISTS fail_ddl ON CLUSTER ohlcv4j");
    down.stop();
    long t0 = System.nanoTime();
    ClusterNode.Reply r =
        cluster
            .node(1, 1)
            .send(
                "CREATE DATABASE fail_ddl ON CLUSTER ohlcv4j",
                Map.of("distributed_ddl_task_timeout", "2"));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.err.println("ON CLUSTER with s2r2 down, after " + took.toMillis() + " ms:\n" + r);
    assertEquals(500, r.status(), r.body());
    assertEquals(159, r.code(), r.body());
    assertTrue(
        r.body()
            .contains(
                "is executing longer than distributed_ddl_task_timeout (=2) seconds."
                    + " There are 1 unfinished hosts (0 of them are currently active)"),
        r.body());
    assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, took.toString());
    String exists = "SELECT count() FROM system.databases WHERE name = 'fail_ddl' FORMAT TSV";
    for (ClusterNode n : List.of(cluster.node(1, 1), cluster.node(1, 2), cluster.node(2, 1))) {
      assertEquals("1\n", n.sql(exists), n.name());
    }
    assertFalse(down.isRunning());
    down.start();
    down.awaitAnswer(exists, "1", Duration.ofSeconds(30));
    cluster.node(1, 1).sql("DROP DATABASE fail_ddl ON CLUSTER ohlcv4j");
  }
}
