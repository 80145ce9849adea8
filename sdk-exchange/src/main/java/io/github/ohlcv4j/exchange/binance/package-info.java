/**
 * Candles from Binance spot and USD-M futures: {@link
 * io.github.ohlcv4j.exchange.binance.BinanceSource}.
 */
@NullMarked
package io.github.ohlcv4j.exchange.binance;

import org.jspecify.annotations.NullMarked;
