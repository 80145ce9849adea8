package io.github.ohlcv4j.source;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded default source: a deterministic synthetic market, so examples, notebooks, tests and
 * benchmarks run with no server and no network. Its candles are <b>not market data</b>; every
 * series it returns says so ({@link CandleSeries#isSynthetic()}, and in {@link
 * CandleSeries#toString()}).
 *
 * <p><b>What it generates.</b> Each symbol's log price is a sum of value noise at time scales from
 * one second to about two years, with amplitudes growing with the square root of the scale, which
 * behaves like a random walk (variance proportional to elapsed time, about 3% a day) yet can be
 * evaluated at any instant on its own. Prices are rounded to a tick of about five significant
 * digits of the symbol's base price. BTC- and ETH-named symbols start near familiar prices; other
 * symbols get a base price derived from their code.
 *
 * <p><b>One market at every interval.</b> The market is made of one-minute candles: each opens at
 * the price at its start and closes at the price at its end (so each opens at the previous close),
 * its high and low reach beyond open and close by a seeded amount (so OHLC is always valid: low
 * &gt; 0, low ≤ open, close ≤ high), and its volume follows a daily cycle and grows with the size
 * of the move. A candle of any longer interval — 5m, 4h, a day, a week or a month in any zone — is
 * exactly the aggregation of the one-minute candles it covers, as {@link
 * CandleSeries#resample(Interval, java.time.ZoneId)} builds it: the first open, the highest high,
 * the lowest low, the last close and the sum of the volumes, to the bit. Volumes are whole
 * multiples of a power of two (1 for most symbols, 1/16 for BTC), so their sums are exact in any
 * grouping: hourly candles resampled to days equal the daily candles too. Intervals that are not
 * whole minutes (1s, 15s, 90s) are built the same way from one-second candles. The work for a
 * candle grows with the minutes it covers (a month holds 43,200), so long intervals over long
 * ranges take a moment.
 *
 * <p><b>Determinism.</b> A candle depends only on the seed, the symbol's code and market type, the
 * interval, the zone of calendar intervals and its open time: the same query gives the same
 * candles, and a range fetched in pieces gives exactly the candles of the whole. The venue does not
 * matter, so {@code BYBIT:BTCUSDT} and {@code BTCUSDT} agree. There are no candles after "now" (the
 * clock), and the candle containing "now" is in progress: it aggregates the minutes up to "now",
 * the last of which closes at the price at "now".
 *
 * <p>Any interval from one second to months is served. Thread-safe. Open with {@link #create()},
 * {@link #builder()} or the URI {@code sample:} (optionally {@code sample:?seed=7}).
 */
public final class SampleSource implements CandleSource {

  /** The seed used unless another is given. */
  public static final long DEFAULT_SEED = 42;

  private static final int SCALES = 14; // 1 s * 4^k for k = 0..13: one second to about two years
  private static final double DAILY_VOL = 0.03;
  private static final double[] SCALE_MS = new double[SCALES];
  private static final double[] AMPLITUDE = new double[SCALES];

  static {
    double sigmaPerSqrtMs = DAILY_VOL / Math.sqrt(86_400_000.0);
    for (int k = 0; k < SCALES; k++) {
      SCALE_MS[k] = 1000.0 * Math.pow(4, k);
      // Knots are uniform in [-1, 1] (variance 1/3); sqrt(3) restores unit variance per scale.
      AMPLITUDE[k] = sigmaPerSqrtMs * Math.sqrt(SCALE_MS[k]) * Math.sqrt(3) / 2;
    }
  }

  private final long seed;
  private final Clock clock;
  private final double speed;
  private final SampleLiveFeed live;
  private final int pageSize;
  private final String name;
  private final SourceCapabilities capabilities;

  private SampleSource(Builder b) {
    this.seed = b.seed;
    this.speed = b.speed;
    this.clock = b.speed == 1 ? b.clock : new SpedClock(b.clock, b.speed);
    this.pageSize = b.pageSize;
    this.name = b.name;
    this.capabilities =
        SourceCapabilities.builder()
            .anyMultipleOf(Interval.of(1, Interval.Unit.SECOND))
            .maxRowsPerRequest(pageSize)
            .build();
    this.live = new SampleLiveFeed(this, name, clock, speed);
  }

  /** A sample source with the default seed and the system clock. */
  public static SampleSource create() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /**
   * How many times faster than the clock it was built with the market's clock runs: 1 unless set
   * with {@link Builder#speed(double)}.
   */
  public double speed() {
    return speed;
  }

  /**
   * The market's clock: the one the source was built with, or, with a {@link
   * Builder#speed(double)}, one that starts at that clock's time when the source was built and runs
   * {@code speed} times faster. It decides "now" for fetches and live candles alike.
   */
  public Clock clock() {
    return clock;
  }

  /**
   * The sample market live: candles as they form by the market's {@link #clock()}, an update about
   * every second of market time (at most every 50 ms of real time) and a close at each candle's
   * end, each equal to the candle a fetch returns for the same time. No network and no threads of
   * its own: it runs on the subscribing client's timer.
   */
  @Override
  public Optional<io.github.ohlcv4j.source.live.LiveFeed> live() {
    return Optional.of(live);
  }

  /** Candles of {@code symbol} (interval {@code grain} of one second or one minute) for a feed. */
  Market market(Symbol symbol, Interval interval) {
    return new Market(seed, symbol, Market.grainOf(interval));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    long now = clock.millis();
    TimeRange range = query.rangeAt(clock.instant());
    Interval interval = query.interval();
    long first = interval.bucketStart(range.fromMillis(), query.zone());
    if (first < range.fromMillis()) {
      first = interval.plus(first, 1, query.zone());
    }
    long nowBucketEnd = interval.bucketEnd(interval.bucketStart(now, query.zone()), query.zone());
    long end = Math.min(range.toMillis(), nowBucketEnd);
    return new Cursor(query, first, end, now);
  }

  @Override
  public String toString() {
    return "SampleSource{seed=" + seed + (speed == 1 ? "" : ", speed=" + speed) + ", synthetic}";
  }

  /** Generates one page of candles at a time, {@code pageSize} candles each. */
  private final class Cursor implements PageCursor {
    private final OhlcvQuery query;
    private final Symbol symbol;
    private final Interval interval;
    private final long end;
    private final long now;
    private final Market market;
    private long next;
    private boolean closed;

    Cursor(OhlcvQuery query, long first, long end, long now) {
      this.query = query;
      this.symbol = query.symbol();
      this.interval = query.interval();
      this.end = end;
      this.now = now;
      this.market = new Market(seed, symbol, Market.grainOf(interval));
      this.next = first;
    }

    @Override
    public boolean hasNext() {
      return !closed && next < end;
    }

    @Override
    public int remainingEstimate() {
      if (!hasNext()) {
        return 0;
      }
      long rows = (end - next) / Math.max(1, interval.nominalMillis()) + 1;
      return (int) Math.min(Integer.MAX_VALUE, (rows + pageSize - 1) / pageSize);
    }

    @Override
    public CompletableFuture<Page> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("No more pages for " + query);
      }
      CandleSeries.Builder b =
          CandleSeries.builder(symbol, interval).zone(query.zone()).source(name).synthetic(true);
      long t = next;
      int rows = 0;
      boolean fixed = interval.isFixed();
      long step = fixed ? interval.fixedMillis() : 0;
      b.expectedSize(
          (int)
              Math.min(
                  pageSize, Math.max(1, (end - t) / Math.max(1, interval.nominalMillis()) + 1)));
      while (t < end && rows < pageSize) {
        long close = fixed ? t + step : interval.bucketEnd(t, query.zone());
        market.candle(b, t, close, now);
        t = close;
        rows++;
      }
      next = t;
      // The sample market's clock is the venue clock: it decides which candle is in progress.
      return CompletableFuture.completedFuture(
          new Page(b.build(), 0, Optional.of(Instant.ofEpochMilli(now))));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /**
   * The price process of one symbol, and its candles: one-second or one-minute "grain" candles, and
   * every longer candle as their aggregation. Not thread-safe (it caches noise knots as it walks
   * forward in time); one per cursor.
   */
  static final class Market {
    private static final long DAY = 86_400_000L;

    private final long key;
    private final double base;
    private final double tickScale; // prices are round(p * tickScale) / tickScale
    private final long grain;
    private final double grainVolume; // about 200k quote units a minute
    private final double lot; // volumes are whole multiples of this power of two
    private final double fullTypical; // the typical range of a whole grain, relative to its open
    private final long[] knot = new long[SCALES];
    private final double[] knotA = new double[SCALES];
    private final double[] knotB = new double[SCALES];

    Market(long seed, Symbol symbol, long grain) {
      String id = symbol.code() + symbol.marketType().suffix();
      long h = seed;
      for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
        h = mix(h * 31 + b);
      }
      this.key = h;
      String upper = symbol.code().toUpperCase(java.util.Locale.ROOT);
      double base;
      if (upper.contains("BTC") || upper.contains("XBT")) {
        base = 30_000;
      } else if (upper.contains("ETH")) {
        base = 2_000;
      } else {
        // 5 to 500, log-uniform by code.
        base = 5 * Math.pow(100, unit(mix(key ^ 0x5DEECE66DL)));
      }
      int decimals = Math.max(0, 5 - (int) Math.floor(Math.log10(base)));
      this.tickScale = Math.pow(10, decimals);
      this.base = base;
      this.grain = grain;
      this.grainVolume = 200_000.0 / base * grain / 60_000.0;
      // About a hundredth of a typical grain's volume, as a power of two no larger than 1.
      this.lot = Math.min(1, Math.pow(2, Math.floor(Math.log(grainVolume / 100) / Math.log(2))));
      this.fullTypical = typical(grain);
      java.util.Arrays.fill(knot, Long.MIN_VALUE);
    }

    /** The grain an interval is built from: one minute if it is whole minutes, else one second. */
    static long grainOf(Interval interval) {
      return interval.isCalendar() || interval.fixedMillis() % 60_000 == 0 ? 60_000 : 1_000;
    }

    /** Log-price offset at {@code t} (ms): the sum of interpolated noise over all scales. */
    double logPrice(long t) {
      double sum = 0;
      for (int k = 0; k < SCALES; k++) {
        double pos = t / SCALE_MS[k];
        double floor = Math.floor(pos);
        long kn = (long) floor;
        if (kn != knot[k]) {
          // Walking forward, the next knot's value is the one already known.
          knotA[k] = kn == knot[k] + 1 ? knotB[k] : noise(k, kn);
          knotB[k] = noise(k, kn + 1);
          knot[k] = kn;
        }
        double a = knotA[k];
        sum += AMPLITUDE[k] * (a + (knotB[k] - a) * (pos - floor));
      }
      return sum;
    }

    private double noise(int scale, long knot) {
      return signed(mix(key + (scale * 0x9E3779B97F4A7C15L) + knot * 0xBF58476D1CE4E5B9L));
    }

    double price(long t) {
      return round(base * Math.exp(logPrice(t)));
    }

    private double round(double p) {
      double r = Math.rint(p * tickScale) / tickScale;
      return Math.max(r, 1 / tickScale);
    }

    private static double typical(long spanMillis) {
      return DAILY_VOL * Math.sqrt(Math.max(spanMillis / (double) DAY, 1e-9)) * 0.6;
    }

    /**
     * Adds the candle of the bucket {@code [open, close)}: the aggregation of the grains that open
     * in it, up to the one containing {@code now}. Adds nothing if no grain opens there by then.
     */
    void candle(CandleSeries.Builder b, long open, long close, long now) {
      double[] v = new double[5];
      if (values(open, close, now, v)) {
        b.add(open, v[0], v[1], v[2], v[3], v[4]);
      }
    }

    /**
     * Writes the candle of the bucket {@code [open, close)} as of {@code now} into {@code out}
     * (open, high, low, close, volume); returns false, writing nothing, if no grain opens there by
     * then.
     */
    boolean values(long open, long close, long now, double[] out) {
      long g = Math.floorDiv(open + grain - 1, grain) * grain;
      if (g >= close || g > now) {
        return false;
      }
      double first = price(g);
      double o = first;
      double hi = 0;
      double lo = Double.MAX_VALUE;
      long lots = 0;
      for (; g < close && g <= now; g += grain) {
        long last = Math.min(g + grain, now);
        double c = price(last);
        long h = mix(key ^ (g * 0x94D049BB133111EBL));
        double typical = last - g == grain ? fullTypical : typical(last - g);
        hi = Math.max(hi, Math.max(round(Math.max(o, c) + unit(h) * typical * o), Math.max(o, c)));
        double floor = Math.max(Math.min(o, c) - unit(mix(h)) * typical * o, 1 / tickScale);
        lo = Math.min(lo, Math.min(round(floor), Math.min(o, c)));
        double hourOfDay = Math.floorMod(g, DAY) / 3_600_000.0;
        double seasonal = 1 + 0.5 * Math.sin(2 * Math.PI * (hourOfDay - 8) / 24);
        double move = Math.abs(Math.log(c / o)) / Math.max(typical, 1e-9);
        double noise = Math.exp(0.5 * gaussian(mix(h ^ 0x2545F4914F6CDD1DL)));
        double v =
            grainVolume
                * ((last - g) / (double) grain)
                * seasonal
                * (0.6 + 0.4 * Math.min(move, 4))
                * noise;
        lots += Math.round(v / lot);
        o = c; // the next grain opens where this one closed
      }
      out[0] = first;
      out[1] = hi;
      out[2] = lo;
      out[3] = o;
      out[4] = lots * lot;
      return true;
    }

    private static double gaussian(long h) {
      // Sum of four uniforms, centred and scaled: close enough to normal for volumes.
      double s = unit(h) + unit(mix(h + 1)) + unit(mix(h + 2)) + unit(mix(h + 3)) - 2;
      return s * Math.sqrt(3);
    }

    private static double unit(long h) {
      return (h >>> 11) * 0x1.0p-53;
    }

    private static double signed(long h) {
      return unit(h) * 2 - 1;
    }

    /** SplitMix64's finaliser: a fast, well-mixed 64-bit hash. */
    static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  /** Builds a {@link SampleSource}. */
  public static final class Builder {
    private long seed = DEFAULT_SEED;
    private Clock clock = Clock.systemUTC();
    private int pageSize = 5000;
    private String name = "sample";
    private double speed = 1;

    Builder() {}

    /** The seed; {@value #DEFAULT_SEED} by default. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The clock that decides "now"; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs the market's clock {@code speed} times faster than the {@link #clock(Clock)}, from the
     * time the source is built: with 60, a minute of candles forms every second. Fetches and live
     * candles use that clock alike, so they agree. 1 by default.
     *
     * @throws IllegalArgumentException if {@code speed} is not a positive finite number
     */
    public Builder speed(double speed) {
      if (!(speed > 0) || Double.isInfinite(speed)) {
        throw new IllegalArgumentException("speed must be a positive number: " + speed);
      }
      this.speed = speed;
      return this;
    }

    /** Candles per page; 5000 by default. */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1) {
        throw new IllegalArgumentException("pageSize must be positive: " + pageSize);
      }
      this.pageSize = pageSize;
      return this;
    }

    /** The source's name; {@code "sample"} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Builds the source. */
    public SampleSource build() {
      return new SampleSource(this);
    }
  }

  /** A clock that starts at another's time and runs {@code speed} times faster than it. */
  private static final class SpedClock extends Clock {
    private final Clock base;
    private final double speed;
    private final Instant origin;

    SpedClock(Clock base, double speed) {
      this(base, speed, base.instant());
    }

    private SpedClock(Clock base, double speed, Instant origin) {
      this.base = base;
      this.speed = speed;
      this.origin = origin;
    }

    @Override
    public java.time.ZoneId getZone() {
      return base.getZone();
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return new SpedClock(base.withZone(zone), speed, origin);
    }

    @Override
    public long millis() {
      double elapsed = java.time.Duration.between(origin, base.instant()).toNanos() * speed;
      return origin.toEpochMilli() + (long) Math.floor(elapsed / 1e6);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public String toString() {
      return "SpedClock{" + speed + "x " + base + "}";
    }
  }
}
