package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.clickhouse.internal.Dialect;
import io.github.ohlcv4j.clickhouse.internal.ServerVersion;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.clickhouse.internal.StoreColumns;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Creates the database and the tables of a {@link ClickHouseSource} — on one server, or on every
 * node of a cluster — and keeps a record of the schema version so that later changes are applied
 * once, in order:
 *
 * <pre>{@code
 * int version = ClickHouseSchema.builder(source).build().migrate();
 * int onCluster = ClickHouseSchema.builder(source).cluster("candles").build().migrate();
 * }</pre>
 *
 * <p><b>The candle table.</b> Columns as the source's {@link ColumnMapping} names them — symbol
 * {@code String} ({@code LowCardinality(String)} on servers from 20.5), time {@code
 * DateTime('UTC')} or {@code DateTime64(3, 'UTC')}, open, high, low, close and volume {@code
 * Float64} — then the columns that let the source keep candles as a venue sent them ({@link
 * ClickHouseSource#write(io.github.ohlcv4j.CandleSeries)}): {@code flags UInt8} and the extra
 * columns {@code quote_volume}, {@code trade_count}, {@code taker_buy_volume}, {@code
 * taker_buy_quote_volume}, {@code vwap}, {@code close_time} ({@code Float64}, NaN by default).
 * Partitioned by month of the open time and ordered by {@code (symbol, time)}, so reading one
 * symbol's range touches only its rows. The engine is {@code ReplacingMergeTree} unless {@link
 * Builder#engine(Engine)} says otherwise: writing the same candle twice then keeps the last copy.
 * Beside it, the database holds {@value #COVERAGE_TABLE}, which records for each symbol the ranges
 * written complete ({@link ClickHouseSource#coverage}).
 *
 * <p><b>On a cluster</b> ({@link Builder#cluster(String)}) every statement runs {@code ON CLUSTER}:
 * each shard gets a local table ({@code <table>_local}; {@code ReplicatedReplacingMergeTree} when
 * the cluster has replicas, per {@code system.clusters}, at {@code
 * /clickhouse/tables/{shard}/<database>/<table>_local} in ZooKeeper), and every node a {@code
 * Distributed} table of the source's name over them, sharded by {@code cityHash64(symbol)}, so that
 * all candles of a symbol live on one shard. The nodes need the {@code {shard}} and {@code
 * {replica}} macros (as replicated tables do) and the distributed DDL queue. The version record is
 * one table replicated to every node, written with a quorum of all of them, so every node reports
 * the same version as soon as {@code migrate()} returns. {@link #statements()} shows the statements
 * for review.
 *
 * <p><b>Migrations.</b> {@link #migrate()} applies the numbered steps this library knows and the
 * table has not had, and records each in {@code <database>.ohlcv4j_schema_migrations} (table name,
 * version, description, time). It is idempotent: run it at every start. A missing table is created
 * as the latest version describes it; an existing table ({@code CREATE TABLE IF NOT EXISTS}) is
 * adopted if its columns fit the mapping. Version 1 is the candle table; version 2 adds the flags
 * and extra columns (on one server, with {@code ALTER TABLE ... ADD COLUMN}; on a cluster the
 * statements are shown for an operator to run, as {@code ALTER} through a {@code Distributed} table
 * cannot reach every shard) and the coverage table. A table recorded at a newer version than this
 * library knows is refused, so an old application cannot write into a table it does not understand.
 *
 * <p>Thread-safe; concurrent migrations of one table are harmless (the statements are idempotent).
 */
public final class ClickHouseSchema {

  /** The newest schema version this library knows. */
  public static final int LATEST_VERSION = 2;

  /** The table recording applied schema versions, in the source's database. */
  public static final String MIGRATIONS_TABLE = "ohlcv4j_schema_migrations";

  /**
   * The table recording, per candle table and symbol, the ranges written complete and the extra
   * columns and flags ever written, in the source's database.
   */
  public static final String COVERAGE_TABLE = TableInfo.COVERAGE_TABLE;

  /** The engine of a new candle table. */
  public enum Engine {
    /**
     * {@code MergeTree}: every row written is kept; cheapest to read, but candles written twice are
     * read twice.
     */
    MERGE_TREE,
    /**
     * {@code ReplacingMergeTree}: rows with the same symbol and time collapse into the last one
     * written; readers use {@code FINAL}. The default.
     */
    REPLACING_MERGE_TREE
  }

  /** One numbered schema change. */
  private record Migration(int version, String description) {}

  private static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(1, "create the candle table"),
          new Migration(2, "flags and extra columns, and the coverage table"));

  /**
   * What the cluster looks like.
   *
   * @param nodes every replica of every shard
   * @param replicated whether a shard has more than one replica
   */
  private record Layout(int nodes, boolean replicated) {}

  private final ClickHouseSource source;
  private final TableHandle table;
  private final Engine engine;
  private final @Nullable TimeColumnType timeType;
  private final @Nullable String cluster;
  private final String localTable;

  private ClickHouseSchema(Builder b) {
    this.source = b.source;
    this.table = b.source.tableHandle();
    this.engine = b.engine;
    this.timeType = b.timeType != null ? b.timeType : table.settings().timeType();
    this.cluster = b.cluster;
    this.localTable = b.localTable != null ? b.localTable : source.table() + "_local";
    if (cluster != null) {
      Sql.checkIdentifier(localTable, "local table");
      if (localTable.equals(source.table())) {
        throw new IllegalArgumentException(
            "The local table must have another name than the Distributed table " + localTable);
      }
    }
  }

  /** A builder for the schema of {@code source}'s table. */
  public static Builder builder(ClickHouseSource source) {
    return new Builder(source);
  }

  /**
   * Brings the table to {@link #LATEST_VERSION}: creates the database, the migrations table, the
   * candle table and the coverage table as needed (on every node of the cluster, if one is set),
   * and records what it applied. Blocks.
   *
   * @return the schema version now in place
   * @throws SourceUnavailableException if the table is recorded at a newer version than this
   *     library knows, an existing table does not fit the source's column mapping (or, on a
   *     cluster, is not a {@code Distributed} table or lacks the flags and extra columns), or the
   *     cluster is unknown to the server
   * @throws OhlcvException if the server refuses a statement or cannot be reached (a node of the
   *     cluster that is down makes {@code ON CLUSTER} statements time out)
   */
  public int migrate() {
    TableInfo before = table.await(table.describe(), "describing the table");
    Dialect dialect = before.dialect();
    if (before.exists()) {
      checkFits(before);
    }
    Layout layout = cluster == null ? new Layout(1, false) : layout();
    run(createDatabase(), "creating database " + source.database());
    run(createMigrations(layout), "creating " + source.database() + "." + MIGRATIONS_TABLE);
    int current = recorded();
    if (current > LATEST_VERSION) {
      throw new SourceUnavailableException(
          source.name()
              + ": the table "
              + source.database()
              + "."
              + source.table()
              + " is at schema version "
              + current
              + ", newer than this library knows ("
              + LATEST_VERSION
              + "); upgrade ohlcv4j-clickhouse before using it",
          source.name(),
          false,
          null,
          null,
          null);
    }
    if (!before.exists()) {
      for (String sql : candleTables(dialect, layout)) {
        run(sql, "creating the candle table " + source.database() + "." + source.table());
      }
    } else {
      if (cluster != null && !"Distributed".equals(before.engine())) {
        throw table.unfit(
            "the table "
                + source.database()
                + "."
                + source.table()
                + " exists and is a "
                + before.engine()
                + " table, not a Distributed table over the cluster "
                + cluster
                + "; use another table name for the cluster, or migrate without cluster(..)");
      }
      if (current < 2) {
        addStoreColumns(before);
      }
    }
    if (current < 2) {
      for (String sql : coverageTables(layout)) {
        run(sql, "creating " + source.database() + "." + COVERAGE_TABLE);
      }
    }
    if (current < LATEST_VERSION) {
      record(current, layout);
      current = LATEST_VERSION;
    }
    table.forget();
    checkFits(table.await(table.describe(), "describing the table"));
    return current;
  }

  /** Refuses a table whose columns do not fit the mapping, before anything is changed. */
  private void checkFits(TableInfo info) {
    Optional<String> problems = info.problems(source.columns());
    if (problems.isPresent()) {
      throw new SourceUnavailableException(
          source.name()
              + ": the existing table "
              + source.database()
              + "."
              + source.table()
              + " does not fit the column mapping "
              + source.columns().all()
              + ": "
              + problems.get()
              + ". Map its columns with ClickHouseSource.Builder.columns(..), or use another table"
              + " name.",
          source.name(),
          false,
          null,
          null,
          null);
    }
  }

  /**
   * The schema version recorded for the table; 0 if none (no migration has run, or the migrations
   * table does not exist). Blocks.
   *
   * @throws OhlcvException if the server cannot be reached
   */
  public int version() {
    TableInfo info =
        table.await(
            table.describe(MIGRATIONS_TABLE),
            "looking for " + source.database() + "." + MIGRATIONS_TABLE);
    return info.exists() ? recorded() : 0;
  }

  /**
   * The {@code CREATE TABLE} statement of the candle table for a server of the given major and
   * minor version, for review or to run by hand. With a {@link Builder#cluster(String) cluster},
   * the statement of the local table on every shard, replicated; {@link #statements()} gives them
   * all.
   */
  public String createTableStatement(int major, int minor) {
    Dialect dialect = Dialect.of(new ServerVersion(major, minor, major + "." + minor));
    return candleTables(dialect, new Layout(2, true)).get(0);
  }

  /**
   * The statements {@link #migrate()} runs to create the schema from nothing, in order — database,
   * migrations table, candle table (on a cluster: the local and the {@code Distributed} table) and
   * coverage table — for the server the source talks to and, on a cluster, its layout as {@code
   * system.clusters} describes it. Reads the server version (and the cluster); changes nothing.
   *
   * @throws OhlcvException if the server cannot be reached, or does not know the cluster
   */
  public List<String> statements() {
    TableInfo info = table.await(table.describe(), "describing the table");
    Layout layout = cluster == null ? new Layout(1, false) : layout();
    List<String> out = new ArrayList<>();
    out.add(createDatabase());
    out.add(createMigrations(layout));
    out.addAll(candleTables(info.dialect(), layout));
    out.addAll(coverageTables(layout));
    return List.copyOf(out);
  }

  private String onCluster() {
    return cluster == null ? "" : " ON CLUSTER " + Sql.id(cluster);
  }

  private String createDatabase() {
    return "CREATE DATABASE IF NOT EXISTS " + Sql.id(source.database()) + onCluster();
  }

  private String createMigrations(Layout layout) {
    String engineSql;
    if (cluster == null) {
      engineSql = "MergeTree()";
    } else {
      // One table replicated to every node of the cluster (no {shard} in its path): every node
      // holds the same record.
      engineSql =
          "ReplicatedReplacingMergeTree('/clickhouse/ohlcv4j/"
              + source.database()
              + "/"
              + MIGRATIONS_TABLE
              + "', '{shard}-{replica}')";
    }
    return "CREATE TABLE IF NOT EXISTS "
        + Sql.qualified(source.database(), MIGRATIONS_TABLE)
        + onCluster()
        + " (table_name String, version UInt32, description String, applied_at DateTime)"
        + " ENGINE = "
        + engineSql
        + " ORDER BY (table_name, version)";
  }

  /** The candle table: one statement, or on a cluster the local and the Distributed table. */
  private List<String> candleTables(Dialect dialect, Layout layout) {
    ColumnMapping c = source.columns();
    TimeColumnType type =
        timeType != null
            ? timeType
            : dialect.hasDateTime64() ? TimeColumnType.DATE_TIME64_3 : TimeColumnType.DATE_TIME;
    if (type == TimeColumnType.DATE_TIME64_3 && !dialect.hasDateTime64()) {
      throw new SourceUnavailableException(
          source.name()
              + ": this ClickHouse server has no DateTime64; create the table with"
              + " timeColumnType(TimeColumnType.DATE_TIME)",
          source.name(),
          false,
          null,
          null,
          null);
    }
    String time = type == TimeColumnType.DATE_TIME ? "DateTime('UTC')" : "DateTime64(3, 'UTC')";
    String symbol = dialect == Dialect.MODERN ? "LowCardinality(String)" : "String";
    StringBuilder columns = new StringBuilder(" (");
    columns
        .append(Sql.id(c.symbol()))
        .append(' ')
        .append(symbol)
        .append(", ")
        .append(Sql.id(c.time()))
        .append(' ')
        .append(time);
    for (String v : new String[] {c.open(), c.high(), c.low(), c.close(), c.volume()}) {
      columns.append(", ").append(Sql.id(v)).append(" Float64");
    }
    for (String[] d : StoreColumns.definitions()) {
      columns.append(", ").append(Sql.id(d[0])).append(' ').append(d[1]);
    }
    columns.append(')');
    String layoutSql =
        " PARTITION BY toYYYYMM("
            + Sql.id(c.time())
            + ") ORDER BY ("
            + Sql.id(c.symbol())
            + ", "
            + Sql.id(c.time())
            + ")";
    String name = engine == Engine.REPLACING_MERGE_TREE ? "ReplacingMergeTree" : "MergeTree";
    if (cluster == null) {
      return List.of(
          "CREATE TABLE IF NOT EXISTS "
              + Sql.qualified(source.database(), source.table())
              + columns
              + " ENGINE = "
              + name
              + "()"
              + layoutSql);
    }
    String local =
        "CREATE TABLE IF NOT EXISTS "
            + Sql.qualified(source.database(), localTable)
            + onCluster()
            + columns
            + " ENGINE = "
            + localEngine(name, localTable, layout)
            + layoutSql;
    String distributed =
        "CREATE TABLE IF NOT EXISTS "
            + Sql.qualified(source.database(), source.table())
            + onCluster()
            + columns
            + " ENGINE = "
            + distributedEngine(localTable, Sql.id(c.symbol()));
    return List.of(local, distributed);
  }

  /** The coverage table: one, or on a cluster a local table per shard and a Distributed one. */
  private List<String> coverageTables(Layout layout) {
    String columns =
        " (table_name String, symbol String, kind String, from_time Int64, to_time Int64,"
            + " extras UInt8, flags UInt8, recorded_at DateTime)";
    String order = " ORDER BY (table_name, symbol, kind, from_time, to_time, extras, flags)";
    if (cluster == null) {
      return List.of(
          "CREATE TABLE IF NOT EXISTS "
              + Sql.qualified(source.database(), COVERAGE_TABLE)
              + columns
              + " ENGINE = ReplacingMergeTree()"
              + order);
    }
    String local = COVERAGE_TABLE + "_local";
    return List.of(
        "CREATE TABLE IF NOT EXISTS "
            + Sql.qualified(source.database(), local)
            + onCluster()
            + columns
            + " ENGINE = "
            + localEngine("ReplacingMergeTree", local, layout)
            + order,
        "CREATE TABLE IF NOT EXISTS "
            + Sql.qualified(source.database(), COVERAGE_TABLE)
            + onCluster()
            + columns
            + " ENGINE = "
            + distributedEngine(local, "symbol"));
  }

  private String localEngine(String name, String local, Layout layout) {
    if (!layout.replicated()) {
      return name + "()";
    }
    return "Replicated"
        + name
        + "('/clickhouse/tables/{shard}/"
        + source.database()
        + "/"
        + local
        + "', '{replica}')";
  }

  private String distributedEngine(String local, String symbolColumn) {
    return "Distributed("
        + Sql.id(Objects.requireNonNull(cluster))
        + ", "
        + Sql.id(source.database())
        + ", "
        + Sql.id(local)
        + ", cityHash64("
        + symbolColumn
        + "))";
  }

  /**
   * Adds the flags and extra columns a table made by version 1 lacks: with {@code ALTER} on one
   * server; on a cluster the statements are shown instead.
   */
  private void addStoreColumns(TableInfo info) {
    List<String> missing = new ArrayList<>();
    for (String[] d : StoreColumns.definitions()) {
      if (info.type(d[0]).isEmpty()) {
        missing.add(d[0] + " " + d[1]);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    if (cluster == null) {
      StringBuilder alter =
          new StringBuilder("ALTER TABLE ")
              .append(Sql.qualified(source.database(), source.table()));
      for (int i = 0; i < missing.size(); i++) {
        alter.append(i == 0 ? " ADD COLUMN " : ", ADD COLUMN ").append(missing.get(i));
      }
      run(alter.toString(), "adding the flags and extra columns");
      return;
    }
    String columns = String.join(", ADD COLUMN ", missing);
    throw table.unfit(
        "the table "
            + source.database()
            + "."
            + source.table()
            + " lacks the flags and extra columns of schema version 2. ALTER through a Distributed"
            + " table does not reach the shards, and ALTER ... ON CLUSTER races between the replicas"
            + " of a shard on some servers, so run by hand, on one replica of each shard: ALTER"
            + " TABLE "
            + Sql.qualified(source.database(), localTable)
            + " ADD COLUMN "
            + columns
            + "; and on every node: ALTER TABLE "
            + Sql.qualified(source.database(), source.table())
            + " ADD COLUMN "
            + columns
            + "; then migrate() again");
  }

  /**
   * Records the versions after {@code current}. On a cluster every node must hold the record when
   * this returns, so the insert waits for all of them (a quorum of every node).
   */
  private void record(int current, Layout layout) {
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(Sql.qualified(source.database(), MIGRATIONS_TABLE))
            .append(" (table_name, version, description, applied_at) VALUES ");
    boolean first = true;
    for (Migration m : MIGRATIONS) {
      if (m.version() <= current) {
        continue;
      }
      sql.append(first ? "" : ", ")
          .append('(')
          .append(Sql.string(source.table()))
          .append(", ")
          .append(m.version())
          .append(", ")
          .append(Sql.string(m.description()))
          .append(", now())");
      first = false;
    }
    String asked = "recording schema version " + LATEST_VERSION;
    Map<String, String> quorum =
        cluster != null && layout.nodes() > 1
            ? Map.of("insert_quorum", Integer.toString(layout.nodes()))
            : Map.of();
    table.await(table.connection().text(sql.toString(), asked, quorum), asked);
  }

  /** The cluster's nodes and whether it has replicas, from {@code system.clusters}. */
  private Layout layout() {
    String asked = "reading the layout of the cluster " + cluster;
    String tsv =
        table.await(
            table
                .connection()
                .text(
                    "SELECT count(), max(replica_num) FROM system.clusters WHERE cluster = "
                        + Sql.string(Objects.requireNonNull(cluster))
                        + " FORMAT TabSeparated",
                    asked),
            asked);
    String[] f = tsv.strip().split("\t");
    int nodes;
    int replicas;
    try {
      nodes = Integer.parseInt(f[0]);
      replicas = f.length > 1 ? Integer.parseInt(f[1]) : 0;
    } catch (NumberFormatException e) {
      throw unexpected("cluster layout", tsv);
    }
    if (nodes == 0) {
      throw table.unfit(
          "the server at "
              + source.url()
              + " does not know the cluster "
              + cluster
              + " (system.clusters); name a cluster of its remote_servers");
    }
    return new Layout(nodes, replicas > 1);
  }

  private int recorded() {
    String text =
        table.await(
            table
                .connection()
                .text(
                    "SELECT max(version) FROM "
                        + Sql.qualified(source.database(), MIGRATIONS_TABLE)
                        + " WHERE table_name = "
                        + Sql.string(source.table())
                        + " FORMAT TabSeparated",
                    "reading the schema version"),
            "reading the schema version");
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw unexpected("schema version", text);
    }
  }

  private DataFormatException unexpected(String what, String text) {
    String shown = table.connection().credentials().redact(text.strip());
    return new DataFormatException(
        source.name()
            + ": unexpected "
            + what
            + " \""
            + (shown.length() <= 200 ? shown : shown.substring(0, 200) + "…")
            + "\"",
        source.name(),
        null,
        null);
  }

  private void run(String sql, String asked) {
    table.await(table.connection().text(sql, asked), asked);
  }

  @Override
  public String toString() {
    return "ClickHouseSchema{"
        + source.database()
        + "."
        + source.table()
        + ", "
        + engine
        + (cluster == null ? "" : ", on cluster " + cluster + " over " + localTable)
        + ", latest version "
        + LATEST_VERSION
        + "}";
  }

  /** Builds a {@link ClickHouseSchema}. Not thread-safe. */
  public static final class Builder {
    private final ClickHouseSource source;
    private Engine engine = Engine.REPLACING_MERGE_TREE;
    private @Nullable TimeColumnType timeType;
    private @Nullable String cluster;
    private @Nullable String localTable;

    Builder(ClickHouseSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /** The engine of a new table; {@link Engine#REPLACING_MERGE_TREE} by default. */
    public Builder engine(Engine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /**
     * The time column type of a new table; by default the source's {@code timeColumnType}, else
     * {@code DateTime64(3)} where the server has it and {@code DateTime} where not.
     */
    public Builder timeColumnType(TimeColumnType type) {
      this.timeType = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * Creates the tables on every node of this cluster (a name in the servers' {@code
     * remote_servers}), with {@code ON CLUSTER}: the source's table becomes a {@code Distributed}
     * table over a local table on every shard, sharded by the symbol. Unset, the tables are made on
     * the server the source talks to only.
     *
     * @throws IllegalArgumentException if the name is not an identifier
     */
    public Builder cluster(String cluster) {
      this.cluster = Sql.checkIdentifier(cluster, "cluster");
      return this;
    }

    /**
     * The name of the local table on every shard, with {@link #cluster(String)}; {@code
     * <table>_local} by default.
     *
     * @throws IllegalArgumentException if the name is not an identifier
     */
    public Builder localTable(String localTable) {
      this.localTable = Sql.checkIdentifier(localTable, "local table");
      return this;
    }

    /** Builds the schema handle. No I/O happens here. */
    public ClickHouseSchema build() {
      return new ClickHouseSchema(this);
    }
  }
}
