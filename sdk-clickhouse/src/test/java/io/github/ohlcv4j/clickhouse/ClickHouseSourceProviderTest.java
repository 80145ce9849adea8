package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SourceContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseServer.Extension.class)
class ClickHouseSourceProviderTest {

  static final OhlcvQuery DAY =
      OhlcvQuery.builder()
          .symbol(SeededMarket.SYMBOLS.get(0))
          .between(SeededMarket.START, SeededMarket.START.plusSeconds(86_400))
          .build();

  @Test
  void opensByUriWithCredentials(SeededMarket m) {
    String uri =
        "clickhouse://"
            + ClickHouseServer.USER
            + ":"
            + ClickHouseServer.PASSWORD
            + "@127.0.0.1:"
            + m.server.port()
            + "/"
            + SeededMarket.DATABASE
            + "?table="
            + SeededMarket.TABLE
            + "&interval=1m&pageSize=500";
    try (CandleSource s = CandleSources.open(uri)) {
      ClickHouseSource ch = assertInstanceOf(ClickHouseSource.class, s);
      assertEquals(ClickHouseServer.USER, ch.user());
      assertEquals(SeededMarket.TABLE, ch.table());
      assertFalse(ch.toString().contains(ClickHouseServer.PASSWORD));
      assertEquals(500, ch.capabilities().maxRowsPerRequest());
      assertEquals(1440, s.fetch(DAY).size());
    }
  }

  @Test
  void takesWhatTheUriLeavesOutFromTheEnvironment(SeededMarket m) {
    Map<String, String> env =
        Map.of(
            ClickHouseSource.ENV_URL, m.server.url(),
            ClickHouseSource.ENV_USER, ClickHouseServer.USER,
            ClickHouseSource.ENV_PASSWORD, ClickHouseServer.PASSWORD,
            ClickHouseSource.ENV_DATABASE, SeededMarket.DATABASE,
            ClickHouseSource.ENV_TABLE, SeededMarket.TABLE);
    SourceContext context = SourceContext.builder().environment(env::get).build();
    CandleSource s = CandleSources.open("clickhouse:", context);
    assertEquals(1440, s.fetch(DAY).size());
    ClickHouseSource built = ClickHouseSource.builder().context(context).build();
    assertEquals(SeededMarket.DATABASE, built.database());
    assertEquals(m.server.url() + "/", built.url());
  }

  @Test
  void parametersAreReadAndUnknownOnesRefusedWithoutShowingThePassword() {
    ClickHouseSource s =
        (ClickHouseSource)
            CandleSources.open(
                "clickhouses://u:pw@db.example:9443/market?table=t5&interval=5m"
                    + "&symbolColumn=ticker&timeColumn=open_time&final=true&compression=1");
    assertEquals("https://db.example:9443/", s.url());
    assertEquals("market", s.database());
    assertEquals(Interval.M5, s.interval());
    assertEquals("ticker", s.columns().symbol());
    assertEquals("open_time", s.columns().time());
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> CandleSources.open("clickhouse://u:topsecret@h:8123/db?tabel=x"));
    assertTrue(e.getMessage().contains("tabel"), e.getMessage());
    assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
  }
}
