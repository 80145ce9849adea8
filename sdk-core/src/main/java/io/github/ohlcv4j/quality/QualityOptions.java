package io.github.ohlcv4j.quality;

/**
 * Thresholds for {@link io.github.ohlcv4j.CandleSeries#quality(QualityOptions)}.
 *
 * <p>A price spike is a close-to-close log return {@code r} with {@code |r − median(r)| >
 * priceSpikeMads × MAD(r)}; a volume spike is a volume {@code v} with {@code v − median(v) >
 * volumeSpikeMads × MAD(v)}, where MAD is the median absolute deviation. With normally distributed
 * returns one MAD is about 0.67 standard deviations, so the default of 10 MADs flags moves beyond
 * about 6.7 sigma. When the MAD is zero (a flat series) no spike is reported.
 *
 * @param priceSpikeMads how many MADs a return must deviate from the median to be a spike; positive
 * @param volumeSpikeMads how many MADs a volume must exceed the median by to be a spike; positive
 * @param maxPositions how many positions (times and row indexes) each issue keeps; the counts are
 *     always complete
 */
public record QualityOptions(double priceSpikeMads, double volumeSpikeMads, int maxPositions) {

  /** Validates the options. */
  public QualityOptions {
    if (!(priceSpikeMads > 0) || !(volumeSpikeMads > 0)) {
      throw new IllegalArgumentException("Spike thresholds must be positive");
    }
    if (maxPositions < 0) {
      throw new IllegalArgumentException("maxPositions must not be negative: " + maxPositions);
    }
  }

  /** 10 MADs for price and volume spikes, 100 positions per issue. */
  public static QualityOptions ofDefaults() {
    return new QualityOptions(10, 10, 100);
  }

  /** These options with another price spike threshold. */
  public QualityOptions withPriceSpikeMads(double mads) {
    return new QualityOptions(mads, volumeSpikeMads, maxPositions);
  }

  /** These options with another volume spike threshold. */
  public QualityOptions withVolumeSpikeMads(double mads) {
    return new QualityOptions(priceSpikeMads, mads, maxPositions);
  }

  /** These options keeping up to {@code n} positions per issue. */
  public QualityOptions withMaxPositions(int n) {
    return new QualityOptions(priceSpikeMads, volumeSpikeMads, n);
  }
}
