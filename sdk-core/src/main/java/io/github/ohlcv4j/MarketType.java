package io.github.ohlcv4j;

/**
 * The kind of market a {@link Symbol} trades in. A source maps it to its own product categories
 * (Bybit's {@code spot}/{@code linear}/{@code inverse}, Binance's spot and USD-M futures).
 */
public enum MarketType {
  /** Spot, cash equities, indices and anything without a suffix. */
  SPOT(""),
  /**
   * A perpetual swap, written with the suffix {@code .P} (TradingView's convention): {@code
   * BINANCE:BTCUSDT.P}.
   */
  PERPETUAL(".P");

  private final String suffix;

  MarketType(String suffix) {
    this.suffix = suffix;
  }

  /** The suffix this type adds to a symbol's text form, empty for {@link #SPOT}. */
  public String suffix() {
    return suffix;
  }
}
