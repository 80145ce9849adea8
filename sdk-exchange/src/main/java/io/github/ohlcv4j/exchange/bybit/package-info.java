/**
 * Candles from Bybit's v5 market data API: {@link io.github.ohlcv4j.exchange.bybit.BybitSource}.
 */
@NullMarked
package io.github.ohlcv4j.exchange.bybit;

import org.jspecify.annotations.NullMarked;
