package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coverage a read-through asks for, {@code coverage(symbol, interval, zone, emptyAfter)}: the
 * same complete ranges as the whole coverage, and exactly the whole coverage's empty ranges that
 * end after {@code emptyAfter}, each from its true start, however {@code emptyAfter} falls (before
 * the first candle, inside an empty range, on or off the minute grid, after the last candle).
 */
@ExtendWith(ClickHouseServer.Extension.class)
class CoverageWindowTest {

  private static final Symbol BTC = Symbol.parse("BTCUSDT");
  private static final long T0 = Instant.parse("2023-06-01T00:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;

  /** Two recorded ranges with a hole between them; empty ranges inside both, one at the start. */
  private static final TimeRange FIRST = range(0, 300);

  private static final TimeRange SECOND = range(360, 720);

  private static ClickHouseSource store;

  @BeforeAll
  static void fill(ClickHouseServer server) {
    store = server.source("ohlcv4j_coverage_window", "candles").build();
    ClickHouseSchema.builder(store).build().migrate();
    // No candles at minutes [0, 5), [40, 100), [150, 151), [360, 400), [500, 650).
    LongPredicate held =
        m ->
            m >= 5
                && !(m >= 40 && m < 100)
                && m != 150
                && !(m >= 360 && m < 400)
                && !(m >= 500 && m < 650);
    store.write(series(0, 300, held), FIRST);
    store.write(series(360, 720, held), SECOND);
  }

  @Test
  void theWholeCoverageHasTheEmptyRangesItWasWrittenWith() {
    Coverage all = store.coverage(BTC, Interval.M1);
    assertEquals(List.of(FIRST, SECOND), all.complete());
    assertEquals(
        List.of(range(0, 5), range(40, 100), range(150, 151), range(360, 400), range(500, 650)),
        all.empty());
  }

  @Test
  void aWindowKeepsExactlyTheEmptyRangesEndingAfterIt() {
    Coverage all = store.coverage(BTC, Interval.M1);
    int checked =
        PropertyCheck.of("coverage after an instant", 40)
            .forAll(
                (Random r, Integer size) -> {
                  long minute = -30 + r.nextInt(780);
                  long offset = r.nextBoolean() ? 0 : r.nextInt((int) MINUTE);
                  return Instant.ofEpochMilli(T0 + minute * MINUTE + offset);
                },
                after -> {
                  Coverage part = store.coverage(BTC, Interval.M1, ZoneOffset.UTC, after);
                  assertEquals(all.complete(), part.complete(), "complete ranges after " + after);
                  List<TimeRange> expected =
                      all.empty().stream()
                          .filter(e -> e.to().isAfter(after))
                          .collect(Collectors.toList());
                  assertEquals(expected, part.empty(), "empty ranges ending after " + after);
                });
    assertEquals(40, checked);
  }

  @Test
  void aWindowInsideAnEmptyRangeGivesItFromItsTrueStart() {
    Instant inside = Instant.ofEpochMilli(T0 + 550 * MINUTE + 17_000);
    Coverage part = store.coverage(BTC, Interval.M1, ZoneOffset.UTC, inside);
    assertEquals(List.of(range(500, 650)), part.empty());
  }

  @Test
  void aWindowAfterTheLastRecordedMinuteReadsNoOpenTimes() {
    Coverage part =
        store.coverage(BTC, Interval.M1, ZoneOffset.UTC, Instant.ofEpochMilli(T0 + 720 * MINUTE));
    assertEquals(List.of(FIRST, SECOND), part.complete());
    assertTrue(part.empty().isEmpty());
    assertTrue(part.isComplete(range(40, 100)), "an empty range left out is still held");
    assertFalse(
        store.coverage(BTC, Interval.M1, ZoneOffset.UTC, Instant.MIN).empty().isEmpty(),
        "Instant.MIN asks for every empty range");
  }

  private static CandleSeries series(long fromMinute, long toMinute, LongPredicate held) {
    CandleSeries.Builder b = CandleSeries.builder(BTC, Interval.M1);
    for (long m = fromMinute; m < toMinute; m++) {
      if (held.test(m)) {
        double p = 100 + (m % 17);
        b.add(T0 + m * MINUTE, p, p + 1, p - 1, p + 0.5, 1 + m % 5);
      }
    }
    return b.build();
  }

  private static TimeRange range(long fromMinute, long toMinute) {
    return new TimeRange(
        Instant.ofEpochMilli(T0 + fromMinute * MINUTE),
        Instant.ofEpochMilli(T0 + toMinute * MINUTE));
  }
}
