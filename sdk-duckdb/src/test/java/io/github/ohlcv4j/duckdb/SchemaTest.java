package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.StoreSchemaException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema: created when missing, kept when current, and bad stores refused unchanged. */
class SchemaTest {

  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");
  static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

  @TempDir Path dir;

  static DuckDbSource open(Path file) {
    return DuckDbSource.builder().path(file).build();
  }

  static List<String> query(Path file, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i == 1 ? "" : "|").append(r.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  static void execute(Path file, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @Test
  void aNewFileGetsTheTablesAndKeepsItsCandlesAcrossOpens() throws Exception {
    Path file = dir.resolve("sub/dir/candles.duckdb");
    CandleSeries s = Market.sample(BTC, Interval.M1, T0, T0.plus(Duration.ofHours(6)));
    try (DuckDbSource store = open(file)) {
      assertEquals(DuckDbSource.SCHEMA_VERSION, store.schemaVersion());
      store.write(s, new TimeRange(T0, T0.plus(Duration.ofHours(6))));
    }
    assertEquals(
        List.of("1|candles, coverage and series tables"),
        query(file, "SELECT version, description FROM ohlcv4j_schema_migrations"));
    try (DuckDbSource store = open(file)) {
      assertEquals(1, store.schemaVersion());
      assertEquals(
          s,
          store.fetch(
              OhlcvQuery.builder().symbol(BTC).between(T0, T0.plus(Duration.ofHours(6))).build()));
      assertEquals(
          List.of(new TimeRange(T0, T0.plus(Duration.ofHours(6)))),
          store.coverage(BTC, Interval.M1).complete());
    }
    assertEquals(List.of("1"), query(file, "SELECT count(*) FROM ohlcv4j_schema_migrations"));
  }

  @Test
  void otherTablesInTheFileAreLeftAlone() throws Exception {
    Path file = dir.resolve("mine.duckdb");
    execute(
        file, "CREATE TABLE trades (id INTEGER, px DOUBLE)", "INSERT INTO trades VALUES (1, 2.5)");
    try (DuckDbSource store = open(file)) {
      store.write(Market.sample(BTC, Interval.M1, T0, T0.plus(Duration.ofMinutes(10))));
    }
    assertEquals(List.of("1|2.5"), query(file, "SELECT * FROM trades"));
  }

  @Test
  void aStoreFromANewerSchemaVersionIsRefusedUnchanged() throws Exception {
    Path file = dir.resolve("newer.duckdb");
    try (DuckDbSource store = open(file)) {
      store.write(Market.sample(BTC, Interval.M1, T0, T0.plus(Duration.ofMinutes(10))));
    }
    execute(
        file,
        "INSERT INTO ohlcv4j_schema_migrations VALUES (2, 'from the future', TIMESTAMP"
            + " '2030-01-01 00:00:00')");
    StoreSchemaException e = assertThrows(StoreSchemaException.class, () -> open(file));
    assertTrue(e.getMessage().contains("schema version 2"), e.getMessage());
    assertTrue(e.getMessage().contains("Upgrade ohlcv4j-duckdb"), e.getMessage());
    assertTrue(!e.isRetryable());
    assertEquals(List.of("2"), query(file, "SELECT max(version) FROM ohlcv4j_schema_migrations"));
    assertEquals(List.of("10"), query(file, "SELECT count(*) FROM ohlcv4j_candles"));
  }

  @Test
  void aForeignTableOfTheStoresNameIsRefusedUnchanged() throws Exception {
    Path file = dir.resolve("foreign.duckdb");
    execute(
        file,
        "CREATE TABLE ohlcv4j_candles (ts TIMESTAMP, price DOUBLE)",
        "INSERT INTO ohlcv4j_candles VALUES (TIMESTAMP '2024-01-01 00:00:00', 1.5)");
    StoreSchemaException e = assertThrows(StoreSchemaException.class, () -> open(file));
    assertTrue(e.getMessage().contains("ohlcv4j_candles"), e.getMessage());
    assertTrue(e.getMessage().contains("RENAME"), e.getMessage());
    assertEquals(
        List.of("2024-01-01 00:00:00|1.5"),
        query(file, "SELECT CAST(ts AS VARCHAR), price FROM ohlcv4j_candles"));
    assertEquals(
        List.of("0"),
        query(
            file,
            "SELECT count(*) FROM information_schema.tables WHERE table_name ="
                + " 'ohlcv4j_schema_migrations'"));
  }

  @Test
  void aChangedTableIsRefused() throws Exception {
    Path file = dir.resolve("changed.duckdb");
    try (DuckDbSource store = open(file)) {
      store.write(Market.sample(BTC, Interval.M1, T0, T0.plus(Duration.ofMinutes(10))));
    }
    execute(file, "ALTER TABLE ohlcv4j_candles DROP COLUMN vwap");
    StoreSchemaException e = assertThrows(StoreSchemaException.class, () -> open(file));
    assertTrue(e.getMessage().contains("its columns are"), e.getMessage());
  }

  @Test
  void aFileThatIsNotADuckDbDatabaseIsRefusedUnchanged() throws Exception {
    Path file = dir.resolve("notes.duckdb");
    byte[] text =
        "these are my notes, not a database\n".repeat(500).getBytes(StandardCharsets.UTF_8);
    Files.write(file, text);
    StoreSchemaException e = assertThrows(StoreSchemaException.class, () -> open(file));
    assertTrue(e.getMessage().contains("not a DuckDB database"), e.getMessage());
    assertArrayEquals(text, Files.readAllBytes(file));
  }

  @Test
  void candlesOfAnotherIntervalUnderAnIntervalAreRefusedWhenRead() throws Exception {
    Path file = dir.resolve("mixed.duckdb");
    try (DuckDbSource store = open(file)) {
      store.write(Market.sample(BTC, Interval.H1, T0, T0.plus(Duration.ofHours(5))));
    }
    // Another program writes 30-minute candles under 1h.
    execute(
        file,
        "INSERT INTO ohlcv4j_candles (symbol, \"interval\", zone, open_time, open, high, low,"
            + " close, volume, flags) VALUES ('BINANCE:BTCUSDT', '1h', 'UTC', TIMESTAMP"
            + " '2024-05-01 02:30:00', 1, 2, 0.5, 1, 1, 0)");
    try (DuckDbSource store = open(file)) {
      OhlcvQuery q =
          OhlcvQuery.builder()
              .symbol(BTC)
              .interval(Interval.H1)
              .between(T0, T0.plus(Duration.ofHours(5)))
              .build();
      StoreSchemaException e = assertThrows(StoreSchemaException.class, () -> store.fetch(q));
      assertTrue(e.getMessage().contains("not on the 1h grid"), e.getMessage());
    }
    assertEquals(List.of("6"), query(file, "SELECT count(*) FROM ohlcv4j_candles"));
  }

  @Test
  void readOnlyNeedsAnExistingStoreAndRefusesWrites() throws Exception {
    Path missing = dir.resolve("missing.duckdb");
    assertThrows(
        StoreSchemaException.class,
        () -> DuckDbSource.builder().path(missing).readOnly(true).build());
    assertTrue(!Files.exists(missing));
    Path plain = dir.resolve("plain.duckdb");
    execute(plain, "CREATE TABLE x (a INTEGER)");
    StoreSchemaException e =
        assertThrows(
            StoreSchemaException.class,
            () -> DuckDbSource.builder().path(plain).readOnly(true).build());
    assertTrue(e.getMessage().contains("holds no candle store"), e.getMessage());
    Path file = dir.resolve("ro.duckdb");
    CandleSeries s = Market.sample(BTC, Interval.M1, T0, T0.plus(Duration.ofMinutes(30)));
    try (DuckDbSource store = open(file)) {
      store.write(s);
    }
    try (DuckDbSource ro = DuckDbSource.builder().path(file).readOnly(true).build()) {
      assertEquals(
          s,
          ro.fetch(
              OhlcvQuery.builder()
                  .symbol(BTC)
                  .between(T0, T0.plus(Duration.ofMinutes(30)))
                  .build()));
      SourceUnavailableException w =
          assertThrows(SourceUnavailableException.class, () -> ro.write(s));
      assertTrue(w.getMessage().contains("read-only"), w.getMessage());
    }
  }
}
