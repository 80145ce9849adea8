package io.github.ohlcv4j;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What a {@link CandleSeries.Builder} removed or reordered, kept with the series for {@link
 * CandleSeries#quality()}. Times are samples (at most {@link TimeSample#LIMIT} each); counts are
 * exact.
 */
record BuildStats(
    long inputRows,
    long exactDuplicates,
    long conflictingDuplicates,
    long[] duplicateTimes,
    long outOfOrder,
    long[] outOfOrderTimes,
    long droppedBadRows,
    long[] droppedTimes,
    long flaggedBadRows) {

  private static final long[] NO_TIMES = new long[0];

  static final BuildStats NONE = new BuildStats(0, 0, 0, NO_TIMES, 0, NO_TIMES, 0, NO_TIMES, 0);

  /**
   * The stats of {@code parts} together. Slices of one series share its statistics: each is counted
   * once, or a page cut in two would report its duplicates twice.
   */
  static BuildStats ofParts(List<CandleSeries> parts) {
    BuildStats sum = NONE;
    Set<BuildStats> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (CandleSeries p : parts) {
      if (seen.add(p.stats)) {
        sum = sum.plus(p.stats);
      }
    }
    return sum;
  }

  /** The stats of a series built from parts that had their own stats. */
  BuildStats plus(BuildStats o) {
    return new BuildStats(
        inputRows + o.inputRows,
        exactDuplicates + o.exactDuplicates,
        conflictingDuplicates + o.conflictingDuplicates,
        TimeSample.concat(duplicateTimes, o.duplicateTimes),
        outOfOrder + o.outOfOrder,
        TimeSample.concat(outOfOrderTimes, o.outOfOrderTimes),
        droppedBadRows + o.droppedBadRows,
        TimeSample.concat(droppedTimes, o.droppedTimes),
        flaggedBadRows + o.flaggedBadRows);
  }

  /**
   * The stats of parts joined by {@link CandleSeries#concat}: theirs, plus the duplicates and
   * disorder {@code seams} found between them (its input and dropped rows are not new rows).
   */
  BuildStats withSeams(BuildStats seams) {
    return plus(
        new BuildStats(
            0,
            seams.exactDuplicates,
            seams.conflictingDuplicates,
            seams.duplicateTimes,
            seams.outOfOrder,
            seams.outOfOrderTimes,
            0,
            NO_TIMES,
            0));
  }
}
