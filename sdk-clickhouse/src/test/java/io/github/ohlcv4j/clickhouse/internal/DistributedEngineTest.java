package io.github.ohlcv4j.clickhouse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DistributedEngineTest {

  @Test
  void theEngineAsOldAndNewServersPrintIt() {
    assertEquals(
        Optional.of(
            new DistributedEngine(
                "ohlcv4j", "md", "candles_local", Optional.of("cityHash64(symbol)"))),
        DistributedEngine.parse("Distributed(ohlcv4j, md, candles_local, cityHash64(symbol))"));
    assertEquals(
        Optional.of(
            new DistributedEngine(
                "my-cluster", "md", "t_local", Optional.of("sipHash64(`symbol`, 'a,b')"))),
        DistributedEngine.parse(
            "Distributed('my-cluster', 'md', 't_local', sipHash64(`symbol`, 'a,b'), 'policy')"));
    assertEquals(
        Optional.of(new DistributedEngine("c", "md", "t", Optional.empty())),
        DistributedEngine.parse("Distributed(c, md, t)"));
    assertEquals(Optional.empty(), DistributedEngine.parse("ReplacingMergeTree ORDER BY x"));
    assertEquals(Optional.empty(), DistributedEngine.parse("Distributed(c, md)"));
  }

  @Test
  void aShardingKeyIsBySymbolWhenItUsesTheSymbolColumnOnly() {
    Map<String, Boolean> keys =
        Map.of(
            "cityHash64(symbol)", true,
            "sipHash64(`symbol`)", true,
            "symbol", true,
            "cityHash64(symbol, ts)", false,
            "rand()", false,
            "intHash64(toYYYYMM(ts))", false,
            "cityHash64(ticker)", false);
    keys.forEach(
        (key, bySymbol) ->
            assertEquals(
                bySymbol,
                new DistributedEngine("c", "d", "t", Optional.of(key)).shardsBy("symbol"),
                key));
    assertFalse(new DistributedEngine("c", "d", "t", Optional.empty()).shardsBy("symbol"));
    assertEquals(
        Set.of("ts", "symbol"), DistributedEngine.identifiers("f(ts, 'x y', symbol, 3.5)"));
  }

  @Test
  void settingsFollowTheServerVersion() {
    ClusterTopology replicated =
        new ClusterTopology(Optional.of("ReplicatedReplacingMergeTree"), 0, 2, 2);
    ServerVersion old = ServerVersion.parse("18.16.1");
    ServerVersion v23 = ServerVersion.parse("23.8.2.7");
    ServerVersion v24 = ServerVersion.parse("24.3.1.2672");
    assertEquals(
        Map.of(
            "insert_distributed_sync",
            "1",
            "load_balancing",
            "in_order",
            "insert_deduplicate",
            "1"),
        ClusterSettings.inserts(old, replicated));
    assertEquals(
        Map.of(
            "insert_distributed_sync",
            "1",
            "load_balancing",
            "in_order",
            "insert_deduplicate",
            "1"),
        ClusterSettings.inserts(v23, replicated));
    assertEquals(
        Map.of(
            "distributed_foreground_insert",
            "1",
            "load_balancing",
            "in_order",
            "insert_deduplicate",
            "1"),
        ClusterSettings.inserts(v24, replicated));
    assertEquals(
        Map.of("load_balancing", "in_order"), ClusterSettings.reads(old, replicated, true));
    assertEquals(
        Map.of("load_balancing", "in_order", "optimize_skip_unused_shards", "1"),
        ClusterSettings.reads(v24, replicated, true));
    assertEquals(
        Map.of("load_balancing", "in_order"), ClusterSettings.reads(v24, replicated, false));
    ClusterTopology readonly = new ClusterTopology(Optional.of("ReplacingMergeTree"), 1, 2, 1);
    assertEquals(Map.of(), ClusterSettings.reads(v24, readonly, true));
    assertTrue(ClusterSettings.inserts(v24, readonly).containsKey("distributed_foreground_insert"));
  }

  @Test
  void theClusterDescriptionIsRead() {
    ClusterTopology t =
        ClusterTopology.parse(
            "l\t\tReplicatedReplacingMergeTree\ns\treadonly\t2\nr\t1\t1\nr\t1\t2\nr\t2\t1\nr\t2\t2\n");
    assertEquals(new ClusterTopology(Optional.of("ReplicatedReplacingMergeTree"), 2, 2, 2), t);
    assertTrue(t.replicated() && t.maySendSettings());
    assertEquals(new ClusterTopology(Optional.empty(), 0, 0, 0), ClusterTopology.parse(""));
  }
}
