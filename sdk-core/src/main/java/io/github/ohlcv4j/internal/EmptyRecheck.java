package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * When a read-through asks the venue again for a range the store recorded as empty (the venue had
 * no candles there): a venue can publish candles late, so a <i>recent</i> empty range — one that
 * ends less than {@code recent} before now — is asked again a bounded number of times, spaced out;
 * an old one, or one asked {@code times} times already, is final.
 *
 * <p>An empty range is known by its series and where it starts. The first time a plan sees it, it
 * is not asked (it has just been recorded, or the store knew it before this client): the first
 * re-check comes {@code spacing} later at the earliest, each next one twice as long after the
 * previous (1, 2, 4 ... times {@code spacing}), at most {@code times} in all. A range that has
 * grown at its end since (the venue still had nothing for a later part) starts its count again,
 * with the same spacing; one that has split (candles were found inside) is two ranges, the later
 * one seen for the first time. The counts are kept in memory, per client: a new client asks each
 * recent empty range again up to {@code times} times. Entries of ranges no longer recent, or no
 * longer in the store's coverage, are dropped. Thread-safe.
 *
 * @param recent how long after its end an empty range is re-checked; zero: never
 * @param times how many times at most a recent empty range is asked again; zero: never
 * @param spacing the least time between first seeing an empty range and its first re-check
 */
public record EmptyRecheck(Duration recent, int times, Duration spacing) {

  /** The default: ranges ending in the last hour, at most 3 re-checks, 1, 2 and 4 minutes apart. */
  public static final EmptyRecheck DEFAULT =
      new EmptyRecheck(Duration.ofHours(1), 3, Duration.ofMinutes(1));

  /** Never asks an empty range again. */
  public static final EmptyRecheck NEVER = new EmptyRecheck(Duration.ZERO, 0, Duration.ZERO);

  /**
   * @throws IllegalArgumentException if a duration is negative or {@code times} is
   */
  public EmptyRecheck {
    Objects.requireNonNull(recent, "recent");
    Objects.requireNonNull(spacing, "spacing");
    if (recent.isNegative() || spacing.isNegative() || times < 0) {
      throw new IllegalArgumentException(
          "recheckEmpty needs a recent window, a spacing and a count of at least zero, not "
              + recent
              + ", "
              + spacing
              + ", "
              + times);
    }
  }

  /** Whether empty ranges are ever asked again. */
  public boolean enabled() {
    return times > 0 && recent.compareTo(Duration.ZERO) > 0;
  }

  /** A tracker of the re-checks of one client's read-throughs. */
  public Tracker tracker() {
    return new Tracker(this);
  }

  /** The re-checks done so far, per series and empty range. */
  public static final class Tracker {
    private final EmptyRecheck settings;
    private final Map<String, Map<Long, Entry>> series = new HashMap<>();

    private Tracker(EmptyRecheck settings) {
      this.settings = settings;
    }

    /** One empty range: where it ended when last seen, its re-checks, the earliest next one. */
    private static final class Entry {
      long to;
      int count;
      long nextAt;

      Entry(long to, long nextAt) {
        this.to = to;
        this.nextAt = nextAt;
      }
    }

    /**
     * Empty ranges that end at or before this instant are not recent at {@code now}, nor later:
     * nothing asks them again (see {@link CandleStore#coverage(Symbol, Interval, ZoneId,
     * Instant)}). The end of time when re-checks are off.
     */
    public Instant emptyAfter(Instant now) {
      if (!settings.enabled()) {
        return OhlcvQuery.MAX_TIME;
      }
      return Instant.ofEpochMilli(saturatedMinus(now.toEpochMilli(), settings.recent.toMillis()));
    }

    /**
     * The parts of {@code range} to ask the venue again now, among the empty ranges of {@code
     * coverage}, counting them as asked. Empty unless a recent empty range is due.
     *
     * @param key the series (symbol, interval and zone)
     */
    public synchronized List<TimeRange> due(
        String key, Coverage coverage, TimeRange range, Instant now) {
      if (!settings.enabled()) {
        return List.of();
      }
      long t = now.toEpochMilli();
      long oldest = saturatedMinus(t, settings.recent.toMillis());
      Map<Long, Entry> entries = series.get(key);
      if (entries == null) {
        if (coverage.empty().stream().noneMatch(e -> e.toMillis() > oldest)) {
          return List.of();
        }
        entries = new HashMap<>();
        series.put(key, entries);
      }
      Map<Long, TimeRange> current = new HashMap<>();
      for (TimeRange e : coverage.empty()) {
        if (e.toMillis() > oldest) {
          current.put(e.fromMillis(), e);
        }
      }
      for (Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
        if (!current.containsKey(it.next().getKey())) {
          it.remove(); // no longer recent, or no longer recorded empty
        }
      }
      List<TimeRange> out = new ArrayList<>();
      for (TimeRange e : current.values()) {
        Entry entry = entries.get(e.fromMillis());
        if (entry == null) {
          entries.put(e.fromMillis(), new Entry(e.toMillis(), saturatedPlus(t, spacing(0))));
          continue;
        }
        if (e.toMillis() > entry.to) {
          entry.to = e.toMillis();
          entry.count = 0; // it grew: the later part has not been asked again yet
        }
        if (entry.count >= settings.times || t < entry.nextAt) {
          continue;
        }
        long a = Math.max(e.fromMillis(), range.fromMillis());
        long b = Math.min(e.toMillis(), range.toMillis());
        if (b <= a) {
          continue; // not in this query: keep its count for a query that asks it
        }
        entry.count++;
        entry.nextAt = saturatedPlus(t, spacing(entry.count));
        out.add(new TimeRange(Instant.ofEpochMilli(a), Instant.ofEpochMilli(b)));
      }
      if (entries.isEmpty()) {
        series.remove(key);
      }
      out.sort((x, y) -> Long.compare(x.fromMillis(), y.fromMillis()));
      return out;
    }

    /** The least time before the re-check after {@code done} of them: spacing, doubling. */
    private long spacing(int done) {
      long s = settings.spacing.toMillis();
      return done >= 62 || s > (Long.MAX_VALUE >> done) ? Long.MAX_VALUE : s << done;
    }

    private static long saturatedPlus(long a, long b) {
      long r = a + b;
      return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static long saturatedMinus(long a, long b) {
      long r = a - b;
      return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }
  }
}
