package io.github.ohlcv4j.internal.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The sequencer against a simulated venue: candles pushed as they form and close, with duplicates,
 * pushes out of order, closes that never come, outages, corrections after the close and REST
 * answers that arrive late. Whatever happens, every candle is closed exactly once, in order, and
 * ends with the venue's final values.
 */
class SequencerTest {

  private static final long MIN = 60_000;
  private static final long GRACE = 5_000;

  /** What the sequencer said, in order. */
  private static final class Recorder implements Sequencer.Out {
    final List<String> log = new ArrayList<>();
    final List<Long> closed = new ArrayList<>();
    final Map<Long, double[]> last = new TreeMap<>();
    final List<long[]> backfills = new ArrayList<>();
    int revised;
    long lastClosed = Long.MIN_VALUE;
    long settled = Long.MIN_VALUE;

    @Override
    public void closed(long t, double o, double h, double l, double c, double v) {
      log.add("CLOSED " + t / MIN);
      assertTrue(t >= settled, "closed twice, or out of order: " + t / MIN);
      closed.add(t);
      last.put(t, new double[] {o, h, l, c, v});
      lastClosed = t;
      settled = t + MIN;
    }

    @Override
    public void update(long t, double o, double h, double l, double c, double v) {
      log.add("UPDATE " + t / MIN);
      assertTrue(t > lastClosed, "an update for a closed candle: " + t / MIN);
    }

    @Override
    public void revised(long t, double o, double h, double l, double c, double v) {
      log.add("REVISED " + t / MIN);
      assertTrue(t < settled, "a revision of a candle not final: " + t / MIN);
      last.put(t, new double[] {o, h, l, c, v});
      revised++;
    }

    @Override
    public void finalThrough(long watermark) {
      settled = Math.max(settled, watermark);
    }

    @Override
    public void backfill(long from, long to) {
      log.add("BACKFILL " + from / MIN + ".." + (to == Sequencer.OPEN_END ? "now" : to / MIN));
      backfills.add(new long[] {from, to});
    }

    @Override
    public void backfilled(long from, long to, int candles, boolean history) {}
  }

  private static Sequencer sequencer(Recorder r) {
    return new Sequencer(Interval.M1, ZoneOffset.UTC, GRACE, false, r);
  }

  private static CandleSeries rest(double[]... rows) {
    CandleSeries.Builder b = CandleSeries.builder(Symbol.parse("X"), Interval.M1);
    for (double[] row : rows) {
      b.add((long) row[0], row[1], row[2], row[3], row[4], row[5]);
      if (row.length > 6) {
        b.flag(CandleSeries.IN_PROGRESS);
      }
    }
    return b.build();
  }

  @Test
  void closesInOrderWhenTheNextCandleOvertakesTheClose() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.push(0, 1, 2, 1, 2, 1, false, 10_000);
    s.push(MIN, 2, 3, 2, 3, 1, false, MIN + 10); // the next candle before the close of the first
    s.push(0, 1, 2, 1, 2, 5, true, MIN + 20);
    assertEquals(List.of("UPDATE 0", "CLOSED 0", "UPDATE 1"), r.log);
    s.push(0, 1, 2, 1, 2, 5, true, MIN + 30); // the same close again
    assertEquals(3, r.log.size());
    s.push(0, 1, 2, 1, 2, 6, true, MIN + 40); // another close, with other values
    assertEquals("REVISED 0", r.log.get(3));
    s.push(MIN, 2, 3, 2, 3, 0.5, false, MIN + 5); // older than the update shown
    assertEquals(4, r.log.size());
  }

  @Test
  void withoutAClosedFlagTheLastPushClosesAtTheEndPlusTheGraceAndALaterOneRevises() {
    Recorder r = new Recorder();
    Sequencer s = new Sequencer(Interval.M1, ZoneOffset.UTC, GRACE, true, r);
    s.push(0, 1, 2, 1, 2, 1, false, MIN + 500); // minute 0, as the venue sends it after its end
    s.push(0, 1, 2, 1, 2, 3, false, MIN + 900); // recalculated before the grace ends
    s.push(MIN, 2, 3, 2, 3, 1, false, MIN + 950); // the next minute waits for the first to close
    assertEquals(MIN + GRACE, s.nextDeadline());
    s.tick(MIN + GRACE - 1);
    assertEquals(List.of("UPDATE 0", "UPDATE 0"), r.log);
    s.tick(MIN + GRACE);
    assertEquals(List.of("UPDATE 0", "UPDATE 0", "CLOSED 0", "UPDATE 1"), r.log);
    assertArrayEquals(new double[] {1, 2, 1, 2, 3}, r.last.get(0L));
    assertTrue(r.backfills.isEmpty(), "no REST for a candle that was pushed");
    s.push(0, 1, 2, 1, 2, 3, false, MIN + 6_000); // the same values again: nothing
    assertEquals(4, r.log.size());
    s.push(0, 1, 2.5, 1, 2, 4, false, MIN + 7_000); // a late trade: a correction
    assertEquals("REVISED 0", r.log.get(4));
    assertArrayEquals(new double[] {1, 2.5, 1, 2, 4}, r.last.get(0L));
    s.tick(2 * MIN + GRACE); // minute 1 closes; minute 2 had no push and is asked of REST
    assertEquals("CLOSED 1", r.log.get(5));
    s.tick(3 * MIN + GRACE);
    assertArrayEquals(new long[] {2 * MIN, 3 * MIN}, r.backfills.get(0));
  }

  @Test
  void withoutAClosedFlagACandleOnlyRestShowedInProgressIsAskedOfRestAgain() {
    Recorder r = new Recorder();
    Sequencer s = new Sequencer(Interval.M1, ZoneOffset.UTC, GRACE, true, r);
    s.startHistory(0);
    s.backfilled(
        0,
        Sequencer.OPEN_END,
        rest(new double[] {0, 1, 2, 1, 2, 1}, new double[] {MIN, 2, 3, 2, 3, 1, 1}));
    assertEquals(List.of("BACKFILL 0..now", "CLOSED 0", "UPDATE 1"), r.log);
    s.tick(2 * MIN + GRACE); // nothing pushed: REST's partial values are not closed
    assertArrayEquals(new long[] {MIN, 2 * MIN}, r.backfills.get(1));
    s.backfilled(MIN, 2 * MIN, rest(new double[] {MIN, 2, 4, 2, 3, 9}));
    assertArrayEquals(new double[] {2, 4, 2, 3, 9}, r.last.get(MIN));
  }

  @Test
  void aCloseThatNeverComesIsFetchedAtTheEndPlusTheGrace() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.push(0, 1, 2, 1, 2, 1, false, 10_000);
    assertEquals(MIN + GRACE, s.nextDeadline());
    s.tick(MIN + GRACE - 1);
    assertTrue(r.backfills.isEmpty());
    s.push(MIN, 2, 3, 2, 3, 1, false, MIN + 100); // held back until the first candle closes
    s.tick(MIN + GRACE);
    assertArrayEquals(new long[] {0, MIN}, r.backfills.get(0));
    s.backfilled(0, MIN, rest(new double[] {0, 1, 2, 1, 2, 7}));
    assertEquals(List.of("UPDATE 0", "BACKFILL 0..1", "CLOSED 0", "UPDATE 1"), r.log);
    assertArrayEquals(new double[] {1, 2, 1, 2, 7}, r.last.get(0L));
  }

  @Test
  void aCandleRestDoesNotHaveClosesWithItsLastPush() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.push(0, 1, 2, 1, 2, 1, false, 10_000);
    s.tick(MIN + GRACE);
    s.backfilled(0, MIN, rest());
    assertEquals(List.of("UPDATE 0", "BACKFILL 0..1", "CLOSED 0"), r.log);
    assertArrayEquals(new double[] {1, 2, 1, 2, 1}, r.last.get(0L));
  }

  @Test
  void aCandleRestSaysIsStillInProgressStopsTheBackfill() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.push(0, 1, 2, 1, 2, 1, false, 10_000);
    s.tick(3 * MIN); // the venue's clock is at 3 minutes: fetch 0..3
    assertArrayEquals(new long[] {0, 3 * MIN}, r.backfills.get(0));
    s.backfilled(
        0,
        3 * MIN,
        rest(
            new double[] {0, 1, 2, 1, 2, 3},
            new double[] {MIN, 2, 2, 2, 2, 1, 1})); // REST's clock was behind: 1 in progress
    assertEquals(List.of("UPDATE 0", "BACKFILL 0..3", "CLOSED 0", "UPDATE 1"), r.log);
    assertEquals(MIN, s.watermark());
  }

  @Test
  void historyHoldsPushesBackAndKeepsTheWebSocketsClose() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.startHistory(0);
    s.push(2 * MIN, 5, 6, 5, 6, 1, false, 2 * MIN + 1);
    s.push(MIN, 4, 5, 4, 5, 9, true, 2 * MIN); // closed over the WebSocket during the history
    s.backfilled(
        0,
        Sequencer.OPEN_END,
        rest(
            new double[] {0, 1, 2, 1, 2, 1},
            new double[] {MIN, 4, 5, 4, 5, 8},
            new double[] {2 * MIN, 5, 5, 5, 5, 1, 1}));
    assertEquals(List.of("BACKFILL 0..now", "CLOSED 0", "CLOSED 1", "UPDATE 2"), r.log);
    assertArrayEquals(new double[] {4, 5, 4, 5, 9}, r.last.get(MIN));
  }

  @Test
  void aCandleTakenForMissingThatShowsUpLaterIsARevision() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.push(0, 1, 2, 1, 2, 1, true, MIN);
    s.push(2 * MIN, 1, 2, 1, 2, 1, false, 2 * MIN + 1);
    s.tick(2 * MIN + GRACE);
    s.backfilled(MIN, 2 * MIN, rest()); // no trades in minute 1
    s.push(MIN, 3, 3, 3, 3, 1, true, 2 * MIN + 10);
    assertEquals(List.of("CLOSED 0", "BACKFILL 1..2", "UPDATE 2", "REVISED 1"), r.log);
  }

  @Test
  void afterAReconnectMissedCandlesAreFetchedWithoutWaitingForTheGrace() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.push(0, 1, 2, 1, 2, 1, false, 10_000);
    s.resumed(3 * MIN + 100); // three minutes later
    assertEquals(MIN, s.nextDeadline());
    s.tick(3 * MIN + 100);
    assertArrayEquals(new long[] {0, 3 * MIN}, r.backfills.get(0));
  }

  @Test
  void aFailedBackfillIsTriedAgainLater() {
    Recorder r = new Recorder();
    Sequencer s = sequencer(r);
    s.push(0, 1, 2, 1, 2, 1, false, 10_000);
    s.tick(MIN + GRACE);
    s.backfillFailed(0, MIN, MIN + GRACE);
    assertTrue(s.nextDeadline() > MIN + GRACE);
    s.tick(s.nextDeadline());
    assertEquals(2, r.backfills.size());
  }

  // ------------------------------------------------------------------ the simulated venue

  /** A push as the venue sends it (stamped {@code vt}), and when it is delivered ({@code at}). */
  private record Push(long at, long vt, long t, double[] v, boolean closed) {
    Push(long at, long t, double[] v, boolean closed) {
      this(at, at, t, v, closed);
    }
  }

  /** A scenario: the candles' final values, what is delivered, and the outages. */
  private record Scenario(
      int minutes,
      TreeMap<Long, double[]> truth,
      TreeMap<Long, List<long[]>> corrections, // t -> when a correction takes effect
      List<Push> pushes,
      List<long[]> outages,
      long restDelay,
      String description) {
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(description).append(", rest delay ").append(restDelay);
      for (Push p : pushes) {
        b.append("\n  at ")
            .append(p.at())
            .append(" vt ")
            .append(p.vt())
            .append(" minute ")
            .append(p.t() / MIN)
            .append(p.closed() ? " CLOSE " : " update ")
            .append(Arrays.toString(p.v()));
      }
      truth.forEach(
          (t, v) -> b.append("\n  truth ").append(t / MIN).append(' ').append(Arrays.toString(v)));
      return b.toString();
    }
  }

  private static double[] candle(Random random, double open) {
    double close = open + random.nextInt(21) - 10;
    double high = Math.max(open, close) + random.nextInt(5);
    double low = Math.min(open, close) - random.nextInt(5);
    return new double[] {open, high, low, close, 1 + random.nextInt(100)};
  }

  private static Scenario scenario(Random random, int size) {
    int minutes = 2 + size / 2;
    TreeMap<Long, double[]> truth = new TreeMap<>();
    TreeMap<Long, List<long[]>> corrections = new TreeMap<>();
    List<Push> pushes = new ArrayList<>();
    StringBuilder what = new StringBuilder();
    double price = 100;
    for (int m = 0; m < minutes; m++) {
      long t = m * MIN;
      if (m > 0 && random.nextInt(10) == 0) {
        what.append(" no-trades@").append(m);
        continue; // no candle at all
      }
      double[] c = candle(random, price);
      price = c[3];
      truth.put(t, c);
      int updates = 1 + random.nextInt(3);
      for (int u = 0; u < updates; u++) {
        long at = t + (u + 1) * MIN / (updates + 1);
        double[] partial = {c[0], c[1], c[2], c[3] - 1 + u, c[4] * (u + 1) / (updates + 1)};
        partial[1] = Math.max(partial[1], partial[3]);
        partial[2] = Math.min(partial[2], partial[3]);
        pushes.add(new Push(at, t, partial, false));
      }
      if (random.nextInt(8) == 0) {
        what.append(" missed-close@").append(m);
      } else {
        pushes.add(new Push(t + MIN + random.nextInt(300), t, c, true));
      }
    }
    // Duplicates and reordering.
    int dups = random.nextInt(1 + size / 10);
    for (int i = 0; i < dups && !pushes.isEmpty(); i++) {
      Push p = pushes.get(random.nextInt(pushes.size()));
      pushes.add(new Push(p.at() + random.nextInt(2000), p.vt(), p.t(), p.v(), p.closed()));
      what.append(" dup@").append(p.t() / MIN);
    }
    pushes.sort((a, b) -> Long.compare(a.at(), b.at()));
    int swaps = random.nextInt(1 + size / 10);
    for (int i = 0; i < swaps && pushes.size() > 1; i++) {
      int k = random.nextInt(pushes.size() - 1);
      Push a = pushes.get(k);
      Push b = pushes.get(k + 1);
      // Delivered in the other order, each with its own venue time.
      pushes.set(k, new Push(a.at(), b.vt(), b.t(), b.v(), b.closed()));
      pushes.set(k + 1, new Push(b.at(), a.vt(), a.t(), a.v(), a.closed()));
      what.append(" swap@").append(a.at());
    }
    // Outages: nothing is delivered while the connection is down.
    List<long[]> outages = new ArrayList<>();
    if (random.nextInt(3) == 0) {
      long from = random.nextInt(minutes) * MIN + random.nextInt((int) MIN);
      long to = from + random.nextInt((int) (3 * MIN));
      outages.add(new long[] {from, to});
      pushes.removeIf(p -> p.at() >= from && p.at() < to);
      what.append(" outage ").append(from).append("..").append(to);
    }
    // Corrections after the close, never lost.
    for (Long t : new ArrayList<>(truth.keySet())) {
      if (random.nextInt(12) == 0) {
        double[] fixed = truth.get(t).clone();
        fixed[4] += 1;
        long at = t + MIN + 10_000 + random.nextInt(20_000);
        truth.put(t, fixed);
        corrections.computeIfAbsent(t, k -> new ArrayList<>()).add(new long[] {at});
        pushes.add(new Push(at, t, fixed, true));
        what.append(" correction@").append(t / MIN);
      }
    }
    pushes.sort((a, b) -> Long.compare(a.at(), b.at()));
    long restDelay = random.nextInt(3) * 1000L;
    return new Scenario(
        minutes, truth, corrections, pushes, outages, restDelay, what.toString().trim());
  }

  /** What REST says at the venue's time {@code now} about {@code [from, to)}. */
  private static CandleSeries answer(Scenario sc, long from, long to, long now) {
    CandleSeries.Builder b = CandleSeries.builder(Symbol.parse("X"), Interval.M1);
    for (Map.Entry<Long, double[]> e :
        sc.truth().subMap(from, true, Math.min(to, now + 1), false).entrySet()) {
      long t = e.getKey();
      if (t > now) {
        break;
      }
      double[] v = e.getValue();
      List<long[]> fixes = sc.corrections().get(t);
      if (fixes != null && fixes.get(0)[0] > now) {
        v = v.clone();
        v[4] -= 1; // the correction is not out yet
      }
      b.add(t, v[0], v[1], v[2], v[3], v[4]);
      if (t + MIN > now) {
        b.flag(CandleSeries.IN_PROGRESS);
      }
    }
    return b.build();
  }

  @Test
  void everyCandleClosesOnceInOrderWithItsFinalValues() {
    PropertyCheck.of("sequencer against a faulty venue", 300)
        .forAll(
            SequencerTest::scenario,
            sc -> {
              Recorder r = new Recorder();
              Sequencer s = sequencer(r);
              Deque<long[]> requests = new ArrayDeque<>(); // from, to, answer at
              s.startHistory(0);
              long now = 0;
              requests.add(new long[] {0, Sequencer.OPEN_END, now + sc.restDelay()});
              List<Push> pushes = new ArrayList<>(sc.pushes());
              int next = 0;
              long end = sc.minutes() * MIN + 10 * GRACE + 3 * MIN;
              int outage = 0;
              while (now <= end) {
                // Deliver everything due at `now`, in order.
                while (next < pushes.size() && pushes.get(next).at() <= now) {
                  Push p = pushes.get(next++);
                  s.push(
                      p.t(), p.v()[0], p.v()[1], p.v()[2], p.v()[3], p.v()[4], p.closed(), p.vt());
                }
                if (outage < sc.outages().size() && now >= sc.outages().get(outage)[1]) {
                  s.resumed(now);
                  outage++;
                }
                while (!requests.isEmpty() && requests.peekFirst()[2] <= now) {
                  long[] q = requests.pollFirst();
                  s.backfilled(q[0], q[1], answer(sc, q[0], q[1], q[2] - sc.restDelay()));
                }
                int before = r.backfills.size();
                s.tick(now);
                for (int i = before; i < r.backfills.size(); i++) {
                  long[] b = r.backfills.get(i);
                  requests.add(new long[] {b[0], b[1], now + sc.restDelay()});
                }
                now += 250;
              }
              // Every candle closed, once, in order, with its final values.
              assertEquals(new ArrayList<>(sc.truth().keySet()), r.closed, sc.description());
              for (Map.Entry<Long, double[]> e : sc.truth().entrySet()) {
                assertArrayEquals(
                    e.getValue(),
                    r.last.get(e.getKey()),
                    () -> "candle " + e.getKey() / MIN + ": " + sc + "\n" + r.log);
              }
              assertTrue(
                  r.revised <= sc.corrections().size() + sc.truth().size(), sc.description());
            });
  }

  @Test
  void withoutFaultsNothingIsFetchedAndNothingRevised() {
    PropertyCheck.of("sequencer against a venue that behaves", 50)
        .forAll(
            (random, size) -> {
              List<Push> pushes = new ArrayList<>();
              int minutes = 1 + size;
              for (int m = 0; m < minutes; m++) {
                double[] c = candle(random, 100);
                pushes.add(new Push(m * MIN + 1000, m * MIN, c, false));
                pushes.add(new Push(m * MIN + MIN + 5, m * MIN, c, true));
              }
              Collections.shuffle(pushes.subList(0, 0), random);
              return pushes;
            },
            pushes -> {
              Recorder r = new Recorder();
              Sequencer s = sequencer(r);
              for (Push p : pushes) {
                s.tick(p.at());
                s.push(p.t(), p.v()[0], p.v()[1], p.v()[2], p.v()[3], p.v()[4], p.closed(), p.at());
              }
              assertTrue(r.backfills.isEmpty(), r.log.toString());
              assertEquals(0, r.revised);
              assertEquals(pushes.size() / 2, r.closed.size());
              assertTrue(
                  Arrays.equals(
                      r.closed.stream().mapToLong(Long::longValue).toArray(),
                      r.closed.stream().mapToLong(Long::longValue).sorted().distinct().toArray()));
            });
  }
}
