package io.github.ohlcv4j.quality;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@link io.github.ohlcv4j.CandleSeries#quality()}: what is wrong with a series, how
 * often, where, and a score.
 *
 * <p><b>Score.</b> {@code score = max(0, 1 − penalty / seen)} where {@code seen} = rows in the
 * series + missing candles + rows the builder removed (dropped bad rows and duplicates), and {@code
 * penalty} = 1 for each invalid row (an OHLC invariant violation, a non-positive price, a negative
 * volume or a non-finite value, counted once per row, plus each dropped row) + 1 for each missing
 * candle + 0.5 for each duplicate or out-of-order row + 0.25 for each price or volume spike. Filled
 * candles cost nothing (the gaps they fill are already counted). A clean series scores 1; an empty
 * one scores 1 too, since nothing in it is wrong.
 *
 * @param rows the number of rows in the series
 * @param missing the number of missing candles between its first and last candle
 * @param score the score in {@code [0, 1]}, as defined above
 * @param issues the problems found, one entry per kind with a non-zero count, in {@link
 *     QualityIssue.Kind} order
 */
public record QualityReport(int rows, long missing, double score, List<QualityIssue> issues) {

  /** Validates and copies. */
  public QualityReport {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in [0, 1]: " + score);
    }
    issues = List.copyOf(issues);
  }

  /** Whether nothing is wrong (filled candles aside). */
  public boolean isClean() {
    return issues.stream().allMatch(i -> i.kind() == QualityIssue.Kind.FILLED);
  }

  /** The issue of the given kind, if any was found. */
  public Optional<QualityIssue> issue(QualityIssue.Kind kind) {
    Objects.requireNonNull(kind, "kind");
    return issues.stream().filter(i -> i.kind() == kind).findFirst();
  }

  /** How many of the given kind were found; 0 if none. */
  public long count(QualityIssue.Kind kind) {
    return issue(kind).map(QualityIssue::count).orElse(0L);
  }

  /** All counts by kind, zero counts included. */
  public Map<QualityIssue.Kind, Long> counts() {
    Map<QualityIssue.Kind, Long> m = new EnumMap<>(QualityIssue.Kind.class);
    for (QualityIssue.Kind k : QualityIssue.Kind.values()) {
      m.put(k, count(k));
    }
    return m;
  }

  /** A few readable lines: the score, then one line per issue with its first positions. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            java.util.Locale.ROOT, "quality %.4f: %d rows, %d missing", score, rows, missing));
    if (isClean()) {
      b.append(", no problems found");
    }
    for (QualityIssue i : issues) {
      b.append("\n  ").append(i.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
      b.append(": ").append(i.count());
      if (!i.times().isEmpty()) {
        b.append(" (first at ").append(i.times().get(0));
        if (i.times().size() > 1) {
          b.append(", ").append(i.times().get(1));
        }
        if (i.count() > 2) {
          b.append(", ...");
        }
        b.append(')');
      }
    }
    return b.toString();
  }
}
