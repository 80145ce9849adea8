package io.github.ohlcv4j.duckdb;

/** A file format {@link DuckDbSource#export} writes, with DuckDB's {@code COPY}. */
public enum ExportFormat {
  /** Apache Parquet: columnar, compressed, typed; open times as UTC timestamps. */
  PARQUET,
  /** Comma-separated values with a header line; open times as UTC timestamps. */
  CSV
}
