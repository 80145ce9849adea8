/**
 * The embedded candle store on DuckDB: {@link io.github.ohlcv4j.duckdb.DuckDbSource}, a {@link
 * io.github.ohlcv4j.source.CandleStore} in one local file (or in memory), opened by URI as {@code
 * duckdb:PATH} through the service-loaded provider.
 */
@NullMarked
package io.github.ohlcv4j.duckdb;

import org.jspecify.annotations.NullMarked;
