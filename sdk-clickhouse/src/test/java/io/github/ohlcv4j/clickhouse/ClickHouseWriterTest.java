package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.GapFill;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.ClickHouseWriter.WriteResult;
import io.github.ohlcv4j.quality.QualityIssue;
import io.github.ohlcv4j.source.PageCursor;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseServer.Extension.class)
class ClickHouseWriterTest {

  static final String DB = "ohlcv4j_writer_test";
  static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
  static final Symbol SYM = Symbol.parse("BYBIT:BTCUSDT.P");

  static CandleSeries candles(int n, double base) {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1);
    for (int i = 0; i < n; i++) {
      double o = base + i;
      b.add(T0.toEpochMilli() + 60_000L * i, o, o + 2, o - 1, o + 1, 10 + i);
    }
    return b.build();
  }

  static OhlcvQuery all(int minutes) {
    return OhlcvQuery.builder().symbol(SYM).between(T0, T0.plusSeconds(60L * minutes)).build();
  }

  ClickHouseSource table(ClickHouseServer server, String name, ClickHouseSchema.Engine engine) {
    ClickHouseSource source = server.source(DB, name).build();
    ClickHouseSchema.builder(source).engine(engine).build().migrate();
    return source;
  }

  @Test
  void writingTheSameCandlesAgainDoesNotDuplicateWhatReadersSee(ClickHouseServer server) {
    ClickHouseSource source = table(server, "rerun", ClickHouseSchema.Engine.REPLACING_MERGE_TREE);
    ClickHouseWriter writer = ClickHouseWriter.builder(source).batchSize(700).build();
    CandleSeries first = candles(2000, 100);
    WriteResult r = writer.write(first);
    assertEquals(new WriteResult(2000, 0, 3, r.bytes()), r);
    writer.write(first);
    CandleSeries corrected = candles(2000, 500).slice(1000, 2000);
    writer.write(corrected);
    CandleSeries read = source.fetch(all(2000));
    assertEquals(2000, read.size());
    assertEquals(first.head(1000), read.head(1000));
    assertEquals(corrected, read.slice(1000, 2000)); // the last written copy wins
    CandleSeries hourly = source.fetch(all(2000).newBuilder().resample(Interval.H1).build());
    Candles.assertSameCandles(
        CandleSeries.concat(List.of(first.head(1000), corrected)).resample(Interval.H1),
        hourly,
        "hourly after re-runs");
  }

  @Test
  void aPlainMergeTreeKeepsEveryCopy(ClickHouseServer server) {
    ClickHouseSource source = table(server, "appendonly", ClickHouseSchema.Engine.MERGE_TREE);
    ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
    writer.write(candles(60, 100));
    writer.write(candles(60, 100));
    // Stored candles: the builder keeps one per time and reports the duplicates.
    CandleSeries raw = source.fetch(all(60));
    assertEquals(candles(60, 100), raw);
    try (PageCursor c = source.cursor(all(60))) {
      assertEquals(60, c.next().join().candles().quality().count(QualityIssue.Kind.DUPLICATE));
    }
    // Aggregates count both copies: use ReplacingMergeTree for re-runs.
    CandleSeries hour = source.fetch(all(60).newBuilder().resample(Interval.H1).build());
    assertEquals(2 * candles(60, 100).resample(Interval.H1).volume(0), hour.volume(0), 1e-9);
  }

  @Test
  void filledAndInvalidRowsAreSkipped(ClickHouseServer server) {
    ClickHouseSource source = table(server, "skips", ClickHouseSchema.Engine.REPLACING_MERGE_TREE);
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1).badRows(BadRowPolicy.FLAG);
    b.add(T0.toEpochMilli(), 1, 2, 0.5, 1.5, 3);
    b.add(T0.toEpochMilli() + 60_000, Double.NaN, 2, 0.5, 1.5, 3);
    b.add(T0.toEpochMilli() + 300_000, 1, 2, 0.5, 1.5, 3);
    CandleSeries filled = b.build().fill(GapFill.PREVIOUS_CLOSE);
    assertEquals(6, filled.size());
    WriteResult r = ClickHouseWriter.builder(source).build().write(filled);
    assertEquals(2, r.rows());
    assertEquals(4, r.skipped());
    CandleSeries read = source.fetch(all(10));
    assertEquals(2, read.size());
    assertEquals(T0.plusSeconds(300), read.openTime(1));
  }

  @Test
  void compressedInsertsStoreTheSameRows(ClickHouseServer server) {
    ClickHouseSource source = table(server, "gzip", ClickHouseSchema.Engine.REPLACING_MERGE_TREE);
    CandleSeries c = candles(5000, 1);
    ClickHouseWriter.builder(source).compression(true).batchSize(1234).build().write(c);
    assertEquals(c, source.fetch(all(5000)));
  }

  @Test
  void candlesThatDoNotFitTheTableAreRefused(ClickHouseServer server) {
    ClickHouseSource source = table(server, "refuse", ClickHouseSchema.Engine.REPLACING_MERGE_TREE);
    ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
    CandleSeries hourly = candles(120, 1).resample(Interval.H1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> writer.write(hourly));
    assertTrue(e.getMessage().contains("holds 1m candles"), e.getMessage());
    ClickHouseSource seconds =
        server.source(DB, "refuse").interval(Interval.of(1, Interval.Unit.SECOND)).build();
    CandleSeries partSecond =
        CandleSeries.builder(SYM, Interval.of(1, Interval.Unit.SECOND))
            .add(T0.toEpochMilli() + 500, 1, 1, 1, 1, 1)
            .build();
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClickHouseWriter.builder(seconds).build().write(partSecond));
    assertTrue(e2.getMessage().contains("whole seconds"), e2.getMessage());
    assertEquals(WriteResult.none(), writer.write(CandleSeries.empty(SYM, Interval.M1)));
  }

  @Test
  void aBatchNeverSpansMoreThan100Months(ClickHouseServer server) {
    // Newer servers refuse an INSERT into more than 100 partitions
    // (max_partitions_per_insert_block);
    // tables are partitioned by month.
    ClickHouseSource daily = server.source(DB, "daily").interval(Interval.D1).build();
    ClickHouseSchema.builder(daily).build().migrate();
    Instant from = Instant.parse("2010-01-01T00:00:00Z");
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.D1);
    for (int i = 0; i < 3650; i++) { // 2010-01-01 to 2019-12-29: 120 months
      b.add(from.toEpochMilli() + 86_400_000L * i, 1, 2, 0.5, 1.5, i);
    }
    CandleSeries days = b.build();
    WriteResult r = ClickHouseWriter.builder(daily).build().write(days);
    assertEquals(2, r.batches());
    assertEquals(3650, r.rows());
    assertEquals(
        days,
        daily.fetch(
            OhlcvQuery.builder()
                .symbol(SYM)
                .interval(Interval.D1)
                .between(from, from.plusSeconds(86_400L * 3650))
                .build()));
  }
}
