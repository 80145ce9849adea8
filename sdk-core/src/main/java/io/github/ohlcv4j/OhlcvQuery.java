package io.github.ohlcv4j;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * What candles to fetch: a symbol, an interval, a time range or the latest {@code n} candles, and
 * what to do with them (resample, fill gaps, drop the candle still in progress). Build one with
 * {@link #builder()} or {@link #of(Symbol)}:
 *
 * <pre>{@code
 * OhlcvQuery q = OhlcvQuery.builder()
 *     .symbol("BINANCE:BTCUSDT")
 *     .interval(Interval.M1)
 *     .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"))
 *     .resample(Interval.H1)
 *     .build();
 * }</pre>
 *
 * <p><b>Range.</b> Time ranges are half-open {@code [from, to)} and select candles by open time.
 * {@code from(t)} alone means "from {@code t} until now" (the candle in progress included, unless
 * {@link Builder#completeOnly()}). {@code latest(n)} means the newest {@code n} candles, counted in
 * the resample target when there is one, so {@code latest(24).resample(H1)} gives 24 hourly
 * candles. With neither, a query asks for the latest {@value #DEFAULT_LATEST} candles.
 *
 * <p><b>Validation.</b> {@link Builder#build()} refuses impossible queries with an {@link
 * InvalidQueryException} before any I/O: no symbol, {@code from >= to}, {@code to} without {@code
 * from}, {@code latest(n)} together with a range or with {@code n < 1}, a limit below 1, a timeout
 * that is not positive, a resample target that is finer than the interval or not a whole multiple
 * of it ({@link Interval#divides(Interval)}), or one that cannot be aligned as asked ({@link
 * Interval#canAlign(Alignment)}).
 *
 * <p>Immutable and thread-safe; {@link #newBuilder()} makes a changed copy.
 */
public final class OhlcvQuery {

  /** How many candles a query with neither a range nor {@code latest(n)} asks for. */
  public static final int DEFAULT_LATEST = 500;

  /**
   * The earliest time a query's range may start: {@code 0001-01-01T00:00:00Z}. Times are handled as
   * epoch milliseconds and calendar dates, which do not reach {@link Instant#MIN}.
   */
  public static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest time a query's range may end: {@code 9999-12-31T00:00:00Z}. */
  public static final Instant MAX_TIME = Instant.parse("9999-12-31T00:00:00Z");

  private final Symbol symbol;
  private final Interval interval;
  private final @Nullable Instant from;
  private final @Nullable Instant to;
  private final int latest;
  private final int limit;
  private final @Nullable Interval resample;
  private final GapFill fill;
  private final boolean completeOnly;
  private final ZoneId zone;
  private final Alignment alignment;
  private final BadRowPolicy badRows;
  private final @Nullable Duration timeout;

  private OhlcvQuery(Builder b, Symbol symbol) {
    this.symbol = symbol;
    this.interval = b.interval;
    this.from = b.from;
    this.to = b.to;
    this.latest = b.from != null ? 0 : b.latest == Builder.UNSET ? DEFAULT_LATEST : b.latest;
    this.limit = b.limit == Builder.UNSET ? 0 : b.limit;
    this.resample = b.resample != null && b.resample.equals(b.interval) ? null : b.resample;
    this.fill = b.fill;
    this.completeOnly = b.completeOnly;
    this.zone = b.zone;
    this.alignment = b.alignment;
    this.badRows = b.badRows;
    this.timeout = b.timeout;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The latest {@value #DEFAULT_LATEST} one-minute candles of {@code symbol}. */
  public static OhlcvQuery of(Symbol symbol) {
    return builder().symbol(symbol).build();
  }

  /**
   * The latest {@value #DEFAULT_LATEST} one-minute candles of the parsed symbol; see {@link
   * Symbol#parse(String)}.
   */
  public static OhlcvQuery of(String symbol) {
    return builder().symbol(symbol).build();
  }

  /** A builder holding this query's settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.symbol = symbol;
    b.interval = interval;
    b.from = from;
    b.to = to;
    b.latest = from == null ? latest : Builder.UNSET;
    b.latestCopied = true;
    b.limit = limit > 0 ? limit : Builder.UNSET;
    b.resample = resample;
    b.fill = fill;
    b.completeOnly = completeOnly;
    b.zone = zone;
    b.alignment = alignment;
    b.badRows = badRows;
    b.timeout = timeout;
    return b;
  }

  /** The instrument. */
  public Symbol symbol() {
    return symbol;
  }

  /**
   * The interval of the candles to read from the source (before any resampling); {@link
   * Interval#M1} by default.
   */
  public Interval interval() {
    return interval;
  }

  /** The interval of the result: the resample target if there is one, else {@link #interval()}. */
  public Interval outputInterval() {
    return resample != null ? resample : interval;
  }

  /** Start of the range (inclusive), unless this is a {@code latest(n)} query. */
  public Optional<Instant> from() {
    return Optional.ofNullable(from);
  }

  /** End of the range (exclusive), if given; a range with a start and no end runs until now. */
  public Optional<Instant> to() {
    return Optional.ofNullable(to);
  }

  /**
   * {@code n} of {@code latest(n)}, if this query asks for the newest candles rather than a range.
   */
  public OptionalInt latest() {
    return latest > 0 ? OptionalInt.of(latest) : OptionalInt.empty();
  }

  /** The maximum number of candles to return (the first ones of the range), if limited. */
  public OptionalInt limit() {
    return limit > 0 ? OptionalInt.of(limit) : OptionalInt.empty();
  }

  /** The interval to resample to, if any (never equal to {@link #interval()}). */
  public Optional<Interval> resample() {
    return Optional.ofNullable(resample);
  }

  /** How to fill gaps; {@link GapFill#NONE} by default. */
  public GapFill fill() {
    return fill;
  }

  /** Whether to drop the candle still in progress. */
  public boolean completeOnly() {
    return completeOnly;
  }

  /**
   * The zone for calendar boundaries (days, weeks, months); UTC by default. Fixed intervals stay
   * aligned to the epoch in any zone unless {@link #alignment()} says otherwise.
   */
  public ZoneId zone() {
    return zone;
  }

  /**
   * Where the buckets of a fixed {@linkplain #resample() resample target} start: {@link
   * Alignment#EPOCH} by default (as venues do), or {@link Alignment#ZONE_MIDNIGHT} in {@link
   * #zone()}. The candles read from the source are never realigned.
   */
  public Alignment alignment() {
    return alignment;
  }

  /** What to do with bad rows in the source's data; {@link BadRowPolicy#REJECT} by default. */
  public BadRowPolicy badRows() {
    return badRows;
  }

  /**
   * How long a run of this query may take in all, if limited: when it has passed, the request in
   * flight and any pending retry or rate-limit wait are stopped and the run fails with a {@link
   * QueryTimeoutException} that says how far it got. Counted from the call ({@code fetch}, {@code
   * fetchAsync}, {@code stream}) to the last page; for a stream, the time the caller spends between
   * pages counts too. Without one, a run takes as long as its requests and retries do (each request
   * is bounded by the HTTP timeouts, the retries by the retry budget).
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * The time range this query covers when run at {@code now}, in open times of {@link #interval()}
   * candles:
   *
   * <ul>
   *   <li>a range {@code [from, to)} as given;
   *   <li>{@code from(t)} alone: {@code [t, end of the bucket containing now)};
   *   <li>{@code latest(n)}: the {@code n} buckets of {@link #outputInterval()} ending with the one
   *       containing {@code now}, in {@link #zone()}; one bucket more with {@link #completeOnly()},
   *       since the one containing {@code now} is still in progress.
   * </ul>
   *
   * Sources and the client use this to plan requests; {@code now} should be the venue's clock where
   * known.
   */
  public TimeRange rangeAt(Instant now) {
    Objects.requireNonNull(now, "now");
    if (from != null) {
      Instant end = to;
      if (end == null) {
        long t = now.toEpochMilli();
        end = Instant.ofEpochMilli(interval.bucketEnd(interval.bucketStart(t, zone), zone));
        if (!end.isAfter(from)) {
          end =
              Instant.ofEpochMilli(
                  interval.bucketEnd(interval.bucketStart(from.toEpochMilli(), zone), zone));
        }
      }
      return new TimeRange(from, end);
    }
    Interval out = outputInterval();
    Alignment a = resample != null ? alignment : Alignment.EPOCH;
    long current = out.bucketStart(now.toEpochMilli(), zone, a);
    long back = latest - (completeOnly ? 0L : 1L);
    long earliest = out.bucketStart(MIN_TIME.toEpochMilli(), zone, a);
    // latest(n) for a huge n reaches no further back than MIN_TIME (and never overflows).
    long start =
        out.isFixed() && back > (current - earliest) / out.fixedMillis()
            ? earliest
            : Math.max(earliest, out.plus(current, -back, zone, a));
    long end = out.bucketEnd(current, zone, a);
    return new TimeRange(Instant.ofEpochMilli(start), Instant.ofEpochMilli(end));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OhlcvQuery)) {
      return false;
    }
    OhlcvQuery q = (OhlcvQuery) o;
    return symbol.equals(q.symbol)
        && interval.equals(q.interval)
        && Objects.equals(from, q.from)
        && Objects.equals(to, q.to)
        && latest == q.latest
        && limit == q.limit
        && Objects.equals(resample, q.resample)
        && fill == q.fill
        && completeOnly == q.completeOnly
        && zone.equals(q.zone)
        && alignment == q.alignment
        && badRows == q.badRows
        && Objects.equals(timeout, q.timeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        symbol,
        interval,
        from,
        to,
        latest,
        limit,
        resample,
        fill,
        completeOnly,
        zone,
        alignment,
        badRows,
        timeout);
  }

  /**
   * A readable one-liner such as {@code BINANCE:BTCUSDT 1m [2024-01-01T00:00:00Z,
   * 2024-01-02T00:00:00Z) → 1h}.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(symbol).append(' ').append(interval);
    if (from != null) {
      b.append(" [")
          .append(from)
          .append(", ")
          .append(to == null ? "now" : to.toString())
          .append(')');
    } else {
      b.append(" latest ").append(latest);
    }
    if (resample != null) {
      b.append(" → ").append(resample);
    }
    if (limit > 0) {
      b.append(" limit ").append(limit);
    }
    if (fill != GapFill.NONE) {
      b.append(" fill ").append(fill.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (completeOnly) {
      b.append(" complete only");
    }
    if (!zone.equals(ZoneOffset.UTC)) {
      b.append(" zone ").append(zone);
    }
    if (alignment != Alignment.EPOCH) {
      b.append(" aligned to zone midnight");
    }
    if (timeout != null) {
      b.append(" timeout ").append(timeout);
    }
    return b.toString();
  }

  /**
   * Builds an {@link OhlcvQuery}. Method names are the property names; the last call wins. Not
   * thread-safe.
   */
  public static final class Builder {
    private @Nullable Symbol symbol;
    private Interval interval = Interval.M1;
    private @Nullable Instant from;
    private @Nullable Instant to;

    /** {@link #latest} and {@link #limit} when not called. */
    static final int UNSET = Integer.MIN_VALUE;

    private int latest = UNSET;
    // A latest(n) copied by newBuilder() gives way to a range set afterwards; an explicit one does
    // not.
    private boolean latestCopied;
    private int limit = UNSET;
    private @Nullable Interval resample;
    private GapFill fill = GapFill.NONE;
    private boolean completeOnly;
    private ZoneId zone = ZoneOffset.UTC;
    private Alignment alignment = Alignment.EPOCH;
    private BadRowPolicy badRows = BadRowPolicy.REJECT;
    private @Nullable Duration timeout;
    private @Nullable String problem;

    Builder() {}

    /** The instrument. */
    public Builder symbol(Symbol symbol) {
      this.symbol = Objects.requireNonNull(symbol, "symbol");
      return this;
    }

    /**
     * The instrument, parsed by {@link Symbol#parse(String)}; a malformed symbol makes {@link
     * #build()} throw {@link InvalidQueryException} with the reason.
     */
    public Builder symbol(String symbol) {
      Objects.requireNonNull(symbol, "symbol");
      try {
        this.symbol = Symbol.parse(symbol);
      } catch (InvalidQueryException e) {
        this.symbol = null;
        this.problem = e.getMessage();
      }
      return this;
    }

    /** The interval of the candles to read; {@link Interval#M1} by default. */
    public Builder interval(Interval interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * The interval, parsed by {@link Interval#parse(String)}; a malformed interval makes {@link
     * #build()} throw {@link InvalidQueryException} with the reason.
     */
    public Builder interval(String interval) {
      Objects.requireNonNull(interval, "interval");
      try {
        this.interval = Interval.parse(interval);
      } catch (InvalidQueryException e) {
        this.problem = e.getMessage();
      }
      return this;
    }

    /** The half-open range {@code [from, to)} of open times. */
    public Builder between(Instant from, Instant to) {
      this.from = Objects.requireNonNull(from, "from");
      this.to = Objects.requireNonNull(to, "to");
      return this;
    }

    /**
     * The start of the range (inclusive); without {@link #to(Instant)} the range runs until now.
     */
    public Builder from(Instant from) {
      this.from = Objects.requireNonNull(from, "from");
      return this;
    }

    /** The end of the range (exclusive); needs {@link #from(Instant)}. */
    public Builder to(Instant to) {
      this.to = Objects.requireNonNull(to, "to");
      return this;
    }

    /** The newest {@code n} candles (of the resample target, if any) instead of a range. */
    public Builder latest(int n) {
      this.latest = n;
      this.latestCopied = false;
      return this;
    }

    /** At most {@code n} candles: the first {@code n} of the range. */
    public Builder limit(int n) {
      this.limit = n;
      return this;
    }

    /** Resample to {@code target} (coarser than the interval, and a whole multiple of it). */
    public Builder resample(Interval target) {
      this.resample = Objects.requireNonNull(target, "target");
      return this;
    }

    /** How to fill gaps in the result; {@link GapFill#NONE} by default. */
    public Builder fill(GapFill fill) {
      this.fill = Objects.requireNonNull(fill, "fill");
      return this;
    }

    /** Drop the candle still in progress (judged by the venue's clock where known). */
    public Builder completeOnly() {
      return completeOnly(true);
    }

    /** Whether to drop the candle still in progress. */
    public Builder completeOnly(boolean completeOnly) {
      this.completeOnly = completeOnly;
      return this;
    }

    /**
     * The zone for calendar boundaries (days, weeks, months); UTC by default. Fixed resample
     * targets (4h, say) stay aligned to the epoch in any zone unless {@link #alignment(Alignment)}
     * asks for the zone's midnight.
     */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Where the buckets of a fixed resample target start; {@link Alignment#EPOCH} by default. With
     * {@link Alignment#ZONE_MIDNIGHT}, {@code resample(Interval.H4).zone(newYork)} gives buckets at
     * 00:00, 04:00, … New York time all year, instead of epoch-aligned ones that move by an hour
     * across daylight-saving changes. Needs a target that divides a day.
     */
    public Builder alignment(Alignment alignment) {
      this.alignment = Objects.requireNonNull(alignment, "alignment");
      return this;
    }

    /** What to do with bad rows in the source's data; {@link BadRowPolicy#REJECT} by default. */
    public Builder badRows(BadRowPolicy policy) {
      this.badRows = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Whether {@link #latest(int)} was called on this builder (not copied by newBuilder). */
    boolean asksLatest() {
      return latest != UNSET && !latestCopied;
    }

    /**
     * How long a run of the query may take in all: when it has passed, the request in flight and
     * any retry stop and the run fails with a {@link QueryTimeoutException} saying how far it got.
     * Counted from the call to the last page (for a stream, the caller's time between pages
     * included). None by default. Must be positive.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Validates and builds the query.
     *
     * @throws InvalidQueryException saying what is wrong and how to fix it, if the query is
     *     impossible
     */
    public OhlcvQuery build() {
      if (problem != null) {
        throw InvalidQueryException.of(problem).build();
      }
      if (symbol == null) {
        throw InvalidQueryException.of(
                "A query needs a symbol: call symbol(\"BINANCE:BTCUSDT\") or OhlcvQuery.of(symbol)")
            .build();
      }
      String q = symbol + " " + interval;
      checkTime(q, "from", from);
      checkTime(q, "to", to);
      if (from != null && to != null && !from.isBefore(to)) {
        throw InvalidQueryException.of(
                q
                    + ": the range ["
                    + from
                    + ", "
                    + to
                    + ") is empty; 'from' must be before 'to' (the end is exclusive)")
            .build();
      }
      if (to != null && from == null) {
        throw InvalidQueryException.of(
                q
                    + ": to("
                    + to
                    + ") needs a start; use between(from, to), or latest(n) for the newest candles")
            .build();
      }
      if (latest != UNSET && !latestCopied && from != null) {
        throw InvalidQueryException.of(
                q
                    + ": latest("
                    + latest
                    + ") cannot be combined with a time range; use one or the other")
            .build();
      }
      if (latest != UNSET && latest < 1) {
        throw InvalidQueryException.of(q + ": latest(n) needs n >= 1, got " + latest).build();
      }
      if (limit != UNSET && limit < 1) {
        throw InvalidQueryException.of(q + ": limit(n) needs n >= 1, got " + limit).build();
      }
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new InvalidQueryException(
            q + ": timeout(" + timeout + ") must be positive; leave it out for no deadline");
      }
      if (resample != null && !resample.equals(interval)) {
        if (resample.compareTo(interval) < 0) {
          throw InvalidQueryException.of(
                  q
                      + ": cannot resample "
                      + interval
                      + " candles to the finer "
                      + resample
                      + "; fetch "
                      + resample
                      + " candles instead, or resample to a coarser interval")
              .build();
        }
        if (!interval.divides(resample)) {
          throw InvalidQueryException.of(
                  q
                      + ": cannot resample "
                      + interval
                      + " to "
                      + resample
                      + ": "
                      + resample
                      + " is not a whole multiple of "
                      + interval
                      + " with matching boundaries (1m → 5m, 1h → 1d, 1d → 1M work)")
              .build();
        }
        if (!resample.canAlign(alignment)) {
          throw InvalidQueryException.of(
                  q
                      + ": "
                      + resample
                      + " buckets cannot start at the zone's midnight, since "
                      + resample
                      + " does not divide a day; resample to one that does (1h, 2h, 4h, 6h, 12h)"
                      + " or keep Alignment.EPOCH")
              .build();
        }
      }
      return new OhlcvQuery(this, symbol);
    }

    private static void checkTime(String q, String what, @Nullable Instant t) {
      if (t != null && (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME))) {
        throw InvalidQueryException.of(
                q
                    + ": "
                    + what
                    + "("
                    + t
                    + ") is outside the times a query can cover, "
                    + MIN_TIME
                    + " to "
                    + MAX_TIME
                    + ". For a source's whole history, start at its first candle (or at"
                    + " Instant.EPOCH); for everything up to now, leave out to(...).")
            .build();
      }
    }
  }
}
