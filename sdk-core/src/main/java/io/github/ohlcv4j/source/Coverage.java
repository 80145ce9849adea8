package io.github.ohlcv4j.source;

import io.github.ohlcv4j.TimeRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link CandleStore} holds of one symbol and interval: the ranges it holds
 * <em>complete</em>, and — kept apart from the candles — the ranges in which the venue had no
 * candles at all, so that "the venue was down that hour" is a fact the store knows rather than a
 * hole to fetch again.
 *
 * <p><b>Complete</b> means: for every open time in the range at which the venue has a candle, the
 * store holds that candle, closed and final as the venue sent it. A range is complete because a
 * writer said so together with the candles ({@link
 * CandleStore#write(io.github.ohlcv4j.CandleSeries, TimeRange)}), never because candles happen to
 * be there. <b>Empty</b> ranges are parts of complete ranges in which the venue had no candle (no
 * trades, a halt, before a listing); every empty range lies inside a complete one.
 *
 * <p>Ranges are half-open {@code [from, to)} in UTC instants, sorted, and merged: no two ranges of
 * one list overlap or touch. {@link #missing(TimeRange)} gives what a reader still has to fetch.
 *
 * @param complete the ranges held complete, sorted and merged
 * @param empty the ranges inside {@code complete} in which the venue had no candles, sorted and
 *     merged
 */
public record Coverage(List<TimeRange> complete, List<TimeRange> empty) {

  private static final Coverage NONE = new Coverage(List.of(), List.of());

  /**
   * Sorts and merges both lists (overlapping or touching ranges become one) and checks that every
   * empty range lies inside a complete one.
   *
   * @throws IllegalArgumentException if an empty range is not inside the complete ranges
   */
  public Coverage {
    complete = merge(Objects.requireNonNull(complete, "complete"));
    empty = merge(Objects.requireNonNull(empty, "empty"));
    for (TimeRange e : empty) {
      if (!covers(complete, e)) {
        throw new IllegalArgumentException(
            "The empty range "
                + e
                + " is not inside the complete ranges "
                + complete
                + ": a range the venue had no candles for is a complete range");
      }
    }
  }

  /** Nothing held: no complete and no empty range. */
  public static Coverage none() {
    return NONE;
  }

  /** Whether nothing is held complete. */
  public boolean isNone() {
    return complete.isEmpty();
  }

  /**
   * The parts of {@code range} that are not held complete, in order: what a reader has to fetch
   * from the venue to answer {@code range}. Empty when the whole range is complete.
   */
  public List<TimeRange> missing(TimeRange range) {
    Objects.requireNonNull(range, "range");
    List<TimeRange> out = new ArrayList<>();
    Instant at = range.from();
    for (TimeRange c : complete) {
      if (!c.to().isAfter(at)) {
        continue;
      }
      if (!c.from().isBefore(range.to())) {
        break;
      }
      if (c.from().isAfter(at)) {
        out.add(new TimeRange(at, c.from()));
      }
      at = c.to();
      if (!at.isBefore(range.to())) {
        return List.copyOf(out);
      }
    }
    if (at.isBefore(range.to())) {
      out.add(new TimeRange(at, range.to()));
    }
    return List.copyOf(out);
  }

  /** Whether all of {@code range} is held complete. */
  public boolean isComplete(TimeRange range) {
    Objects.requireNonNull(range, "range");
    return covers(complete, range);
  }

  /** Whether the venue had no candle at {@code t}, as recorded in {@link #empty()}. */
  public boolean isEmptyAt(Instant t) {
    Objects.requireNonNull(t, "t");
    for (TimeRange e : empty) {
      if (e.contains(t)) {
        return true;
      }
      if (e.from().isAfter(t)) {
        break;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "Coverage{complete=" + complete + ", empty=" + empty + "}";
  }

  private static boolean covers(List<TimeRange> merged, TimeRange r) {
    for (TimeRange c : merged) {
      if (!c.from().isAfter(r.from()) && !c.to().isBefore(r.to())) {
        return true;
      }
    }
    return false;
  }

  private static List<TimeRange> merge(List<TimeRange> ranges) {
    if (ranges.isEmpty()) {
      return List.of();
    }
    List<TimeRange> sorted = new ArrayList<>(ranges);
    for (TimeRange r : sorted) {
      Objects.requireNonNull(r, "range");
    }
    sorted.sort(Comparator.comparing(TimeRange::from));
    List<TimeRange> out = new ArrayList<>();
    TimeRange cur = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      TimeRange r = sorted.get(i);
      if (!r.from().isAfter(cur.to())) {
        if (r.to().isAfter(cur.to())) {
          cur = new TimeRange(cur.from(), r.to());
        }
      } else {
        out.add(cur);
        cur = r;
      }
    }
    out.add(cur);
    return List.copyOf(out);
  }
}
