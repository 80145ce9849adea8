package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PagePlanTest {
  private static final Instant NOW = Instant.parse("2024-06-01T12:34:56Z");

  private static OhlcvQuery between(Interval i, String from, String to) {
    return OhlcvQuery.builder()
        .symbol("BYBIT:BTCUSDT")
        .interval(i)
        .between(Instant.parse(from), Instant.parse(to))
        .build();
  }

  @Test
  void startsAtTheFirstCandleOpeningInTheRange() {
    PagePlan p =
        PagePlan.of(
            between(Interval.M5, "2024-01-01T00:01:00Z", "2024-01-01T01:00:00Z"),
            NOW,
            ZoneOffset.UTC);
    assertEquals(Instant.parse("2024-01-01T00:05:00Z").toEpochMilli(), p.first());
    assertEquals(Instant.parse("2024-01-01T01:00:00Z").toEpochMilli(), p.end());
    assertEquals(11, p.count(p.first(), p.end(), 1000));
  }

  @Test
  void windowsOfWholeCandlesCoverTheRangeOnce() {
    PagePlan p =
        PagePlan.of(
            between(Interval.M1, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"),
            NOW,
            ZoneOffset.UTC);
    long t = p.first();
    int windows = 0;
    int candles = 0;
    while (t < p.end()) {
      long e = p.windowEnd(t, 1000);
      candles += p.count(t, e, 1000);
      t = e;
      windows++;
    }
    assertEquals(2, p.requestsLeft(p.first(), 1000));
    assertEquals(2, windows);
    assertEquals(1440, candles);
  }

  @Test
  void neverPlansPastTheCandleInProgress() {
    PagePlan p =
        PagePlan.of(
            between(Interval.H1, "2024-06-01T00:00:00Z", "2024-06-03T00:00:00Z"),
            NOW,
            ZoneOffset.UTC);
    assertEquals(Instant.parse("2024-06-01T13:00:00Z").toEpochMilli(), p.end());
    PagePlan future =
        PagePlan.of(
            between(Interval.H1, "2024-07-01T00:00:00Z", "2024-07-02T00:00:00Z"),
            NOW,
            ZoneOffset.UTC);
    assertTrue(future.isEmpty());
  }

  @Test
  void monthsAndNewYorkDaysFollowTheCalendar() {
    PagePlan months =
        PagePlan.of(
            between(Interval.MN1, "2023-01-15T00:00:00Z", "2024-01-01T00:00:00Z"),
            NOW,
            ZoneOffset.UTC);
    assertEquals(Instant.parse("2023-02-01T00:00:00Z").toEpochMilli(), months.first());
    assertEquals(11, months.count(months.first(), months.end(), 100));
    assertEquals(
        Instant.parse("2023-05-01T00:00:00Z").toEpochMilli(), months.windowEnd(months.first(), 3));
    ZoneId ny = ZoneId.of("America/New_York");
    PagePlan days =
        PagePlan.of(between(Interval.D1, "2024-03-09T00:00:00Z", "2024-03-12T00:00:00Z"), NOW, ny);
    assertEquals(Instant.parse("2024-03-09T05:00:00Z").toEpochMilli(), days.first());
    // 10 March 2024 has 23 hours in New York.
    assertEquals(Instant.parse("2024-03-11T04:00:00Z").toEpochMilli(), days.plus(days.first(), 2));
    assertEquals(3, days.count(days.first(), days.end(), 10));
  }

  @Test
  void latestCountsBackFromNow() {
    OhlcvQuery q =
        OhlcvQuery.builder().symbol("BINANCE:BTCUSDT").interval(Interval.M1).latest(5).build();
    PagePlan p = PagePlan.of(q, NOW, ZoneOffset.UTC);
    assertEquals(5, p.count(p.first(), p.end(), 1000));
    assertEquals(Instant.parse("2024-06-01T12:35:00Z").toEpochMilli(), p.end());
  }
}
