package io.github.ohlcv4j.duckdb;

import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.testing.CandleStoreContract;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The store contract on an in-memory DuckDB store. */
class DuckDbStoreTest extends CandleStoreContract {

  @Override
  protected CandleStore store(Instant now) {
    return DuckDbSource.builder()
        .inMemory()
        .context(SourceContext.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build())
        .build();
  }
}
