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
      "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"symbol\":\"ETHUSD\",\"category\":\"inverse\","
          + "\"list\":[[\"1700007200000\",\"2051.25\",\"2060\",\"2049.5\",\"2058.75\",\"91020\","
          + "\"44.20718305\"],[\"1700003600000\",\"2047\",\"2052.5\",\"2045.25\",\"2051.25\","
          + "\"3310\",\"1.61524\"],[\"1700000000000\",\"2040.5\",\"2049\",\"2038\",\"2047\","
          + "\"5120\",\"2.50489251\"]]},\"retExtInfo\":{},\"time\":1700009000000}";

  private static final String BINANCE =
      "[[1700000000000,\"0.05120000\",\"0.60000000\",\"0.05011000\",\"0.05090000\","
          + "\"20931.51003214\",1700604799999,\"1065.41230097\",417,\"9912.40113002\","
          + "\"504.55012309\",\"0\"],\n [1700604800000, \"0.05090000\", \"0.07000000\","
          + " \"0.05000000\", \"0.06000000\", \"3.141e-05\", 1701209599999, \"0\", 0, \"0\", \"0\","
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
    assertEquals(1700000000000L, s.openTimeMillis(0));
    assertEquals(2040.5, s.open(0));
    assertEquals(2049, s.high(0));
    assertEquals(2038, s.low(0));
    assertEquals(2047, s.close(0));
    assertEquals(5120, s.volume(0));
    assertEquals(2.50489251, s.extra(ExtraColumn.QUOTE_VOLUME, 0));
    assertEquals(1700007200000L, s.openTimeMillis(2));
    assertEquals(44.20718305, s.extra(ExtraColumn.QUOTE_VOLUME, 2));
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
    assertEquals(0.0512, s.open(0));
    assertEquals(20931.51003214, s.volume(0));
    assertEquals(1700604799999.0, s.extra(ExtraColumn.CLOSE_TIME, 0));
    assertEquals(1065.41230097, s.extra(ExtraColumn.QUOTE_VOLUME, 0));
    assertEquals(417, s.extra(ExtraColumn.TRADE_COUNT, 0));
    assertEquals(9912.40113002, s.extra(ExtraColumn.TAKER_BUY_VOLUME, 0));
    assertEquals(504.55012309, s.extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, 0));
    assertEquals(3.141e-05, s.volume(1));
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
    String body = BYBIT.replace("\"2045.25\"", "\"2O45.25\"");
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BybitKlines.parse(in(body), builder()));
    assertFalse(e.isRetryable());
    int at = body.indexOf("2O45.25");
    assertTrue(e.getMessage().contains("unexpected 'O' at byte " + (at + 1)), e.getMessage());
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    assertTrue(e.getMessage().contains("field 'lowPrice'"), e.getMessage());
    assertTrue(e.getMessage().contains("2O45.25"), e.getMessage());
  }

  @Test
  void aShortRowIsRefused() {
    String body = "[[1700000000000,\"1\",\"2\",\"0.5\",\"1.5\",\"10\"]]";
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
    String body = BYBIT.replace("\"2060\",\"2049.5\"", "\"2049.5\",\"2060\""); // high below low
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> BybitKlines.parse(in(body), builder()));
    assertTrue(e.getMessage().contains("row 0 of the response"), e.getMessage());
    assertTrue(e.getMessage().contains("below low"), e.getMessage());
    CandleSeries.Builder lenient = builder().badRows(BadRowPolicy.DROP);
    BybitKlines.parse(in(body), lenient);
    assertEquals(2, lenient.build().size());
  }
}
