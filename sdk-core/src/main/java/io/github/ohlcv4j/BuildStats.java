package io.github.ohlcv4j;

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

  static final BuildStats NONE =
      new BuildStats(0, 0, 0, new long[0], 0, new long[0], 0, new long[0], 0);

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
}
