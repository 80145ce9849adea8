package io.github.ohlcv4j;

import java.time.Instant;
import java.util.Objects;

/**
 * One candle: the open, high, low and close prices and the traded volume of the bucket that starts
 * at {@code openTime} (UTC instant), with the flags of its row in the series. A convenient view of
 * one row of a {@link CandleSeries} (from {@link CandleSeries#get(int)}, {@link
 * CandleSeries#stream()} or iteration); bulk work is faster on the series' columns.
 *
 * <p><b>Flags.</b> A candle read from a series carries that row's flags, so a candle taken out of
 * its series still says what it is: {@link #inProgress()} for the candle still forming when the
 * data were read (its values will change; do not treat it as closed), {@link #partial()} for a
 * resampled candle built from fewer candles than its bucket holds, {@link #filled()} for one
 * invented by {@link CandleSeries#fill(GapFill)}, and {@link #suspect()} for a bad row kept under
 * {@link BadRowPolicy#FLAG}. The six-argument constructor makes a candle without flags. Two candles
 * are equal only if their flags are equal too.
 *
 * @param openTime start of the bucket (inclusive), an instant; format it in any zone you like
 * @param open first traded price in the bucket
 * @param high highest traded price
 * @param low lowest traded price
 * @param close last traded price
 * @param volume traded volume in the venue's base unit (contracts, shares or coins); see the
 *     source's docs
 * @param flags flag bits: a combination of {@link CandleSeries#PARTIAL}, {@link
 *     CandleSeries#IN_PROGRESS}, {@link CandleSeries#FILLED} and {@link CandleSeries#SUSPECT}, or 0
 */
public record Candle(
    Instant openTime,
    double open,
    double high,
    double low,
    double close,
    double volume,
    int flags) {

  /**
   * Checks that {@code openTime} is present and the flags are known bits; values are not validated
   * here (the series builder does that).
   *
   * @throws IllegalArgumentException if {@code flags} holds a bit that is not one of the four flags
   */
  public Candle {
    Objects.requireNonNull(openTime, "openTime");
    if ((flags & ~CandleSeries.ALL_FLAGS) != 0) {
      throw new IllegalArgumentException(
          "Unknown flag bits "
              + flags
              + "; use a combination of CandleSeries.PARTIAL, IN_PROGRESS, FILLED and SUSPECT");
    }
  }

  /** A candle without flags: a closed, complete candle as the venue reported it. */
  public Candle(
      Instant openTime, double open, double high, double low, double close, double volume) {
    this(openTime, open, high, low, close, volume, 0);
  }

  /** {@code openTime} in epoch milliseconds. */
  public long openTimeMillis() {
    return openTime.toEpochMilli();
  }

  /**
   * Whether the bucket had not closed when the data were read ({@link CandleSeries#IN_PROGRESS}):
   * the candle is still forming and its close, high, low and volume will change.
   */
  public boolean inProgress() {
    return (flags & CandleSeries.IN_PROGRESS) != 0;
  }

  /**
   * Whether this resampled candle was built from fewer candles than its bucket holds ({@link
   * CandleSeries#PARTIAL}): a gap, or the edge of the data.
   */
  public boolean partial() {
    return (flags & CandleSeries.PARTIAL) != 0;
  }

  /** Whether this candle was invented by {@link CandleSeries#fill(GapFill)} ({@link #flags()}). */
  public boolean filled() {
    return (flags & CandleSeries.FILLED) != 0;
  }

  /** Whether this is a bad row kept under {@link BadRowPolicy#FLAG}; it may hold NaN. */
  public boolean suspect() {
    return (flags & CandleSeries.SUSPECT) != 0;
  }
}
