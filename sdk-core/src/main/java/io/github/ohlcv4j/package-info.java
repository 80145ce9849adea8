/**
 * ohlcv4j: one typed query API for OHLCV market data. Start with {@link
 * io.github.ohlcv4j.OhlcvClient}, describe what you want with {@link io.github.ohlcv4j.OhlcvQuery},
 * and work with the {@link io.github.ohlcv4j.CandleSeries} you get back.
 */
@NullMarked
package io.github.ohlcv4j;

import org.jspecify.annotations.NullMarked;
