package io.github.ohlcv4j.clickhouse.internal;

import java.util.Optional;

/**
 * What the server the source talks to says about the cluster behind a {@code Distributed} table,
 * read with one query on first use: the engine of the local table (on this node), whether the user
 * may send settings ({@code readonly}), and the cluster's shards and replicas ({@code
 * system.clusters}).
 *
 * @param localEngine the engine of the local table on this node; empty if this node has none
 * @param readonly the user's {@code readonly} setting: 1 forbids sending any setting
 * @param shards the shards of the cluster; 0 if this server does not know the cluster
 * @param replicas the most replicas any shard has
 */
public record ClusterTopology(
    Optional<String> localEngine, int readonly, int shards, int replicas) {

  /** The query, as {@code TabSeparated} rows (kind, name, value). */
  public static String query(DistributedEngine d) {
    return "SELECT 'l', '', engine FROM system.tables WHERE database = "
        + Sql.string(d.database())
        + " AND name = "
        + Sql.string(d.table())
        + " UNION ALL SELECT 's', name, value FROM system.settings WHERE name = 'readonly'"
        + " UNION ALL SELECT 'r', toString(shard_num), toString(replica_num) FROM system.clusters"
        + " WHERE cluster = "
        + Sql.string(d.cluster())
        + " FORMAT TabSeparated";
  }

  /**
   * The query for the local table's engine on every shard, through the {@code cluster} table
   * function, for a node that has no local table itself.
   */
  public static String enginesOnShards(DistributedEngine d) {
    return "SELECT DISTINCT engine FROM cluster("
        + Sql.string(d.cluster())
        + ", system, tables) WHERE database = "
        + Sql.string(d.database())
        + " AND name = "
        + Sql.string(d.table())
        + " FORMAT TabSeparated";
  }

  /** The engine in the answer to {@link #enginesOnShards}; empty if no shard has the table. */
  public static Optional<String> firstEngine(String tsv) {
    String first = tsv.strip().split("\n", -1)[0];
    return first.isEmpty() ? Optional.empty() : Optional.of(TableInfo.unescape(first));
  }

  /**
   * Reads the answer to {@link #query}.
   *
   * @throws IllegalArgumentException if the text is not such an answer
   */
  public static ClusterTopology parse(String tsv) {
    String engine = null;
    int readonly = 0;
    java.util.Set<Integer> shards = new java.util.HashSet<>();
    int replicas = 0;
    for (String line : tsv.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 3) {
        throw new IllegalArgumentException(
            "Unexpected line in the cluster description: " + Sql.printable(line));
      }
      try {
        switch (f[0]) {
          case "l":
            engine = TableInfo.unescape(f[2]);
            break;
          case "s":
            readonly = Integer.parseInt(f[2].strip());
            break;
          case "r":
            shards.add(Integer.parseInt(f[1].strip()));
            replicas = Math.max(replicas, Integer.parseInt(f[2].strip()));
            break;
          default:
            throw new IllegalArgumentException(
                "Unexpected line in the cluster description: " + Sql.printable(line));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Unexpected line in the cluster description: " + Sql.printable(line));
      }
    }
    return new ClusterTopology(Optional.ofNullable(engine), readonly, shards.size(), replicas);
  }

  /** Whether the cluster keeps more than one copy of a shard. */
  public boolean replicated() {
    return replicas > 1;
  }

  /** Whether the user may send settings with a query. */
  public boolean maySendSettings() {
    return readonly != 1;
  }

  /** The same, with the local engine as found on the shards. */
  public ClusterTopology withLocalEngine(String engine) {
    return new ClusterTopology(Optional.of(engine), readonly, shards, replicas);
  }
}
