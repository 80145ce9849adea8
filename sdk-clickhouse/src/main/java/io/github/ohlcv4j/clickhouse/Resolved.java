package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;

/**
 * What a source knows once it has looked at the server and the table: kept for the source's life.
 *
 * @param info version, engine and column types
 * @param timeType the time column's type
 * @param useFinal whether reads use {@code FINAL}
 * @param compiler writes the queries
 */
record Resolved(
    TableInfo info, TimeColumnType timeType, boolean useFinal, QueryCompiler compiler) {}
