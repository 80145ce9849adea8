/**
 * ClickHouse as a source of candles, and as a place to keep them: {@link
 * io.github.ohlcv4j.clickhouse.ClickHouseSource} reads a candle table over ClickHouse's HTTP
 * interface (resampling on the server), {@link io.github.ohlcv4j.clickhouse.ClickHouseSchema}
 * creates and migrates the table, and {@link io.github.ohlcv4j.clickhouse.ClickHouseWriter} fills
 * it. Opened by URI as {@code clickhouse://user:password@host:8123/database?table=ohlcv}.
 */
@NullMarked
package io.github.ohlcv4j.clickhouse;

import org.jspecify.annotations.NullMarked;
