package io.github.ohlcv4j;

import java.util.Objects;

/**
 * One event of a {@link LiveCandles} stream: a candle of {@link #symbol()} at {@link #interval()}
 * and what happened to it.
 *
 * <ul>
 *   <li>{@link Kind#UPDATE}: the candle in progress changed; {@link Candle#inProgress()} is true.
 *       Updates may be conflated (a consumer that is busy gets the latest one).
 *   <li>{@link Kind#CLOSED}: the candle is final. Every open time is closed exactly once, in
 *       ascending order, history first; no update is needed before it.
 *   <li>{@link Kind#REVISED}: a candle already closed was corrected (the venue sent it again with
 *       other values, or the REST backfill disagreed); it replaces the one closed before.
 * </ul>
 *
 * @param kind what happened
 * @param symbol the instrument
 * @param interval the candle's interval (the resample target, when the query resamples)
 * @param candle the candle, with its flags ({@link Candle#inProgress()}, {@link Candle#partial()})
 */
public record CandleEvent(Kind kind, Symbol symbol, Interval interval, Candle candle) {

  /** What happened to the candle. */
  public enum Kind {
    /** The candle in progress changed. */
    UPDATE,
    /** The candle is final. */
    CLOSED,
    /** A closed candle was corrected. */
    REVISED
  }

  /** Checks that no component is null. */
  public CandleEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(candle, "candle");
  }

  /** A readable one-liner: {@code CLOSED BTCUSDT 1m 2024-01-01T00:00:00Z o=… h=… l=… c=… v=…}. */
  @Override
  public String toString() {
    return kind
        + " "
        + symbol
        + " "
        + interval
        + " "
        + candle.openTime()
        + " o="
        + candle.open()
        + " h="
        + candle.high()
        + " l="
        + candle.low()
        + " c="
        + candle.close()
        + " v="
        + candle.volume()
        + (candle.partial() ? " partial" : "");
  }
}
