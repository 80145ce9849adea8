package io.github.ohlcv4j.exchange;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic market for the fake venues: one candle per bucket from a listing time until the
 * bucket in progress, prices in ticks of 0.1 and volumes in units of 0.001, so that every value has
 * an exact decimal text and its correctly rounded double is {@code ticks / 10.0}. Optional gaps (no
 * trading) leave buckets out.
 */
public final class FakeMarket {

  /** One candle, in integer units. */
  public record Bar(long openTime, long o, long h, long l, long c, long volumeUnits, long trades) {

    /** Price ticks as a double, the way a correct parser reads the decimal text. */
    public static double price(long ticks) {
      return ticks / 10.0;
    }

    /** Volume units as a double. */
    public static double volume(long units) {
      return units / 1000.0;
    }

    /** Quote volume (volume × close) in units of 0.0001. */
    public long turnoverUnits() {
      return volumeUnits * c;
    }
  }

  private final Interval interval;
  private final ZoneId zone;
  private final long listing;
  private final List<long[]> gaps = new ArrayList<>();

  /**
   * @param interval the candles' interval
   * @param zone the zone of calendar candles
   * @param listing the open time of the first candle
   */
  public FakeMarket(Interval interval, ZoneId zone, long listing) {
    this.interval = interval;
    this.zone = zone;
    this.listing = interval.bucketStart(listing, zone);
  }

  /** A UTC market. */
  public FakeMarket(Interval interval, long listing) {
    this(interval, ZoneOffset.UTC, listing);
  }

  /** Leaves the buckets opening in {@code [from, to)} out. */
  public FakeMarket gap(long from, long to) {
    gaps.add(new long[] {from, to});
    return this;
  }

  /** The interval. */
  public Interval interval() {
    return interval;
  }

  /** The zone of calendar candles. */
  public ZoneId zone() {
    return zone;
  }

  /** The bars opening in {@code [from, to)} that exist at {@code now}, ascending. */
  public List<Bar> bars(long from, long to, long now) {
    List<Bar> out = new ArrayList<>();
    long t = Math.max(listing, interval.bucketStart(from, zone));
    if (t < from) {
      t = interval.plus(t, 1, zone);
    }
    long current = interval.bucketStart(now, zone);
    while (t < to && t <= current) {
      if (!inGap(t)) {
        out.add(bar(t));
      }
      t = interval.plus(t, 1, zone);
    }
    return out;
  }

  /** The bar opening at {@code t} (which must be a bucket start). */
  public Bar bar(long t) {
    long s = mix(t * 31 + interval.nominalMillis());
    long o = 150_000 + Math.floorMod(s, 20_000);
    long c = o + Math.floorMod(s >>> 17, 401) - 200;
    long h = Math.max(o, c) + Math.floorMod(s >>> 29, 75);
    long l = Math.min(o, c) - Math.floorMod(s >>> 37, 75);
    long v = 1 + Math.floorMod(s >>> 43, 900_000);
    long n = 1 + Math.floorMod(s >>> 5, 5000);
    return new Bar(t, o, h, l, c, v, n);
  }

  /** The bars as the series a source should return, with Bybit's and Binance's quote volume. */
  public static void assertSame(List<Bar> expected, CandleSeries actual) {
    org.junit.jupiter.api.Assertions.assertEquals(
        expected.size(), actual.size(), "number of candles in " + actual);
    for (int i = 0; i < expected.size(); i++) {
      Bar b = expected.get(i);
      String at = "candle " + i + " of " + actual.size();
      org.junit.jupiter.api.Assertions.assertEquals(b.openTime(), actual.openTimeMillis(i), at);
      org.junit.jupiter.api.Assertions.assertEquals(Bar.price(b.o()), actual.open(i), at);
      org.junit.jupiter.api.Assertions.assertEquals(Bar.price(b.h()), actual.high(i), at);
      org.junit.jupiter.api.Assertions.assertEquals(Bar.price(b.l()), actual.low(i), at);
      org.junit.jupiter.api.Assertions.assertEquals(Bar.price(b.c()), actual.close(i), at);
      org.junit.jupiter.api.Assertions.assertEquals(
          Bar.volume(b.volumeUnits()), actual.volume(i), at);
      if (actual.has(ExtraColumn.QUOTE_VOLUME)) {
        org.junit.jupiter.api.Assertions.assertEquals(
            b.turnoverUnits() / 10_000.0, actual.extra(ExtraColumn.QUOTE_VOLUME, i), at);
      }
    }
  }

  /** The decimal text of {@code units} with {@code decimals} decimals, trailing zeros stripped. */
  public static String decimal(long units, int decimals, boolean strip) {
    long pow = 1;
    for (int i = 0; i < decimals; i++) {
      pow *= 10;
    }
    String frac = String.format("%0" + decimals + "d", Math.floorMod(units, pow));
    String s = Math.floorDiv(units, pow) + (decimals > 0 ? "." + frac : "");
    if (strip && decimals > 0) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }

  private boolean inGap(long t) {
    for (long[] g : gaps) {
      if (t >= g[0] && t < g[1]) {
        return true;
      }
    }
    return false;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
