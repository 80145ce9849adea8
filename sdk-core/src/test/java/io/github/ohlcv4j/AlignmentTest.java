package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fixed buckets at the zone's midnight, against a naive reference, and epoch alignment as before.
 */
class AlignmentTest {
  static final Symbol SYM = Symbol.parse("TEST:ABC");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final long MIN = 60_000;
  static final long HOUR = 3_600_000;

  /** Local hour of each candle of {@code s}, in its zone. */
  static int[] localHours(CandleSeries s) {
    int[] hours = new int[s.size()];
    for (int i = 0; i < s.size(); i++) {
      hours[i] = s.openTime(i).atZone(s.zone()).getHour();
    }
    return hours;
  }

  /** Every minute of {@code [from, to)} as a flat 1m series. */
  static CandleSeries minutes(Instant from, Instant to) {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1);
    for (long t = from.toEpochMilli(); t < to.toEpochMilli(); t += MIN) {
      double p = 100 + (t / MIN) % 97;
      b.add(t, p, p + 1, p - 1, p + 0.5, 1);
    }
    return b.build();
  }

  @Test
  void fourHourBucketsInNewYorkStartAtLocalMidnightAcrossTheSpringChange() {
    // 2024-03-10: 02:00 EST jumps to 03:00 EDT.
    CandleSeries m =
        minutes(Instant.parse("2024-03-09T05:00:00Z"), Instant.parse("2024-03-12T04:00:00Z"));
    CandleSeries h4 = m.resample(Interval.H4, NEW_YORK, Alignment.ZONE_MIDNIGHT);
    assertEquals(Alignment.ZONE_MIDNIGHT, h4.alignment());
    assertEquals(18, h4.size());
    for (int hour : localHours(h4)) {
      assertEquals(0, hour % 4, "every bucket starts at 00, 04, … 20 local");
    }
    int change = 6; // 2024-03-10 00:00 EST
    assertEquals(Instant.parse("2024-03-10T05:00:00Z"), h4.openTime(change));
    assertEquals(Instant.parse("2024-03-10T08:00:00Z"), h4.openTime(change + 1), "04:00 EDT");
    assertEquals(3 * HOUR, h4.endTimeMillis(change) - h4.openTimeMillis(change));
    assertEquals(180, countMinutes(m, h4, change));
    assertFalse(h4.hasFlags(), "a full 3-hour bucket is not partial");
    assertTrue(h4.gaps().isEmpty(), h4.gaps().toString());

    CandleSeries epoch = m.resample(Interval.H4, NEW_YORK);
    assertEquals(Alignment.EPOCH, epoch.alignment());
    assertEquals(23, localHours(epoch)[0], "before the change: 23:00, 03:00 …");
    int lastHour = localHours(epoch)[epoch.size() - 1];
    assertEquals(0, lastHour % 4, "after the change: 00:00, 04:00 …");
  }

  @Test
  void theAutumnChangeMakesOneFiveHourBucket() {
    // 2024-11-03: 02:00 EDT falls back to 01:00 EST.
    CandleSeries m =
        minutes(Instant.parse("2024-11-02T04:00:00Z"), Instant.parse("2024-11-05T05:00:00Z"));
    CandleSeries h4 = m.resample(Interval.H4, NEW_YORK, Alignment.ZONE_MIDNIGHT);
    assertEquals(18, h4.size());
    int change = 6; // 2024-11-03 00:00 EDT
    assertEquals(Instant.parse("2024-11-03T04:00:00Z"), h4.openTime(change));
    assertEquals(Instant.parse("2024-11-03T09:00:00Z"), h4.openTime(change + 1), "04:00 EST");
    assertEquals(300, countMinutes(m, h4, change));
    assertFalse(h4.hasFlags());
    assertTrue(h4.gaps().isEmpty());
    // One hour missing inside the long bucket makes it partial, and only it.
    CandleSeries holed =
        CandleSeries.concat(
            List.of(
                m.between(m.openTime(0), Instant.parse("2024-11-03T05:00:00Z")),
                m.between(Instant.parse("2024-11-03T06:00:00Z"), m.end().orElseThrow())));
    CandleSeries p = holed.resample(Interval.H4, NEW_YORK, Alignment.ZONE_MIDNIGHT);
    for (int i = 0; i < p.size(); i++) {
      assertEquals(i == change, p.isPartial(i), "bucket " + i);
    }
  }

  private static int countMinutes(CandleSeries m, CandleSeries buckets, int i) {
    return m.between(buckets.openTime(i), Instant.ofEpochMilli(buckets.endTimeMillis(i))).size();
  }

  @Test
  void aFilledZoneMidnightSeriesGetsEachMissingBucketOnce() {
    CandleSeries m =
        minutes(Instant.parse("2024-03-09T05:00:00Z"), Instant.parse("2024-03-12T04:00:00Z"));
    CandleSeries h4 = m.resample(Interval.H4, NEW_YORK, Alignment.ZONE_MIDNIGHT);
    CandleSeries holed =
        CandleSeries.concat(List.of(h4.slice(0, 5), h4.slice(9, h4.size()))); // 4 buckets out
    assertEquals(1, holed.gaps().size());
    assertEquals(4, holed.gaps().get(0).missing());
    CandleSeries filled = holed.fill(GapFill.PREVIOUS_CLOSE);
    assertArrayEquals(h4.openTimes(), filled.openTimes());
    assertEquals(4, filled.stream().filter(Candle::filled).count());
  }

  @Test
  void aZoneWithoutDaylightSavingShiftsTheGrid() {
    ZoneId india = ZoneOffset.ofHoursMinutes(5, 30);
    CandleSeries m =
        minutes(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"));
    CandleSeries h4 = m.resample(Interval.H4, india, Alignment.ZONE_MIDNIGHT);
    assertEquals(Instant.parse("2023-12-31T22:30:00Z"), h4.openTime(0));
    assertTrue(h4.isPartial(0), "150 of 240 minutes");
    assertEquals(Instant.parse("2024-01-01T02:30:00Z"), h4.openTime(1));
    assertFalse(h4.isPartial(1));
    assertEquals(naive(m, Interval.H4, india), h4);
  }

  @Test
  void intervalsThatDoNotDivideADayCannotStartAtMidnight() {
    assertTrue(Interval.H4.canAlign(Alignment.ZONE_MIDNIGHT));
    assertTrue(Interval.of(45, Interval.Unit.MINUTE).canAlign(Alignment.ZONE_MIDNIGHT));
    assertTrue(Interval.D1.canAlign(Alignment.ZONE_MIDNIGHT));
    assertFalse(Interval.of(5, Interval.Unit.HOUR).canAlign(Alignment.ZONE_MIDNIGHT));
    assertFalse(Interval.of(7, Interval.Unit.MINUTE).canAlign(Alignment.ZONE_MIDNIGHT));
    assertTrue(Interval.of(7, Interval.Unit.MINUTE).canAlign(Alignment.EPOCH));
    CandleSeries m =
        minutes(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-01T12:00:00Z"));
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () ->
                m.resample(Interval.of(5, Interval.Unit.HOUR), NEW_YORK, Alignment.ZONE_MIDNIGHT));
    assertTrue(e.getMessage().contains("does not divide a day"), e.getMessage());
    InvalidQueryException q =
        assertThrows(
            InvalidQueryException.class,
            () ->
                OhlcvQuery.builder()
                    .symbol("X")
                    .resample(Interval.of(5, Interval.Unit.HOUR))
                    .alignment(Alignment.ZONE_MIDNIGHT)
                    .build());
    assertTrue(q.getMessage().contains("divide a day"), q.getMessage());
  }

  @Test
  void calendarTargetsIgnoreTheAlignment() {
    CandleSeries m =
        minutes(Instant.parse("2024-03-09T05:00:00Z"), Instant.parse("2024-03-12T04:00:00Z"));
    assertEquals(
        m.resample(Interval.D1, NEW_YORK),
        m.resample(Interval.D1, NEW_YORK, Alignment.ZONE_MIDNIGHT));
    assertEquals(
        Alignment.EPOCH, m.resample(Interval.D1, NEW_YORK, Alignment.ZONE_MIDNIGHT).alignment());
  }

  @Test
  void theQueryCarriesTheOption() {
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("X")
            .resample(Interval.H4)
            .zone(NEW_YORK)
            .alignment(Alignment.ZONE_MIDNIGHT)
            .build();
    assertEquals(Alignment.ZONE_MIDNIGHT, q.alignment());
    assertEquals(q, q.newBuilder().build());
    assertFalse(q.equals(q.newBuilder().alignment(Alignment.EPOCH).build()));
    assertTrue(q.toString().contains("aligned to zone midnight"), q.toString());
    assertEquals(Alignment.EPOCH, OhlcvQuery.of("X").alignment());
    // latest(n) counts whole zone-aligned buckets back from the one containing now.
    Instant now = Instant.parse("2024-03-10T12:30:00Z"); // 08:30 EDT, the day of the change
    TimeRange r = q.newBuilder().latest(4).build().rangeAt(now);
    assertEquals(Instant.parse("2024-03-10T01:00:00Z"), r.from(), "20:00 EST the day before");
    assertEquals(Instant.parse("2024-03-10T16:00:00Z"), r.to(), "12:00 EDT");
  }

  @Test
  void aQueryResampledInPagesGivesTheSameBucketsAsOneResample() {
    Instant now = Instant.parse("2024-06-01T12:34:56Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    SampleSource sample = SampleSource.builder().clock(clock).pageSize(97).build();
    OhlcvQuery minutes =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .between(Instant.parse("2024-03-08T00:00:00Z"), Instant.parse("2024-03-13T00:00:00Z"))
            .build();
    CandleSeries expected =
        sample.fetch(minutes).resample(Interval.H4, NEW_YORK, Alignment.ZONE_MIDNIGHT);
    OhlcvQuery h4 =
        minutes
            .newBuilder()
            .resample(Interval.H4)
            .zone(NEW_YORK)
            .alignment(Alignment.ZONE_MIDNIGHT)
            .build();
    try (OhlcvClient client =
            OhlcvClient.builder()
                .clock(clock)
                .retryPolicy(RetryPolicy.none())
                .autoDiscover(false)
                .source(sample)
                .build();
        Stream<Candle> streamed = client.stream(h4)) {
      CandleSeries fetched = client.fetch(h4);
      assertEquals(expected, fetched);
      assertEquals(Alignment.ZONE_MIDNIGHT, fetched.alignment());
      assertEquals(expected.toList(), streamed.toList());
      for (int hour : localHours(fetched)) {
        assertEquals(0, hour % 4);
      }
    }
  }

  // ---------------------------------------------------------------- properties

  static final List<ZoneId> ZONES =
      List.of(
          ZoneOffset.UTC,
          NEW_YORK,
          ZoneId.of("Europe/London"),
          ZoneId.of("Australia/Sydney"),
          ZoneId.of("Australia/Lord_Howe"), // a half-hour daylight-saving change
          ZoneId.of("America/Santiago"), // changes at midnight
          ZoneId.of("Asia/Kathmandu"), // +05:45
          ZoneOffset.ofHoursMinutes(5, 30),
          ZoneOffset.ofHours(-3));

  static final List<Interval> STEPS =
      List.of(15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440).stream()
          .map(m -> Interval.of(m, Interval.Unit.MINUTE))
          .toList();

  static <T> T any(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** Every bucket start from days before {@code from} to days after {@code to}, the slow way. */
  static TreeSet<Long> referenceStarts(long from, long to, long step, ZoneId zone) {
    TreeSet<Long> starts = new TreeSet<>();
    LocalDate first = Instant.ofEpochMilli(from).atZone(zone).toLocalDate().minusDays(2);
    LocalDate last = Instant.ofEpochMilli(to).atZone(zone).toLocalDate().plusDays(3);
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      for (long off = 0; off < 86_400_000L; off += step) {
        LocalDateTime local = d.atStartOfDay().plus(Duration.ofMillis(off));
        ZoneOffsetTransition gap = zone.getRules().getTransition(local);
        Instant at =
            gap != null && gap.isGap()
                ? gap.getInstant()
                : ZonedDateTime.ofLocal(local, zone, null).toInstant();
        starts.add(at.toEpochMilli());
      }
    }
    return starts;
  }

  record Instants(
      ZoneId zone, Interval step, long instant, boolean nearAChange, int minutesFromIt) {}

  @Test
  void bucketsAreTheLastReferenceStartAtOrBeforeEachInstant() {
    PropertyCheck.of("zone-midnight buckets match the reference starts", 600)
        .forAll(
            (r, size) ->
                new Instants(
                    any(r, ZONES),
                    any(r, STEPS),
                    946_684_800_000L
                        + (long) (r.nextDouble() * (1_893_456_000_000L - 946_684_800_000L)),
                    r.nextBoolean(),
                    r.nextInt(4_321) - 2_160),
            c -> checkBuckets(c.zone(), c.step(), c.instant(), c.nearAChange(), c.minutesFromIt()));
  }

  static void checkBuckets(
      ZoneId zone, Interval step, long instant, boolean nearAChange, int minutesFromIt) {
    // Half the cases within a day and a half of a daylight-saving change, where it matters.
    ZoneOffsetTransition change = zone.getRules().nextTransition(Instant.ofEpochMilli(instant));
    long t =
        nearAChange && change != null
            ? change.getInstant().toEpochMilli() + minutesFromIt * MIN + instant % MIN
            : instant;
    TreeSet<Long> starts = referenceStarts(t, t, step.fixedMillis(), zone);
    long start = step.bucketStart(t, zone, Alignment.ZONE_MIDNIGHT);
    assertEquals(starts.floor(t), start, "start");
    assertEquals(starts.higher(t), step.bucketEnd(start, zone, Alignment.ZONE_MIDNIGHT), "end");
    assertEquals(start, step.bucketStart(start, zone, Alignment.ZONE_MIDNIGHT), "idempotent");
    long midnight = Interval.D1.bucketStart(t, zone);
    assertEquals(midnight, step.bucketStart(midnight, zone, Alignment.ZONE_MIDNIGHT), "midnight");
    assertEquals(
        starts.lower(start), step.plus(start, -1, zone, Alignment.ZONE_MIDNIGHT), "one back");
    assertEquals(
        starts.higher(starts.higher(start)),
        step.plus(start, 2, zone, Alignment.ZONE_MIDNIGHT),
        "two on");
  }

  /** {@code s} grouped by the reference bucket starts, with the resampler's rules spelled out. */
  static CandleSeries naive(CandleSeries s, Interval target, ZoneId zone) {
    long step = target.fixedMillis();
    long base = s.interval().fixedMillis();
    TreeSet<Long> starts =
        referenceStarts(s.openTimeMillis(0), s.openTimeMillis(s.size() - 1), step, zone);
    CandleSeries.Builder b = CandleSeries.builder(s.symbol(), target).zone(zone);
    b.alignment(Alignment.ZONE_MIDNIGHT);
    int i = 0;
    while (i < s.size()) {
      long start = starts.floor(s.openTimeMillis(i));
      long end = starts.higher(start);
      List<Candle> in = new ArrayList<>();
      while (i < s.size() && s.openTimeMillis(i) < end) {
        in.add(s.get(i++));
      }
      double high = in.stream().mapToDouble(Candle::high).max().orElseThrow();
      double low = in.stream().mapToDouble(Candle::low).min().orElseThrow();
      double volume = 0;
      for (Candle c : in) {
        volume += c.volume();
      }
      b.add(start, in.get(0).open(), high, low, in.get(in.size() - 1).close(), volume);
      if (in.size() < (end - start) / base) {
        b.flag(CandleSeries.PARTIAL);
      }
    }
    return b.build();
  }

  record Resampling(ZoneId zone, Interval target, long startSecond, int candles, long seed) {}

  @Test
  void resamplingMatchesANaiveGroupBy() {
    PropertyCheck.of("zone-midnight resampling matches a naive group-by", 120)
        .forAll(
            (r, size) ->
                new Resampling(
                    any(r, ZONES),
                    any(r, STEPS),
                    946_684_800L + (long) (r.nextDouble() * (1_893_456_000L - 946_684_800L)),
                    1 + r.nextInt(size * 30),
                    r.nextLong()),
            c -> checkResampling(c.zone(), c.target(), c.startSecond(), c.candles(), c.seed()));
  }

  static void checkResampling(
      ZoneId zone, Interval target, long startSecond, int candles, long seed) {
    // 15-minute candles with random holes (so buckets can be partial), from a random start.
    Random rnd = new Random(seed);
    long t = Math.floorDiv(startSecond * 1000, 15 * MIN) * 15 * MIN;
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M15);
    for (int k = 0; k < candles; k++) {
      double p = 50 + rnd.nextInt(1000) / 8.0;
      b.add(t, p, p + rnd.nextInt(8) / 4.0, p - rnd.nextInt(8) / 4.0, p, rnd.nextInt(100) / 4.0);
      t += 15 * MIN * (rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(40) : 1);
    }
    CandleSeries s = b.build();
    CandleSeries resampled = s.resample(target, zone, Alignment.ZONE_MIDNIGHT);
    assertEquals(naive(s, target, zone), resampled);
    assertEquals(zone, resampled.zone());
    // The same again with a flag on the input takes the general path: same buckets and values.
    CandleSeries flagged =
        s.markInProgress(Instant.ofEpochMilli(s.openTimeMillis(s.size() - 1) + 1))
            .resample(target, zone, Alignment.ZONE_MIDNIGHT);
    assertArrayEquals(resampled.openTimes(), flagged.openTimes());
    assertArrayEquals(resampled.volumes(), flagged.volumes());
    assertTrue(flagged.last().orElseThrow().inProgress());
  }
}
