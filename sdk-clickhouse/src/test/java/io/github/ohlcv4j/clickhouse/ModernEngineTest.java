package io.github.ohlcv4j.clickhouse;

import static io.github.ohlcv4j.clickhouse.Candles.assertSameCandles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.ClickHouseWriter.WriteResult;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SQL the SDK writes for modern servers, run on a modern engine (ClickHouse 26.x as chDB,
 * behind the test shim): the schema it creates, the writer, stored and resampled reads against the
 * in-JVM resampler in several zones across DST changes, windows, several symbols at once, candles
 * before 1970 on {@code DateTime64}, and long histories that span more than 100 monthly partitions.
 */
@ExtendWith(ChdbServer.Extension.class)
class ModernEngineTest {

  static final String DB = "ohlcv4j_modern";
  static final Instant START = Instant.parse("2024-02-20T00:00:00Z");
  static final Instant END = Instant.parse("2024-04-10T00:00:00Z");
  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");
  static final Symbol HOLES = Symbol.parse("BYBIT:ETHUSDT.P");
  static final List<ZoneId> ZONES =
      List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"));

  private static Map<Symbol, CandleSeries> written;

  /** Two symbols of one-minute candles across both DST changes of 2024, written once. */
  static synchronized Map<Symbol, CandleSeries> seed(ChdbServer engine) {
    if (written == null) {
      ClickHouseSource source = engine.source(DB, "candles_1m").build();
      assertEquals(
          ClickHouseSchema.LATEST_VERSION, ClickHouseSchema.builder(source).build().migrate());
      Map<Symbol, CandleSeries> w = new LinkedHashMap<>();
      ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
      for (Symbol s : List.of(BTC, HOLES)) {
        CandleSeries all = sample(s, Interval.M1, START, END);
        CandleSeries data = s.equals(HOLES) ? withHoles(all, 613) : all;
        writer.write(data);
        w.put(s, data);
      }
      written = w;
    }
    return written;
  }

  static CandleSeries sample(Symbol s, Interval interval, Instant from, Instant to) {
    SampleSource sample =
        SampleSource.builder()
            .clock(Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC))
            .pageSize(1_000_000)
            .build();
    return sample.fetch(
        OhlcvQuery.builder().symbol(s).interval(interval).between(from, to).build());
  }

  /** Leaves out a block of 300 candles and every {@code every}th. */
  static CandleSeries withHoles(CandleSeries s, int every) {
    CandleSeries.Builder b = CandleSeries.builder(s.symbol(), s.interval());
    for (int i = 0; i < s.size(); i++) {
      if ((i >= 2000 && i < 2300) || i % every == 0) {
        continue;
      }
      b.add(s.openTimeMillis(i), s.open(i), s.high(i), s.low(i), s.close(i), s.volume(i));
    }
    return b.build();
  }

  static OhlcvQuery.Builder range(Symbol s, Instant from, Instant to) {
    return OhlcvQuery.builder().symbol(s).between(from, to);
  }

  @Test
  void theSchemaIsTheModernOne(ChdbServer engine) {
    seed(engine);
    ClickHouseSource source = engine.source(DB, "candles_1m").build();
    ClickHouseSchema schema = ClickHouseSchema.builder(source).build();
    assertEquals(ClickHouseSchema.LATEST_VERSION, schema.migrate()); // again: idempotent
    assertEquals(ClickHouseSchema.LATEST_VERSION, schema.version());
    String ddl = engine.sql("SHOW CREATE TABLE " + DB + ".candles_1m");
    assertTrue(ddl.contains("`symbol` LowCardinality(String)"), ddl);
    assertTrue(ddl.contains("`ts` DateTime64(3, \\'UTC\\')"), ddl);
    assertTrue(ddl.contains("ENGINE = ReplacingMergeTree"), ddl);
    assertTrue(ddl.contains("PARTITION BY toYYYYMM(ts)"), ddl);
    Health h = source.health();
    assertEquals(Health.Status.UP, h.status(), h.detail());
    int major = Integer.parseInt(h.version().orElseThrow().split("\\.")[0]);
    assertTrue(major >= 24, h.version().toString());
  }

  @Test
  void storedCandlesOfAnyRangeAndAnyWindowSizeAreWhatWasWritten(ChdbServer engine) {
    Map<Symbol, CandleSeries> w = seed(engine);
    ClickHouseSource source = engine.source(DB, "candles_1m").build();
    Instant[][] ranges = {
      {START, END},
      {START.plusSeconds(90), START.plus(Duration.ofDays(3)).plusMillis(17_250)},
      {END.minusSeconds(3600), END.plusSeconds(3600)},
    };
    for (Symbol s : w.keySet()) {
      for (Instant[] r : ranges) {
        assertEquals(w.get(s).between(r[0], r[1]), source.fetch(range(s, r[0], r[1]).build()));
      }
    }
    ClickHouseSource small = engine.source(DB, "candles_1m").pageSize(9_000).build();
    OhlcvQuery q = range(HOLES, START, END).build();
    List<CandleSeries> pages = small.pages(q).collect(Collectors.toList());
    assertTrue(pages.size() > 5, "pages: " + pages.size());
    assertEquals(w.get(HOLES), CandleSeries.concat(pages));
    assertSameCandles(
        w.get(HOLES).resample(Interval.H1, ZONES.get(2)),
        engine
            .source(DB, "candles_1m")
            .pageSize(100)
            .build()
            .fetch(range(HOLES, START, END).resample(Interval.H1).zone(ZONES.get(2)).build()),
        "hourly in windows of 100");
  }

  @Test
  void resamplingOnTheEngineEqualsTheJvmCandleForCandle(ChdbServer engine) {
    Map<Symbol, CandleSeries> w = seed(engine);
    ClickHouseSource source = engine.source(DB, "candles_1m").build();
    List<Interval> targets =
        List.of(
            Interval.M5,
            Interval.of(7, Interval.Unit.MINUTE),
            Interval.H1,
            Interval.H4,
            Interval.of(5, Interval.Unit.HOUR),
            Interval.D1,
            Interval.of(3, Interval.Unit.DAY),
            Interval.W1,
            Interval.of(2, Interval.Unit.WEEK),
            Interval.MN1);
    for (ZoneId zone : ZONES) {
      for (Interval target : targets) {
        if (!zone.equals(ZoneOffset.UTC) && target.isFixed()) {
          continue; // fixed buckets ignore the zone
        }
        Instant from = Instant.ofEpochMilli(target.bucketStart(START.toEpochMilli(), zone));
        OhlcvQuery q = range(HOLES, from, END).resample(target).zone(zone).build();
        String what = HOLES + " → " + target + " in " + zone;
        assertServerSide(source, q, target, what);
        assertSameCandles(w.get(HOLES).resample(target, zone), source.fetch(q), what);
      }
    }
    // 5m candles resampled to hours count 5m candles for the partial flag, as the JVM does.
    assertSameCandles(
        w.get(HOLES).resample(Interval.M5).resample(Interval.H1),
        source.fetch(range(HOLES, START, END).interval(Interval.M5).resample(Interval.H1).build()),
        "5m to 1h");
  }

  @Test
  void severalSymbolsInOneRequestAnswerAsEachAlone(ChdbServer engine) {
    seed(engine);
    ClickHouseSource source = engine.source(DB, "candles_1m").pageSize(20_000).build();
    for (OhlcvQuery q :
        List.of(
            range(BTC, START.plusSeconds(60), END).build(),
            range(BTC, START, END).resample(Interval.D1).zone(ZONES.get(1)).limit(5).build())) {
      Map<Symbol, CandleSeries> all = source.fetchAll(List.of(BTC, HOLES), q);
      for (Symbol s : List.of(BTC, HOLES)) {
        assertSameCandles(source.fetch(q.newBuilder().symbol(s).build()), all.get(s), s + " " + q);
      }
    }
  }

  @Test
  void candlesBefore1970AreBucketedAsTheJvmDoes(ChdbServer engine) {
    // On this engine toRelativeDayNum of a DateTime64 before 1970 wraps modulo 65536, and
    // toStartOfInterval returns a DateTime that wraps to 2106.
    Instant from = Instant.parse("1969-09-01T00:00:00Z");
    Instant to = Instant.parse("1970-04-01T00:00:00Z");
    ClickHouseSource source = engine.source(DB, "pre1970").interval(Interval.H1).build();
    ClickHouseSchema.builder(source).build().migrate();
    CandleSeries data = withHoles(sample(BTC, Interval.H1, from, to), 41);
    ClickHouseWriter.builder(source).build().write(data);
    assertEquals(data, source.fetch(range(BTC, from, to).interval(Interval.H1).build()));
    List<Interval> targets =
        List.of(
            Interval.H4,
            Interval.of(5, Interval.Unit.HOUR),
            Interval.D1,
            Interval.of(3, Interval.Unit.DAY),
            Interval.W1,
            Interval.of(2, Interval.Unit.WEEK),
            Interval.MN1,
            Interval.of(3, Interval.Unit.MONTH));
    for (ZoneId zone : ZONES) {
      for (Interval target : targets) {
        Instant start = Instant.ofEpochMilli(target.bucketStart(from.toEpochMilli(), zone));
        OhlcvQuery q =
            range(BTC, start, to).interval(Interval.H1).resample(target).zone(zone).build();
        String what = "before 1970: " + target + " in " + zone;
        assertServerSide(source, q, target, what);
        assertSameCandles(data.resample(target, zone), source.fetch(q), what);
      }
    }
  }

  @Test
  void aHistoryOfMoreThan100MonthsIsWrittenInBatchesOfAtMost100(ChdbServer engine) {
    // 1990 to 2024 in days: 420 monthly partitions, while one INSERT may touch 100.
    ClickHouseSource source = engine.source(DB, "daily").interval(Interval.D1).build();
    ClickHouseSchema.builder(source).build().migrate();
    Instant from = Instant.parse("1990-01-01T00:00:00Z");
    Instant to = Instant.parse("2025-01-01T00:00:00Z");
    CandleSeries days = sample(BTC, Interval.D1, from, to);
    assertEquals(12_784, days.size());
    WriteResult r = ClickHouseWriter.builder(source).build().write(days);
    assertEquals(12_784, r.rows());
    assertEquals(5, r.batches()); // 420 months: 100 + 100 + 100 + 100 + 20
    assertEquals(days, source.fetch(range(BTC, from, to).interval(Interval.D1).build()));
  }

  @Test
  void tooManyPartitionsForOneInsertIsNotRetryable(ChdbServer engine) {
    engine.sql("CREATE DATABASE IF NOT EXISTS " + DB);
    engine.sql(
        "CREATE TABLE IF NOT EXISTS "
            + DB
            + ".by_day (symbol String, ts DateTime64(3, 'UTC'), open Float64, high Float64,"
            + " low Float64, close Float64, volume Float64) ENGINE = MergeTree"
            + " PARTITION BY toYYYYMMDD(ts) ORDER BY (symbol, ts)");
    ClickHouseSource source = engine.source(DB, "by_day").interval(Interval.D1).build();
    CandleSeries days =
        sample(
            BTC,
            Interval.D1,
            Instant.parse("2020-01-01T00:00:00Z"),
            Instant.parse("2020-06-01T00:00:00Z"));
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> ClickHouseWriter.builder(source).build().write(days));
    assertEquals("252", e.venueCode().orElseThrow());
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
    assertEquals("0", engine.sql("SELECT count() FROM " + DB + ".by_day").strip());
    // A batch size within the limit writes it.
    assertEquals(
        days.size(), ClickHouseWriter.builder(source).batchSize(90).build().write(days).rows());
  }

  @Test
  void aDateTimeTableUsesToStartOfIntervalWithTheSameAnswer(ChdbServer engine) {
    ClickHouseSource source =
        engine.source(DB, "seconds").timeColumnType(TimeColumnType.DATE_TIME).build();
    ClickHouseSchema.builder(source).build().migrate();
    CandleSeries data =
        withHoles(sample(HOLES, Interval.M1, START, START.plus(Duration.ofDays(4))), 97);
    ClickHouseWriter.builder(source).build().write(data);
    for (Interval target : List.of(Interval.M15, Interval.H1, Interval.of(5, Interval.Unit.HOUR))) {
      Instant from = Instant.ofEpochMilli(target.bucketStart(START.toEpochMilli(), ZoneOffset.UTC));
      OhlcvQuery q = range(HOLES, from, START.plus(Duration.ofDays(4))).resample(target).build();
      assertServerSide(source, q, target, "DateTime " + target);
      assertSameCandles(data.resample(target), source.fetch(q), "DateTime " + target);
    }
  }

  @Test
  void theEnginesErrorsAreTyped(ChdbServer engine) {
    seed(engine);
    OhlcvQuery q = range(BTC, START, END).build();
    SourceUnavailableException missing =
        assertThrows(
            SourceUnavailableException.class,
            () -> engine.source(DB, "no_such_table").build().fetch(q));
    assertFalse(missing.isRetryable());
    assertTrue(missing.getMessage().contains("ClickHouseSchema"), missing.getMessage());
    InvalidQueryException setting =
        assertThrows(
            InvalidQueryException.class,
            () -> engine.source(DB, "candles_1m").setting("no_such_setting", "1").build().fetch(q));
    assertEquals("115", setting.venueCode().orElseThrow());
    InvalidQueryException limit =
        assertThrows(
            InvalidQueryException.class,
            () ->
                engine
                    .source(DB, "candles_1m")
                    .setting("max_result_rows", "1000")
                    .build()
                    .fetch(q));
    assertEquals("396", limit.venueCode().orElseThrow());
  }

  static void assertServerSide(
      ClickHouseSource source, OhlcvQuery q, Interval target, String what) {
    try (PageCursor c = source.cursor(q)) {
      Page first = c.next().join();
      assertEquals(target, first.candles().interval(), what + ": resampled on the engine");
    }
  }
}
