/**
 * Exchange and market-data sources for ohlcv4j: Bybit v5 ({@code bybit:spot}, {@code bybit:linear},
 * {@code bybit:inverse}), Binance spot and USD-M futures ({@code binance:spot}, {@code
 * binance:usdm}) and Polygon aggregates ({@code polygon:}), opened by URI through {@link
 * io.github.ohlcv4j.exchange.ExchangeSourceProvider} or built directly.
 */
@NullMarked
package io.github.ohlcv4j.exchange;

import org.jspecify.annotations.NullMarked;
