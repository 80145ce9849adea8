package io.github.ohlcv4j.clickhouse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan.Mode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FetchPlanTest {

  static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
  static final Instant DAY = Instant.parse("2024-01-01T00:00:00Z");

  static FetchPlan plan(OhlcvQuery q, int pageSize) {
    return FetchPlan.of(q, Interval.M1, q.rangeAt(NOW), pageSize, 1);
  }

  static OhlcvQuery.Builder q(Instant from, Instant to) {
    return OhlcvQuery.builder().symbol("X").between(from, to);
  }

  @Test
  void storedIntervalWithoutResamplingReadsStoredCandles() {
    FetchPlan p = plan(q(DAY, DAY.plusSeconds(3600)).limit(5).build(), 1000);
    assertEquals(Mode.RAW, p.mode());
    assertEquals(Interval.M1, p.pageInterval());
    assertEquals(5, p.limit());
  }

  @Test
  void alignedResamplingRunsOnTheServer() {
    FetchPlan p =
        plan(q(DAY, DAY.plusSeconds(86_400)).resample(Interval.H1).limit(3).build(), 1000);
    assertEquals(Mode.AGGREGATE, p.mode());
    assertEquals(Interval.H1, p.pageInterval());
    assertEquals(3, p.limit());
  }

  @Test
  void resamplingFromAnUnalignedStartStaysInTheJvm() {
    // The first hour would start before 'from' and be clipped; the JVM keeps it as partial.
    FetchPlan p =
        plan(
            q(DAY.plusSeconds(1800), DAY.plusSeconds(86_400))
                .resample(Interval.H1)
                .limit(3)
                .build(),
            1000);
    assertEquals(Mode.RAW, p.mode());
    assertEquals(0, p.limit()); // a limit on resampled candles cannot be pushed to stored rows
  }

  @Test
  void bucketsAtTheZonesMidnightAreLeftToTheJvm() {
    ZoneId newYork = ZoneId.of("America/New_York");
    Instant nyMidnight = Instant.parse("2024-01-01T05:00:00Z");
    Instant epochFourHours = Instant.parse("2024-01-01T04:00:00Z");
    OhlcvQuery.Builder h4 = q(epochFourHours, NOW).resample(Interval.H4).zone(newYork).limit(3);
    assertEquals(Mode.AGGREGATE, plan(h4.build(), 1000).mode(), "epoch-aligned 4h");
    // 04:00Z starts an epoch 4h bucket, so only the alignment keeps the server from building them.
    FetchPlan local = plan(h4.alignment(Alignment.ZONE_MIDNIGHT).build(), 1000);
    assertEquals(Mode.RAW, local.mode());
    assertEquals(Interval.M1, local.pageInterval());
    assertEquals(0, local.limit());
    FetchPlan fiveMinutes =
        plan(h4.interval(Interval.M5).build(), 1000); // stored 1m, read as 5m, 4h in the JVM
    assertEquals(Interval.M5, fiveMinutes.pageInterval());
    FetchPlan days =
        plan(
            q(nyMidnight, NOW)
                .resample(Interval.D1)
                .zone(newYork)
                .alignment(Alignment.ZONE_MIDNIGHT)
                .build(),
            1000);
    assertEquals(Mode.AGGREGATE, days.mode(), "calendar buckets are zone-aligned anyway");
    assertEquals(Interval.D1, days.pageInterval());
  }

  @Test
  void calendarResamplingNeedsAlignmentInTheQueryZone() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    FetchPlan utcMidnight = plan(q(DAY, NOW).resample(Interval.D1).zone(berlin).build(), 1000);
    assertEquals(Mode.RAW, utcMidnight.mode());
    Instant berlinMidnight = Instant.parse("2023-12-31T23:00:00Z");
    FetchPlan aligned =
        plan(q(berlinMidnight, NOW).resample(Interval.D1).zone(berlin).build(), 1000);
    assertEquals(Mode.AGGREGATE, aligned.mode());
  }

  @Test
  void aZoneClickHouseCannotNameFallsBackOrFails() {
    ZoneOffset india = ZoneOffset.ofHoursMinutes(5, 30);
    Instant midnight = Instant.parse("2023-12-31T18:30:00Z");
    FetchPlan p = plan(q(midnight, NOW).resample(Interval.D1).zone(india).build(), 1000);
    assertEquals(Mode.RAW, p.mode());
    assertThrows(
        InvalidQueryException.class,
        () -> plan(q(midnight, NOW).interval(Interval.D1).zone(india).build(), 1000));
  }

  @Test
  void aCoarserQueriedIntervalIsBuiltOnTheServerForWholeBuckets() {
    FetchPlan p =
        plan(q(DAY.plusSeconds(120), DAY.plusSeconds(3660)).interval(Interval.M5).build(), 1000);
    assertEquals(Mode.AGGREGATE, p.mode());
    assertEquals(Interval.M5, p.pageInterval());
    assertEquals(DAY.plusSeconds(300).toEpochMilli(), p.from());
    assertEquals(DAY.plusSeconds(3900).toEpochMilli(), p.to());
  }

  @Test
  void windowsCoverTheRangeExactlyOnBucketBoundaries() {
    FetchPlan p = plan(q(DAY, DAY.plusSeconds(86_400)).resample(Interval.H1).build(), 5);
    long t = p.from();
    int windows = 0;
    while (p.hasWindow(t)) {
      long end = p.windowEnd(t);
      assertEquals(0, (end - DAY.toEpochMilli()) % 3_600_000);
      t = end;
      windows++;
    }
    assertEquals(p.to(), t);
    assertEquals(5, windows); // 24 hours in windows of 5
    assertEquals(5, p.remainingWindows(p.from()));
  }

  @Test
  void windowsAreSizedForTheirCandles() {
    FetchPlan p = plan(q(DAY, DAY.plusSeconds(86_400)).build(), 1_000_000);
    assertEquals(1440, p.sizeHint(p.from(), p.windowEnd(p.from())));
    FetchPlan half = plan(q(DAY.plusSeconds(30), DAY.plusSeconds(600)).build(), 1_000_000);
    assertEquals(10, half.sizeHint(half.from(), half.windowEnd(half.from())));
    FetchPlan small = plan(q(DAY, DAY.plusSeconds(86_400)).build(), 100);
    assertEquals(100, small.sizeHint(small.from(), small.windowEnd(small.from())));
    FetchPlan limited = plan(q(DAY, DAY.plusSeconds(86_400)).limit(7).build(), 1_000_000);
    assertEquals(7, limited.sizeHint(limited.from(), limited.windowEnd(limited.from())));
  }

  @Test
  void latestQueriesOfResampledCandlesAreAlignedAndPushedDown() {
    FetchPlan p =
        plan(OhlcvQuery.builder().symbol("X").latest(24).resample(Interval.H1).build(), 1000);
    assertEquals(Mode.AGGREGATE, p.mode());
    assertEquals(NOW.minusSeconds(23 * 3600).toEpochMilli(), p.from());
  }
}
