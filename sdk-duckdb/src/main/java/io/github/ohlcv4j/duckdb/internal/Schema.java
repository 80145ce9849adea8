package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.source.StoreSchemaException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.duckdb.DuckDBConnection;

/**
 * The store's tables and their numbered migrations. {@link #migrate} creates what is missing and
 * applies the steps a store has not had, in one transaction, and refuses — before changing anything
 * — a store recorded at a newer version, tables of the store's names that it did not make, and
 * tables whose columns are not the ones it made.
 */
public final class Schema {
  private Schema() {}

  /** The newest schema version this library knows. */
  public static final int LATEST_VERSION = 1;

  /** The table recording applied versions. */
  public static final String MIGRATIONS = "ohlcv4j_schema_migrations";

  /** The candles. */
  public static final String CANDLES = "ohlcv4j_candles";

  /** The ranges held complete and the ranges the venue had no candles for. */
  public static final String COVERAGE = "ohlcv4j_coverage";

  /** One row per stored series: which extra columns it has. */
  public static final String SERIES = "ohlcv4j_series";

  /** The columns each table must have, in order, with DuckDB's type names. */
  static final Map<String, List<String>> COLUMNS = new LinkedHashMap<>();

  static {
    COLUMNS.put(
        MIGRATIONS, List.of("version INTEGER", "description VARCHAR", "applied_at TIMESTAMP"));
    List<String> candles =
        new ArrayList<>(
            List.of(
                "symbol VARCHAR",
                "interval VARCHAR",
                "zone VARCHAR",
                "open_time TIMESTAMP",
                "open DOUBLE",
                "high DOUBLE",
                "low DOUBLE",
                "close DOUBLE",
                "volume DOUBLE"));
    for (io.github.ohlcv4j.ExtraColumn c : Extras.ALL) {
      candles.add(Extras.column(c) + " DOUBLE");
    }
    candles.add("flags UTINYINT");
    COLUMNS.put(CANDLES, List.copyOf(candles));
    COLUMNS.put(
        COVERAGE,
        List.of(
            "symbol VARCHAR",
            "interval VARCHAR",
            "zone VARCHAR",
            "kind VARCHAR",
            "from_time TIMESTAMP",
            "to_time TIMESTAMP",
            "recorded_at TIMESTAMP"));
    COLUMNS.put(
        SERIES, List.of("symbol VARCHAR", "interval VARCHAR", "zone VARCHAR", "extras INTEGER"));
  }

  /** One numbered step. */
  private record Migration(int version, String description, List<String> statements) {}

  private static final List<Migration> STEPS =
      List.of(new Migration(1, "candles, coverage and series tables", v1()));

  private static List<String> v1() {
    StringBuilder candles = new StringBuilder("CREATE TABLE ").append(CANDLES).append(" (");
    List<String> cols = Objects.requireNonNull(COLUMNS.get(CANDLES), "put before the steps");
    for (int i = 0; i < cols.size(); i++) {
      String[] nt = cols.get(i).split(" ");
      boolean nullable = nt[0].equals("flags") ? false : i >= 9;
      candles
          .append(i == 0 ? "" : ", ")
          .append('"')
          .append(nt[0])
          .append("\" ")
          .append(nt[1])
          .append(nullable ? "" : " NOT NULL");
    }
    candles.append(')');
    return List.of(
        candles.toString(),
        "CREATE TABLE "
            + COVERAGE
            + " (symbol VARCHAR NOT NULL, \"interval\" VARCHAR NOT NULL, zone VARCHAR NOT NULL,"
            + " kind VARCHAR NOT NULL CHECK (kind IN ('complete', 'empty')),"
            + " from_time TIMESTAMP NOT NULL, to_time TIMESTAMP NOT NULL,"
            + " recorded_at TIMESTAMP NOT NULL, CHECK (from_time < to_time))",
        "CREATE TABLE "
            + SERIES
            + " (symbol VARCHAR NOT NULL, \"interval\" VARCHAR NOT NULL, zone VARCHAR NOT NULL,"
            + " extras INTEGER NOT NULL, PRIMARY KEY (symbol, \"interval\", zone))");
  }

  /** The statements of schema version 1, for review. */
  public static List<String> createStatements() {
    List<String> out = new ArrayList<>();
    out.add(migrationsTable());
    out.addAll(STEPS.get(0).statements());
    return out;
  }

  private static String migrationsTable() {
    return "CREATE TABLE "
        + MIGRATIONS
        + " (version INTEGER NOT NULL, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT"
        + " NULL)";
  }

  /**
   * Brings the store to {@link #LATEST_VERSION}, or checks that it is there when read-only.
   *
   * @param db the database
   * @param name the store's name, for errors
   * @param nowMillis the time recorded with an applied step
   * @return the version in place
   * @throws StoreSchemaException as the class comment says
   */
  public static int migrate(Database db, String name, long nowMillis) {
    Objects.requireNonNull(db, "db");
    Map<String, List<String>> found = db.read("reading the store's tables", Schema::tables);
    int version = recordedVersion(db, name, found);
    if (version > LATEST_VERSION) {
      throw StoreSchemaException.of(
              name,
              name
                  + ": "
                  + where(db)
                  + " is at schema version "
                  + version
                  + ", newer than this library knows ("
                  + LATEST_VERSION
                  + "): a newer ohlcv4j-duckdb wrote it. Upgrade ohlcv4j-duckdb to use it; nothing was"
                  + " changed.")
          .build();
    }
    if (version == 0) {
      for (String t : List.of(CANDLES, COVERAGE, SERIES)) {
        if (found.containsKey(t)) {
          throw foreign(db, name, t, "it is there, but no ohlcv4j schema version is recorded");
        }
      }
    }
    if (version < LATEST_VERSION) {
      if (db.readOnly()) {
        throw StoreSchemaException.of(
                name,
                name
                    + ": "
                    + where(db)
                    + (version == 0
                        ? " holds no candle store"
                        : " is at schema version " + version + ", older than " + LATEST_VERSION)
                    + ", and it was opened read-only. Open it once without readOnly=true, which"
                    + " creates or upgrades the tables.")
            .build();
      }
      final int from = version;
      db.write(
          "creating the store's tables",
          c -> {
            try (Statement s = c.createStatement()) {
              if (from == 0) {
                s.execute(migrationsTable());
              }
              for (Migration m : STEPS) {
                if (m.version() <= from) {
                  continue;
                }
                for (String sql : m.statements()) {
                  s.execute(sql);
                }
                try (PreparedStatement p =
                    c.prepareStatement(
                        "INSERT INTO " + MIGRATIONS + " VALUES (?, ?, make_timestamp(?))")) {
                  p.setInt(1, m.version());
                  p.setString(2, m.description());
                  p.setLong(3, nowMillis * 1000);
                  p.execute();
                }
              }
            }
            return LATEST_VERSION;
          });
      version = LATEST_VERSION;
      found = db.read("reading the store's tables", Schema::tables);
    }
    for (Map.Entry<String, List<String>> e : COLUMNS.entrySet()) {
      List<String> have = found.get(e.getKey());
      if (have == null) {
        throw foreign(
            db, name, e.getKey(), "it is missing although version " + version + " is recorded");
      }
      if (!have.equals(e.getValue())) {
        throw foreign(
            db,
            name,
            e.getKey(),
            "its columns are " + have + ", not the " + e.getValue() + " this library made");
      }
    }
    return version;
  }

  /** The recorded version, 0 when there is no migrations table. */
  private static int recordedVersion(Database db, String name, Map<String, List<String>> found) {
    List<String> cols = found.get(MIGRATIONS);
    if (cols == null) {
      return 0;
    }
    if (!cols.equals(COLUMNS.get(MIGRATIONS))) {
      throw foreign(db, name, MIGRATIONS, "its columns are " + cols);
    }
    return db.read(
        "reading the schema version",
        c -> {
          try (Statement s = c.createStatement();
              ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM " + MIGRATIONS)) {
            r.next();
            return r.getInt(1);
          }
        });
  }

  /** The columns of the store's tables that exist, as {@code "name TYPE"}, by table. */
  static Map<String, List<String>> tables(DuckDBConnection c) throws SQLException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
                + " WHERE table_catalog = current_database() AND table_schema = 'main'"
                + " AND table_name IN (?, ?, ?, ?) ORDER BY table_name, ordinal_position")) {
      int i = 1;
      for (String t : COLUMNS.keySet()) {
        p.setString(i++, t);
      }
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
              .add(r.getString(2) + " " + r.getString(3));
        }
      }
    }
    return out;
  }

  private static StoreSchemaException foreign(Database db, String name, String table, String why) {
    return StoreSchemaException.of(
            name,
            name
                + ": the table "
                + table
                + " in "
                + where(db)
                + " is not one this library can use: "
                + why
                + ". Another program made or changed it, or the file is damaged. Nothing was changed:"
                + " point the store at another file, or move that table away (ALTER TABLE "
                + table
                + " RENAME TO ...) and open the store again.")
        .build();
  }

  private static String where(Database db) {
    return db.file().map(f -> "the store file " + f).orElse("the in-memory store");
  }
}
