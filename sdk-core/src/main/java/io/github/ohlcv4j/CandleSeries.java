package io.github.ohlcv4j;

import io.github.ohlcv4j.quality.QualityOptions;
import io.github.ohlcv4j.quality.QualityReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * An immutable run of candles of one {@link Symbol} and {@link Interval}, stored as columns and
 * sorted ascending by open time with no two candles at the same time. Build one with {@link
 * #builder(Symbol, Interval)}; sources and the client return them.
 *
 * <p><b>Reading.</b> By index: {@link #openTimeMillis(int)}, {@link #open(int)}, {@link
 * #high(int)}, {@link #low(int)}, {@link #close(int)}, {@link #volume(int)}, {@link #get(int)}; as
 * copies of whole columns for charts and indicators: {@link #openTimes()}, {@link #closes()} and so
 * on; or as {@link Candle}s through {@link #stream()} and iteration. Open times are epoch
 * milliseconds (UTC) on the columnar accessors and {@link Instant}s elsewhere.
 *
 * <p><b>Working with it.</b> {@link #resample(Interval)} combines candles into a coarser interval,
 * {@link #gaps()} lists missing candles and {@link #fill(GapFill)} fills them, {@link #quality()}
 * checks the data, {@link #slice(int, int)} and {@link #between(Instant, Instant)} cut it, {@link
 * #toCsv(Appendable)} exports it, and {@link #toString()} prints a short table (handy in a
 * notebook).
 *
 * <p><b>Flags.</b> Each row may carry flags: {@linkplain #isPartial(int) partial} (a resampled
 * candle built from fewer candles than its bucket holds), {@linkplain #isInProgress(int) in
 * progress} (the bucket had not closed when the data were read), {@linkplain #isFilled(int) filled}
 * (invented by {@link #fill(GapFill)}) and {@linkplain #isSuspect(int) suspect} (a bad row kept
 * under {@link BadRowPolicy#FLAG}). Only filled and suspect rows can hold NaN. A {@link Candle}
 * taken from the series carries its row's flags, so the candle still forming is never mistaken for
 * a closed one ({@link Candle#inProgress()}).
 *
 * <p><b>Time zone.</b> The series has a {@link #zone()} (UTC unless the source or builder says
 * otherwise) that places the boundaries of calendar intervals (days, weeks, months) and labels
 * times in {@link #toString()}. Open times are instants either way.
 *
 * <p>Instances are immutable and thread-safe. Memory: 48 bytes a candle, plus 1 byte a candle when
 * any row has a flag and 8 bytes a candle for each extra column.
 */
public final class CandleSeries implements Iterable<Candle> {

  /** Flag bit: built from fewer candles than its bucket should hold. */
  public static final int PARTIAL = 1;

  /** Flag bit: the bucket had not closed yet when the data were read. */
  public static final int IN_PROGRESS = 2;

  /** Flag bit: invented by {@link #fill(GapFill)}. */
  public static final int FILLED = 4;

  /** Flag bit: a bad row kept under {@link BadRowPolicy#FLAG}. */
  public static final int SUSPECT = 8;

  static final int ALL_FLAGS = PARTIAL | IN_PROGRESS | FILLED | SUSPECT;

  final Symbol symbol;
  final Interval interval;
  final ZoneId zone;
  final Alignment alignment;
  final String source;
  final boolean synthetic;
  final int size;
  final SeriesColumns cols;
  final BuildStats stats;

  CandleSeries(
      Symbol symbol,
      Interval interval,
      ZoneId zone,
      Alignment alignment,
      String source,
      boolean synthetic,
      SeriesColumns cols,
      BuildStats stats) {
    this.symbol = symbol;
    this.interval = interval;
    this.zone = zone;
    this.alignment = alignment;
    this.source = source;
    this.synthetic = synthetic;
    this.size = cols.n;
    this.cols = cols;
    this.stats = stats;
  }

  /** This series' labels and statistics with other rows. */
  CandleSeries with(SeriesColumns rows) {
    return with(rows, stats);
  }

  /** This series' labels with other rows and statistics. */
  CandleSeries with(SeriesColumns rows, BuildStats stats) {
    return new CandleSeries(symbol, interval, zone, alignment, source, synthetic, rows, stats);
  }

  /** A builder for a series of {@code symbol} at {@code interval}; see {@link Builder}. */
  public static Builder builder(Symbol symbol, Interval interval) {
    return new Builder(symbol, interval);
  }

  /** An empty series. */
  public static CandleSeries empty(Symbol symbol, Interval interval) {
    return builder(symbol, interval).build();
  }

  /**
   * Joins series of the same symbol and interval (pages of one query, say) into one, sorted, with
   * duplicates removed: where two parts hold a candle at the same time, the one from the later part
   * wins (it was read later, so it is the newer state of a candle that was still in progress).
   * Flags and extra columns are kept. The result takes its zone, source and synthetic label from
   * the first part.
   *
   * @throws IllegalArgumentException if the parts differ in symbol or interval, or {@code parts} is
   *     empty
   */
  public static CandleSeries concat(List<CandleSeries> parts) {
    return RowCollector.concat(Objects.requireNonNull(parts, "parts"));
  }

  // ---------------------------------------------------------------- identity

  /** The instrument. */
  public Symbol symbol() {
    return symbol;
  }

  /** The length of each candle. */
  public Interval interval() {
    return interval;
  }

  /** The zone that places calendar boundaries and labels times; UTC unless set. */
  public ZoneId zone() {
    return zone;
  }

  /**
   * Where this series' fixed buckets start: {@link Alignment#EPOCH} (the default, as venues serve
   * candles), or {@link Alignment#ZONE_MIDNIGHT} for candles resampled to start at the {@link
   * #zone()}'s midnight, whose buckets can be shorter or longer on a daylight-saving day. Bucket
   * ends, {@link #gaps()} and {@link #fill(GapFill)} follow it.
   */
  public Alignment alignment() {
    return alignment;
  }

  /** The name of the source these candles came from, or an empty string if unknown. */
  public String source() {
    return source;
  }

  /**
   * Whether these candles are generated sample data rather than market data ({@code SampleSource}).
   */
  public boolean isSynthetic() {
    return synthetic;
  }

  /** The number of candles. */
  public int size() {
    return size;
  }

  /** Whether there are no candles. */
  public boolean isEmpty() {
    return size == 0;
  }

  // ---------------------------------------------------------------- rows

  /** Open time of candle {@code i} in epoch milliseconds (UTC). The columnar hot-path accessor. */
  public long openTimeMillis(int i) {
    Objects.checkIndex(i, size);
    return cols.time[i];
  }

  /** Open time of candle {@code i}. */
  public Instant openTime(int i) {
    return Instant.ofEpochMilli(openTimeMillis(i));
  }

  /**
   * End (exclusive) of candle {@code i}'s bucket in epoch milliseconds: open time plus one
   * interval, in this series' zone for calendar intervals and for buckets aligned to its midnight
   * ({@link #alignment()}).
   */
  public long endTimeMillis(int i) {
    return endOf(openTimeMillis(i));
  }

  long endOf(long openMillis) {
    if (interval.isRegular(zone, alignment)) {
      return openMillis + interval.fixedMillis();
    }
    return interval.bucketEnd(interval.bucketStart(openMillis, zone, alignment), zone, alignment);
  }

  /** Open price of candle {@code i}. */
  public double open(int i) {
    Objects.checkIndex(i, size);
    return cols.open[i];
  }

  /** High price of candle {@code i}. */
  public double high(int i) {
    Objects.checkIndex(i, size);
    return cols.high[i];
  }

  /** Low price of candle {@code i}. */
  public double low(int i) {
    Objects.checkIndex(i, size);
    return cols.low[i];
  }

  /** Close price of candle {@code i}. */
  public double close(int i) {
    Objects.checkIndex(i, size);
    return cols.close[i];
  }

  /** Volume of candle {@code i}. */
  public double volume(int i) {
    Objects.checkIndex(i, size);
    return cols.volume[i];
  }

  /** Whether this series has the extra column. */
  public boolean has(ExtraColumn column) {
    return cols.hasExtra(column.ordinal());
  }

  /** The extra columns this series has. */
  public Set<ExtraColumn> extraColumns() {
    return cols.extraColumns();
  }

  /**
   * The value of an extra column for candle {@code i}: NaN where the source gave none.
   *
   * @throws IllegalArgumentException if the series does not have the column ({@link
   *     #has(ExtraColumn)})
   */
  public double extra(ExtraColumn column, int i) {
    Objects.checkIndex(i, size);
    return extraArray(column)[i];
  }

  private double[] extraArray(ExtraColumn column) {
    Objects.requireNonNull(column, "column");
    if (!has(column)) {
      throw new IllegalArgumentException(
          "This " + symbol + " series has no " + column + " column; it has " + extraColumns());
    }
    return cols.presentExtra(column.ordinal());
  }

  /**
   * The flag bits of candle {@code i}: a combination of {@link #PARTIAL}, {@link #IN_PROGRESS},
   * {@link #FILLED}, {@link #SUSPECT}.
   */
  public int flags(int i) {
    Objects.checkIndex(i, size);
    return cols.flag(i);
  }

  /** Whether candle {@code i} was resampled from fewer candles than its bucket should hold. */
  public boolean isPartial(int i) {
    return (flags(i) & PARTIAL) != 0;
  }

  /** Whether candle {@code i}'s bucket had not closed when the data were read. */
  public boolean isInProgress(int i) {
    return (flags(i) & IN_PROGRESS) != 0;
  }

  /** Whether candle {@code i} was invented by {@link #fill(GapFill)}. */
  public boolean isFilled(int i) {
    return (flags(i) & FILLED) != 0;
  }

  /** Whether candle {@code i} is a bad row kept under {@link BadRowPolicy#FLAG}. */
  public boolean isSuspect(int i) {
    return (flags(i) & SUSPECT) != 0;
  }

  /** Whether any candle has a flag. */
  public boolean hasFlags() {
    return cols.flags != null;
  }

  /**
   * Candle {@code i} as a value, with its {@linkplain #flags(int) flags}: a candle still in
   * progress says so ({@link Candle#inProgress()}).
   */
  public Candle get(int i) {
    Objects.checkIndex(i, size);
    return new Candle(
        Instant.ofEpochMilli(cols.time[i]),
        cols.open[i],
        cols.high[i],
        cols.low[i],
        cols.close[i],
        cols.volume[i],
        cols.flag(i));
  }

  /** The first candle, if any. */
  public Optional<Candle> first() {
    return size == 0 ? Optional.empty() : Optional.of(get(0));
  }

  /** The last (newest) candle, if any. */
  public Optional<Candle> last() {
    return size == 0 ? Optional.empty() : Optional.of(get(size - 1));
  }

  /** The open time of the first candle, if any. */
  public Optional<Instant> start() {
    return size == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(cols.time[0]));
  }

  /** The end (exclusive) of the last candle's bucket, if any. */
  public Optional<Instant> end() {
    return size == 0
        ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(endOf(cols.time[size - 1])));
  }

  // ---------------------------------------------------------------- columns

  /** A copy of the open times in epoch milliseconds. */
  public long[] openTimes() {
    return Arrays.copyOf(cols.time, size);
  }

  /** A copy of the open prices. */
  public double[] opens() {
    return Arrays.copyOf(cols.open, size);
  }

  /** A copy of the high prices. */
  public double[] highs() {
    return Arrays.copyOf(cols.high, size);
  }

  /** A copy of the low prices. */
  public double[] lows() {
    return Arrays.copyOf(cols.low, size);
  }

  /** A copy of the close prices. */
  public double[] closes() {
    return Arrays.copyOf(cols.close, size);
  }

  /** A copy of the volumes. */
  public double[] volumes() {
    return Arrays.copyOf(cols.volume, size);
  }

  /**
   * A copy of an extra column.
   *
   * @throws IllegalArgumentException if the series does not have it
   */
  public double[] extras(ExtraColumn column) {
    return Arrays.copyOf(extraArray(column), size);
  }

  // ---------------------------------------------------------------- iteration

  /** The candles in ascending order, each with its flags (see {@link #get(int)}). */
  @Override
  public Iterator<Candle> iterator() {
    return stream().iterator();
  }

  /**
   * The candles in ascending order, as a sequential stream, each with its flags (see {@link
   * #get(int)}).
   */
  public Stream<Candle> stream() {
    return IntStream.range(0, size).mapToObj(this::get);
  }

  @Override
  public Spliterator<Candle> spliterator() {
    return Spliterators.spliterator(
        iterator(),
        size,
        Spliterator.ORDERED | Spliterator.SORTED | Spliterator.DISTINCT | Spliterator.NONNULL);
  }

  /** The candles as an immutable list. */
  public List<Candle> toList() {
    return stream().toList();
  }

  // ---------------------------------------------------------------- cutting

  /**
   * The candles with index in {@code [fromIndex, toIndex)}.
   *
   * @throws IndexOutOfBoundsException if the indexes are out of range
   */
  public CandleSeries slice(int fromIndex, int toIndex) {
    Objects.checkFromToIndex(fromIndex, toIndex, size);
    if (fromIndex == 0 && toIndex == size) {
      return this;
    }
    return with(cols.slice(fromIndex, toIndex));
  }

  /** The candles whose open time is in {@code [from, to)}. */
  public CandleSeries between(Instant from, Instant to) {
    int a = lowerBound(Objects.requireNonNull(from, "from").toEpochMilli());
    return slice(a, Math.max(a, lowerBound(Objects.requireNonNull(to, "to").toEpochMilli())));
  }

  /** The first {@code n} candles (all of them if there are fewer). */
  public CandleSeries head(int n) {
    return slice(0, Math.min(requireCount(n, "n"), size));
  }

  /** The last {@code n} candles (all of them if there are fewer). */
  public CandleSeries tail(int n) {
    return slice(Math.max(0, size - requireCount(n, "n")), size);
  }

  private static int requireCount(int n, String name) {
    if (n < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + n);
    }
    return n;
  }

  /**
   * The index of the candle that opens at {@code openTimeMillis}, or {@code -(insertion point) - 1}
   * if there is none, as {@link Arrays#binarySearch(long[], long)}.
   */
  public int indexOf(long openTimeMillis) {
    return Arrays.binarySearch(cols.time, 0, size, openTimeMillis);
  }

  /** Index of the first candle with open time at or after {@code t}. */
  int lowerBound(long t) {
    int i = indexOf(t);
    return i >= 0 ? i : -i - 1;
  }

  /**
   * This series with the candles still in progress at {@code now} flagged {@link #IN_PROGRESS}:
   * those whose bucket ends after {@code now}. Sources and the client call this with the venue's
   * clock.
   */
  public CandleSeries markInProgress(Instant now) {
    long t = Objects.requireNonNull(now, "now").toEpochMilli();
    int from = size;
    while (from > 0 && endOf(cols.time[from - 1]) > t) {
      from--;
    }
    return from == size ? this : with(cols.withFlagFrom(from, IN_PROGRESS));
  }

  /** This series without the candles flagged {@linkplain #isInProgress(int) in progress}. */
  public CandleSeries completeOnly() {
    SeriesColumns kept = cols.withoutFlagged(IN_PROGRESS);
    return kept == cols ? this : with(kept);
  }

  /**
   * This series labelled with another zone (times are unchanged; calendar boundaries and display
   * follow the zone).
   */
  public CandleSeries withZone(ZoneId zone) {
    return Objects.requireNonNull(zone, "zone").equals(this.zone)
        ? this
        : new CandleSeries(symbol, interval, zone, alignment, source, synthetic, cols, stats);
  }

  // ---------------------------------------------------------------- analysis

  /**
   * Combines candles into buckets of {@code target}, aligned to the clock (the epoch for fixed
   * intervals, calendar boundaries in this series' {@link #zone()} for days, weeks and months),
   * never to the first candle; {@link #resample(Interval, ZoneId, Alignment)} can start fixed
   * buckets at the zone's midnight instead.
   *
   * <p>Each output candle takes the open of its first input, the highest high, the lowest low, the
   * close of its last input and the sum of the volumes (extra columns as documented on {@link
   * ExtraColumn}). A bucket with no input gets no candle (use {@link #fill(GapFill)} for that). A
   * bucket built from fewer inputs than it holds (a gap, or the edge of the data) is flagged {@link
   * #PARTIAL}; one containing an {@link #IN_PROGRESS} input is flagged in progress. Rows holding
   * NaN (filled or suspect) do not count as inputs.
   *
   * @throws InvalidQueryException if {@code target} is not a whole multiple of this series'
   *     interval whose boundaries fall on this interval's boundaries (see {@link
   *     Interval#divides(Interval)}), saying which targets work
   */
  public CandleSeries resample(Interval target) {
    return resample(target, zone, Alignment.EPOCH);
  }

  /**
   * As {@link #resample(Interval)}, with calendar buckets placed in {@code zone}; fixed buckets
   * stay aligned to the epoch, whatever the zone. The result carries {@code zone}.
   */
  public CandleSeries resample(Interval target, ZoneId zone) {
    return resample(target, zone, Alignment.EPOCH);
  }

  /**
   * As {@link #resample(Interval, ZoneId)}, with fixed buckets placed as {@code alignment} says:
   * {@link Alignment#ZONE_MIDNIGHT} starts them at local midnight in {@code zone} and every {@code
   * target} after it (4h: 00:00, 04:00, … local time all year), with a shorter or longer bucket on
   * a daylight-saving day. The result carries {@code zone} and {@code alignment}.
   *
   * @throws InvalidQueryException as {@link #resample(Interval)}, or if {@code alignment} is {@link
   *     Alignment#ZONE_MIDNIGHT} and {@code target} is a fixed interval that does not divide a day
   *     ({@link Interval#canAlign(Alignment)})
   */
  public CandleSeries resample(Interval target, ZoneId zone, Alignment alignment) {
    return Resampler.resample(
        this,
        Objects.requireNonNull(target, "target"),
        Objects.requireNonNull(zone, "zone"),
        Objects.requireNonNull(alignment, "alignment"));
  }

  /**
   * The runs of missing candles between the first and the last candle, in order. Empty when there
   * are none.
   */
  public List<Gap> gaps() {
    return GapScanner.gaps(this);
  }

  /**
   * This series with the missing candles between its first and last candle filled as {@code fill}
   * says; filled rows are flagged {@link #FILLED}. {@link GapFill#NONE} returns this series
   * unchanged.
   *
   * @throws InvalidQueryException if the filled series would hold more candles than a series can
   *     (about 2^31); fill a shorter range
   */
  public CandleSeries fill(GapFill fill) {
    Objects.requireNonNull(fill, "fill");
    if (fill == GapFill.NONE) {
      return this;
    }
    return GapScanner.fill(this, fill);
  }

  /** Checks the data with the default options; see {@link QualityReport}. */
  public QualityReport quality() {
    return quality(QualityOptions.ofDefaults());
  }

  /** Checks the data with the given options; see {@link QualityReport}. */
  public QualityReport quality(QualityOptions options) {
    Objects.requireNonNull(options, "options");
    return QualityAnalyzer.analyze(this, options);
  }

  // ---------------------------------------------------------------- output

  /**
   * Writes every candle as CSV with a header line: {@code open_time,open,high,low,close,volume},
   * then the extra columns the series has (lower-case names) and a {@code flags} column if any row
   * has a flag. Open times are ISO-8601 UTC instants ({@code 2024-01-01T00:00:00Z}); numbers are
   * written in plain decimal notation with as many digits as needed to read back the same double;
   * NaN is written as {@code NaN}. Lines end with {@code \n}.
   *
   * @throws UncheckedIOException if {@code out} throws
   */
  public void toCsv(Appendable out) {
    Objects.requireNonNull(out, "out");
    try {
      TextFormat.csv(this, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CSV text of {@link #toCsv(Appendable)}. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(64 + size * 64);
    toCsv(sb);
    return sb.toString();
  }

  /**
   * A short table: symbol, interval, range, count and source on one line (marked SYNTHETIC for
   * sample data), then the first and last five candles. Times are shown in the series' zone.
   */
  @Override
  public String toString() {
    return TextFormat.table(this, 5);
  }

  /** As {@link #toString()}, showing up to {@code rows} candles at each end. */
  public String toTable(int rows) {
    return TextFormat.table(this, requireCount(rows, "rows"));
  }

  /**
   * Two series are equal when they have the same symbol, interval and rows (times, values, extra
   * columns and flags; NaN equals NaN). Zone, source label and build statistics are not compared.
   */
  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof CandleSeries s
            && symbol.equals(s.symbol)
            && interval.equals(s.interval)
            && cols.sameRows(s.cols));
  }

  @Override
  public int hashCode() {
    int h = symbol.hashCode() * 31 + interval.hashCode();
    h = h * 31 + size;
    if (size > 0) {
      h = h * 31 + Long.hashCode(cols.time[0]);
      h = h * 31 + Long.hashCode(cols.time[size - 1]);
      h = h * 31 + Double.hashCode(cols.close[size - 1]);
    }
    return h;
  }

  // ---------------------------------------------------------------- builder

  /**
   * Collects rows in any order and builds a {@link CandleSeries}: sorts them by open time (a wholly
   * descending input, as some venues send, is simply reversed), removes exact duplicates, keeps the
   * last of two different rows at the same time (the later-added one is the newer state of the
   * candle) and treats bad rows — a non-finite value, high below low, negative volume — as the
   * {@link BadRowPolicy} says ({@link BadRowPolicy#REJECT} by default: the offending {@link #add}
   * throws a {@link DataFormatException} naming the row). What was removed or reordered is reported
   * by {@link CandleSeries#quality()}.
   *
   * <p>Rows are stored straight into primitive columns, without a per-row object; {@link
   * #expectedSize(int)} avoids all copying when the row count is known. Not thread-safe; a builder
   * can build once.
   */
  public static final class Builder {
    private final Symbol symbol;
    private final Interval interval;
    private ZoneId zone = ZoneOffset.UTC;
    private Alignment alignment = Alignment.EPOCH;
    private String source = "";
    private boolean synthetic;
    private final RowCollector rows;

    Builder(Symbol symbol, Interval interval) {
      this.symbol = Objects.requireNonNull(symbol, "symbol");
      this.interval = Objects.requireNonNull(interval, "interval");
      this.rows = new RowCollector(symbol, interval);
    }

    /** The zone for calendar boundaries and display; UTC by default. */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Where the fixed buckets of these candles start ({@link CandleSeries#alignment()}); {@link
     * Alignment#EPOCH} by default. Calendar intervals ignore it: they follow the zone's calendar.
     *
     * @throws InvalidQueryException if the interval cannot be aligned so ({@link
     *     Interval#canAlign(Alignment)})
     */
    public Builder alignment(Alignment alignment) {
      interval.checkAlign(alignment);
      this.alignment = interval.isFixed() ? alignment : Alignment.EPOCH;
      return this;
    }

    /** The name of the source, shown by {@link CandleSeries#toString()}. */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Marks the data as generated sample data; {@link CandleSeries#toString()} then says so. */
    public Builder synthetic(boolean synthetic) {
      this.synthetic = synthetic;
      return this;
    }

    /** What to do with bad rows; {@link BadRowPolicy#REJECT} by default. */
    public Builder badRows(BadRowPolicy policy) {
      rows.policy(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /**
     * A hint: about how many rows will be added. With the exact count and rows in ascending (or
     * wholly descending) order, the columns are allocated once and building copies nothing.
     */
    public Builder expectedSize(int rows) {
      this.rows.expectSize(rows);
      return this;
    }

    /** The number of rows held so far (after dropping bad ones, before removing duplicates). */
    public int size() {
      return rows.size();
    }

    /**
     * Adds a row. Prices are in the quote currency, volume in the base unit, {@code openTimeMillis}
     * in epoch milliseconds (UTC).
     *
     * @throws DataFormatException under {@link BadRowPolicy#REJECT}, if the row is bad
     */
    public Builder add(
        long openTimeMillis, double open, double high, double low, double close, double volume) {
      rows.add(openTimeMillis, open, high, low, close, volume);
      return this;
    }

    /** Adds a row; see {@link #add(long, double, double, double, double, double)}. */
    public Builder add(
        Instant openTime, double open, double high, double low, double close, double volume) {
      return add(
          Objects.requireNonNull(openTime, "openTime").toEpochMilli(),
          open,
          high,
          low,
          close,
          volume);
    }

    /**
     * Adds a candle with its flags; see {@link #add(long, double, double, double, double, double)}.
     * A series read with {@link CandleSeries#stream()} and added back candle by candle equals the
     * original, flags included.
     */
    public Builder add(Candle candle) {
      rows.add(Objects.requireNonNull(candle, "candle"));
      return this;
    }

    /**
     * Sets an extra column of the row added last (a dropped row's value is ignored). Rows without a
     * value hold NaN.
     *
     * @throws IllegalStateException if no row was added yet
     */
    public Builder extra(ExtraColumn column, double value) {
      rows.extra(Objects.requireNonNull(column, "column"), value);
      return this;
    }

    /**
     * Adds flag bits ({@link CandleSeries#PARTIAL}, {@link CandleSeries#IN_PROGRESS}, ...) to the
     * row added last.
     */
    public Builder flag(int flagBits) {
      rows.flag(flagBits);
      return this;
    }

    /**
     * Adds every row of {@code series}, with its extra columns and flags. Its rows passed their own
     * builder's policy, so they are not checked again.
     */
    public Builder addAll(CandleSeries series) {
      rows.addAll(Objects.requireNonNull(series, "series").cols);
      return this;
    }

    /**
     * Builds the series: sorted, without duplicates.
     *
     * @throws IllegalStateException if called twice
     */
    public CandleSeries build() {
      SeriesColumns cols = rows.build();
      return new CandleSeries(
          symbol, interval, zone, alignment, source, synthetic, cols, rows.stats());
    }
  }
}
