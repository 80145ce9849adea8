package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The generator reproduces the published payloads byte for byte: sizes and SHA-256 values as
 * published with the payload algorithm, plus the published sample rows.
 */
class PayloadsTest {

  private static final Payloads.Rows KLINE_ROWS = Payloads.rows(1000);

  @Test
  void bybitBodyIsThePublishedOne() {
    byte[] body = Payloads.bybitKlines(KLINE_ROWS);
    assertEquals(81_573, body.length);
    assertEquals(
        "15e74b4bf55b5d76bd79ca949a1435add3bed9a6dd4d02919200ee3fdeff8c5b", Payloads.sha256(body));
    String text = new String(body, StandardCharsets.US_ASCII);
    assertTrue(
        text.startsWith(
            "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\","
                + "\"symbol\":\"BTCUSDT\",\"list\":[[\"1672591140000\",\"19990.8\",\"19998.5\","
                + "\"19984.7\",\"19987\",\"239.255\",\"4781989.685\"],"),
        text.substring(0, 200));
    assertTrue(
        text.endsWith(
            "[\"1672531200000\",\"20000\",\"20006.3\",\"19991.7\",\"19996.5\",\"448.885\","
                + "\"8976128.9025\"]]},\"retExtInfo\":{},\"time\":1672591200000}"));
  }

  @Test
  void binanceBodyIsThePublishedOne() {
    byte[] body = Payloads.binanceKlines(KLINE_ROWS);
    assertEquals(173_392, body.length);
    assertEquals(
        "a58354515cdee59c6cbf5ff7f00ca9603ac5b65d36e95657605febd838cc0707", Payloads.sha256(body));
    assertTrue(
        new String(body, StandardCharsets.US_ASCII)
            .startsWith(
                "[[1672531200000,\"20000.00000000\",\"20006.30000000\",\"19991.70000000\","
                    + "\"19996.50000000\",\"448.88500000\",1672531259999,\"8976128.90250000\","
                    + "4971,\"251.37500000\",\"5026620.18750000\",\"0\"],"));
  }

  @Test
  void canonicalBodiesAreVerifiedCopiesOfTheGenerated() {
    assertArrayEquals(Payloads.bybitKlines(KLINE_ROWS), Payloads.bybitKlines());
    assertArrayEquals(Payloads.binanceKlines(KLINE_ROWS), Payloads.binanceKlines());
  }

  @Test
  void verifiedRefusesAnyChangedByte() {
    byte[] body = Payloads.bybitKlines(KLINE_ROWS);
    assertSame(body, Payloads.verified("bybit", body, Payloads.BYBIT_KLINES_SHA256));
    byte[] changed = body.clone();
    changed[500] ^= 1;
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Payloads.verified("bybit", changed, Payloads.BYBIT_KLINES_SHA256));
    assertTrue(e.getMessage().startsWith("bybit (81573 bytes) has SHA-256 "), e.getMessage());
  }

  @Test
  void clickHouseBodiesAreThePublishedOnes() throws Exception {
    Payloads.Rows rows = Payloads.rows(1_000_000);

    byte[] rowBinary = Payloads.rowBinary(rows);
    assertEquals(52_000_000, rowBinary.length);
    assertEquals(
        "3f80995ddb794850050601b3f9f2bc2c83ca5ab4e73a9ca13cd6b4c7ef3f067c",
        Payloads.sha256(rowBinary));
    assertArrayEquals(
        HexFormat.of()
            .parseHex(
                ("07 42 54 43 55 53 44 54 00 cd b0 63 00 00 00 00 00 88 d3 40 33 33 33 33 93 89"
                        + " d3 40 cd cc cc cc ec 85 d3 40 00 00 00 00 20 87 d3 40 5c 8f c2 f5 28 0e"
                        + " 7c 40")
                    .replace(" ", "")),
        Arrays.copyOf(rowBinary, 52));

    assertStreamed(
        rows,
        Payloads::writeTabSeparated,
        66_868_601,
        "8671ab8a4c6bf57e64e49bb8d922719ae9748a9e2cb0c0d9e8e3ea921c25b77b",
        "BTCUSDT\t2023-01-01 00:00:00\t20000\t20006.3\t19991.7\t19996.5\t448.885\n"
            + "BTCUSDT\t2023-01-01 00:01:00\t19996.5\t19998.3\t19989.9\t19991.8\t118.094\n");
    assertStreamed(
        rows,
        Payloads::writeJsonEachRow,
        123_868_601,
        "6de5478142e39ad290dd8efa07e97353ee257b548f0c8f98d69ef6cd43d3f1ac",
        "{\"symbol\":\"BTCUSDT\",\"ts\":\"2023-01-01 00:00:00\",\"open\":20000,\"high\":20006.3,"
            + "\"low\":19991.7,\"close\":19996.5,\"volume\":448.885}\n");

    // The streamed RowBinary is the same as the one in memory.
    MessageDigest digest = Payloads.sha256Digest();
    Payloads.writeRowBinary(rows, new DigestOutputStream(OutputStream.nullOutputStream(), digest));
    assertEquals(Payloads.ROW_BINARY_SHA256, HexFormat.of().formatHex(digest.digest()));
  }

  private static void assertStreamed(
      Payloads.Rows rows,
      BiConsumer<Payloads.Rows, OutputStream> writer,
      long length,
      String sha256,
      String head) {
    MessageDigest digest = Payloads.sha256Digest();
    long[] count = {0};
    OutputStream counting =
        new OutputStream() {
          @Override
          public void write(int b) {
            count[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            count[0] += len;
          }
        };
    writer.accept(rows, new DigestOutputStream(counting, digest));
    assertEquals(length, count[0]);
    assertEquals(sha256, HexFormat.of().formatHex(digest.digest()));

    ByteArrayOutputStream small = new ByteArrayOutputStream();
    writer.accept(Payloads.rows(2), small);
    assertTrue(small.toString(StandardCharsets.US_ASCII).startsWith(head), small.toString());
  }

  @Test
  void rowsAreAPrefixOfLongerRows() {
    Payloads.Rows longer = Payloads.rows(5000);
    for (int i = 0; i < KLINE_ROWS.size(); i++) {
      assertEquals(KLINE_ROWS.closeTicks(i), longer.closeTicks(i));
      assertEquals(KLINE_ROWS.takerPercent(i), longer.takerPercent(i));
    }
  }

  @Test
  void doublesAreTheCorrectlyRoundedDecimalsOfTheBodies() {
    // Binance prints every value with eight decimals; Double.parseDouble rounds correctly.
    String body = new String(Payloads.binanceKlines(KLINE_ROWS), StandardCharsets.US_ASCII);
    String[] rows = body.substring(2, body.length() - 2).split("\\],\\[");
    assertEquals(1000, rows.length);
    for (int i = 0; i < rows.length; i++) {
      String[] f = rows[i].replace("\"", "").split(",");
      assertEquals(KLINE_ROWS.openTimeMillis(i), Long.parseLong(f[0]));
      assertEquals(Double.parseDouble(f[1]), KLINE_ROWS.open(i));
      assertEquals(Double.parseDouble(f[2]), KLINE_ROWS.high(i));
      assertEquals(Double.parseDouble(f[3]), KLINE_ROWS.low(i));
      assertEquals(Double.parseDouble(f[4]), KLINE_ROWS.close(i));
      assertEquals(Double.parseDouble(f[5]), KLINE_ROWS.volume(i));
      assertEquals(KLINE_ROWS.closeTimeMillis(i), Long.parseLong(f[6]));
      assertEquals(Double.parseDouble(f[7]), KLINE_ROWS.quoteVolume(i));
      assertEquals(KLINE_ROWS.trades(i), Integer.parseInt(f[8]));
      assertEquals(Double.parseDouble(f[9]), KLINE_ROWS.takerBuyVolume(i));
      assertEquals(Double.parseDouble(f[10]), KLINE_ROWS.takerBuyQuoteVolume(i));
      assertTrue(KLINE_ROWS.low(i) <= Math.min(KLINE_ROWS.open(i), KLINE_ROWS.close(i)));
      assertTrue(KLINE_ROWS.high(i) >= Math.max(KLINE_ROWS.open(i), KLINE_ROWS.close(i)));
    }
  }

  @Test
  void candleSeriesHoldsTheRows() {
    CandleSeries plain = Payloads.candleSeries(1000);
    assertEquals(Symbol.of("BTCUSDT"), plain.symbol());
    assertEquals(Interval.M1, plain.interval());
    assertEquals(1000, plain.size());
    assertTrue(plain.extraColumns().isEmpty());
    assertFalse(plain.hasFlags());

    CandleSeries full =
        Payloads.candleSeries(
            KLINE_ROWS,
            Symbol.parse("BINANCE:BTCUSDT"),
            ExtraColumn.QUOTE_VOLUME,
            ExtraColumn.TRADE_COUNT,
            ExtraColumn.TAKER_BUY_VOLUME,
            ExtraColumn.TAKER_BUY_QUOTE_VOLUME,
            ExtraColumn.CLOSE_TIME);
    for (int i = 0; i < 1000; i++) {
      assertEquals(KLINE_ROWS.openTimeMillis(i), plain.openTimeMillis(i));
      assertEquals(KLINE_ROWS.open(i), plain.open(i));
      assertEquals(KLINE_ROWS.high(i), plain.high(i));
      assertEquals(KLINE_ROWS.low(i), plain.low(i));
      assertEquals(KLINE_ROWS.close(i), plain.close(i));
      assertEquals(KLINE_ROWS.volume(i), plain.volume(i));
      assertEquals(KLINE_ROWS.quoteVolume(i), full.extra(ExtraColumn.QUOTE_VOLUME, i));
      assertEquals(KLINE_ROWS.trades(i), full.extra(ExtraColumn.TRADE_COUNT, i));
      assertEquals(KLINE_ROWS.takerBuyVolume(i), full.extra(ExtraColumn.TAKER_BUY_VOLUME, i));
      assertEquals(
          KLINE_ROWS.takerBuyQuoteVolume(i), full.extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, i));
      assertEquals(KLINE_ROWS.closeTimeMillis(i), full.extra(ExtraColumn.CLOSE_TIME, i));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> Payloads.candleSeries(KLINE_ROWS, Symbol.of("BTCUSDT"), ExtraColumn.VWAP));
  }
}
