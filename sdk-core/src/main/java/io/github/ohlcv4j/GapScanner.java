package io.github.ohlcv4j;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds and fills missing candles; the engine behind {@link CandleSeries#gaps()} and {@link
 * CandleSeries#fill(GapFill)}.
 */
final class GapScanner {
  private GapScanner() {}

  /** Interval end of the candle opening at {@code t}, as the next expected open time. */
  private static long next(CandleSeries s, long t) {
    return s.endOf(t);
  }

  static List<Gap> gaps(CandleSeries s) {
    List<Gap> gaps = new ArrayList<>();
    for (int i = 0; i + 1 < s.size; i++) {
      long expected = next(s, s.cols.time[i]);
      long actual = s.cols.time[i + 1];
      if (actual > expected) {
        long missing = missingBetween(s, expected, actual);
        if (missing > 0) {
          gaps.add(new Gap(Instant.ofEpochMilli(expected), Instant.ofEpochMilli(actual), missing));
        }
      }
    }
    return Collections.unmodifiableList(gaps);
  }

  /** Number of bucket starts in {@code [from, to)}, where {@code from} is a bucket start. */
  private static long missingBetween(CandleSeries s, long from, long to) {
    if (s.interval.isRegular(s.zone, s.alignment)) {
      long step = s.interval.fixedMillis();
      return (to - from + step - 1) / step;
    }
    long count = 0;
    for (long t = from; t < to; t = next(s, t)) {
      count++;
    }
    return count;
  }

  /** Total missing candles. */
  static long missingCount(CandleSeries s) {
    long total = 0;
    for (Gap g : gaps(s)) {
      total += g.missing();
    }
    return total;
  }

  static CandleSeries fill(CandleSeries s, GapFill mode) {
    long missing = missingCount(s);
    if (missing == 0) {
      return s;
    }
    long total = s.size + missing;
    if (total > Integer.MAX_VALUE - 8) {
      throw new InvalidQueryException(
          "Filling "
              + missing
              + " missing candles would exceed the maximum series size; fill a shorter range");
    }
    SeriesColumns in = s.cols;
    SeriesColumns out = new SeriesColumns((int) total, 0);
    if (in.extras != null) {
      for (int col = 0; col < SeriesColumns.EXTRA_COUNT; col++) {
        if (in.hasExtra(col)) {
          out.extra(col);
        }
      }
    }
    int w = 0;
    for (int i = 0; i < s.size; i++) {
      if (i > 0) {
        long expected = next(s, in.time[i - 1]);
        double prev = in.close[i - 1];
        double price = mode == GapFill.PREVIOUS_CLOSE ? prev : Double.NaN;
        double volume = mode == GapFill.PREVIOUS_CLOSE ? 0 : Double.NaN;
        for (long ts = expected; ts < in.time[i]; ts = next(s, ts)) {
          out.set(w, ts, price, price, price, price, volume);
          out.addFlags(w, CandleSeries.FILLED);
          if (out.extras != null) {
            for (int col = 0; col < SeriesColumns.EXTRA_COUNT; col++) {
              if (out.hasExtra(col)) {
                out.extras[col][w] = fillExtra(col, mode, prev, ts, next(s, ts));
              }
            }
          }
          w++;
        }
      }
      out.copyRow(in, i, w++);
    }
    // Fewer rows than counted only if open times are off the interval's grid; keep those written.
    out.n = w;
    return s.with(out.trimmed());
  }

  private static double fillExtra(int col, GapFill mode, double prevClose, long open, long end) {
    if (mode == GapFill.NAN) {
      return Double.NaN;
    }
    if (col == ExtraColumn.VWAP.ordinal()) {
      return prevClose;
    }
    if (col == ExtraColumn.CLOSE_TIME.ordinal()) {
      return end - 1;
    }
    return 0;
  }
}
