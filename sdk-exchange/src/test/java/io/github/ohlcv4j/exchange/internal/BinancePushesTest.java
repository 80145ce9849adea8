package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Binance's stream frames as documented (web-socket-streams.md: the kline event, combined streams,
 * SUBSCRIBE answers, the error table, {@code serverShutdown}) and as served ({@code
 * {"error":{…},"id":N}}), read by {@link BinancePushes}; generated events in any key order with any
 * decimal spelling read back exactly; cut or broken frames fail with a {@link DataFormatException},
 * never another exception.
 */
class BinancePushesTest {

  private static final String KLINE =
      "{\"e\":\"kline\",\"E\":1672515782136,\"s\":\"BNBBTC\",\"k\":{\"t\":1672515780000,"
          + "\"T\":1672515839999,\"s\":\"BNBBTC\",\"i\":\"1m\",\"f\":100,\"L\":200,\"o\":\"0.0010\","
          + "\"c\":\"0.0020\",\"h\":\"0.0025\",\"l\":\"0.0015\",\"v\":\"1000\",\"n\":100,\"x\":false,"
          + "\"q\":\"1.0000\",\"V\":\"500\",\"Q\":\"0.500\",\"B\":\"123456\"}}";

  private final BinancePushes p = new BinancePushes();

  @Test
  void aRawKlineEvent() {
    p.read(KLINE, "binance:spot");
    assertTrue(p.kline);
    assertEquals("bnbbtc@kline_1m", p.topic());
    assertEquals(1672515780000L, p.openTime);
    assertEquals(1672515782136L, p.eventTime);
    assertEquals(0.0010, p.open);
    assertEquals(0.0025, p.high);
    assertEquals(0.0015, p.low);
    assertEquals(0.0020, p.close);
    assertEquals(1000, p.volume);
    assertFalse(p.closed);
    assertFalse(p.answer);
    assertFalse(p.error);
  }

  @Test
  void aCombinedKlineEventIsRoutedByItsStreamName() {
    p.read(
        "{\"stream\":\"bnbbtc@kline_1m\",\"data\":" + KLINE.replace("false", "true") + "}",
        "binance:spot");
    assertTrue(p.kline);
    assertTrue(p.closed);
    assertEquals("bnbbtc@kline_1m", p.topic());
    assertEquals(0.0020, p.close);
  }

  @Test
  void answersErrorsAndShutdownNotices() {
    p.read("{\"result\":null,\"id\":312}", "binance:spot");
    assertTrue(p.answer);
    assertFalse(p.error);
    assertEquals("312", p.id);

    p.read("{\"result\":[\"btcusdt@aggTrade\"],\"id\":\"3\"}", "binance:spot");
    assertTrue(p.answer);
    assertEquals("3", p.id);

    p.read("{\"code\":0,\"msg\":\"Unknown property\",\"id\":7}", "binance:spot");
    assertTrue(p.error);
    assertEquals(0, p.code);
    assertEquals("Unknown property", p.msg);
    assertEquals("7", p.id);

    p.read("{\"code\":2,\"msg\":\"Invalid request: too many parameters\"}", "binance:spot");
    assertTrue(p.error);
    assertEquals(2, p.code);
    assertNull(p.id);

    p.read(
        "{\"error\":{\"code\":2,\"msg\":\"Invalid request: invalid stream\"},\"id\":2}",
        "binance:spot");
    assertTrue(p.error);
    assertEquals(2, p.code);
    assertEquals("Invalid request: invalid stream", p.msg);
    assertEquals("2", p.id);
    assertFalse(p.kline);

    p.read("{\"e\":\"serverShutdown\",\"E\":1770123456789}", "binance:usdm");
    assertEquals("serverShutdown", p.event);
    assertFalse(p.kline);
    p.read(
        "{\"stream\":\"!serverShutdown\",\"data\":{\"e\":\"serverShutdown\",\"E\":1770123456789}}",
        "binance:usdm");
    assertEquals("serverShutdown", p.event);
    assertFalse(p.kline);

    p.read("{\"e\":\"aggTrade\",\"E\":1,\"s\":\"BTCUSDT\",\"p\":\"1.0\"}", "binance:spot");
    assertFalse(p.kline);
    assertFalse(p.answer);
    assertFalse(p.error);
  }

  @Test
  void brokenFramesSayWhere() {
    DataFormatException noClose =
        assertThrows(
            DataFormatException.class,
            () -> p.read(KLINE.replace(",\"x\":false", ""), "binance:spot"));
    assertTrue(noClose.getMessage().contains("\"x\""), noClose.getMessage());
    assertTrue(noClose.getMessage().contains("binance:spot"), noClose.getMessage());
    DataFormatException twice =
        assertThrows(
            DataFormatException.class,
            () -> p.read(KLINE.replace("\"o\":\"0.0010\"", "\"o\":\"1\",\"o\":\"2\""), "x"));
    assertTrue(twice.getMessage().contains("second \"o\""), twice.getMessage());
    assertThrows(
        DataFormatException.class, () -> p.read("{\"e\":\"kline\",\"E\":1,\"s\":\"A\"}", "x"));
    assertThrows(
        DataFormatException.class,
        () -> p.read(KLINE.replace("\"E\":1672515782136,", ""), "binance:spot"));
    assertThrows(
        DataFormatException.class,
        () -> p.read(KLINE.replace("\"h\":\"0.0025\"", "\"h\":\"high\""), "binance:spot"));
    assertThrows(DataFormatException.class, () -> p.read("[1,2]", "x"));
    assertThrows(DataFormatException.class, () -> p.read("", "x"));
  }

  /** A generated kline event: its values, and its text in a random key order and spelling. */
  private record Case(
      String text, long t, long e, double o, double h, double l, double c, double v, boolean x) {}

  private static String decimal(Random r, long units, int scale) {
    String s = new java.math.BigDecimal(java.math.BigInteger.valueOf(units), scale).toPlainString();
    if (r.nextInt(4) == 0 && s.contains(".")) {
      s = s + "0".repeat(r.nextInt(3)); // trailing zeros, as Binance pads to the tick size
    }
    return s;
  }

  private static Case generate(Random r, int size) {
    long t = 1_500_000_000_000L + r.nextInt(1_000_000) * 60_000L;
    long e = t + r.nextInt(60_000);
    int scale = r.nextInt(9);
    long[] units = new long[5];
    for (int i = 0; i < 5; i++) {
      units[i] = (long) (r.nextDouble() * Math.pow(10, 1 + r.nextInt(Math.min(15, 3 + size / 8))));
    }
    boolean x = r.nextBoolean();
    String sym = "S" + r.nextInt(1000) + "USDT";
    String[] o = new String[5];
    for (int i = 0; i < 5; i++) {
      o[i] = decimal(r, units[i], scale);
    }
    List<String> k = new ArrayList<>();
    k.add("\"t\":" + t);
    k.add("\"T\":" + (t + 59_999));
    k.add("\"s\":\"" + sym + "\"");
    k.add("\"i\":\"1m\"");
    k.add("\"o\":\"" + o[0] + "\"");
    k.add("\"h\":\"" + o[1] + "\"");
    k.add("\"l\":\"" + o[2] + "\"");
    k.add("\"c\":\"" + o[3] + "\"");
    k.add("\"v\":\"" + o[4] + "\"");
    k.add("\"x\":" + x);
    k.add("\"n\":" + r.nextInt(10_000));
    k.add("\"q\":\"" + decimal(r, r.nextInt(1_000_000), 4) + "\"");
    k.add("\"B\":\"0\"");
    Collections.shuffle(k, r);
    List<String> top = new ArrayList<>();
    top.add("\"e\":\"kline\"");
    top.add("\"E\":" + e);
    top.add("\"s\":\"" + sym + "\"");
    top.add("\"k\":{" + String.join(",", k) + "}");
    Collections.shuffle(top, r);
    String text = "{" + String.join(",", top) + "}";
    if (r.nextBoolean()) {
      text = "{\"stream\":\"" + sym.toLowerCase(Locale.ROOT) + "@kline_1m\",\"data\":" + text + "}";
    }
    return new Case(
        text,
        t,
        e,
        Double.parseDouble(o[0]),
        Double.parseDouble(o[1]),
        Double.parseDouble(o[2]),
        Double.parseDouble(o[3]),
        Double.parseDouble(o[4]),
        x);
  }

  @Test
  void generatedEventsReadBackExactly() {
    BinancePushes reader = new BinancePushes();
    PropertyCheck.of("binance kline events read back", 300)
        .forAll(
            BinancePushesTest::generate,
            c -> {
              reader.read(c.text(), "binance:spot");
              assertTrue(reader.kline, c.text());
              assertEquals(c.t(), reader.openTime, c.text());
              assertEquals(c.e(), reader.eventTime, c.text());
              assertEquals(c.o(), reader.open, c.text());
              assertEquals(c.h(), reader.high, c.text());
              assertEquals(c.l(), reader.low, c.text());
              assertEquals(c.c(), reader.close, c.text());
              assertEquals(c.v(), reader.volume, c.text());
              assertEquals(c.x(), reader.closed, c.text());
              assertTrue(reader.topic().matches("s\\d+usdt@kline_1m"), reader.topic());
            });
  }

  @Test
  void topicsAreTheLowerCaseStreamNameWhateverTheSymbol() {
    BinancePushes reader = new BinancePushes();
    String alphabet = "ABCXYZabcxyz0129_-.İé";
    PropertyCheck.of("binance topics against toLowerCase", 500)
        .forAll(
            (r, size) -> {
              StringBuilder s = new StringBuilder();
              for (int i = 0, n = 1 + r.nextInt(1 + Math.min(size, 12)); i < n; i++) {
                s.append(alphabet.charAt(r.nextInt(alphabet.length())));
              }
              return s.toString();
            },
            symbol -> {
              String frame = KLINE.replace("BNBBTC", symbol);
              reader.read(frame, "binance:spot");
              String topic = reader.topic();
              assertEquals(symbol.toLowerCase(Locale.ROOT) + "@kline_1m", topic, frame);
              reader.read(frame, "binance:spot");
              if (symbol.chars().allMatch(c -> c < 0x80)) {
                assertSame(topic, reader.topic(), "a topic met before comes from the cache");
              }
            });
  }

  @Test
  void aReaderReadsOnAfterABrokenFrame() {
    BinancePushes reader = new BinancePushes();
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> reader.read(KLINE.replace("\"o\":\"0.0010\"", "\"o\":[[[["), "binance:spot"));
    assertTrue(e.getMessage().contains("k.o"), e.getMessage());
    reader.read(KLINE, "binance:spot");
    assertTrue(reader.kline);
    assertEquals(0.0020, reader.close);
    e =
        assertThrows(
            DataFormatException.class,
            () -> reader.read("{\"e\":\"kline\",\"E\":x}", "binance:usdm"));
    assertTrue(e.getMessage().startsWith("binance:usdm: "), e.getMessage());
    assertTrue(e.getMessage().contains("at byte 17"), e.getMessage());
    assertTrue(e.getMessage().contains("field 'E'"), e.getMessage());
    assertFalse(e.getMessage().contains("k.o"), e.getMessage());
  }

  @Test
  void cutAndDamagedEventsFailWithADataFormatException() {
    BinancePushes reader = new BinancePushes();
    PropertyCheck.of("binance kline events cut or damaged", 300)
        .forAll(
            (r, size) -> {
              String text = generate(r, size).text();
              if (r.nextBoolean()) {
                return text.substring(0, r.nextInt(text.length())); // a frame cut short
              }
              char[] chars = text.toCharArray();
              int i = r.nextInt(chars.length);
              chars[i] = "{}[],:\"x0".charAt(r.nextInt(9));
              return new String(chars);
            },
            text -> {
              try {
                reader.read(text, "binance:spot");
              } catch (DataFormatException expected) {
                // the only failure allowed; a change that leaves a valid frame may read
                assertTrue(expected.getMessage().contains("binance:spot"), expected.getMessage());
              }
            });
  }
}
