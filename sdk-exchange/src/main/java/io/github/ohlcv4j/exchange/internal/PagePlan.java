package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import java.time.Instant;
import java.time.ZoneId;

/**
 * Splits a query's range into request windows of whole candles, oldest first: the open time of the
 * first candle at or after the range start, window ends a given number of candles later, the number
 * of candles in a window, and an estimate of the requests left. Calendar intervals (days, weeks,
 * months) step through the calendar of the venue's zone. A plan never starts later than the range
 * does: venues that answer a too-long range with its newest rows are asked for windows they can
 * answer whole, from the start.
 *
 * <p>Immutable; cursors keep their position themselves.
 */
public final class PagePlan {
  private final Interval interval;
  private final ZoneId zone;
  private final long first;
  private final long end;

  private PagePlan(Interval interval, ZoneId zone, long first, long end) {
    this.interval = interval;
    this.zone = zone;
    this.first = first;
    this.end = end;
  }

  /**
   * The plan for a query run at {@code now}: from the first candle opening at or after the start of
   * {@link OhlcvQuery#rangeAt(Instant)} to the end of that range, but not past the end of the
   * candle in progress at {@code now} (no venue has later candles).
   *
   * @param zone the zone of the venue's calendar candles (UTC for crypto venues)
   */
  public static PagePlan of(OhlcvQuery query, Instant now, ZoneId zone) {
    TimeRange range = query.rangeAt(now);
    Interval interval = query.interval();
    long first = alignUp(interval, range.fromMillis(), zone);
    long current = interval.bucketEnd(interval.bucketStart(now.toEpochMilli(), zone), zone);
    long end = Math.min(range.toMillis(), current);
    return new PagePlan(interval, zone, first, Math.max(first, end));
  }

  /** The open time of the first candle at or after {@code t}. */
  public static long alignUp(Interval interval, long t, ZoneId zone) {
    long start = interval.bucketStart(t, zone);
    return start < t ? interval.plus(start, 1, zone) : start;
  }

  /** The open time of the first candle to fetch. */
  public long first() {
    return first;
  }

  /** The end (exclusive) of the candles to fetch. */
  public long end() {
    return end;
  }

  /** Whether there is nothing to fetch. */
  public boolean isEmpty() {
    return first >= end;
  }

  /** The interval. */
  public Interval interval() {
    return interval;
  }

  /** The zone of the venue's calendar. */
  public ZoneId zone() {
    return zone;
  }

  /** The end of a window of at most {@code rows} candles starting at {@code start}. */
  public long windowEnd(long start, int rows) {
    return Math.min(end, interval.plus(start, rows, zone));
  }

  /** The open time {@code n} candles after {@code start}. */
  public long plus(long start, long n) {
    return interval.plus(start, n, zone);
  }

  /** The end of the candle opening at {@code open}. */
  public long candleEnd(long open) {
    if (interval.isFixed()) {
      return open + interval.fixedMillis();
    }
    return interval.bucketEnd(interval.bucketStart(open, zone), zone);
  }

  /** How many candles open in {@code [from, to)}, counting at most {@code cap}. */
  public int count(long from, long to, int cap) {
    if (from >= to) {
      return 0;
    }
    if (interval.isFixed()) {
      long step = interval.fixedMillis();
      long n = (to - from + step - 1) / step;
      return (int) Math.min(cap, n);
    }
    int n = 0;
    long t = from;
    while (t < to && n < cap) {
      t = interval.plus(t, 1, zone);
      n++;
    }
    return n;
  }

  /** An estimate of the requests needed for {@code [from, end)} at {@code rows} candles each. */
  public int requestsLeft(long from, int rows) {
    if (from >= end) {
      return 0;
    }
    long candles = (end - from + interval.nominalMillis() - 1) / interval.nominalMillis();
    return (int) Math.min(Integer.MAX_VALUE, (candles + rows - 1) / rows);
  }
}
