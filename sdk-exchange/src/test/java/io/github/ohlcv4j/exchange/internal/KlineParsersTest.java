package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The kline scanners on bodies written in each venue's documented format. */
class KlineParsersTest {

  private static final String BYBIT =
      "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"symbol\":\"BTCUSD\",\"category\":\"inverse\","
          + "\"list\":[[\"1670608800000\",\"17071\",\"17073\",\"17027\",\"17055.5\",\"268611\","
          + "\"15.74462667\"],[\"1670605200000\",\"17071.5\",\"17071.5\",\"17061\",\"17071\","
          + "\"4177\",\"0.24469757\"],[\"1670601600000\",\"17086.5\",\"17088\",\"16978\","
          + "\"17071.5\",\"6356\",\"0.37288112\"]]},\"retExtInfo\":{},\"time\":1672025956592}";

  private static final String BINANCE =
      "[[1499040000000,\"0.01634790\",\"0.80000000\",\"0.01575800\",\"0.01577100\","
          + "\"148976.11427815\",1499644799999,\"2434.19055334\",308,\"1756.87402397\","
          + "\"28.46694368\",\"0\"],\n [1499644800000, \"0.01577100\", \"0.02000000\","
          + " \"0.01500000\", \"0.01900000\", \"2.829e-05\", 1500249599999, \"0\", 0, \"0\", \"0\","
          + " \"0\"]]";

  private static CandleSeries.Builder builder() {
    return CandleSeries.builder(Symbol.parse("X:Y"), Interval.H1);
  }

  private static JsonBytes in(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return new JsonBytes(b, b.length, "test", "X:Y 1h klines");
  }

  @Test
  void bybitRowsNewestFirstBecomeAscendingColumns() {
    CandleSeries.Builder b = builder();
    BybitKlines.Result r = BybitKlines.parse(in(BYBIT), b);
    assertEquals(0, r.retCode());
    assertTrue(r.hasList());
    CandleSeries s = b.build();
    assertEquals(3, s.size());
    assertEquals(1670601600000L, s.openTimeMillis(0));
    assertEquals(17086.5, s.open(0));
    assertEquals(17088, s.high(0));
    assertEquals(16978, s.low(0));
    assertEquals(17071.5, s.close(0));
    assertEquals(6356, s.volume(0));
    assertEquals(0.37288112, s.extra(ExtraColumn.QUOTE_VOLUME, 0));
    assertEquals(1670608800000L, s.openTimeMillis(2));
    assertEquals(15.74462667, s.extra(ExtraColumn.QUOTE_VOLUME, 2));
    assertEquals(
        0,
        s.quality().count(io.github.ohlcv4j.quality.QualityIssue.Kind.OUT_OF_ORDER),
        "a wholly descending page is not out of order");
  }

  @Test
  void bybitKeysInAnyOrderUnknownFieldsAndWhiteSpace() {
    String body =
        "{ \"time\": 1, \"result\": { \"list\": [ [ \"1000\", \"1\", \"2\", \"0.5\", \"1.5\", \"10\","
            + " \"15\", \"extra\", {\"x\": [1, 2]} ] ], \"nextPageCursor\": \"a\\\"b\" },"
            + " \"retExtInfo\": {\"list\": []}, \"retCode\": \"0\" }";
    CandleSeries.Builder b = builder();
    BybitKlines.Result r = BybitKlines.parse(in(body), b);
    assertEquals(0, r.retCode());
    CandleSeries s = b.build();
    assertEquals(1, s.size());
    assertEquals(1.5, s.close(0));
  }

  @Test
  void bybitErrorEnvelopeGivesItsRetCode() {
    BybitKlines.Result r =
        BybitKlines.parse(
            in("{\"retCode\":10006,\"retMsg\":\"Too many visits!\",\"result\":{},\"time\":1}"),
            builder());
    assertEquals(10006, r.retCode());
    assertFalse(r.hasList());
  }

  @Test
  void binanceRowsKeepTheirExtraColumns() {
    CandleSeries.Builder b = builder();
    assertEquals(2, BinanceKlines.parse(in(BINANCE), b));
    CandleSeries s = b.build();
    assertEquals(0.0163479, s.open(0));
    assertEquals(148976.11427815, s.volume(0));
    assertEquals(1499644799999.0, s.extra(ExtraColumn.CLOSE_TIME, 0));
    assertEquals(2434.19055334, s.extra(ExtraColumn.QUOTE_VOLUME, 0));
    assertEquals(308, s.extra(ExtraColumn.TRADE_COUNT, 0));
    assertEquals(1756.87402397, s.extra(ExtraColumn.TAKER_BUY_VOLUME, 0));
    assertEquals(28.46694368, s.extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, 0));
    assertEquals(2.829e-05, s.volume(1));
  }

  @Test
  void emptyArraysGiveNoRows() {
    assertEquals(0, BinanceKlines.parse(in(" [ ] "), builder()));
    CandleSeries.Builder b = builder();
    assertTrue(BybitKlines.parse(in("{\"retCode\":0,\"result\":{\"list\":[]}}"), b).hasList());
    assertEquals(0, b.size());
  }

  @Test
  void aCutBodyIsRetryableAndSaysWhere() {
    String cut = BINANCE.substring(0, 60);
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BinanceKlines.parse(in(cut), builder()));
    assertTrue(e.isRetryable(), e.getMessage());
    assertTrue(e.getMessage().contains("ends after 60 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("row 0"), e.getMessage());
    assertTrue(e.getMessage().contains("field 'close'"), e.getMessage());
  }

  @Test
  void aMalformedCellNamesByteRowAndField() {
    String body = BYBIT.replace("\"17061\"", "\"17O61\"");
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BybitKlines.parse(in(body), builder()));
    assertFalse(e.isRetryable());
    int at = body.indexOf("17O61");
    assertTrue(e.getMessage().contains("at byte " + at), e.getMessage());
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    assertTrue(e.getMessage().contains("field 'lowPrice'"), e.getMessage());
    assertTrue(e.getMessage().contains("17O61"), e.getMessage());
  }

  @Test
  void aShortRowIsRefused() {
    String body = "[[1499040000000,\"1\",\"2\",\"0.5\",\"1.5\",\"10\"]]";
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BinanceKlines.parse(in(body), builder()));
    assertTrue(e.getMessage().contains("field 'closeTime'"), e.getMessage());
    assertTrue(e.getMessage().contains("unexpected ']'"), e.getMessage());
  }

  @Test
  void anHtmlPageIsCalledOut() {
    String html =
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body>";
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BybitKlines.parse(in(html), builder()));
    assertTrue(e.getMessage().contains("HTML page"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte 0"), e.getMessage());
    assertTrue(e.getMessage().contains("502 Bad Gateway"), e.getMessage());
  }

  @Test
  void trailingGarbageIsRefused() {
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BinanceKlines.parse(in("[] ]"), builder()));
    assertTrue(e.getMessage().contains("at byte 3"), e.getMessage());
  }

  @Test
  void aBadCandleNamesTheResponseRow() {
    String body = BYBIT.replace("\"17073\",\"17027\"", "\"17027\",\"17073\""); // high below low
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BybitKlines.parse(in(body), builder()));
    assertTrue(e.getMessage().contains("row 0 of the response"), e.getMessage());
    assertTrue(e.getMessage().contains("below low"), e.getMessage());
    CandleSeries.Builder lenient = builder().badRows(BadRowPolicy.DROP);
    BybitKlines.parse(in(body), lenient);
    assertEquals(2, lenient.build().size());
  }
}
