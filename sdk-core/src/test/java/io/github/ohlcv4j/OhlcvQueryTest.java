package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OhlcvQueryTest {
  static final Instant A = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant B = Instant.parse("2024-01-02T00:00:00Z");

  static String failure(OhlcvQuery.Builder b) {
    return assertThrows(InvalidQueryException.class, b::build).getMessage();
  }

  @Test
  void defaultsToTheLatestOneMinuteCandles() {
    OhlcvQuery q = OhlcvQuery.of("BINANCE:BTCUSDT");
    assertEquals(Interval.M1, q.interval());
    assertEquals(OptionalInt.of(OhlcvQuery.DEFAULT_LATEST), q.latest());
    assertTrue(q.from().isEmpty());
    assertEquals(GapFill.NONE, q.fill());
    assertFalse(q.completeOnly());
    assertEquals(BadRowPolicy.REJECT, q.badRows());
  }

  @Test
  void rejectsImpossibleQueriesBeforeAnyIo() {
    assertTrue(failure(OhlcvQuery.builder()).contains("needs a symbol"));
    assertTrue(
        failure(OhlcvQuery.builder().symbol("X").between(B, A))
            .contains("'from' must be before 'to'"));
    assertTrue(failure(OhlcvQuery.builder().symbol("X").between(A, A)).contains("is empty"));
    assertTrue(
        failure(OhlcvQuery.builder().symbol("X").limit(-5))
            .contains("limit(n) needs n >= 1, got -5"));
    assertTrue(
        failure(OhlcvQuery.builder().symbol("X").latest(0)).contains("latest(n) needs n >= 1"));
    assertTrue(
        failure(OhlcvQuery.builder().symbol("X").latest(10).between(A, B))
            .contains("cannot be combined with a time range"));
    assertTrue(failure(OhlcvQuery.builder().symbol("X").to(B)).contains("needs a start"));
    assertTrue(
        failure(OhlcvQuery.builder().symbol("X").interval(Interval.H1).resample(Interval.M5))
            .contains("finer"));
    assertTrue(
        failure(OhlcvQuery.builder().symbol("X").interval(Interval.M3).resample(Interval.M5))
            .contains("whole multiple"));
    assertTrue(failure(OhlcvQuery.builder().symbol("")).contains("empty"));
    assertTrue(failure(OhlcvQuery.builder().symbol("BTC USDT")).contains("white space"));
    assertTrue(
        failure(OhlcvQuery.builder().symbol("X").interval("7x")).contains("\"1M\" is a month"));
  }

  @Test
  void resampleToTheSameIntervalIsNoResample() {
    OhlcvQuery q =
        OhlcvQuery.builder().symbol("X").interval(Interval.H1).resample(Interval.H1).build();
    assertTrue(q.resample().isEmpty());
    assertEquals(Interval.H1, q.outputInterval());
  }

  @Test
  void rangeOfAnExplicitRangeIsAsGiven() {
    OhlcvQuery q = OhlcvQuery.builder().symbol("X").between(A, B).build();
    assertEquals(new TimeRange(A, B), q.rangeAt(Instant.parse("2030-01-01T00:00:00Z")));
  }

  @Test
  void anOpenRangeRunsToTheEndOfTheCurrentBucket() {
    OhlcvQuery q = OhlcvQuery.builder().symbol("X").interval(Interval.H1).from(A).build();
    assertEquals(
        new TimeRange(A, Instant.parse("2024-01-01T06:00:00Z")),
        q.rangeAt(Instant.parse("2024-01-01T05:10:00Z")));
  }

  @Test
  void latestCountsBucketsOfTheOutputInterval() {
    Instant now = Instant.parse("2024-01-01T05:10:00Z");
    OhlcvQuery q = OhlcvQuery.builder().symbol("X").latest(3).resample(Interval.H1).build();
    assertEquals(
        new TimeRange(Instant.parse("2024-01-01T03:00:00Z"), Instant.parse("2024-01-01T06:00:00Z")),
        q.rangeAt(now));
    OhlcvQuery complete = q.newBuilder().completeOnly().build();
    assertEquals(
        new TimeRange(Instant.parse("2024-01-01T02:00:00Z"), Instant.parse("2024-01-01T06:00:00Z")),
        complete.rangeAt(now),
        "one bucket more, since the current one will be dropped");
  }

  @Test
  void latestMonthsInAZone() {
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("X")
            .interval(Interval.D1)
            .resample(Interval.MN1)
            .zone(ZoneId.of("America/New_York"))
            .latest(2)
            .build();
    TimeRange r = q.rangeAt(Instant.parse("2024-03-15T12:00:00Z"));
    assertEquals(Instant.parse("2024-02-01T05:00:00Z"), r.from());
    assertEquals(Instant.parse("2024-04-01T04:00:00Z"), r.to());
  }

  @Test
  void toBuilderCopiesAndAllowsSwitchingToARange() {
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("BYBIT:BTCUSDT.P")
            .interval("5m")
            .latest(10)
            .limit(3)
            .completeOnly()
            .build();
    assertEquals(q, q.newBuilder().build());
    assertEquals(q.hashCode(), q.newBuilder().build().hashCode());
    OhlcvQuery ranged = q.newBuilder().between(A, B).build();
    assertTrue(ranged.latest().isEmpty());
    assertEquals(A, ranged.from().orElseThrow());
  }

  @Test
  void rangesBeyondTheTimesAQueryCanCoverFailBeforeAnyIo() {
    Instant[][] ranges = {
      {Instant.MIN, B},
      {A, Instant.MAX},
      {Instant.MIN, Instant.MAX},
      {Instant.EPOCH, Instant.parse("+10000-01-01T00:00:00Z")},
      {Instant.parse("-0001-01-01T00:00:00Z"), A}
    };
    for (Instant[] r : ranges) {
      InvalidQueryException e =
          assertThrows(
              InvalidQueryException.class,
              () -> OhlcvQuery.builder().symbol("BTCUSDT").between(r[0], r[1]).build());
      assertTrue(e.getMessage().contains("outside the times a query can cover"), e.getMessage());
    }
    assertThrows(
        InvalidQueryException.class,
        () -> OhlcvQuery.builder().symbol("BTCUSDT").from(Instant.MIN).build());
    // The bounds themselves work, down to the engine's millisecond arithmetic.
    OhlcvQuery widest =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .interval(Interval.MN1)
            .between(OhlcvQuery.MIN_TIME, OhlcvQuery.MAX_TIME)
            .build();
    assertEquals(OhlcvQuery.MIN_TIME, widest.rangeAt(A).from());
  }

  @Test
  void latestOfAHugeCountReachesBackNoFurtherThanTheEarliestTime() {
    for (Interval i : new Interval[] {Interval.M1, Interval.W1, Interval.MN1}) {
      OhlcvQuery q =
          OhlcvQuery.builder().symbol("BTCUSDT").interval(i).latest(Integer.MAX_VALUE).build();
      TimeRange r = q.rangeAt(A);
      assertTrue(!r.from().isBefore(i.bucketStart(OhlcvQuery.MIN_TIME, q.zone())), i + ": " + r);
      assertTrue(r.to().isAfter(A));
    }
  }

  @Test
  void printsReadably() {
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("BINANCE:BTCUSDT")
            .between(A, B)
            .resample(Interval.H1)
            .fill(GapFill.NAN)
            .build();
    assertEquals(
        "BINANCE:BTCUSDT 1m [2024-01-01T00:00:00Z, 2024-01-02T00:00:00Z) → 1h fill nan",
        q.toString());
  }

  @Test
  void aTimeoutIsPartOfTheQuery() {
    OhlcvQuery plain = OhlcvQuery.builder().symbol("X").between(A, B).build();
    assertTrue(plain.timeout().isEmpty());
    OhlcvQuery timed = plain.newBuilder().timeout(Duration.ofSeconds(5)).build();
    assertEquals(Duration.ofSeconds(5), timed.timeout().orElseThrow());
    assertEquals(timed, timed.newBuilder().build());
    assertFalse(timed.equals(plain));
    assertTrue(timed.toString().endsWith(" timeout PT5S"), timed.toString());
    assertTrue(
        failure(plain.newBuilder().timeout(Duration.ZERO))
            .contains("timeout(PT0S) must be positive"));
    assertTrue(
        failure(plain.newBuilder().timeout(Duration.ofSeconds(-1))).contains("must be positive"));
  }
}
