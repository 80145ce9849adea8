package io.github.ohlcv4j.internal.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The incremental resampler against {@link CandleSeries#resample(Interval, ZoneId, Alignment)}:
 * every closed bucket, every update of the bucket in progress and every revision equals what {@code
 * resample} makes of the same candles, flags included, across gaps, revisions, calendar buckets and
 * daylight-saving changes.
 */
class ResamplingTest {

  private static final Symbol X = Symbol.parse("X");

  private record Case(
      Interval base,
      Interval target,
      ZoneId zone,
      Alignment alignment,
      long start,
      List<double[]> steps, // {kind 0 update / 1 closed / 2 revised, t, o, h, l, c, v}
      String description) {}

  private static final Interval[][] PAIRS = {
    {Interval.M1, Interval.M5},
    {Interval.M1, Interval.M15},
    {Interval.M1, Interval.H1},
    {Interval.M5, Interval.H1},
    {Interval.M15, Interval.H4},
    {Interval.H1, Interval.D1},
    {Interval.H1, Interval.H4},
    {Interval.D1, Interval.W1},
    {Interval.D1, Interval.MN1},
  };

  private static final ZoneId[] ZONES = {
    ZoneOffset.UTC, ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata")
  };

  private static Case generate(Random random, int size) {
    Interval[] pair = PAIRS[random.nextInt(PAIRS.length)];
    Interval base = pair[0];
    Interval target = pair[1];
    ZoneId zone = ZONES[random.nextInt(ZONES.length)];
    Alignment alignment =
        target.isFixed() && target.canAlign(Alignment.ZONE_MIDNIGHT) && random.nextBoolean()
            ? Alignment.ZONE_MIDNIGHT
            : Alignment.EPOCH;
    if (alignment == Alignment.ZONE_MIDNIGHT && !base.divides(target)) {
      alignment = Alignment.EPOCH;
    }
    // Around the 2024 spring-forward in New York, somewhere in a bucket.
    long start =
        base.bucketStart(Instant.parse("2024-03-09T00:00:00Z").toEpochMilli(), zone)
            + base.nominalMillis() * random.nextInt(40);
    start = base.bucketStart(start, zone);
    List<double[]> steps = new ArrayList<>();
    TreeMap<Long, double[]> closed = new TreeMap<>();
    long t = start;
    double price = 100;
    int candles = 5 + size * 2;
    for (int i = 0; i < candles; i++) {
      long next = base.isFixed() ? t + base.fixedMillis() : base.bucketEnd(t, zone);
      if (random.nextInt(7) == 0) {
        t = next; // no candle
        continue;
      }
      double o = price;
      int updates = random.nextInt(3);
      double c = o;
      double h = o;
      double l = o;
      double v = 0;
      for (int u = 0; u < updates; u++) {
        c = o + random.nextInt(11) - 5;
        h = Math.max(h, c);
        l = Math.min(l, c);
        v += random.nextInt(4) / 4.0;
        steps.add(new double[] {0, t, o, h, l, c, v});
      }
      c = o + random.nextInt(11) - 5;
      h = Math.max(h, c) + random.nextInt(2);
      l = Math.min(l, c) - random.nextInt(2);
      v += random.nextInt(8) / 8.0;
      steps.add(new double[] {1, t, o, h, l, c, v});
      closed.put(t, new double[] {o, h, l, c, v});
      price = c;
      if (random.nextInt(6) == 0 && closed.size() > 1) {
        // Revise a recent candle (within the buckets kept), or one taken for missing.
        long r = closed.lowerKey(t) != null ? closed.lowerKey(t) : t;
        double[] old = closed.get(r);
        double[] fixed = {old[0], old[1] + 1, old[2], old[3], old[4] + 0.5};
        steps.add(new double[] {2, r, fixed[0], fixed[1], fixed[2], fixed[3], fixed[4]});
        closed.put(r, fixed);
      }
      t = next;
    }
    return new Case(
        base,
        target,
        zone,
        alignment,
        start,
        steps,
        base + " → " + target + " in " + zone + " " + alignment);
  }

  private static CandleSeries series(Case c, Map<Long, double[]> closed, double[] forming) {
    CandleSeries.Builder b = CandleSeries.builder(X, c.base()).zone(c.zone());
    closed.forEach((t, v) -> b.add(t, v[0], v[1], v[2], v[3], v[4]));
    if (forming != null) {
      b.add((long) forming[1], forming[2], forming[3], forming[4], forming[5], forming[6])
          .flag(CandleSeries.IN_PROGRESS);
    }
    return b.build().resample(c.target(), c.zone(), c.alignment());
  }

  @Test
  void incrementalBucketsEqualResample() {
    PropertyCheck.of("incremental resampling equals CandleSeries.resample", 200)
        .forAll(
            ResamplingTest::generate,
            c -> {
              TreeMap<Long, Candle> emitted = new TreeMap<>();
              List<String> kinds = new ArrayList<>();
              Candle[] lastUpdate = new Candle[1];
              Candles out =
                  new Candles() {
                    @Override
                    public void emit(
                        Kind kind,
                        long t,
                        double o,
                        double h,
                        double l,
                        double cl,
                        double v,
                        int flags) {
                      Candle candle = new Candle(Instant.ofEpochMilli(t), o, h, l, cl, v, flags);
                      kinds.add(kind + " " + candle.openTime());
                      if (kind == Kind.UPDATE) {
                        assertTrue(candle.inProgress());
                        lastUpdate[0] = candle;
                      } else {
                        emitted.put(t, candle);
                      }
                    }

                    @Override
                    public void settled(long watermark) {}
                  };
              Resampling r = new Resampling(c.base(), c.target(), c.zone(), c.alignment(), out);
              TreeMap<Long, double[]> closed = new TreeMap<>();
              int updates = 0;
              for (double[] s : c.steps()) {
                long t = (long) s[1];
                double[] v = {s[2], s[3], s[4], s[5], s[6]};
                if (s[0] == 0) {
                  r.update(t, v[0], v[1], v[2], v[3], v[4]);
                  if (++updates % 3 != 0) {
                    continue; // every third is enough, and keeps the test fast
                  }
                  // The update is the resample of its bucket's candles, the one in progress last.
                  long b = c.target().bucketStart(t, c.zone(), c.alignment());
                  CandleSeries all = series(c, closed.subMap(b, true, t, false), s);
                  assertEquals(all.last().orElseThrow(), lastUpdate[0], c.description());
                } else if (s[0] == 1) {
                  closed.put(t, v);
                  r.closed(t, v[0], v[1], v[2], v[3], v[4]);
                } else {
                  closed.put(t, v);
                  r.revised(t, v[0], v[1], v[2], v[3], v[4]);
                }
              }
              CandleSeries expected = series(c, closed, null);
              // Every bucket but the last is closed (its end is not known to have passed).
              List<Candle> want = expected.toList();
              List<Candle> got = new ArrayList<>(emitted.values());
              if (got.size() == want.size() - 1) {
                want = want.subList(0, want.size() - 1);
              }
              assertEquals(want, got, c.description() + " " + kinds);
            });
  }
}
