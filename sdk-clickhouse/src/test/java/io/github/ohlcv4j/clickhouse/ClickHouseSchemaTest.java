package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.SourceUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseServer.Extension.class)
class ClickHouseSchemaTest {

  static final String DB = "ohlcv4j_schema_test";

  @Test
  void migrateCreatesTheTableOnceAndRecordsTheVersion(ClickHouseServer server) {
    ClickHouseSource source = server.source(DB, "created").build();
    ClickHouseSchema schema = ClickHouseSchema.builder(source).build();
    assertEquals(0, schema.version());
    assertEquals(ClickHouseSchema.LATEST_VERSION, schema.migrate());
    assertEquals(ClickHouseSchema.LATEST_VERSION, schema.migrate()); // idempotent
    assertEquals(ClickHouseSchema.LATEST_VERSION, schema.version());
    assertEquals(
        "2",
        server
            .sql(
                "SELECT count() FROM "
                    + DB
                    + "."
                    + ClickHouseSchema.MIGRATIONS_TABLE
                    + " WHERE table_name = 'created'")
            .strip());
    String ddl = server.sql("SHOW CREATE TABLE " + DB + ".created");
    assertTrue(ddl.contains("ENGINE = ReplacingMergeTree"), ddl);
    assertTrue(ddl.contains("PARTITION BY toYYYYMM(ts)"), ddl);
    assertTrue(ddl.contains("ORDER BY (symbol, ts)"), ddl);
    assertEquals(io.github.ohlcv4j.source.Health.Status.UP, source.health().status());
  }

  @Test
  void theEngineAndColumnNamesCanBeChosen(ClickHouseServer server) {
    ClickHouseSource source =
        server
            .source(DB, "plain")
            .columns(ColumnMapping.builder().symbol("ticker").time("open_time").build())
            .build();
    ClickHouseSchema.builder(source).engine(ClickHouseSchema.Engine.MERGE_TREE).build().migrate();
    String ddl = server.sql("SHOW CREATE TABLE " + DB + ".plain");
    assertTrue(ddl.contains("ENGINE = MergeTree"), ddl);
    assertFalse(ddl.contains("Replacing"), ddl);
    assertTrue(ddl.contains("ORDER BY (ticker, open_time)"), ddl);
  }

  @Test
  void anExistingTableThatFitsIsAdoptedAndOneThatDoesNotIsRefused(ClickHouseServer server) {
    server.sql("CREATE DATABASE IF NOT EXISTS " + DB);
    server.sql(
        "CREATE TABLE IF NOT EXISTS "
            + DB
            + ".adopted (symbol String, ts DateTime, open Float64, high Float64, low Float64,"
            + " close Float64, volume Float64) ENGINE = MergeTree() ORDER BY (symbol, ts)");
    ClickHouseSource fits = server.source(DB, "adopted").build();
    assertEquals(2, ClickHouseSchema.builder(fits).build().migrate());
    // Version 2 added the flags and extra columns to the adopted table.
    String adopted = server.sql("SHOW CREATE TABLE " + DB + ".adopted");
    assertTrue(adopted.contains("flags UInt8 DEFAULT 0"), adopted);
    assertTrue(adopted.contains("close_time Float64 DEFAULT nan"), adopted);
    server.sql(
        "CREATE TABLE IF NOT EXISTS "
            + DB
            + ".other (symbol String, ts DateTime, price Float64) ENGINE = MergeTree()"
            + " ORDER BY (symbol, ts)");
    ClickHouseSource misfit = server.source(DB, "other").build();
    SourceUnavailableException e =
        assertThrows(
            SourceUnavailableException.class,
            () -> ClickHouseSchema.builder(misfit).build().migrate());
    assertTrue(e.getMessage().contains("no column open"), e.getMessage());
    // Refused before anything was changed.
    assertFalse(server.sql("SHOW CREATE TABLE " + DB + ".other").contains("flags"));
    assertEquals(0, ClickHouseSchema.builder(misfit).build().version());
  }

  @Test
  void aNewerSchemaThanThisLibraryKnowsIsRefused(ClickHouseServer server) {
    ClickHouseSource source = server.source(DB, "future").build();
    ClickHouseSchema schema = ClickHouseSchema.builder(source).build();
    schema.migrate();
    server.sql(
        "INSERT INTO "
            + DB
            + "."
            + ClickHouseSchema.MIGRATIONS_TABLE
            + " VALUES ('future', 3, 'from a newer release', now())");
    SourceUnavailableException e = assertThrows(SourceUnavailableException.class, schema::migrate);
    assertTrue(e.getMessage().contains("schema version 3"), e.getMessage());
    assertEquals(3, schema.version());
  }

  @Test
  void dateTime64NeedsANewerServer(ClickHouseServer server) {
    ClickHouseSource source = server.source(DB, "millis").build();
    ClickHouseSchema schema =
        ClickHouseSchema.builder(source).timeColumnType(TimeColumnType.DATE_TIME64_3).build();
    String version = server.sql("SELECT version()").strip();
    if (version.startsWith("18.") || version.startsWith("19.")) {
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, schema::migrate);
      assertTrue(e.getMessage().contains("DateTime64"), e.getMessage());
    } else {
      assertEquals(ClickHouseSchema.LATEST_VERSION, schema.migrate());
    }
  }

  @Test
  void theStatementDependsOnTheServerVersion(ClickHouseServer server) {
    ClickHouseSchema schema = ClickHouseSchema.builder(server.source(DB, "any").build()).build();
    String old = schema.createTableStatement(18, 16);
    assertTrue(old.contains("`symbol` String, `ts` DateTime('UTC')"), old);
    String modern = schema.createTableStatement(24, 3);
    assertTrue(
        modern.contains("`symbol` LowCardinality(String), `ts` DateTime64(3, 'UTC')"), modern);
  }
}
