package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalTest {
  private static final ZoneId NY = ZoneId.of("America/New_York");

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void parsesShortAndLongForms() {
    assertEquals(Interval.M1, Interval.parse("1m"));
    assertEquals(Interval.M15, Interval.parse("15m"));
    assertEquals(Interval.H1, Interval.parse("1h"));
    assertEquals(Interval.D1, Interval.parse("1d"));
    assertEquals(Interval.W1, Interval.parse("1w"));
    assertEquals(Interval.MN1, Interval.parse("1M"));
    assertEquals(Interval.of(30, Interval.Unit.SECOND), Interval.parse("30s"));
    assertEquals(Interval.M15, Interval.parse("15min"));
    assertEquals(Interval.H4, Interval.parse("4hour"));
    assertEquals(Interval.of(2, Interval.Unit.WEEK), Interval.parse("2weeks"));
    assertEquals(Interval.of(3, Interval.Unit.MONTH), Interval.parse("3month"));
    assertEquals(Interval.D1, Interval.parse(" 1D "));
  }

  @Test
  void upperCaseMIsAMonthAndLowerCaseMAMinute() {
    assertEquals(Interval.Unit.MONTH, Interval.parse("1M").unit());
    assertEquals(Interval.Unit.MINUTE, Interval.parse("1m").unit());
  }

  @Test
  void rejectsUnknownFormsNamingTheAcceptedOnes() {
    for (String bad : List.of("7x", "", "m", "0m", "-1m", "1.5h", "1 fortnight")) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> Interval.parse(bad), bad);
      assertTrue(e.getMessage().contains("\"1m\""), e.getMessage());
      assertTrue(e.getMessage().contains("\"1M\" is a month"), e.getMessage());
    }
  }

  @Test
  void toStringRoundTrips() {
    for (String s :
        List.of("1s", "1m", "3m", "15m", "1h", "4h", "12h", "1d", "3d", "1w", "2w", "1M", "3M")) {
      assertEquals(s, Interval.parse(s).toString());
    }
  }

  @Test
  void fixedBucketsAlignToTheEpochWhateverTheZone() {
    long t = ms("2024-03-05T10:37:42.123Z");
    assertEquals(ms("2024-03-05T10:35:00Z"), Interval.M5.bucketStart(t, ZoneOffset.UTC));
    assertEquals(ms("2024-03-05T10:35:00Z"), Interval.M5.bucketStart(t, NY));
    assertEquals(ms("2024-03-05T08:00:00Z"), Interval.H4.bucketStart(t, ZoneOffset.UTC));
    assertEquals(
        ms("2024-03-05T10:35:00Z"),
        Interval.M5.bucketStart(ms("2024-03-05T10:35:00Z"), ZoneOffset.UTC));
    // Before the epoch, floor not truncation.
    assertEquals(-60_000, Interval.M1.bucketStart(-1, ZoneOffset.UTC));
  }

  @Test
  void daysStartAtLocalMidnight() {
    long t = ms("2024-03-05T03:00:00Z"); // 22:00 on March 4 in New York
    assertEquals(ms("2024-03-05T00:00:00Z"), Interval.D1.bucketStart(t, ZoneOffset.UTC));
    assertEquals(ms("2024-03-04T05:00:00Z"), Interval.D1.bucketStart(t, NY));
  }

  @Test
  void dstDaysLast23And25Hours() {
    long spring = Interval.D1.bucketStart(ms("2024-03-10T12:00:00Z"), NY);
    assertEquals(Duration.ofHours(23).toMillis(), Interval.D1.bucketEnd(spring, NY) - spring);
    long fall = Interval.D1.bucketStart(ms("2024-11-03T12:00:00Z"), NY);
    assertEquals(Duration.ofHours(25).toMillis(), Interval.D1.bucketEnd(fall, NY) - fall);
  }

  @Test
  void weeksStartOnMonday() {
    for (int d = 0; d < 14; d++) {
      long t = ms("2024-01-01T12:00:00Z") + d * 86_400_000L;
      long start = Interval.W1.bucketStart(t, ZoneOffset.UTC);
      assertEquals(
          DayOfWeek.MONDAY, Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC).getDayOfWeek());
      assertTrue(start <= t && t < Interval.W1.bucketEnd(start, ZoneOffset.UTC));
    }
    // 2024-01-07 is a Sunday: it belongs to the week of Monday 2024-01-01.
    assertEquals(
        ms("2024-01-01T00:00:00Z"),
        Interval.W1.bucketStart(ms("2024-01-07T23:59:59Z"), ZoneOffset.UTC));
    assertEquals(
        ms("2024-01-08T00:00:00Z"),
        Interval.W1.bucketStart(ms("2024-01-08T00:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void monthsAreCalendarMonthsAndMultiplesAreQuarters() {
    long t = ms("2024-02-29T23:00:00Z");
    long start = Interval.MN1.bucketStart(t, ZoneOffset.UTC);
    assertEquals(ms("2024-02-01T00:00:00Z"), start);
    assertEquals(ms("2024-03-01T00:00:00Z"), Interval.MN1.bucketEnd(start, ZoneOffset.UTC));
    Interval quarter = Interval.parse("3M");
    assertEquals(
        ms("2024-04-01T00:00:00Z"),
        quarter.bucketStart(ms("2024-06-30T00:00:00Z"), ZoneOffset.UTC));
    assertEquals(
        ms("2024-07-01T00:00:00Z"), quarter.bucketEnd(ms("2024-04-01T00:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void multiDayAndMultiWeekBucketsAreAlignedToTheEpoch() {
    Interval d3 = Interval.parse("3d");
    long start = d3.bucketStart(ms("2024-01-10T05:00:00Z"), ZoneOffset.UTC);
    assertEquals(0, Math.floorMod(LocalDate.ofEpochDay(start / 86_400_000L).toEpochDay(), 3));
    Interval w2 = Interval.parse("2w");
    long a = w2.bucketStart(ms("2024-01-10T00:00:00Z"), ZoneOffset.UTC);
    long b = w2.bucketStart(ms("2024-01-17T00:00:00Z"), ZoneOffset.UTC);
    assertEquals(DayOfWeek.MONDAY, Instant.ofEpochMilli(a).atZone(ZoneOffset.UTC).getDayOfWeek());
    // Two consecutive weeks are in the same two-week bucket or in adjacent ones, 14 days apart.
    assertTrue(a == b || b - a == 14 * 86_400_000L);
  }

  @Test
  void plusMovesByCalendarUnits() {
    long jan31 = ms("2024-01-01T00:00:00Z");
    assertEquals(ms("2024-03-01T00:00:00Z"), Interval.MN1.plus(jan31, 2, ZoneOffset.UTC));
    assertEquals(ms("2023-12-01T00:00:00Z"), Interval.MN1.plus(jan31, -1, ZoneOffset.UTC));
    assertEquals(jan31 + 3 * 3_600_000L, Interval.H1.plus(jan31, 3, ZoneOffset.UTC));
  }

  @Test
  void dividesSaysWhichResamplingsAreExact() {
    assertTrue(Interval.M1.divides(Interval.M5));
    assertTrue(Interval.M15.divides(Interval.H1));
    assertTrue(Interval.H1.divides(Interval.D1));
    assertTrue(Interval.D1.divides(Interval.W1));
    assertTrue(Interval.D1.divides(Interval.MN1));
    assertTrue(Interval.MN1.divides(Interval.parse("3M")));
    assertFalse(Interval.M3.divides(Interval.M5));
    assertFalse(Interval.W1.divides(Interval.MN1));
    assertFalse(Interval.D1.divides(Interval.H1));
    assertFalse(Interval.parse("7m").divides(Interval.D1));
  }

  @Test
  void durationsOfFixedAndCalendarIntervals() {
    assertEquals(Duration.ofMinutes(15), Interval.M15.toDuration());
    assertTrue(Interval.H1.isFixed());
    assertTrue(Interval.D1.isCalendar());
    assertThrows(UnsupportedOperationException.class, Interval.MN1::toDuration);
    assertEquals(Duration.ofDays(30), Interval.MN1.nominalDuration());
    assertTrue(Interval.M1.compareTo(Interval.H1) < 0);
    assertTrue(Interval.parse("60m").compareTo(Interval.H1) < 0);
  }

  @Test
  void rejectsNonPositiveAmounts() {
    assertThrows(InvalidQueryException.class, () -> Interval.of(0, Interval.Unit.MINUTE));
    assertEquals(Interval.H1, Interval.ofSeconds(3600));
    assertEquals(Interval.of(90, Interval.Unit.SECOND), Interval.ofSeconds(90));
  }
}
