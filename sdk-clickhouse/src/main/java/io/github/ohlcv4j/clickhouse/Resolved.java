package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.clickhouse.internal.ClusterTopology;
import io.github.ohlcv4j.clickhouse.internal.DistributedEngine;
import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import java.util.Map;
import java.util.Optional;

/**
 * What a source knows once it has looked at the server and the table: kept for the source's life.
 *
 * @param info version, engine and column types
 * @param timeType the time column's type
 * @param useFinal whether reads use {@code FINAL}
 * @param compiler writes the queries
 * @param cluster for a {@code Distributed} table, its engine and the cluster behind it
 * @param readSettings settings sent with every read (for a {@code Distributed} table)
 * @param insertSettings settings sent with every insert (for a {@code Distributed} table)
 */
record Resolved(
    TableInfo info,
    TimeColumnType timeType,
    boolean useFinal,
    QueryCompiler compiler,
    Optional<Cluster> cluster,
    Map<String, String> readSettings,
    Map<String, String> insertSettings) {

  /**
   * A {@code Distributed} table and its cluster.
   *
   * @param engine the engine's arguments
   * @param topology the cluster as the server knows it
   */
  record Cluster(DistributedEngine engine, ClusterTopology topology) {}

  /** Whether the table is a {@code Distributed} table. */
  boolean distributed() {
    return cluster.isPresent();
  }
}
