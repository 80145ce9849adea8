package io.github.ohlcv4j.source;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What a source can do, so the client can check a query before sending anything: the intervals it
 * serves, how many rows one request returns at most, whether it resamples on the server, the venues
 * it serves, and how far back its history goes where known. Build with {@link #builder()}.
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
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
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

    Builder() {}

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
