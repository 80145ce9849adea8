package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.source.SampleSource;
import org.junit.jupiter.api.Test;

/**
 * What {@link OhlcvClient.Builder#store(String)} accepts. (Reading through a store is tested where
 * stores live: {@code ReadThroughTest} in ohlcv4j-duckdb, {@code ClickHouseReadThroughTest} in
 * ohlcv4j-clickhouse.)
 */
class ClientStoreTest {

  @Test
  void aStoreUriNamingASourceThatCannotKeepCandlesIsRefused() {
    OhlcvClient.Builder b = OhlcvClient.builder().source(SampleSource.create()).store("sample:");
    InvalidQueryException e = assertThrows(InvalidQueryException.class, b::build);
    assertTrue(e.getMessage().contains("not a store"), e.getMessage());
    assertTrue(e.getMessage().contains("store(\"sample:\")"), e.getMessage());
  }

  @Test
  void aStoreUriNobodyOpensIsRefused() {
    OhlcvClient.Builder b =
        OhlcvClient.builder().source(SampleSource.create()).store("nosuchstore:x");
    assertThrows(InvalidQueryException.class, b::build);
  }

  @Test
  void aClientWithoutAStoreSaysSo() {
    try (OhlcvClient c = OhlcvClient.builder().source(SampleSource.create()).build()) {
      assertTrue(c.store().isEmpty());
    }
  }
}
