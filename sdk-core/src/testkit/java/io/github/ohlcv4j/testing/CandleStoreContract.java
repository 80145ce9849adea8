package io.github.ohlcv4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.GapFill;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.WriteResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CandleStore} promises about one-minute candles, as tests: a store's module runs
 * them by extending this class with a factory of fresh, empty stores ({@link #store}). Upserts of
 * closed candles that read back {@code equal} — extra columns and flags included — coverage aligned
 * to the grid and cut where candles stop being closed, the ranges the venue had no candles for kept
 * apart from the candles and shrunk by candles written later, and a random sequence of writes
 * checked against a minute-by-minute model.
 */
public abstract class CandleStoreContract {

  /** The symbol of the tests. */
  protected static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");

  /** The first minute of the coverage tests. */
  protected static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

  /** The first candle of the read-back tests. */
  protected static final Instant START = Instant.parse("2024-03-01T00:00:00Z");

  private static final SampleSource SAMPLE =
      SampleSource.builder()
          .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
          .pageSize(1_000_000)
          .build();

  /** For subclasses. */
  protected CandleStoreContract() {}

  /**
   * A new, empty store of one-minute candles whose clock stands at {@code now}; the test closes it.
   */
  protected abstract CandleStore store(Instant now);

  /** Rounds of the random test (30 writes each); fewer for a store whose writes are slow. */
  protected int randomRounds() {
    return 3;
  }

  /** The minute {@code minutes} after {@link #T0}. */
  protected static Instant m(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  /** The minutes {@code [from, to)} after {@link #T0}. */
  protected static TimeRange r(long from, long to) {
    return new TimeRange(m(from), m(to));
  }

  /** One-minute candles at the given minutes after {@link #T0}. */
  protected static CandleSeries candles(long... minutes) {
    CandleSeries.Builder b = CandleSeries.builder(BTC, Interval.M1);
    for (long k : minutes) {
      b.add(m(k), 100 + k, 101 + k, 99 + k, 100.5 + k, 1 + k);
    }
    return b.build();
  }

  /** The sample market's one-minute candles of {@code symbol} in {@code [from, to)}. */
  protected static CandleSeries sample(Symbol symbol, Instant from, Instant to) {
    return SAMPLE.fetch(OhlcvQuery.builder().symbol(symbol).between(from, to).build());
  }

  /**
   * {@code s} with every {@code holeEvery}-th candle and a block of {@code block} candles in the
   * middle left out (0: none), the venue's extra columns when {@code extras}, and every {@code
   * suspectEvery}-th remaining candle (0: none) replaced by a bad one kept as suspect (NaN prices,
   * a finite volume).
   */
  protected static CandleSeries shape(
      CandleSeries s, int holeEvery, int block, boolean extras, int suspectEvery, long seed) {
    Random random = new Random(seed);
    CandleSeries.Builder b =
        CandleSeries.builder(s.symbol(), s.interval())
            .zone(s.zone())
            .badRows(BadRowPolicy.FLAG)
            .expectedSize(s.size());
    int mid = s.size() / 2;
    int kept = 0;
    for (int i = 0; i < s.size(); i++) {
      if ((holeEvery > 0 && i % holeEvery == 0) || (i >= mid && i < mid + block)) {
        continue;
      }
      kept++;
      long t = s.openTimeMillis(i);
      if (suspectEvery > 0 && kept % suspectEvery == 0) {
        b.add(t, Double.NaN, Double.NaN, Double.NaN, Double.NaN, random.nextDouble() * 3);
      } else {
        b.add(t, s.open(i), s.high(i), s.low(i), s.close(i), s.volume(i));
      }
      if (extras) {
        double v = s.volume(i);
        double vwap = (s.high(i) + s.low(i) + s.close(i)) / 3;
        b.extra(ExtraColumn.QUOTE_VOLUME, v * vwap * (1 + random.nextDouble() * 1e-3));
        b.extra(ExtraColumn.TRADE_COUNT, random.nextInt(5000));
        b.extra(ExtraColumn.TAKER_BUY_VOLUME, random.nextInt(7) == 0 ? Double.NaN : v * 0.4);
        b.extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, v * vwap * 0.4);
        b.extra(ExtraColumn.VWAP, random.nextInt(11) == 0 ? Double.NaN : vwap);
        b.extra(ExtraColumn.CLOSE_TIME, s.endTimeMillis(i) - 1);
      }
    }
    return b.build();
  }

  /** A query of {@code [from, to)} that keeps bad rows as suspect. */
  protected static OhlcvQuery.Builder range(Symbol s, Instant from, Instant to) {
    return OhlcvQuery.builder().symbol(s).between(from, to).badRows(BadRowPolicy.FLAG);
  }

  @Test
  public void aWarmReadEqualsWhatWasWrittenWithExtrasAndFlags() throws Exception {
    Instant end = START.plus(Duration.ofDays(20));
    CandleSeries cold = shape(sample(BTC, START, end), 97, 300, true, 501, 1);
    assertTrue(cold.has(ExtraColumn.VWAP) && cold.hasFlags());
    try (CandleStore store = store(Instant.parse("2025-01-01T00:00:00Z"))) {
      WriteResult w = store.write(cold);
      assertEquals(cold.size(), w.written());
      assertEquals(0, w.replaced());
      CandleSeries warm = store.fetch(range(BTC, START, end).build());
      assertEquals(cold, warm);
      assertEquals(cold.extraColumns(), warm.extraColumns());
      // Any sub-range.
      Instant a = START.plus(Duration.ofHours(31)).plusSeconds(17);
      Instant b = end.minus(Duration.ofDays(3)).plusSeconds(59);
      assertEquals(cold.between(a, b), store.fetch(range(BTC, a, b).build()));
    }
  }

  @Test
  public void writingTheSameCandlesAgainChangesNothingAndACorrectionReplaces() throws Exception {
    Instant end = START.plus(Duration.ofDays(2));
    CandleSeries cold = sample(BTC, START, end);
    try (CandleStore store = store(Instant.parse("2025-01-01T00:00:00Z"))) {
      store.write(cold);
      WriteResult again = store.write(cold);
      assertEquals(cold.size(), again.replaced());
      OhlcvQuery q = range(BTC, START, end).build();
      assertEquals(cold, store.fetch(q));
      CandleSeries fix =
          CandleSeries.builder(BTC, Interval.M1)
              .add(cold.openTimeMillis(10), 1, 2, 0.5, 1.5, 42)
              .build();
      assertEquals(1, store.write(fix).replaced());
      CandleSeries after = store.fetch(q);
      assertEquals(cold.size(), after.size());
      assertEquals(42, after.volume(10));
      assertEquals(cold.volume(11), after.volume(11));
      // The first version again, after the correction: the later write wins.
      store.write(cold);
      assertEquals(cold, store.fetch(q));
    }
  }

  @Test
  public void candlesNotClosedAreSkippedNeverStoredAsFinal() throws Exception {
    Instant now = START.plus(Duration.ofMinutes(90)).plusSeconds(20);
    Instant end = START.plus(Duration.ofHours(2));
    try (CandleStore store = store(now)) {
      CandleSeries s = sample(BTC, START, end);
      CandleSeries flagged = s.markInProgress(now); // the 01:30 candle is in progress
      WriteResult w = store.write(flagged, new TimeRange(START, end));
      assertEquals(90, w.written());
      assertEquals(30, w.skippedInProgress()); // the one in progress and those after "now"
      assertEquals(
          new TimeRange(START, START.plus(Duration.ofMinutes(90))), w.covered().orElseThrow());
      assertEquals(s.head(90), store.fetch(range(BTC, START, end).build()));
    }
  }

  @Test
  public void filledRowsAreNotStored() throws Exception {
    Instant end = START.plus(Duration.ofHours(5));
    CandleSeries s = shape(sample(BTC, START, end), 7, 0, false, 0, 3);
    CandleSeries filled = s.fill(GapFill.PREVIOUS_CLOSE);
    try (CandleStore store = store(Instant.parse("2025-01-01T00:00:00Z"))) {
      WriteResult w = store.write(filled);
      assertEquals(s.size(), w.written());
      assertEquals(filled.size() - s.size(), w.skippedFilled());
      assertEquals(s, store.fetch(range(BTC, START, end).build()));
    }
  }

  @Test
  public void aCandleOffItsIntervalGridIsRefused() throws Exception {
    CandleSeries bad =
        CandleSeries.builder(BTC, Interval.M1).add(START.plusSeconds(30), 1, 2, 0.5, 1, 1).build();
    try (CandleStore store = store(Instant.parse("2025-01-01T00:00:00Z"))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> store.write(bad));
      assertTrue(e.getMessage().contains("not on the 1m grid"), e.getMessage());
    }
  }

  @Test
  public void aStoredBadCandleFailsAReadThatRejectsBadRows() throws Exception {
    Instant end = START.plus(Duration.ofHours(3));
    CandleSeries s = shape(sample(BTC, START, end), 0, 0, false, 50, 4);
    try (CandleStore store = store(Instant.parse("2025-01-01T00:00:00Z"))) {
      store.write(s);
      OhlcvQuery strict = OhlcvQuery.builder().symbol(BTC).between(START, end).build();
      assertThrows(DataFormatException.class, () -> store.fetch(strict));
      assertThrows(
          DataFormatException.class,
          () -> store.fetch(strict.newBuilder().resample(Interval.H1).build()));
      CandleSeries dropped = store.fetch(strict.newBuilder().badRows(BadRowPolicy.DROP).build());
      assertEquals(s.size() - 3, dropped.size());
      assertFalse(dropped.hasFlags());
    }
  }

  @Test
  public void holesInACoveredRangeAreRecordedAsEmptyApartFromTheCandles() throws Exception {
    try (CandleStore s = store(m(10_000))) {
      // Candles at 0..9 and 15..19 of [0, 25): the venue had none at 10..14 and 20..24.
      long[] minutes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 19};
      WriteResult w = s.write(candles(minutes), r(0, 25));
      assertEquals(15, w.written());
      assertEquals(r(0, 25), w.covered().orElseThrow());
      Coverage c = s.coverage(BTC, Interval.M1);
      assertEquals(List.of(r(0, 25)), c.complete());
      assertEquals(List.of(r(10, 15), r(20, 25)), c.empty());
      assertEquals(List.of(r(-5, 0), r(25, 30)), c.missing(r(-5, 30)));
      assertTrue(c.isEmptyAt(m(12)));
      // Nothing for another interval or symbol.
      assertTrue(s.coverage(BTC, Interval.M5).isNone());
      assertTrue(s.coverage(Symbol.parse("BINANCE:ETHUSDT"), Interval.M1).isNone());
    }
  }

  @Test
  public void aRangeIsAlignedToTheGridAndCutBeforeCandlesThatHaveNotClosed() throws Exception {
    Instant now = m(30).plusSeconds(25);
    try (CandleStore s = store(now)) {
      CandleSeries some = candles(0, 1, 2, 3);
      WriteResult w = s.write(some, new TimeRange(m(0).minusSeconds(30), m(3).plusSeconds(1)));
      // [-0:30, 3:01) holds the open times 0..3: aligned, it is [0, 4).
      assertEquals(r(0, 4), w.covered().orElseThrow());
      // A range into the future is cut at the start of the minute containing "now".
      WriteResult late = s.write(candles(4, 5), r(4, 60));
      assertEquals(r(4, 30), late.covered().orElseThrow());
      assertEquals(List.of(r(0, 30)), s.coverage(BTC, Interval.M1).complete());
      assertEquals(List.of(r(6, 30)), s.coverage(BTC, Interval.M1).empty());
    }
    // A candle flagged in progress cuts the range before it.
    CandleSeries flagged =
        CandleSeries.builder(BTC, Interval.M1).add(m(40), 1, 2, 0.5, 1, 1).build();
    try (CandleStore later = store(m(100))) {
      later.write(candles(38, 39));
      CandleSeries withOpen =
          CandleSeries.concat(
              List.of(candles(38, 39), flagged.markInProgress(m(40).plusSeconds(5))));
      WriteResult cut = later.write(withOpen, r(38, 50));
      assertEquals(1, cut.skippedInProgress());
      assertEquals(r(38, 40), cut.covered().orElseThrow());
    }
  }

  @Test
  public void aRangeTheVenueHadNothingForIsEmptyAsAWhole() throws Exception {
    try (CandleStore s = store(m(10_000))) {
      WriteResult w = s.write(CandleSeries.empty(BTC, Interval.M1), r(100, 200));
      assertEquals(0, w.written());
      Coverage c = s.coverage(BTC, Interval.M1);
      assertEquals(List.of(r(100, 200)), c.complete());
      assertEquals(List.of(r(100, 200)), c.empty());
      assertTrue(c.missing(r(100, 200)).isEmpty());
      // The venue revised: candles turn up in part of it.
      s.write(candles(150, 151), r(140, 160));
      c = s.coverage(BTC, Interval.M1);
      assertEquals(List.of(r(100, 200)), c.complete());
      assertEquals(List.of(r(100, 150), r(152, 200)), c.empty());
      // A candle written without coverage shrinks an empty range too.
      s.write(candles(120));
      assertEquals(
          List.of(r(100, 120), r(121, 150), r(152, 200)), s.coverage(BTC, Interval.M1).empty());
    }
  }

  @Test
  public void aSymbolTheStoreHoldsNothingOfIsNotFoundAndAnEmptyRangeOfAKnownOneIsEmpty()
      throws Exception {
    Symbol eth = Symbol.parse("BINANCE:ETHUSDT");
    Symbol sol = Symbol.parse("BINANCE:SOLUSDT");
    try (CandleStore s = store(m(10_000))) {
      SymbolNotFoundException none =
          assertThrows(
              SymbolNotFoundException.class, () -> s.fetch(range(BTC, m(0), m(60)).build()));
      assertTrue(none.getMessage().contains(BTC.toString()), none.getMessage());
      assertFalse(none.isRetryable());
      s.write(candles(10, 11, 12));
      s.write(CandleSeries.empty(sol, Interval.M1), r(100, 200));
      assertThrows(SymbolNotFoundException.class, () -> s.fetch(range(eth, m(0), m(60)).build()));
      // Known by a candle at another time, or by a recorded range only: empty, not unknown.
      CandleSeries before = s.fetch(range(BTC, m(-600), m(0)).build());
      assertTrue(before.isEmpty());
      assertEquals(BTC, before.symbol());
      assertTrue(s.fetch(range(sol, m(100), m(200)).build()).isEmpty());
      assertTrue(s.fetch(range(sol, m(0), m(60)).build()).isEmpty());
      assertEquals(candles(10, 11, 12), s.fetch(range(BTC, m(0), m(60)).build()));
    }
  }

  /**
   * Random writes of random candles over random ranges, against a minute-by-minute model: complete
   * = every minute some write covered; empty = complete minutes without a stored candle.
   */
  @Test
  public void randomWritesAgreeWithAMinuteByMinuteModel() throws Exception {
    Random random = new Random(11);
    int slots = 600;
    for (int round = 0; round < randomRounds(); round++) {
      boolean[] covered = new boolean[slots];
      boolean[] stored = new boolean[slots];
      try (CandleStore s = store(m(1_000_000))) {
        for (int w = 0; w < 30; w++) {
          int a = random.nextInt(slots - 1);
          int b = Math.min(slots, a + 1 + random.nextInt(120));
          List<Long> present = new ArrayList<>();
          double density = random.nextDouble();
          for (int k = Math.max(0, a - 3); k < Math.min(slots, b + 3); k++) {
            if (random.nextDouble() < density) {
              present.add((long) k);
              stored[k] = true;
            }
          }
          boolean withRange = random.nextInt(5) > 0;
          CandleSeries c = candles(present.stream().mapToLong(Long::longValue).toArray());
          if (withRange) {
            s.write(c, r(a, b));
            for (int k = a; k < b; k++) {
              covered[k] = true;
            }
          } else {
            s.write(c);
          }
          Coverage got = s.coverage(BTC, Interval.M1);
          assertEquals(runs(covered, null), got.complete(), "round " + round + " write " + w);
          assertEquals(runs(covered, stored), got.empty(), "round " + round + " write " + w);
        }
        // And the candles are all there, once.
        int n = 0;
        for (boolean x : stored) {
          n += x ? 1 : 0;
        }
        CandleSeries all =
            s.fetch(OhlcvQuery.builder().symbol(BTC).between(m(-10), m(slots + 10)).build());
        assertEquals(n, all.size());
      }
    }
  }

  /** Runs of minutes where {@code on} holds (and, if given, {@code off} does not). */
  private static List<TimeRange> runs(boolean[] on, boolean[] off) {
    List<TimeRange> out = new ArrayList<>();
    int k = 0;
    while (k < on.length) {
      if (!on[k] || (off != null && off[k])) {
        k++;
        continue;
      }
      int start = k;
      while (k < on.length && on[k] && (off == null || !off[k])) {
        k++;
      }
      out.add(r(start, k));
    }
    return out;
  }
}
