/**
 * Candles from CSV files: {@link io.github.ohlcv4j.source.csv.CsvSource}, URI {@code csv:PATH},
 * reading what {@code CandleSeries.toCsv} writes and Binance's public kline dumps. Written against
 * the public source SPI only, as a third-party source would be.
 */
@NullMarked
package io.github.ohlcv4j.source.csv;

import org.jspecify.annotations.NullMarked;
