package io.github.ohlcv4j.quality;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One kind of problem found in a series, how often, and where.
 *
 * @param kind what is wrong
 * @param count how many rows (or, for {@link Kind#GAP}, missing candles) are affected; complete
 * @param times open times of the affected candles (for gaps: the first missing open time of each
 *     gap), in order, at most {@link QualityOptions#maxPositions()} of them
 * @param rows indexes into the series of the affected rows, for problems in rows that are in the
 *     series (empty for rows the builder removed, and for gaps), at most {@link
 *     QualityOptions#maxPositions()} of them
 */
public record QualityIssue(Kind kind, long count, List<Instant> times, List<Integer> rows) {

  /** The kinds of problems a {@link QualityReport} looks for. */
  public enum Kind {
    /**
     * Open or close outside {@code [low, high]}, or high below low (a row kept under the FLAG
     * policy).
     */
    OHLC_INVARIANT,
    /** A price of zero or less. */
    NON_POSITIVE_PRICE,
    /** A negative volume (a row kept under the FLAG policy). */
    NEGATIVE_VOLUME,
    /** NaN or infinity in a row that was not filled on purpose (kept under the FLAG policy). */
    NON_FINITE,
    /** A bad row the builder left out under the DROP policy. */
    DROPPED_ROW,
    /** Two rows at the same open time seen while building; one was kept. */
    DUPLICATE,
    /** A row that arrived after a later one while building (it was sorted into place). */
    OUT_OF_ORDER,
    /** Missing candles between the first and the last candle. */
    GAP,
    /** A close-to-close return far outside the usual range (see {@link QualityOptions}). */
    PRICE_SPIKE,
    /** A volume far above the usual level (see {@link QualityOptions}). */
    VOLUME_SPIKE,
    /** A candle invented by a gap fill; not a problem, reported so nobody mistakes it for data. */
    FILLED
  }

  /** Copies the lists. */
  public QualityIssue {
    Objects.requireNonNull(kind, "kind");
    times = List.copyOf(times);
    rows = List.copyOf(rows);
  }
}
