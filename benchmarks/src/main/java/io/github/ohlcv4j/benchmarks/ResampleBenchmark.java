package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ta4j.core.Bar;
import org.ta4j.core.BarSeries;
import org.ta4j.core.BaseBarSeriesBuilder;
import org.ta4j.core.aggregator.BaseBarSeriesAggregator;
import org.ta4j.core.aggregator.DurationBarAggregator;
import org.ta4j.core.num.DoubleNum;
import org.ta4j.core.num.Num;

/**
 * Resampling 1,000,000 one-minute candles (the {@link Payloads} series) to one hour: {@link
 * CandleSeries#resample(Interval)} beside a plain hand-written columnar loop (the practical
 * ceiling), ta4j-core 0.17's {@link DurationBarAggregator} over a {@code DoubleNum} bar series (the
 * peer), and one pass over the same 48 MB of columns (the memory ceiling).
 *
 * <p>Every variant is checked in its {@code @Setup} before it is timed: it must produce the same
 * 16,667 hourly bars, bit for bit, as the plain loop, whose first bar and count are checked against
 * the published values. Run with {@code benchmarks/run.sh ResampleBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class ResampleBenchmark {

  /** Hourly bars in the 1,000,000 candles, the last one partial (40 minutes). */
  static final int HOURLY_BARS = 16_667;

  /** The published first hourly bar: open time, open, high, low, close, volume. */
  static final long FIRST_BAR_MILLIS = 1_672_531_200_000L;

  static final double[] FIRST_BAR = {20000.0, 20006.3, 19958.6, 19966.9, 13104.329999999998};

  private static final long HOUR = 3_600_000L;

  /** The candles as a {@link CandleSeries} and as plain columns. */
  @State(Scope.Benchmark)
  public static class Candles {
    CandleSeries series;
    long[] time;
    double[] open;
    double[] high;
    double[] low;
    double[] close;
    double[] volume;

    /** Generates the candles and checks the SDK and the plain loop against the published bars. */
    @Setup(Level.Trial)
    public void setup() {
      series = Payloads.candleSeries(Payloads.CLICKHOUSE_ROWS);
      time = series.openTimes();
      open = series.opens();
      high = series.highs();
      low = series.lows();
      close = series.closes();
      volume = series.volumes();

      Bars reference = plainLoop(this);
      reference.checkPublished();
      CandleSeries resampled = series.resample(Interval.H1);
      reference.checkSame("CandleSeries.resample", Bars.of(resampled));
      for (int i = 0; i < resampled.size(); i++) {
        boolean partial = i == resampled.size() - 1;
        if (resampled.isPartial(i) != partial) {
          throw new IllegalStateException("CandleSeries.resample: bar " + i + " partial flag");
        }
      }
    }
  }

  /** The same candles as a ta4j {@code BarSeries} of {@code DoubleNum}. */
  @State(Scope.Benchmark)
  public static class Ta4jCandles {
    BarSeries series;

    /** Loads the candles into ta4j and checks its aggregation against the plain loop. */
    @Setup(Level.Trial)
    public void setup(Candles candles) {
      series = ta4jSeries(candles);
      plainLoop(candles).checkSame("ta4j DoubleNum", Bars.of(ta4jAggregate(series)));
    }
  }

  /** The SDK: {@link CandleSeries#resample(Interval)}. */
  @Benchmark
  public CandleSeries resample(Candles c) {
    return c.series.resample(Interval.H1);
  }

  /**
   * The practical ceiling: a plain loop over the columns into exactly sized output columns, with no
   * flags, validation or general-case handling.
   */
  @Benchmark
  public Bars columnarLoop(Candles c) {
    return plainLoop(c);
  }

  /** The peer: ta4j-core 0.17 {@link DurationBarAggregator} over {@code DoubleNum} bars. */
  @Benchmark
  public BarSeries ta4jAggregateDoubleNum(Ta4jCandles t) {
    return ta4jAggregate(t.series);
  }

  /**
   * The memory ceiling: one pass over the 48 MB of columns a resample reads (time and five
   * prices/volumes of 1,000,000 candles), folding their bits; no single-threaded pass over them can
   * be faster.
   */
  @Benchmark
  public long read48MB(Candles c) {
    long[] time = c.time;
    double[] open = c.open;
    double[] high = c.high;
    double[] low = c.low;
    double[] close = c.close;
    double[] volume = c.volume;
    long x = 0;
    for (int i = 0; i < time.length; i++) {
      x ^=
          time[i]
              ^ Double.doubleToRawLongBits(open[i])
              ^ Double.doubleToRawLongBits(high[i])
              ^ Double.doubleToRawLongBits(low[i])
              ^ Double.doubleToRawLongBits(close[i])
              ^ Double.doubleToRawLongBits(volume[i]);
    }
    return x;
  }

  static Bars plainLoop(Candles c) {
    long[] time = c.time;
    double[] open = c.open;
    double[] high = c.high;
    double[] low = c.low;
    double[] close = c.close;
    double[] volume = c.volume;
    int n = time.length;
    int cap = (int) (Math.floorDiv(time[n - 1], HOUR) - Math.floorDiv(time[0], HOUR) + 1);
    Bars out = new Bars(cap);
    int m = -1;
    long current = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long bucket = time[i] - Math.floorMod(time[i], HOUR);
      if (bucket != current) {
        current = bucket;
        m++;
        out.time[m] = bucket;
        out.open[m] = open[i];
        out.high[m] = high[i];
        out.low[m] = low[i];
        out.volume[m] = volume[i];
      } else {
        if (high[i] > out.high[m]) {
          out.high[m] = high[i];
        }
        if (low[i] < out.low[m]) {
          out.low[m] = low[i];
        }
        out.volume[m] += volume[i];
      }
      out.close[m] = close[i];
    }
    out.size = m + 1;
    return out;
  }

  static BarSeries ta4jSeries(Candles c) {
    BarSeries s =
        new BaseBarSeriesBuilder().withName(Payloads.SYMBOL).withNumTypeOf(DoubleNum.class).build();
    Duration minute = Duration.ofMinutes(1);
    for (int i = 0; i < c.time.length; i++) {
      ZonedDateTime end =
          ZonedDateTime.ofInstant(Instant.ofEpochMilli(c.time[i]).plus(minute), ZoneOffset.UTC);
      s.addBar(
          minute,
          end,
          DoubleNum.valueOf(c.open[i]),
          DoubleNum.valueOf(c.high[i]),
          DoubleNum.valueOf(c.low[i]),
          DoubleNum.valueOf(c.close[i]),
          DoubleNum.valueOf(c.volume[i]));
    }
    return s;
  }

  static BarSeries ta4jAggregate(BarSeries series) {
    // false: keep the last, unfinished bucket, as the other variants do.
    return new BaseBarSeriesAggregator(new DurationBarAggregator(Duration.ofHours(1), false))
        .aggregate(series, series.getName() + " 1h");
  }

  /** Resampled bars as columns, for the plain loop and for comparing the variants. */
  public static final class Bars {
    final long[] time;
    final double[] open;
    final double[] high;
    final double[] low;
    final double[] close;
    final double[] volume;
    int size;

    Bars(int capacity) {
      time = new long[capacity];
      open = new double[capacity];
      high = new double[capacity];
      low = new double[capacity];
      close = new double[capacity];
      volume = new double[capacity];
    }

    static Bars of(CandleSeries s) {
      Bars b = new Bars(s.size());
      for (int i = 0; i < s.size(); i++) {
        b.time[i] = s.openTimeMillis(i);
        b.open[i] = s.open(i);
        b.high[i] = s.high(i);
        b.low[i] = s.low(i);
        b.close[i] = s.close(i);
        b.volume[i] = s.volume(i);
      }
      b.size = s.size();
      return b;
    }

    static Bars of(BarSeries s) {
      Bars b = new Bars(s.getBarCount());
      for (int i = 0; i < s.getBarCount(); i++) {
        Bar bar = s.getBar(i);
        b.time[i] = bar.getBeginTime().toInstant().toEpochMilli();
        b.open[i] = value(bar.getOpenPrice());
        b.high[i] = value(bar.getHighPrice());
        b.low[i] = value(bar.getLowPrice());
        b.close[i] = value(bar.getClosePrice());
        b.volume[i] = value(bar.getVolume());
      }
      b.size = s.getBarCount();
      return b;
    }

    private static double value(Num n) {
      return n.doubleValue();
    }

    /** The number of bars. */
    public int size() {
      return size;
    }

    void checkPublished() {
      double[] first = {open[0], high[0], low[0], close[0], volume[0]};
      if (size != HOURLY_BARS || time[0] != FIRST_BAR_MILLIS || !Arrays.equals(first, FIRST_BAR)) {
        throw new IllegalStateException(
            "The plain loop gives "
                + size
                + " bars, the first at "
                + time[0]
                + " "
                + Arrays.toString(first)
                + "; the published check is "
                + HOURLY_BARS
                + " bars, the first at "
                + FIRST_BAR_MILLIS
                + " "
                + Arrays.toString(FIRST_BAR));
      }
    }

    /** Throws unless {@code other} holds exactly these bars (bit for bit). */
    void checkSame(String variant, Bars other) {
      if (other.size != size) {
        throw new IllegalStateException(
            variant + " gives " + other.size + " bars, the plain loop " + size);
      }
      for (int i = 0; i < size; i++) {
        if (other.time[i] != time[i]
            || Double.compare(other.open[i], open[i]) != 0
            || Double.compare(other.high[i], high[i]) != 0
            || Double.compare(other.low[i], low[i]) != 0
            || Double.compare(other.close[i], close[i]) != 0
            || Double.compare(other.volume[i], volume[i]) != 0) {
          throw new IllegalStateException(
              variant
                  + " differs from the plain loop at bar "
                  + i
                  + ": "
                  + other.row(i)
                  + " vs "
                  + row(i));
        }
      }
    }

    private String row(int i) {
      return time[i] + " " + open[i] + " " + high[i] + " " + low[i] + " " + close[i] + " "
          + volume[i];
    }
  }
}
