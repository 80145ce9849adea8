package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SourceContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening stores by URI. */
class DuckDbSourceProviderTest {

  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");
  static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

  @TempDir Path dir;

  static SourceContext env(Map<String, String> vars) {
    return SourceContext.builder().environment(vars::get).build();
  }

  @Test
  void aPathOpensThatFile() throws Exception {
    Path file = dir.resolve("a b/candles.duckdb");
    String uri = "duckdb:" + file.toString().replace(" ", "%20");
    CandleSeries s = Market.sample(BTC, Interval.M1, T0, T0.plus(Duration.ofMinutes(20)));
    try (CandleSource src = CandleSources.open(uri)) {
      DuckDbSource store = (DuckDbSource) src;
      assertEquals(file, store.path().orElseThrow());
      store.write(s);
    }
    assertTrue(Files.exists(file));
    try (CandleSource src = CandleSources.open("duckdb://" + file.toString().replace(" ", "%20"))) {
      assertEquals(
          s,
          src.fetch(
              OhlcvQuery.builder()
                  .symbol(BTC)
                  .between(T0, T0.plus(Duration.ofMinutes(20)))
                  .build()));
    }
    try (CandleSource src = CandleSources.open(uri + "?readOnly=true&pageSize=5&name=mine")) {
      assertEquals("mine", src.name());
      assertEquals(5, src.capabilities().maxRowsPerRequest());
    }
  }

  @Test
  void memoryIsInMemoryAndEachOpenIsItsOwn() {
    CandleSeries s = Market.sample(BTC, Interval.M1, T0, T0.plus(Duration.ofMinutes(20)));
    try (DuckDbSource a = (DuckDbSource) CandleSources.open("duckdb::memory:");
        DuckDbSource b = (DuckDbSource) CandleSources.open("duckdb::memory:")) {
      assertTrue(a.path().isEmpty());
      a.write(s);
      OhlcvQuery q =
          OhlcvQuery.builder().symbol(BTC).between(T0, T0.plus(Duration.ofHours(1))).build();
      assertEquals(s, a.fetch(q));
      assertThrows(SymbolNotFoundException.class, () -> b.fetch(q)); // b holds nothing
    }
  }

  @Test
  void theSchemeAloneOpensTheDefaultFile() {
    Path file = dir.resolve("default/candles.duckdb");
    SourceContext ctx = env(Map.of(DuckDbSource.ENV_PATH, file.toString()));
    assertEquals(file, DuckDbSource.defaultPath(ctx));
    try (DuckDbSource store = (DuckDbSource) CandleSources.open("duckdb:", ctx)) {
      assertEquals(file, store.path().orElseThrow());
    }
    Path home = Path.of(System.getProperty("user.home"));
    assertEquals(
        home.resolve(".ohlcv4j").resolve("candles.duckdb"),
        DuckDbSource.defaultPath(env(Map.of())));
    assertEquals(
        home.resolve("x/y.duckdb"),
        io.github.ohlcv4j.duckdb.internal.DuckDbSourceProvider.expandHome("~/x/y.duckdb"));
  }

  @Test
  void badUrisSayWhatIsExpected() {
    InvalidQueryException unknown =
        assertThrows(
            InvalidQueryException.class, () -> CandleSources.open("duckdb::memory:?tabel=x"));
    assertTrue(
        unknown.getMessage().contains("known: readOnly, pageSize, name"), unknown.getMessage());
    InvalidQueryException host =
        assertThrows(
            InvalidQueryException.class, () -> CandleSources.open("duckdb://somehost/x.duckdb"));
    assertTrue(host.getMessage().contains("no host"), host.getMessage());
    assertThrows(
        InvalidQueryException.class, () -> CandleSources.open("duckdb::memory:?readOnly=maybe"));
  }
}
