package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.DataFormatException;
import org.junit.jupiter.api.Test;

/**
 * {@link BybitPushes} as one reader reads a connection's frames: the same topic is the same string
 * from push to push, a broken frame leaves nothing behind for the next, and a frame that is not
 * ASCII reads too.
 */
class BybitPushesTest {

  private static String push(String topic, String close) {
    return "{\"topic\":\""
        + topic
        + "\",\"data\":[{\"start\":1672324800000,\"end\":1672324859999,\"interval\":\"1\","
        + "\"open\":\"16649.5\",\"close\":\""
        + close
        + "\",\"high\":\"16677\",\"low\":\"16608\",\"volume\":\"2.081\","
        + "\"turnover\":\"34666.4005\",\"confirm\":false,\"timestamp\":1672324988882}],"
        + "\"ts\":1672324988882,\"type\":\"snapshot\"}";
  }

  @Test
  void aTopicMetBeforeIsTheSameString() {
    BybitPushes p = new BybitPushes();
    p.read(push("kline.1.BTCUSDT", "16649.5"), "bybit:linear");
    String first = p.topic;
    p.read(push("kline.1.ETHUSDT", "1.5"), "bybit:linear");
    assertEquals("kline.1.ETHUSDT", p.topic);
    p.read(push("kline.1.BTCUSDT", "16650"), "bybit:linear");
    assertSame(first, p.topic);
    assertEquals(16650, p.close[0]);
    assertEquals(1, p.rows);
  }

  @Test
  void aBrokenFrameLeavesNothingForTheNext() {
    BybitPushes p = new BybitPushes();
    DataFormatException e =
        assertThrows(
            DataFormatException.class, () -> p.read(push("kline.1.BTCUSDT", "1x"), "bybit:linear"));
    assertTrue(e.getMessage().contains("row 0"), e.getMessage());
    assertTrue(e.getMessage().contains("close"), e.getMessage());
    p.read(push("kline.1.BTCUSDT", "16651.5"), "bybit:spot");
    assertEquals(16651.5, p.close[0]);
    assertFalse(p.confirm[0]);
    e =
        assertThrows(
            DataFormatException.class, () -> p.read("{\"topic\":\"kline.1.A\",]", "bybit:spot"));
    assertTrue(e.getMessage().startsWith("bybit:spot: "), e.getMessage());
    assertFalse(e.getMessage().contains("row 0"), e.getMessage());
    assertFalse(e.getMessage().contains("close"), e.getMessage());
  }

  @Test
  void aFrameThatIsNotAsciiReads() {
    BybitPushes p = new BybitPushes();
    p.read(push("kline.1.BTCUSDT", "16649.5"), "bybit:linear");
    p.read(
        "{\"success\":false,\"ret_msg\":\"Paramètre invalide €\",\"conn_id\":\"c1\","
            + "\"req_id\":\"7\",\"op\":\"subscribe\"}",
        "bybit:linear");
    assertEquals("Paramètre invalide €", p.retMsg);
    assertEquals(0, p.rows);
    p.read(push("kline.1.BTCUSDÉ", "2"), "bybit:linear");
    assertEquals("kline.1.BTCUSDÉ", p.topic);
    assertEquals(2, p.close[0]);
  }
}
