package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Symbols that would break naive SQL: quotes, backslashes, a statement terminator with a DROP, NUL,
 * control characters and non-ASCII text. Each is written, read back exactly, and the table and its
 * other rows survive.
 */
@ExtendWith(ClickHouseServer.Extension.class)
class HostileInputTest {

  static final List<String> CODES =
      List.of(
          "O'Neil",
          "x''y",
          "back\\slash",
          "\\'",
          "end\\",
          "'; DROP TABLE " + SeededMarket.DATABASE + "." + SeededMarket.TABLE + "; --",
          "') OR 1=1 --",
          "nul\0byte",
          "tab\tnew\nline",
          "€/₿ 日本 \uD83D\uDE80",
          "`tick`",
          "\"dq\"",
          "\\x41\\0");

  @Test
  void hostileSymbolsRoundTripExactlyAndTheTableSurvives(SeededMarket m) {
    ClickHouseSource source = m.source().build();
    ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
    String countsBefore = counts(m);
    Instant start = Instant.parse("2023-06-01T00:00:00Z");
    List<Symbol> symbols = new ArrayList<>();
    for (int k = 0; k < CODES.size(); k++) {
      Symbol s = Symbol.of(k % 2 == 0 ? "" : "HOSTILE", CODES.get(k), MarketType.SPOT);
      symbols.add(s);
      CandleSeries.Builder b = CandleSeries.builder(s, Interval.M1);
      for (int i = 0; i < 30; i++) {
        b.add(start.plusSeconds(60L * i).toEpochMilli(), k + i, k + i + 2, k + i - 1, k + i + 1, i);
      }
      writer.write(b.build());
    }
    OhlcvQuery q = OhlcvQuery.builder().symbol("X").between(start, start.plusSeconds(1800)).build();
    for (Symbol s : symbols) {
      CandleSeries got = source.fetch(q.newBuilder().symbol(s).build());
      assertEquals(30, got.size(), s.toString());
      int k = symbols.indexOf(s);
      assertEquals(k, got.open(0), s.toString());
      // Stored as exactly the UTF-8 bytes of the text form, whatever the escaping did.
      String stored =
          m.server.sql(
              "SELECT count() FROM "
                  + SeededMarket.DATABASE
                  + "."
                  + SeededMarket.TABLE
                  + " WHERE hex(symbol) = '"
                  + Candles.hex(s.toString())
                  + "'");
      assertEquals("30", stored.strip(), s.toString());
    }
    Map<Symbol, CandleSeries> all =
        source.fetchAll(symbols, q.newBuilder().resample(Interval.M5).build());
    for (Symbol s : symbols) {
      assertEquals(6, all.get(s).size(), s.toString());
    }
    assertEquals(countsBefore, counts(m));
  }

  @Test
  void literalsReachTheServerAsTheExactBytes(ClickHouseServer server) {
    for (String s : CODES) {
      String hex = server.sql("SELECT hex(" + Sql.string(s) + ")").strip();
      assertEquals(Candles.hex(s), hex, s);
    }
  }

  @Test
  void identifiersAreCheckedBeforeAnyRequest() {
    assertThrows(
        IllegalArgumentException.class, () -> ClickHouseSource.builder().table("t; DROP x"));
    assertThrows(IllegalArgumentException.class, () -> ClickHouseSource.builder().database("a.b"));
    assertThrows(IllegalArgumentException.class, () -> ColumnMapping.builder().symbol("sym`bol"));
    assertThrows(
        IllegalArgumentException.class, () -> ClickHouseSource.builder().setting("x=1&y", "2"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ColumnMapping.builder().open("price").close("price").build());
    assertTrue(e.getMessage().contains("mapped twice"), e.getMessage());
  }

  private static String counts(SeededMarket m) {
    return m.server.sql(
        "SELECT symbol, count() FROM "
            + SeededMarket.DATABASE
            + "."
            + SeededMarket.TABLE
            + " WHERE symbol IN ('BINANCE:BTCUSDT', 'BINANCE:ETHUSDT', 'BYBIT:SOLUSDT.P', 'AAPL')"
            + " AND ts >= toDateTime("
            + SeededMarket.START.getEpochSecond()
            + ") AND ts < toDateTime("
            + SeededMarket.START.plus(Duration.ofDays(1000)).getEpochSecond()
            + ") GROUP BY symbol ORDER BY symbol");
  }
}
