/**
 * Plumbing of the ClickHouse source: the SQL compiler and its dialects, the RowBinary reader and
 * writer, the server error parser, identifier validation and literal escaping. <b>Not API</b>:
 * anything here may change in any release without notice.
 */
@NullMarked
package io.github.ohlcv4j.clickhouse.internal;

import org.jspecify.annotations.NullMarked;
