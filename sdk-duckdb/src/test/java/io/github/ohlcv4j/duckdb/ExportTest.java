package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting a query's answer to Parquet and CSV, read back by DuckDB itself. */
class ExportTest {

  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");
  static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");
  static final Instant T1 = T0.plus(Duration.ofDays(3));

  @TempDir Path dir;

  /** The candles of a Parquet or CSV file as a series, read with plain DuckDB SQL. */
  static CandleSeries readBack(Path file, Interval interval, boolean extras) throws Exception {
    String from =
        file.toString().endsWith(".parquet")
            ? "read_parquet('" + file + "')"
            : "read_csv('" + file + "', header = true)";
    CandleSeries.Builder b = CandleSeries.builder(BTC, interval).badRows(BadRowPolicy.FLAG);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT symbol, \"interval\", epoch_ms(open_time), open, high, low, close, volume,"
                    + (extras ? " quote_volume, trade_count, vwap," : "")
                    + " flags FROM "
                    + from
                    + " ORDER BY open_time")) {
      while (r.next()) {
        assertEquals(BTC.toString(), r.getString(1));
        assertEquals(interval.toString(), r.getString(2));
        b.add(
            r.getLong(3),
            r.getDouble(4),
            r.getDouble(5),
            r.getDouble(6),
            r.getDouble(7),
            r.getDouble(8));
        int col = 9;
        if (extras) {
          b.extra(ExtraColumn.QUOTE_VOLUME, r.getDouble(col++));
          b.extra(ExtraColumn.TRADE_COUNT, r.getDouble(col++));
          b.extra(ExtraColumn.VWAP, r.getDouble(col++));
        }
        b.flag(r.getInt(col));
      }
    }
    return b.build();
  }

  @Test
  void aQuerysAnswerGoesToParquetAndCsv() throws Exception {
    CandleSeries s = Market.sample(BTC, Interval.M1, T0, T1);
    try (DuckDbSource store = DuckDbSource.builder().inMemory().pageSize(1000).build()) {
      store.write(s);
      OhlcvQuery hourly =
          OhlcvQuery.builder()
              .symbol(BTC)
              .between(T0.plusSeconds(1800), T1)
              .resample(Interval.H1)
              .build();
      CandleSeries answer = store.fetch(hourly);
      assertTrue(answer.isPartial(0), "the first hour is partial and flagged");
      Path parquet = dir.resolve("out/hourly.parquet");
      assertEquals(answer.size(), store.export(hourly, parquet, ExportFormat.PARQUET));
      assertEquals(answer, readBack(parquet, Interval.H1, false));
      Path csv = dir.resolve("hourly.csv");
      assertEquals(answer.size(), store.export(hourly, csv, ExportFormat.CSV));
      assertEquals(answer, readBack(csv, Interval.H1, false));
      String header = Files.readAllLines(csv, StandardCharsets.UTF_8).get(0);
      assertEquals("symbol,interval,open_time,open,high,low,close,volume,flags", header);
      assertTrue(
          Files.readAllLines(csv, StandardCharsets.UTF_8).get(1).contains("2024-05-01 00:00:00+00"),
          Files.readAllLines(csv, StandardCharsets.UTF_8).get(1));
    }
  }

  @Test
  void extraColumnsOfAnySeriesAreExported() throws Exception {
    CandleSeries s = Market.shape(Market.sample(BTC, Interval.M1, T0, T1), 50, 0, true, 0, 5);
    try (DuckDbSource store = DuckDbSource.builder().inMemory().build()) {
      Path file = dir.resolve("minutes.parquet");
      assertEquals(s.size(), store.export(s, file, ExportFormat.PARQUET));
      CandleSeries back = readBack(file, Interval.M1, true);
      assertEquals(s.size(), back.size());
      for (int i = 0; i < s.size(); i++) {
        assertEquals(s.close(i), back.close(i));
        assertEquals(s.extra(ExtraColumn.VWAP, i), back.extra(ExtraColumn.VWAP, i));
        assertEquals(s.extra(ExtraColumn.TRADE_COUNT, i), back.extra(ExtraColumn.TRADE_COUNT, i));
      }
    }
  }

  @Test
  void aFailedExportLeavesNoFileBehind() throws Exception {
    try (DuckDbSource store = DuckDbSource.builder().inMemory().build()) {
      Path file = dir.resolve("never.parquet");
      OhlcvQuery bad =
          OhlcvQuery.builder().symbol(BTC).interval(Interval.H1).between(T0, T1).build();
      store.write(
          CandleSeries.builder(BTC, Interval.H1)
              .badRows(BadRowPolicy.FLAG)
              .add(T0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1)
              .build());
      assertThrows(
          io.github.ohlcv4j.DataFormatException.class,
          () -> store.export(bad, file, ExportFormat.PARQUET));
      assertFalse(Files.exists(file));
      try (var list = Files.list(dir)) {
        assertEquals(List.of(), list.toList(), "no temporary file left");
      }
    }
  }
}
