package io.github.ohlcv4j;

import io.github.ohlcv4j.quality.QualityIssue;
import io.github.ohlcv4j.quality.QualityIssue.Kind;
import io.github.ohlcv4j.quality.QualityOptions;
import io.github.ohlcv4j.quality.QualityReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes a {@link QualityReport}; see its Javadoc for what is checked and how the score is
 * defined.
 */
final class QualityAnalyzer {
  private QualityAnalyzer() {}

  /** Collects count, times and rows of one kind of issue. */
  private static final class Tally {
    long count;
    final List<Instant> times = new ArrayList<>();
    final List<Integer> rows = new ArrayList<>();
    final int max;

    Tally(int max) {
      this.max = max;
    }

    void row(int i, long t) {
      count++;
      if (times.size() < max) {
        times.add(Instant.ofEpochMilli(t));
        rows.add(i);
      }
    }

    void times(long n, long[] ts) {
      count += n;
      for (int k = 0; k < ts.length && times.size() < max; k++) {
        times.add(Instant.ofEpochMilli(ts[k]));
      }
    }
  }

  /** The tally of {@code k}: {@link #analyze} puts one for every kind before counting. */
  private static Tally tally(Map<Kind, Tally> t, Kind k) {
    return Objects.requireNonNull(t.get(k), "a tally per kind");
  }

  static QualityReport analyze(CandleSeries s, QualityOptions options) {
    int max = options.maxPositions();
    Map<Kind, Tally> t = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      t.put(k, new Tally(max));
    }
    int n = s.size;
    long invalidRows = 0;
    for (int i = 0; i < n; i++) {
      int f = s.cols.flag(i);
      long ts = s.cols.time[i];
      if ((f & CandleSeries.FILLED) != 0) {
        tally(t, Kind.FILLED).row(i, ts);
        continue;
      }
      double o = s.cols.open[i];
      double h = s.cols.high[i];
      double l = s.cols.low[i];
      double c = s.cols.close[i];
      double v = s.cols.volume[i];
      boolean invalid = false;
      if (!(Double.isFinite(o)
          && Double.isFinite(h)
          && Double.isFinite(l)
          && Double.isFinite(c)
          && Double.isFinite(v))) {
        tally(t, Kind.NON_FINITE).row(i, ts);
        invalid = true;
      } else {
        if (h < l || o > h || o < l || c > h || c < l) {
          tally(t, Kind.OHLC_INVARIANT).row(i, ts);
          invalid = true;
        }
        if (o <= 0 || h <= 0 || l <= 0 || c <= 0) {
          tally(t, Kind.NON_POSITIVE_PRICE).row(i, ts);
          invalid = true;
        }
      }
      if (v < 0) {
        tally(t, Kind.NEGATIVE_VOLUME).row(i, ts);
        invalid = true;
      }
      if (invalid) {
        invalidRows++;
      }
    }
    BuildStats b = s.stats;
    tally(t, Kind.DROPPED_ROW).times(b.droppedBadRows(), b.droppedTimes());
    tally(t, Kind.DUPLICATE)
        .times(b.exactDuplicates() + b.conflictingDuplicates(), b.duplicateTimes());
    tally(t, Kind.OUT_OF_ORDER).times(b.outOfOrder(), b.outOfOrderTimes());

    long missing = 0;
    Tally gaps = tally(t, Kind.GAP);
    for (Gap g : GapScanner.gaps(s)) {
      missing += g.missing();
      gaps.count += g.missing();
      if (gaps.times.size() < max) {
        gaps.times.add(g.from());
      }
    }

    priceSpikes(s, options.priceSpikeMads(), tally(t, Kind.PRICE_SPIKE));
    volumeSpikes(s, options.volumeSpikeMads(), tally(t, Kind.VOLUME_SPIKE));

    double penalty =
        invalidRows
            + b.droppedBadRows()
            + missing
            + 0.5 * (b.exactDuplicates() + b.conflictingDuplicates() + b.outOfOrder())
            + 0.25 * (tally(t, Kind.PRICE_SPIKE).count + tally(t, Kind.VOLUME_SPIKE).count);
    double seen =
        n + missing + b.droppedBadRows() + b.exactDuplicates() + b.conflictingDuplicates();
    double score = seen == 0 ? 1.0 : Math.max(0.0, 1.0 - penalty / seen);

    List<QualityIssue> issues = new ArrayList<>();
    for (Map.Entry<Kind, Tally> e : t.entrySet()) {
      Tally y = e.getValue();
      if (y.count > 0) {
        issues.add(new QualityIssue(e.getKey(), y.count, y.times, y.rows));
      }
    }
    return new QualityReport(n, missing, score, issues);
  }

  private static boolean usable(CandleSeries s, int i) {
    int f = s.cols.flag(i);
    return (f & (CandleSeries.FILLED | CandleSeries.SUSPECT)) == 0;
  }

  private static void priceSpikes(CandleSeries s, double k, Tally out) {
    int n = s.size;
    double[] r = new double[Math.max(0, n - 1)];
    int[] at = new int[r.length];
    int m = 0;
    int prev = -1;
    for (int i = 0; i < n; i++) {
      if (!usable(s, i) || !(s.cols.close[i] > 0)) {
        continue;
      }
      if (prev >= 0) {
        r[m] = Math.log(s.cols.close[i] / s.cols.close[prev]);
        at[m] = i;
        m++;
      }
      prev = i;
    }
    if (m < 3) {
      return;
    }
    double med = median(Arrays.copyOf(r, m));
    double mad = mad(r, m, med);
    if (mad == 0) {
      return;
    }
    for (int j = 0; j < m; j++) {
      if (Math.abs(r[j] - med) > k * mad) {
        out.row(at[j], s.cols.time[at[j]]);
      }
    }
  }

  private static void volumeSpikes(CandleSeries s, double k, Tally out) {
    int n = s.size;
    double[] v = new double[n];
    int[] at = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (usable(s, i) && Double.isFinite(s.cols.volume[i])) {
        v[m] = s.cols.volume[i];
        at[m] = i;
        m++;
      }
    }
    if (m < 3) {
      return;
    }
    double med = median(Arrays.copyOf(v, m));
    double mad = mad(v, m, med);
    if (mad == 0) {
      return;
    }
    for (int j = 0; j < m; j++) {
      if (v[j] - med > k * mad) {
        out.row(at[j], s.cols.time[at[j]]);
      }
    }
  }

  private static double mad(double[] x, int m, double med) {
    double[] d = new double[m];
    for (int j = 0; j < m; j++) {
      d[j] = Math.abs(x[j] - med);
    }
    return median(d);
  }

  /** Median of {@code a} (reordered in place). */
  static double median(double[] a) {
    Arrays.sort(a);
    int m = a.length;
    return (m & 1) == 1 ? a[m / 2] : (a[m / 2 - 1] + a[m / 2]) / 2;
  }
}
