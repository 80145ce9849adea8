package io.github.ohlcv4j.clickhouse.cluster;

import java.util.List;
import java.util.Map;

/**
 * A database of the test's own on the cluster, made with {@code ON CLUSTER} from one node: a
 * replicated replacing table on every shard ({@code candles_local}, ordered by symbol and time as
 * the SDK's tables are) and a {@code Distributed} table over it sharded by {@code
 * cityHash64(symbol)} ({@code candles}). Merges are stopped on every node, so that copies of a
 * candle stay until a reader collapses them with {@code FINAL}.
 */
final class CandleTables {

  /** Six symbols, three on each shard. */
  static final List<String> SYMBOLS =
      List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "AAPL", "MSFT");

  /** 2024-01-01T00:00:00Z. */
  static final long START = 1_704_067_200L;

  /** Insert settings for a write visible everywhere on return: synchronous, on both replicas. */
  static final Map<String, String> SYNC_QUORUM =
      Map.of("insert_distributed_sync", "1", "insert_quorum", "2");

  /** A synchronous distributed insert only. */
  static final Map<String, String> SYNC = Map.of("insert_distributed_sync", "1");

  final ClickHouseCluster cluster;
  final String db;

  private CandleTables(ClickHouseCluster cluster, String db) {
    this.cluster = cluster;
    this.db = db;
  }

  /** Creates database {@code db} and its two tables from node s1r1. */
  static CandleTables create(ClickHouseCluster cluster, String db) {
    ClusterNode n = cluster.node(1, 1);
    String on = " ON CLUSTER " + ClickHouseCluster.NAME;
    n.sql("DROP DATABASE IF EXISTS " + db + on);
    n.sql("CREATE DATABASE " + db + on);
    n.sql(
        "CREATE TABLE "
            + db
            + ".candles_local"
            + on
            + " (symbol String, ts DateTime, open Float64, high Float64, low Float64,"
            + " close Float64, volume Float64)"
            + " ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/"
            + db
            + "/candles', '{replica}')"
            + " PARTITION BY toYYYYMM(ts) ORDER BY (symbol, ts)");
    n.sql(
        "CREATE TABLE "
            + db
            + ".candles"
            + on
            + " AS "
            + db
            + ".candles_local ENGINE = Distributed("
            + ClickHouseCluster.NAME
            + ", "
            + db
            + ", candles_local, cityHash64(symbol))");
    for (ClusterNode node : cluster.nodes()) {
      node.sql("SYSTEM STOP MERGES " + db + ".candles_local");
    }
    return new CandleTables(cluster, db);
  }

  String local() {
    return db + ".candles_local";
  }

  String distributed() {
    return db + ".candles";
  }

  /**
   * {@code n} one-minute candles of {@code symbol} from {@link #START} as a VALUES list; {@code
   * revision} shifts close and volume, so that a rewritten candle differs from the first copy. All
   * numbers are small integers or halves: sums are exact in any order.
   */
  static String values(String symbol, int n, int revision) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int open = 100 + i;
      if (i > 0) {
        b.append(',');
      }
      b.append("('")
          .append(symbol)
          .append("',toDateTime(")
          .append(START + 60L * i)
          .append("),")
          .append(open)
          .append(',')
          .append(open + 2)
          .append(',')
          .append(open - 1)
          .append(',')
          .append(open + 0.5 + revision)
          .append(',')
          .append(1 + i % 7 + revision)
          .append(')');
    }
    return b.toString();
  }

  /** One INSERT through the Distributed table of {@code n} candles of every symbol given. */
  String insert(List<String> symbols, int n, int revision) {
    StringBuilder b = new StringBuilder("INSERT INTO ").append(distributed()).append(" VALUES ");
    for (int i = 0; i < symbols.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(values(symbols.get(i), n, revision));
    }
    return b.toString();
  }

  /** The shard that {@code Distributed(..., cityHash64(symbol))} sends {@code symbol} to. */
  int shardOf(String symbol) {
    // Two shards of weight 1: the row goes to shard (key % 2) + 1.
    return Integer.parseInt(
        cluster.node(1, 1).sql("SELECT cityHash64('" + symbol + "') % 2 + 1 FORMAT TSV").trim());
  }

  /** Rows of {@code symbol} in the local table of {@code node}. */
  long localCount(ClusterNode node, String symbol) {
    return Long.parseLong(
        node.sql("SELECT count() FROM " + local() + " WHERE symbol = '" + symbol + "' FORMAT TSV")
            .trim());
  }
}
