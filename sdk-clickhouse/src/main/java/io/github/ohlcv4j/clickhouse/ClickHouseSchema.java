package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.clickhouse.internal.Dialect;
import io.github.ohlcv4j.clickhouse.internal.ServerVersion;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Creates the database and the candle table of a {@link ClickHouseSource}, and keeps a record of
 * the schema version so that later changes are applied once, in order:
 *
 * <pre>{@code
 * int version = ClickHouseSchema.builder(source).build().migrate();
 * }</pre>
 *
 * <p><b>The table.</b> Columns as the source's {@link ColumnMapping} names them — symbol {@code
 * String} ({@code LowCardinality(String)} on servers from 20.5), time {@code DateTime('UTC')} or
 * {@code DateTime64(3, 'UTC')}, open, high, low, close and volume {@code Float64} — partitioned by
 * month of the open time and ordered by {@code (symbol, time)}, so reading one symbol's range
 * touches only its rows. The engine is {@code ReplacingMergeTree} unless {@link
 * Builder#engine(Engine)} says otherwise: writing the same candle twice then keeps the last copy
 * (see {@link ClickHouseWriter}).
 *
 * <p><b>Migrations.</b> {@link #migrate()} applies the numbered steps this library knows and the
 * table has not had, and records each in {@code <database>.ohlcv4j_schema_migrations} (table name,
 * version, description, time). It is idempotent: run it at every start. Version {@value
 * #LATEST_VERSION} creates the table ({@code CREATE TABLE IF NOT EXISTS}: an existing table is
 * adopted if its columns fit the mapping). A table recorded at a newer version than this library
 * knows is refused, so an old application cannot write into a table it does not understand.
 *
 * <p>Thread-safe; concurrent migrations of one table are harmless (the statements are idempotent).
 */
public final class ClickHouseSchema {

  /** The newest schema version this library knows. */
  public static final int LATEST_VERSION = 1;

  /** The table recording applied schema versions, in the source's database. */
  public static final String MIGRATIONS_TABLE = "ohlcv4j_schema_migrations";

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
      List.of(new Migration(1, "create the candle table"));

  private final ClickHouseSource source;
  private final TableHandle table;
  private final Engine engine;
  private final @Nullable TimeColumnType timeType;

  private ClickHouseSchema(Builder b) {
    this.source = b.source;
    this.table = b.source.tableHandle();
    this.engine = b.engine;
    this.timeType = b.timeType != null ? b.timeType : table.settings().timeType();
  }

  /** A builder for the schema of {@code source}'s table. */
  public static Builder builder(ClickHouseSource source) {
    return new Builder(source);
  }

  /**
   * Brings the table to {@link #LATEST_VERSION}: creates the database, the migrations table and the
   * candle table as needed, and records what it applied. Blocks.
   *
   * @return the schema version now in place
   * @throws SourceUnavailableException if the table is recorded at a newer version than this
   *     library knows, or an existing table does not fit the source's column mapping
   * @throws OhlcvException if the server refuses a statement or cannot be reached
   */
  public int migrate() {
    TableInfo before = table.await(table.describe(), "describing the table");
    Dialect dialect = before.dialect();
    String db = Sql.id(source.database());
    String migrations = Sql.qualified(source.database(), MIGRATIONS_TABLE);
    run("CREATE DATABASE IF NOT EXISTS " + db, "creating database " + source.database());
    run(
        "CREATE TABLE IF NOT EXISTS "
            + migrations
            + " (table_name String, version UInt32, description String, applied_at DateTime)"
            + " ENGINE = MergeTree() ORDER BY (table_name, version)",
        "creating " + source.database() + "." + MIGRATIONS_TABLE);
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
    for (Migration m : MIGRATIONS) {
      if (m.version() <= current) {
        continue;
      }
      run(statement(m, dialect), "applying schema version " + m.version());
      run(
          "INSERT INTO "
              + migrations
              + " (table_name, version, description, applied_at) VALUES ("
              + Sql.string(source.table())
              + ", "
              + m.version()
              + ", "
              + Sql.string(m.description())
              + ", now())",
          "recording schema version " + m.version());
      current = m.version();
    }
    table.forget();
    TableInfo after = table.await(table.describe(), "describing the table");
    Optional<String> problems = after.problems(source.columns());
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
    return current;
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
   * minor version, for review or to run by hand (for instance with {@code ON CLUSTER} added).
   */
  public String createTableStatement(int major, int minor) {
    Dialect dialect = Dialect.of(new ServerVersion(major, minor, major + "." + minor));
    return statement(MIGRATIONS.get(0), dialect);
  }

  private String statement(Migration m, Dialect dialect) {
    if (m.version() != 1) {
      throw new IllegalStateException("unknown migration " + m);
    }
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
    String engineSql =
        engine == Engine.REPLACING_MERGE_TREE ? "ReplacingMergeTree()" : "MergeTree()";
    return "CREATE TABLE IF NOT EXISTS "
        + Sql.qualified(source.database(), source.table())
        + " ("
        + Sql.id(c.symbol())
        + " "
        + symbol
        + ", "
        + Sql.id(c.time())
        + " "
        + time
        + ", "
        + Sql.id(c.open())
        + " Float64, "
        + Sql.id(c.high())
        + " Float64, "
        + Sql.id(c.low())
        + " Float64, "
        + Sql.id(c.close())
        + " Float64, "
        + Sql.id(c.volume())
        + " Float64) ENGINE = "
        + engineSql
        + " PARTITION BY toYYYYMM("
        + Sql.id(c.time())
        + ") ORDER BY ("
        + Sql.id(c.symbol())
        + ", "
        + Sql.id(c.time())
        + ")";
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
      String shown = table.connection().credentials().redact(text.strip());
      throw new DataFormatException(
          source.name()
              + ": unexpected schema version \""
              + (shown.length() <= 200 ? shown : shown.substring(0, 200) + "…")
              + "\"",
          source.name(),
          null,
          null);
    }
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
        + ", latest version "
        + LATEST_VERSION
        + "}";
  }

  /** Builds a {@link ClickHouseSchema}. Not thread-safe. */
  public static final class Builder {
    private final ClickHouseSource source;
    private Engine engine = Engine.REPLACING_MERGE_TREE;
    private @Nullable TimeColumnType timeType;

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

    /** Builds the schema handle. No I/O happens here. */
    public ClickHouseSchema build() {
      return new ClickHouseSchema(this);
    }
  }
}
