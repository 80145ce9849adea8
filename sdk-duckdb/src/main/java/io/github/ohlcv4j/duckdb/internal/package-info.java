/**
 * Plumbing of the DuckDB store: opening the database, the schema and its migrations, read plans,
 * the SQL, and the writer. Not API: free to change in any release.
 */
@NullMarked
package io.github.ohlcv4j.duckdb.internal;

import org.jspecify.annotations.NullMarked;
