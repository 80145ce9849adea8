package io.github.ohlcv4j.internal.live;

/**
 * Where candles of the output interval go: the events and the series of a live subscription. Flags
 * are {@link io.github.ohlcv4j.CandleSeries}'s.
 */
interface Candles {

  /** What an event is. */
  enum Kind {
    UPDATE,
    CLOSED,
    REVISED
  }

  /** A candle of the output interval. */
  void emit(Kind kind, long t, double o, double h, double l, double c, double v, int flags);

  /**
   * Every candle opening before {@code watermark} is final: drop a candle shown in progress there.
   */
  void settled(long watermark);
}
