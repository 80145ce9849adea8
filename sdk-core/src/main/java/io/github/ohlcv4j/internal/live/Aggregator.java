package io.github.ohlcv4j.internal.live;

/**
 * Takes the final, ordered candles of the stream's interval (from a {@link Sequencer}) and passes
 * on those of the output interval: the same ones, or coarser ones built incrementally ({@link
 * Resampling}).
 */
interface Aggregator {

  /** A candle of the stream's interval is final; open times ascend, each once. */
  void closed(long t, double o, double h, double l, double c, double v);

  /** The candle in progress changed. */
  void update(long t, double o, double h, double l, double c, double v);

  /** A final candle changed. */
  void revised(long t, double o, double h, double l, double c, double v);

  /** Every candle opening before {@code watermark} is final. */
  void finalThrough(long watermark);

  /** Passes candles on as they are. */
  static Aggregator identity(Candles out) {
    return new Aggregator() {
      @Override
      public void closed(long t, double o, double h, double l, double c, double v) {
        out.emit(Candles.Kind.CLOSED, t, o, h, l, c, v, 0);
      }

      @Override
      public void update(long t, double o, double h, double l, double c, double v) {
        out.emit(Candles.Kind.UPDATE, t, o, h, l, c, v, io.github.ohlcv4j.CandleSeries.IN_PROGRESS);
      }

      @Override
      public void revised(long t, double o, double h, double l, double c, double v) {
        out.emit(Candles.Kind.REVISED, t, o, h, l, c, v, 0);
      }

      @Override
      public void finalThrough(long watermark) {
        out.settled(watermark);
      }
    };
  }
}
