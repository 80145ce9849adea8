package io.github.ohlcv4j;

import java.util.Arrays;

/**
 * The first {@link #LIMIT} times of some event, so reports can say where without keeping millions
 * of positions.
 */
final class TimeSample {
  static final int LIMIT = 1000;

  private long[] times = new long[8];
  private int n;

  void add(long t) {
    if (n == LIMIT) {
      return;
    }
    if (n == times.length) {
      times = Arrays.copyOf(times, Math.min(LIMIT, n * 2));
    }
    times[n++] = t;
  }

  long[] toArray() {
    return Arrays.copyOf(times, n);
  }

  static long[] concat(long[] a, long[] b) {
    long[] r = Arrays.copyOf(a, Math.min(LIMIT, a.length + b.length));
    System.arraycopy(b, 0, r, a.length, r.length - a.length);
    return r;
  }
}
