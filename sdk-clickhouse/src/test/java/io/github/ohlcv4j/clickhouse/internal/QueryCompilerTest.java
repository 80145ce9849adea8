package io.github.ohlcv4j.clickhouse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.clickhouse.ColumnMapping;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import io.github.ohlcv4j.clickhouse.internal.RowLayout.TimeKind;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SQL of both dialects. The legacy dialect also runs against the real 18.16 server in the
 * integration tests; the modern one can only be checked here, so these tests pin down the parts
 * whose meaning differs between versions.
 */
class QueryCompilerTest {

  static final long FROM = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long TO = Instant.parse("2024-02-01T00:00:00Z").toEpochMilli();

  static TableInfo info(String version, String timeType, String priceType) {
    Map<String, String> cols = new LinkedHashMap<>();
    cols.put("symbol", "String");
    cols.put("ts", timeType);
    for (String c : List.of("open", "high", "low", "close", "volume")) {
      cols.put(c, priceType);
    }
    return new TableInfo(ServerVersion.parse(version), "ReplacingMergeTree", cols);
  }

  static QueryCompiler legacy() {
    TableInfo i = info("18.16.1", "DateTime('UTC')", "Float64");
    return new QueryCompiler(
        "md", "ohlcv", ColumnMapping.ofDefaults(), i.dialect(), TimeColumnType.DATE_TIME, true, i);
  }

  static QueryCompiler modern(TimeColumnType type) {
    TableInfo i = info("24.3.1.2672", type.sqlType(), "Float64");
    return new QueryCompiler("md", "ohlcv", ColumnMapping.ofDefaults(), i.dialect(), type, true, i);
  }

  @Test
  void chosesTheDialectByVersion() {
    assertEquals(Dialect.LEGACY, Dialect.of(ServerVersion.parse("18.16.1")));
    assertEquals(Dialect.LEGACY, Dialect.of(ServerVersion.parse("20.4.9.110")));
    assertEquals(Dialect.MODERN, Dialect.of(ServerVersion.parse("20.5.2.7")));
    assertEquals(Dialect.MODERN, Dialect.of(ServerVersion.parse("23.8.2.7")));
    assertEquals(Dialect.MODERN, Dialect.of(ServerVersion.parse("25.3.1.1 (official build)")));
    assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse("unknown"));
  }

  @Test
  void rawReadsOneSymbolsWindowInOrder() {
    QueryCompiler.Compiled c = legacy().raw(List.of("BINANCE:BTCUSDT"), FROM, TO, 0);
    assertEquals(
        "SELECT `ts`, `open`, `high`, `low`, `close`, `volume` FROM `md`.`ohlcv` FINAL"
            + " WHERE `symbol` = 'BINANCE:BTCUSDT' AND `ts` >= toDateTime(1704067200)"
            + " AND `ts` < toDateTime(1706745600) ORDER BY `ts` FORMAT RowBinary",
        c.sql());
    assertEquals(new RowLayout(false, TimeKind.SECONDS, false), c.layout());
  }

  @Test
  void partSecondBoundsSelectTheSameWholeSeconds() {
    // ts * 1000 >= from  <=>  ts >= ceil(from / 1000)
    String sql = legacy().raw(List.of("X"), FROM + 1, TO + 999, 0).sql();
    assertTrue(sql.contains("`ts` >= toDateTime(1704067201)"), sql);
    assertTrue(sql.contains("`ts` < toDateTime(1706745601)"), sql);
  }

  @Test
  void boundsOutsideTheTypeAreLeftOutOrMakeTheWindowEmpty() {
    String all = legacy().raw(List.of("X"), Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, 0).sql();
    assertFalse(all.contains("toDateTime("), all);
    String none = legacy().raw(List.of("X"), -5000, 0, 0).sql();
    assertTrue(none.contains(" AND 0 "), none);
  }

  @Test
  void severalSymbolsAreReadTogetherWithTheSymbolAndALimitPerSymbol() {
    QueryCompiler.Compiled c = legacy().raw(List.of("A", "B'C"), FROM, TO, 10);
    assertTrue(c.sql().startsWith("SELECT `symbol`, `ts`,"), c.sql());
    assertTrue(c.sql().contains("`symbol` IN ('A', 'B\\'C')"), c.sql());
    assertTrue(c.sql().contains("ORDER BY `symbol`, `ts` LIMIT 10 BY `symbol`"), c.sql());
    assertTrue(c.layout().symbol());
  }

  @Test
  void hostileSymbolsStayInsideTheirLiteral() {
    String sql = legacy().raw(List.of("'; DROP TABLE md.ohlcv; --\0"), FROM, TO, 0).sql();
    assertTrue(sql.contains("`symbol` = '\\'; DROP TABLE md.ohlcv; --\\x00'"), sql);
  }

  @Test
  void legacyBucketsUseIntegerArithmetic() {
    QueryCompiler.Compiled c =
        legacy()
            .aggregate(List.of("X"), Interval.M15, Interval.M1, true, ZoneOffset.UTC, FROM, TO, 0);
    assertTrue(
        c.sql().contains("toInt64(intDiv(toUInt32(`ts`), 900) * 900) AS `__ohlcv4j_bucket`"),
        c.sql());
    assertTrue(
        c.sql()
            .contains(
                "argMin(`open`, `ts`), max(`high`), min(`low`),"
                    + " argMax(`close`, `ts`), sum(`volume`), count()"),
        c.sql());
    assertTrue(
        c.sql().contains("GROUP BY `__ohlcv4j_bucket` ORDER BY `__ohlcv4j_bucket`"), c.sql());
    assertEquals(new RowLayout(false, TimeKind.KEY_SECONDS, true), c.layout());
  }

  @Test
  void modernBucketsUseToStartOfIntervalWhereItIsEpochAligned() {
    QueryCompiler q = modern(TimeColumnType.DATE_TIME);
    String sql =
        q.aggregate(List.of("X"), Interval.M15, Interval.M1, true, ZoneOffset.UTC, FROM, TO, 0)
            .sql();
    assertTrue(
        sql.contains("toUnixTimestamp(toStartOfInterval(`ts`, INTERVAL 15 MINUTE, 'UTC'))"), sql);
    String hours =
        q.aggregate(List.of("X"), Interval.H4, Interval.M1, true, ZoneOffset.UTC, FROM, TO, 0)
            .sql();
    assertTrue(hours.contains("INTERVAL 4 HOUR, 'UTC'"), hours);
  }

  @Test
  void fixedBucketsOfDateTime64AreMillisecondArithmeticWhichHoldsBefore1970() {
    // toStartOfInterval of a DateTime64 before 1970 returns a DateTime that wraps to 2106.
    QueryCompiler.Compiled c =
        modern(TimeColumnType.DATE_TIME64_3)
            .aggregate(List.of("X"), Interval.M15, Interval.M1, true, ZoneOffset.UTC, -TO, TO, 0);
    assertFalse(c.sql().contains("toStartOfInterval"), c.sql());
    assertTrue(
        c.sql()
            .contains(
                "(toUnixTimestamp64Milli(`ts`) - ((toUnixTimestamp64Milli(`ts`) % 900000) + 900000)"
                    + " % 900000)"),
        c.sql());
    assertEquals(TimeKind.KEY_MILLIS, c.layout().time());
  }

  @Test
  void calendarBucketsOfDateTime64AreDate32DaysWhichHoldBefore1970() {
    // toRelativeDayNum of a DateTime64 before 1970 is the day number modulo 65536.
    QueryCompiler q = modern(TimeColumnType.DATE_TIME64_3);
    ZoneId ny = ZoneId.of("America/New_York");
    String day = q.aggregate(List.of("X"), Interval.D1, Interval.M1, true, ny, -TO, TO, 0).sql();
    assertTrue(day.contains("toInt64(toInt64(toDate32(`ts`, 'America/New_York'))) AS"), day);
    assertFalse(day.contains("toRelativeDayNum"), day);
    String week = q.aggregate(List.of("X"), Interval.W1, Interval.M1, true, ny, -TO, TO, 0).sql();
    assertTrue(week.contains("toInt64(toDate32(`ts`, 'America/New_York')) + 3) % 7"), week);
    String month = q.aggregate(List.of("X"), Interval.MN1, Interval.M1, true, ny, -TO, TO, 0).sql();
    assertTrue(
        month.contains(
            "((toInt64(toYear(toDate32(`ts`, 'America/New_York'))) - 1970) * 12"
                + " + toMonth(toDate32(`ts`, 'America/New_York')) - 1)"),
        month);
  }

  @Test
  void calendarBucketsBefore1970AreRefusedWhereTheServerHasNoDate32() {
    TableInfo i = info("21.8.15.7", "DateTime64(3, 'UTC')", "Float64");
    QueryCompiler q =
        new QueryCompiler(
            "md",
            "t",
            ColumnMapping.ofDefaults(),
            i.dialect(),
            TimeColumnType.DATE_TIME64_3,
            true,
            i);
    io.github.ohlcv4j.InvalidQueryException e =
        assertThrows(
            io.github.ohlcv4j.InvalidQueryException.class,
            () ->
                q.aggregate(
                    List.of("X"), Interval.D1, Interval.M1, true, ZoneOffset.UTC, -TO, TO, 0));
    assertTrue(e.getMessage().contains("before 1970"), e.getMessage());
    // Fixed buckets, and days from 1970 on, are fine.
    q.aggregate(List.of("X"), Interval.H4, Interval.M1, true, ZoneOffset.UTC, -TO, TO, 0);
    String days =
        q.aggregate(List.of("X"), Interval.D1, Interval.M1, true, ZoneOffset.UTC, FROM, TO, 0)
            .sql();
    assertTrue(days.contains("toRelativeDayNum"), days);
  }

  @Test
  void modernBucketsThatDoNotDivideADayAvoidToStartOfInterval() {
    // toStartOfInterval aligns hours to midnight since 21.4; 5h and 7m must count from the epoch.
    QueryCompiler.Compiled five =
        modern(TimeColumnType.DATE_TIME64_3)
            .aggregate(
                List.of("X"),
                Interval.of(5, Interval.Unit.HOUR),
                Interval.M1,
                true,
                ZoneOffset.UTC,
                FROM,
                TO,
                0);
    assertFalse(five.sql().contains("toStartOfInterval"), five.sql());
    assertTrue(
        five.sql()
            .contains(
                "(toUnixTimestamp64Milli(`ts`) - ((toUnixTimestamp64Milli(`ts`)"
                    + " % 18000000) + 18000000) % 18000000)"),
        five.sql());
    assertEquals(TimeKind.KEY_MILLIS, five.layout().time());
    QueryCompiler.Compiled seven =
        modern(TimeColumnType.DATE_TIME)
            .aggregate(
                List.of("X"),
                Interval.of(7, Interval.Unit.MINUTE),
                Interval.M1,
                true,
                ZoneOffset.UTC,
                FROM,
                TO,
                0);
    assertTrue(seven.sql().contains("intDiv(toUInt32(`ts`), 420) * 420"), seven.sql());
  }

  @Test
  void modernDateTime64ReadsMillisecondsAndBoundsAreDateTime64Literals() {
    QueryCompiler.Compiled c =
        modern(TimeColumnType.DATE_TIME64_3).raw(List.of("X"), FROM + 250, TO, 0);
    assertTrue(
        c.sql().contains("`ts` >= toDateTime64('2024-01-01 00:00:00.250', 3, 'UTC')"), c.sql());
    assertTrue(
        c.sql().contains("`ts` < toDateTime64('2024-02-01 00:00:00.000', 3, 'UTC')"), c.sql());
    assertEquals(TimeKind.MILLIS, c.layout().time());
  }

  @Test
  void calendarBucketsAreLocalDayAndMonthNumbersInTheZone() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    for (QueryCompiler q : List.of(legacy(), modern(TimeColumnType.DATE_TIME))) {
      QueryCompiler.Compiled day =
          q.aggregate(List.of("X"), Interval.D1, Interval.M1, true, berlin, FROM, TO, 0);
      assertTrue(
          day.sql().contains("toInt64(toInt64(toRelativeDayNum(`ts`, 'Europe/Berlin'))) AS"),
          day.sql());
      assertEquals(TimeKind.KEY_DAY, day.layout().time());
      String week =
          q.aggregate(List.of("X"), Interval.W1, Interval.M1, true, berlin, FROM, TO, 0).sql();
      // No toDayOfWeek: newer servers read its second argument as a mode, not a zone.
      assertTrue(
          week.contains(
              "(toInt64(toRelativeDayNum(`ts`, 'Europe/Berlin')) - ((toInt64(toRelativeDayNum(`ts`,"
                  + " 'Europe/Berlin')) + 3) % 7 + 7) % 7)"),
          week);
      assertFalse(week.contains("toDayOfWeek"), week);
      String twoWeeks =
          q.aggregate(
                  List.of("X"),
                  Interval.of(2, Interval.Unit.WEEK),
                  Interval.M1,
                  true,
                  berlin,
                  FROM,
                  TO,
                  0)
              .sql();
      assertTrue(twoWeeks.contains(" * 7 - 3)"), twoWeeks);
      QueryCompiler.Compiled quarter =
          q.aggregate(
              List.of("X"),
              Interval.of(3, Interval.Unit.MONTH),
              Interval.M1,
              true,
              berlin,
              FROM,
              TO,
              0);
      assertTrue(
          quarter.sql().contains("(toInt64(toRelativeMonthNum(`ts`, 'Europe/Berlin')) - 23641)"),
          quarter.sql());
      assertEquals(TimeKind.KEY_MONTH, quarter.layout().time());
    }
  }

  @Test
  void resampledQueriesCountTheQueriedIntervalsBuckets() {
    String sql =
        legacy()
            .aggregate(List.of("X"), Interval.H1, Interval.M5, false, ZoneOffset.UTC, FROM, TO, 0)
            .sql();
    assertTrue(sql.contains("uniqExact(intDiv(toUInt32(`ts`), 300) * 300)"), sql);
  }

  @Test
  void nonFloatPriceColumnsAreConverted() {
    TableInfo i = info("18.16.1", "DateTime", "Decimal(38, 8)");
    QueryCompiler q =
        new QueryCompiler(
            "md",
            "ohlcv",
            ColumnMapping.ofDefaults(),
            i.dialect(),
            TimeColumnType.DATE_TIME,
            false,
            i);
    String raw = q.raw(List.of("X"), FROM, TO, 0).sql();
    assertTrue(raw.contains("toFloat64(`open`)"), raw);
    assertFalse(raw.contains("FINAL"), raw);
    String agg =
        q.aggregate(List.of("X"), Interval.H1, Interval.M1, true, ZoneOffset.UTC, FROM, TO, 0)
            .sql();
    assertTrue(agg.contains("toFloat64(sum(`volume`))"), agg);
  }

  @Test
  void mappedColumnNamesAreUsed() {
    TableInfo i = info("18.16.1", "DateTime", "Float64");
    ColumnMapping m = ColumnMapping.builder().symbol("ticker").time("open_time").build();
    QueryCompiler q =
        new QueryCompiler("md", "k", m, i.dialect(), TimeColumnType.DATE_TIME, false, i);
    String sql = q.raw(List.of("X"), FROM, TO, 0).sql();
    assertTrue(sql.contains("SELECT `open_time`,"), sql);
    assertTrue(sql.contains("WHERE `ticker` = 'X'"), sql);
  }

  @Test
  void zonesAreNamedAsClickHouseKnowsThem() {
    assertEquals("UTC", QueryCompiler.zoneName(ZoneOffset.UTC).orElseThrow());
    assertEquals("UTC", QueryCompiler.zoneName(ZoneId.of("Z")).orElseThrow());
    assertEquals("Europe/Berlin", QueryCompiler.zoneName(ZoneId.of("Europe/Berlin")).orElseThrow());
    assertEquals("Etc/GMT-2", QueryCompiler.zoneName(ZoneOffset.ofHours(2)).orElseThrow());
    assertEquals("Etc/GMT+5", QueryCompiler.zoneName(ZoneOffset.ofHours(-5)).orElseThrow());
    assertTrue(QueryCompiler.zoneName(ZoneOffset.ofHoursMinutes(5, 30)).isEmpty());
  }

  @Test
  void dateTime64NeedsAModernServer() {
    TableInfo i = info("18.16.1", "DateTime", "Float64");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new QueryCompiler(
                "md",
                "t",
                ColumnMapping.ofDefaults(),
                i.dialect(),
                TimeColumnType.DATE_TIME64_3,
                false,
                i));
  }
}
