package io.github.ohlcv4j.clickhouse.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings the SDK sends with reads and inserts of a {@code Distributed} table, chosen by
 * server version (an unknown setting fails the whole query on older servers):
 *
 * <ul>
 *   <li>inserts are synchronous — {@code insert_distributed_sync=1}, called {@code
 *       distributed_foreground_insert} from ClickHouse 23.11 — so that the rows are stored on their
 *       shards when the INSERT returns, and a shard that cannot be reached fails it;
 *   <li>with replicas, reads and inserts pick replicas in the order of the cluster definition
 *       ({@code load_balancing=in_order}) so that a read through the same node meets the replica
 *       the insert wrote to, and inserts keep {@code insert_deduplicate=1}, so that a batch sent
 *       again is dropped by the replicas;
 *   <li>on servers from 20.5, reads of a table sharded by the symbol skip the shards that cannot
 *       hold the symbols asked for ({@code optimize_skip_unused_shards=1}).
 * </ul>
 *
 * A user whose profile has {@code readonly=1} may not send any setting: reads then go without them.
 */
public final class ClusterSettings {
  private ClusterSettings() {}

  /** The name of the synchronous-insert setting on a server of this version. */
  public static String syncInsert(ServerVersion version) {
    return version.atLeast(23, 11) ? "distributed_foreground_insert" : "insert_distributed_sync";
  }

  /** Whether the server knows {@code optimize_skip_unused_shards}. */
  public static boolean canSkipShards(ServerVersion version) {
    return version.atLeast(20, 5);
  }

  /** The settings of a read. */
  public static Map<String, String> reads(
      ServerVersion version, ClusterTopology topology, boolean shardedBySymbol) {
    Map<String, String> s = new LinkedHashMap<>();
    if (!topology.maySendSettings()) {
      return s;
    }
    if (topology.replicated()) {
      s.put("load_balancing", "in_order");
    }
    if (shardedBySymbol && canSkipShards(version)) {
      s.put("optimize_skip_unused_shards", "1");
    }
    return s;
  }

  /** The settings of an insert. */
  public static Map<String, String> inserts(ServerVersion version, ClusterTopology topology) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(syncInsert(version), "1");
    if (topology.replicated()) {
      s.put("load_balancing", "in_order");
      s.put("insert_deduplicate", "1");
    }
    return s;
  }
}
