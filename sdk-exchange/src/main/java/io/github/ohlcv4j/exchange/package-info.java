/**
 * Exchange and market-data sources for ohlcv4j: Bybit v5 ({@code bybit:spot}, {@code bybit:linear},
 * {@code bybit:inverse}), Binance spot and USD-M futures ({@code binance:spot}, {@code
 * binance:usdm}) and Polygon aggregates ({@code polygon:}), opened by URI through {@link
 * io.github.ohlcv4j.source.CandleSources} (the parameters each accepts are listed in {@code
 * docs/sources.md}) or built directly.
 */
@NullMarked
package io.github.ohlcv4j.exchange;

import org.jspecify.annotations.NullMarked;
