/**
 * Candles from Binance spot and USD-M futures: {@link
 * io.github.ohlcv4j.exchange.binance.BinanceSource}, and their live klines over Binance's market
 * streams, {@link io.github.ohlcv4j.exchange.binance.BinanceLive}.
 */
@NullMarked
package io.github.ohlcv4j.exchange.binance;

import org.jspecify.annotations.NullMarked;
