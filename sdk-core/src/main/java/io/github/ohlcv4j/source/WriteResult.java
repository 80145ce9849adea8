package io.github.ohlcv4j.source;

import io.github.ohlcv4j.TimeRange;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link CandleStore} write did.
 *
 * @param written candles stored (new ones and replacements)
 * @param replaced of those, candles that replaced a stored candle with the same open time
 * @param skippedInProgress candles not stored because they had not closed: flagged {@link
 *     io.github.ohlcv4j.CandleSeries#IN_PROGRESS}, or ending after the store's clock
 * @param skippedFilled candles not stored because gap filling invented them (flagged {@link
 *     io.github.ohlcv4j.CandleSeries#FILLED})
 * @param covered the range recorded complete: the range the writer gave, aligned to the interval
 *     and cut before the first candle that had not closed; empty when nothing was recorded
 */
public record WriteResult(
    int written,
    int replaced,
    int skippedInProgress,
    int skippedFilled,
    Optional<TimeRange> covered) {

  /** Validates. */
  public WriteResult {
    Objects.requireNonNull(covered, "covered");
    if (written < 0 || replaced < 0 || replaced > written) {
      throw new IllegalArgumentException(
          "Need 0 <= replaced <= written, got written=" + written + ", replaced=" + replaced);
    }
    if (skippedInProgress < 0 || skippedFilled < 0) {
      throw new IllegalArgumentException("Skipped counts must not be negative");
    }
  }
}
