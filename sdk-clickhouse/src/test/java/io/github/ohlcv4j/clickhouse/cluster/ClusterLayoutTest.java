package io.github.ohlcv4j.clickhouse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cluster the tests start is the one documented: two shards of two replicas that every node
 * knows by the same name, macros per node, everything on loopback, replication through ZooKeeper
 * and {@code ON CLUSTER} DDL reaching all four nodes.
 */
@Timeout(120)
@ExtendWith(ClickHouseCluster.Extension.class)
class ClusterLayoutTest {

  @Test
  void everyNodeKnowsBothClustersAndItsOwnMacros(ClickHouseCluster cluster) {
    List<String> expected = new ArrayList<>();
    for (ClusterNode n : cluster.nodes()) {
      expected.add(
          String.join(
              "\t",
              ClickHouseCluster.NAME,
              n.shard() + "",
              n.replica() + "",
              "127.0.0.1",
              n.tcpPort() + ""));
    }
    for (int s = 1; s <= ClickHouseCluster.SHARDS; s++) {
      expected.add(
          String.join(
              "\t",
              ClickHouseCluster.UNREPLICATED,
              s + "",
              "1",
              "127.0.0.1",
              cluster.node(s, 1).tcpPort() + ""));
    }
    expected.sort(null);
    for (ClusterNode n : cluster.nodes()) {
      List<String> clusters =
          n.sql(
                  "SELECT cluster, shard_num, replica_num, host_address, port FROM system.clusters"
                      + " WHERE cluster LIKE 'ohlcv4j%' ORDER BY cluster, shard_num, replica_num"
                      + " FORMAT TSV")
              .lines()
              .sorted()
              .toList();
      assertEquals(expected, clusters, n.name());
      assertEquals(
          "cluster\tohlcv4j\nreplica\t" + n.name() + "\nshard\t" + n.shard() + "\n",
          n.sql("SELECT macro, substitution FROM system.macros ORDER BY macro FORMAT TSV"));
    }
  }

  @Test
  void everyProcessListensOnLoopbackOnly(ClickHouseCluster cluster) throws Exception {
    Assumptions.assumeTrue(ListeningSockets.available(), "no /proc/net/tcp here");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (ClusterNode n : cluster.nodes()) {
      Set<InetSocketAddress> expected =
          Set.of(
              new InetSocketAddress(loopback, n.httpPort()),
              new InetSocketAddress(loopback, n.tcpPort()),
              new InetSocketAddress(loopback, n.interserverPort()));
      assertEquals(expected, Set.copyOf(ListeningSockets.of(n.pid())), n.name());
    }
    assertEquals(
        Set.of(new InetSocketAddress(loopback, cluster.zooKeeper().port())),
        Set.copyOf(ListeningSockets.of(cluster.zooKeeper().pid())));
  }

  @Test
  void onClusterDdlRunsOnEveryNodeAndReportsEachHost(ClickHouseCluster cluster) {
    ClusterNode n = cluster.node(2, 2);
    n.sql("DROP DATABASE IF EXISTS layout_ddl ON CLUSTER ohlcv4j");
    long t0 = System.nanoTime();
    String reply = n.sql("CREATE DATABASE layout_ddl ON CLUSTER ohlcv4j");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.err.println("CREATE DATABASE ON CLUSTER took " + ms + " ms");
    // One TSV row per host: host, port, status, error, hosts remaining, hosts active.
    List<String> hosts = new ArrayList<>();
    for (String line : reply.lines().toList()) {
      String[] f = line.split("\t", -1);
      assertEquals("0", f[2], reply);
      assertEquals("", f[3], reply);
      hosts.add(f[0] + ":" + f[1]);
    }
    hosts.sort(null);
    List<String> expected =
        cluster.nodes().stream().map(x -> "127.0.0.1:" + x.tcpPort()).sorted().toList();
    assertEquals(expected, hosts);
    for (ClusterNode x : cluster.nodes()) {
      assertEquals(
          "1\n",
          x.sql("SELECT count() FROM system.databases WHERE name = 'layout_ddl' FORMAT TSV"));
    }
    n.sql("DROP DATABASE layout_ddl ON CLUSTER ohlcv4j");
    for (ClusterNode x : cluster.nodes()) {
      assertEquals(
          "0\n",
          x.sql("SELECT count() FROM system.databases WHERE name = 'layout_ddl' FORMAT TSV"));
    }
  }

  @Test
  void replicatedTablesFindTheirReplicaThroughZooKeeper(ClickHouseCluster cluster) {
    CandleTables t = CandleTables.create(cluster, "layout_replicas");
    for (ClusterNode n : cluster.nodes()) {
      assertEquals(
          "/clickhouse/tables/"
              + n.shard()
              + "/layout_replicas/candles\t"
              + n.name()
              + "\t2\t2\t0\n",
          n.sql(
              "SELECT zookeeper_path, replica_name, total_replicas, active_replicas, is_readonly"
                  + " FROM system.replicas WHERE database = 'layout_replicas' FORMAT TSV"),
          n.name());
    }
    // The replicas of both shards are registered in ZooKeeper, as the server sees it.
    for (int s = 1; s <= 2; s++) {
      assertEquals(
          "s" + s + "r1\ns" + s + "r2\n",
          cluster
              .node(1, 1)
              .sql(
                  "SELECT name FROM system.zookeeper WHERE path = '/clickhouse/tables/"
                      + s
                      + "/layout_replicas/candles/replicas' ORDER BY name FORMAT TSV"));
    }
    assertTrue(t.distributed().endsWith(".candles"));
  }
}
