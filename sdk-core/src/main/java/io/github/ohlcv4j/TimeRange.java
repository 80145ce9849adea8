package io.github.ohlcv4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A half-open span of time {@code [from, to)}: {@code from} is included, {@code to} is not.
 *
 * @param from the first instant in the range
 * @param to the first instant after the range; after {@code from}
 */
public record TimeRange(Instant from, Instant to) {

  /**
   * Validates that {@code from} is before {@code to}.
   *
   * @throws InvalidQueryException if {@code from} is not before {@code to}
   */
  public TimeRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new InvalidQueryException(
          "The range ["
              + from
              + ", "
              + to
              + ") is empty: 'from' must be before 'to' (the end is exclusive)");
    }
  }

  /** {@code from} in epoch milliseconds. */
  public long fromMillis() {
    return from.toEpochMilli();
  }

  /** {@code to} in epoch milliseconds. */
  public long toMillis() {
    return to.toEpochMilli();
  }

  /** The length of the range. */
  public Duration duration() {
    return Duration.between(from, to);
  }

  /** Whether {@code t} is in the range. */
  public boolean contains(Instant t) {
    return !t.isBefore(from) && t.isBefore(to);
  }

  @Override
  public String toString() {
    return "[" + from + ", " + to + ")";
  }
}
