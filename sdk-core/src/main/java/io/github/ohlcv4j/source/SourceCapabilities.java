package io.github.ohlcv4j.source;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What a source can do, so that a query is checked before anything is sent: the intervals it
 * serves, the zones its calendar candles (days, weeks, months) can start in, how many rows one
 * request returns at most, whether it resamples on the server, the venues it serves, and how far
 * back its history goes where known. Build with {@link #builder()}.
 *
 * <p><b>The check.</b> {@link #check(String, OhlcvQuery)} refuses, before any I/O, a query these
 * capabilities cannot answer. Whoever runs a query (the client, or {@link CandleSource#fetch})
 * calls it once, before {@link CandleSource#cursor(OhlcvQuery)}: a source's cursor gets only
 * queries that passed it, and refuses only what capabilities cannot say.
 */
public final class SourceCapabilities {

  private final Set<Interval> intervals;
  private final @Nullable Interval anyMultipleOf;
  private final int maxRowsPerRequest;
  private final boolean serverSideResample;
  private final boolean newestFirst;
  private final Set<String> venues;
  private final @Nullable Instant historyStart;
  private final String rateLimitGroup;
  private final @Nullable RateLimitPolicy rateLimit;
  private final Set<ZoneId> calendarZones;
  private final @Nullable ZoneOffset minOffset;
  private final @Nullable ZoneOffset maxOffset;

  private SourceCapabilities(Builder b) {
    this.intervals = Set.copyOf(b.intervals);
    this.anyMultipleOf = b.anyMultipleOf;
    this.maxRowsPerRequest = b.maxRowsPerRequest;
    this.serverSideResample = b.serverSideResample;
    this.newestFirst = b.newestFirst;
    this.venues = Set.copyOf(b.venues);
    this.historyStart = b.historyStart;
    this.rateLimitGroup = b.rateLimitGroup;
    this.rateLimit = b.rateLimit;
    this.calendarZones = Set.copyOf(b.calendarZones);
    this.minOffset = b.minOffset;
    this.maxOffset = b.maxOffset;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these capabilities, to change some of them. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.intervals = intervals;
    b.anyMultipleOf = anyMultipleOf;
    b.maxRowsPerRequest = maxRowsPerRequest;
    b.serverSideResample = serverSideResample;
    b.newestFirst = newestFirst;
    b.venues = venues;
    b.historyStart = historyStart;
    b.rateLimitGroup = rateLimitGroup;
    b.rateLimit = rateLimit;
    b.calendarZones = calendarZones;
    b.minOffset = minOffset;
    b.maxOffset = maxOffset;
    return b;
  }

  /**
   * Refuses, before any I/O, a query that a source with these capabilities cannot answer: an
   * interval it does not serve, calendar candles in a zone they do not start in, a symbol of a
   * venue it does not serve. Run once per query by whoever runs it, before the source's cursor is
   * asked for.
   *
   * @param source the source's name, for the message and {@link
   *     io.github.ohlcv4j.OhlcvException#source()}
   * @throws UnsupportedIntervalException if the interval is not served; the message says which are,
   *     and which finer one to resample
   * @throws InvalidQueryException if calendar candles are asked for in a zone they do not start in,
   *     or the symbol names a venue not in {@link #venues()}
   */
  public void check(String source, OhlcvQuery query) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(query, "query");
    Interval interval = query.interval();
    if (!supports(interval)) {
      // The coarsest served interval that resamples exactly to the one asked for.
      String hint =
          intervals.stream()
              .filter(i -> i.divides(interval))
              .max(java.util.Comparator.naturalOrder())
              .map(
                  i ->
                      " To get "
                          + interval
                          + " candles, fetch "
                          + i
                          + " candles and resample them to "
                          + interval
                          + " (resample(...) on the query or the series).")
              .orElse("");
      throw UnsupportedIntervalException.of(
              source,
              query.symbol()
                  + ": "
                  + source
                  + " does not serve "
                  + interval
                  + " candles; it serves "
                  + describeIntervals()
                  + "."
                  + hint)
          .build();
    }
    if (interval.isCalendar() && !servesCalendarZone(query.zone())) {
      String finer = supports(Interval.H1) ? "1h candles" : "a finer interval that divides a day";
      throw InvalidQueryException.of(
              source,
              query.symbol()
                  + " "
                  + interval
                  + ": "
                  + source
                  + " serves "
                  + interval
                  + " candles "
                  + describeCalendarZones()
                  + ", not in "
                  + query.zone()
                  + ". Query in such a zone, or fetch "
                  + finer
                  + " and resample("
                  + interval
                  + ") with zone("
                  + query.zone()
                  + ").")
          .build();
    }
    Optional<String> venue = query.symbol().venue();
    if (!venues.isEmpty() && venue.isPresent() && !venues.contains(venue.get())) {
      String served = String.join(", ", new TreeSet<>(venues));
      throw InvalidQueryException.of(
              source,
              query.symbol()
                  + " is not a "
                  + served
                  + " symbol; "
                  + source
                  + " serves "
                  + served
                  + ":... symbols. Register a source for "
                  + venue.get()
                  + " or drop the venue prefix.")
          .build();
    }
  }

  /**
   * The zones whose local midnights calendar candles (days, weeks, months) start at; empty when
   * they may start in any zone (the source builds them in the query's zone).
   */
  public Set<ZoneId> calendarZones() {
    return calendarZones;
  }

  /**
   * Whether calendar candles can be asked for in {@code zone}: any zone if {@link #calendarZones()}
   * is empty; else a zone that keeps the same time as one of them at every instant ({@code Etc/UTC}
   * and {@code Z} are UTC), or a fixed offset in the range the builder's {@link
   * Builder#calendarOffsets(ZoneOffset, ZoneOffset)} gave.
   */
  public boolean servesCalendarZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    if (calendarZones.isEmpty()) {
      return true;
    }
    for (ZoneId z : calendarZones) {
      if (sameClock(z, zone)) {
        return true;
      }
    }
    if (minOffset != null && maxOffset != null && zone.getRules().isFixedOffset()) {
      ZoneOffset o = zone.getRules().getOffset(Instant.EPOCH);
      int s = o.getTotalSeconds();
      return s % 60 == 0 && s >= minOffset.getTotalSeconds() && s <= maxOffset.getTotalSeconds();
    }
    return false;
  }

  private static boolean sameClock(ZoneId a, ZoneId b) {
    if (a.getRules().isFixedOffset() || b.getRules().isFixedOffset()) {
      return a.getRules().isFixedOffset()
          && b.getRules().isFixedOffset()
          && a.getRules().getOffset(Instant.EPOCH).equals(b.getRules().getOffset(Instant.EPOCH));
    }
    return a.getRules().equals(b.getRules());
  }

  private String describeCalendarZones() {
    List<String> names = new ArrayList<>();
    for (ZoneId z : calendarZones) {
      names.add(sameClock(z, ZoneOffset.UTC) ? "UTC" : z.getId());
    }
    names.sort(String::compareTo);
    if (names.remove("UTC")) {
      names.add(0, "UTC");
    }
    String zones = "in " + String.join(" or ", names);
    if (minOffset != null && maxOffset != null) {
      zones += " or at a fixed offset between " + minOffset + " and " + maxOffset;
    }
    return zones;
  }

  /**
   * Whether the source serves candles of {@code interval}: listed in {@link #intervals()}, or a
   * whole multiple of the source's base interval when it builds any such interval itself.
   */
  public boolean supports(Interval interval) {
    Objects.requireNonNull(interval, "interval");
    if (intervals.contains(interval)) {
      return true;
    }
    return anyMultipleOf != null && anyMultipleOf.divides(interval);
  }

  /**
   * The intervals served as such, in ascending order; empty if the source serves any multiple of a
   * base interval.
   */
  public Set<Interval> intervals() {
    return intervals;
  }

  /** The base interval of a source that serves any multiple of it (a table of 1m candles, say). */
  public Optional<Interval> anyMultipleOf() {
    return Optional.ofNullable(anyMultipleOf);
  }

  /** The most rows one request returns. */
  public int maxRowsPerRequest() {
    return maxRowsPerRequest;
  }

  /** Whether the source resamples on its side, so the client does not have to. */
  public boolean serverSideResample() {
    return serverSideResample;
  }

  /** Whether the venue sends rows newest first (the source turns them around either way). */
  public boolean newestFirst() {
    return newestFirst;
  }

  /**
   * The venues ({@code BYBIT}, {@code BINANCE}, ...) whose symbols this source serves; empty for
   * "any".
   */
  public Set<String> venues() {
    return venues;
  }

  /** The earliest time the source has data for, where known. */
  public Optional<Instant> historyStart() {
    return Optional.ofNullable(historyStart);
  }

  /**
   * The venue's rate-limit domain, shared by the sources that draw on one budget (all Bybit
   * categories share {@code "bybit"}; Binance spot and USD-M futures are {@code "binance:spot"} and
   * {@code "binance:usdm"}); empty when the source has no venue limit of its own.
   */
  public String rateLimitGroup() {
    return rateLimitGroup;
  }

  /**
   * The venue's published request budget for the {@link #rateLimitGroup()}, in the venue's weight
   * units ({@link PageCursor#nextWeight()}): the client keeps to it unless the application set a
   * rate-limit policy of its own. Empty when the venue publishes none, or has none.
   */
  public Optional<RateLimitPolicy> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /** A readable description of the supported intervals, for error messages. */
  public String describeIntervals() {
    if (anyMultipleOf != null) {
      return "any multiple of " + anyMultipleOf;
    }
    StringBuilder b = new StringBuilder();
    for (Interval i : new TreeSet<>(intervals)) {
      b.append(b.length() == 0 ? "" : ", ").append(i);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "SourceCapabilities{intervals="
        + describeIntervals()
        + ", maxRowsPerRequest="
        + maxRowsPerRequest
        + ", serverSideResample="
        + serverSideResample
        + ", venues="
        + venues
        + "}";
  }

  /** Builds {@link SourceCapabilities}. */
  public static final class Builder {
    private Set<Interval> intervals = Set.of();
    private @Nullable Interval anyMultipleOf;
    private int maxRowsPerRequest = 1000;
    private boolean serverSideResample;
    private boolean newestFirst;
    private Set<String> venues = Set.of();
    private @Nullable Instant historyStart;
    private String rateLimitGroup = "";
    private @Nullable RateLimitPolicy rateLimit;
    private Set<ZoneId> calendarZones = Set.of();
    private @Nullable ZoneOffset minOffset;
    private @Nullable ZoneOffset maxOffset;

    Builder() {}

    /**
     * The zones whose local midnights the source's calendar candles start at (UTC for most
     * exchanges); calendar queries in other zones are refused before any request. Any zone unless
     * given.
     */
    public Builder calendarZones(Set<ZoneId> zones) {
      this.calendarZones = Set.copyOf(new LinkedHashSet<>(zones));
      return this;
    }

    /**
     * Also serve calendar candles at any fixed offset from UTC of whole minutes in {@code [min,
     * max]} (Binance spot's {@code timeZone} parameter: -12:00 to +14:00), besides {@link
     * #calendarZones(Set)}.
     *
     * @throws IllegalArgumentException if {@code min} is after {@code max}
     */
    public Builder calendarOffsets(ZoneOffset min, ZoneOffset max) {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.getTotalSeconds() > max.getTotalSeconds()) {
        throw new IllegalArgumentException("min " + min + " is after max " + max);
      }
      this.minOffset = min;
      this.maxOffset = max;
      return this;
    }

    /** The intervals served. */
    public Builder intervals(Set<Interval> intervals) {
      this.intervals = Set.copyOf(intervals);
      return this;
    }

    /** Serve any whole multiple of {@code base} (see {@link Interval#divides(Interval)}). */
    public Builder anyMultipleOf(Interval base) {
      this.anyMultipleOf = Objects.requireNonNull(base, "base");
      return this;
    }

    /** The most rows one request returns; positive. */
    public Builder maxRowsPerRequest(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("maxRowsPerRequest must be positive: " + rows);
      }
      this.maxRowsPerRequest = rows;
      return this;
    }

    /** Whether the source resamples on its side. */
    public Builder serverSideResample(boolean yes) {
      this.serverSideResample = yes;
      return this;
    }

    /** Whether the venue sends rows newest first. */
    public Builder newestFirst(boolean yes) {
      this.newestFirst = yes;
      return this;
    }

    /** The venues served; empty for any. */
    public Builder venues(Set<String> venues) {
      this.venues = Set.copyOf(venues);
      return this;
    }

    /** The earliest time with data, if known. */
    public Builder historyStart(Instant start) {
      this.historyStart = Objects.requireNonNull(start, "start");
      return this;
    }

    /** The venue's rate-limit domain; see {@link SourceCapabilities#rateLimitGroup()}. */
    public Builder rateLimitGroup(String group) {
      this.rateLimitGroup = Objects.requireNonNull(group, "group");
      return this;
    }

    /** The venue's published request budget; see {@link SourceCapabilities#rateLimit()}. */
    public Builder rateLimit(RateLimitPolicy policy) {
      this.rateLimit = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Builds the value. */
    public SourceCapabilities build() {
      if (intervals.isEmpty() && anyMultipleOf == null) {
        throw new IllegalStateException("A source must serve at least one interval");
      }
      return new SourceCapabilities(this);
    }
  }
}
