/**
 * Where candles come from: the {@link io.github.ohlcv4j.source.CandleSource} SPI, opening sources
 * by URI with {@link io.github.ohlcv4j.source.CandleSources}, and the embedded {@link
 * io.github.ohlcv4j.source.SampleSource}.
 */
@NullMarked
package io.github.ohlcv4j.source;

import org.jspecify.annotations.NullMarked;
