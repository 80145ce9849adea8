package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ohlcv4j.DataFormatException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalsTest {

  private static double parse(String s) {
    byte[] b = ("  " + s + "  ").getBytes(StandardCharsets.US_ASCII);
    return Decimals.parse(b, 2, 2 + s.length());
  }

  private static void assertExact(String s) {
    // Both references are correctly rounded by their specifications; BigDecimal has no -0.
    double expected = Double.parseDouble(s);
    double exact = new BigDecimal(s).doubleValue();
    assertEquals(Math.abs(exact), Math.abs(expected), s);
    double actual = parse(s);
    assertEquals(
        Double.doubleToRawLongBits(expected),
        Double.doubleToRawLongBits(actual),
        () -> s + ": expected " + expected + ", got " + actual);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0",
        "0.0",
        "1",
        "19990.8",
        "20000.00000000",
        "5120334.71820000",
        "2.829e-05",
        "2.829E-05",
        "1e5",
        "1.5e+3",
        "-2047.25",
        "0.00000001",
        "0.1",
        "0.3",
        "123456789012345678",
        "1234567890123456789012345",
        "9007199254740993",
        "0.30000000000000004",
        "4.9e-324",
        "2.2250738585072014E-308",
        "1.7976931348623157e308",
        "44.20718305",
        "98765.4321012345",
        "1.",
        "00012.50"
      })
  void knownValuesAreCorrectlyRounded(String s) {
    assertExact(s);
  }

  @Test
  void negativeZeroKeepsItsSign() {
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(parse("-0.000")));
  }

  @Test
  void randomDecimalsMatchTheCorrectlyRoundedValue() {
    Random r = new Random(20261122);
    for (int i = 0; i < 200_000; i++) {
      String s = randomDecimal(r);
      assertExact(s);
    }
  }

  @Test
  void theScannerReadsRandomDecimalsQuotedAndBareTheSameWay() {
    Random r = new Random(7);
    StringBuilder quoted = new StringBuilder("[");
    StringBuilder bare = new StringBuilder("[");
    String[] texts = new String[50_000];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = jsonNumber(randomDecimal(r));
      quoted.append(i == 0 ? "" : ",").append('"').append(texts[i]).append('"');
      bare.append(i == 0 ? "" : ", ").append(texts[i]);
    }
    for (String body : new String[] {quoted.append(']').toString(), bare.append(']').toString()}) {
      byte[] b = body.getBytes(StandardCharsets.US_ASCII);
      JsonBytes in = new JsonBytes(b, b.length, "test", "decimals");
      in.expect('[', "[");
      for (int i = 0; i < texts.length; i++) {
        double expected = Double.parseDouble(texts[i]);
        String t = texts[i];
        if (Double.isInfinite(expected)) {
          assertThrows(DataFormatException.class, in::number, t);
          in.skipValue();
          in.more(']', "more");
          continue;
        }
        double actual = in.number();
        assertEquals(
            Double.doubleToRawLongBits(expected),
            Double.doubleToRawLongBits(actual),
            () -> t + ": expected " + expected + ", got " + actual);
        in.more(']', "more");
      }
    }
  }

  @Test
  void theScannerReadsWholeNumbersQuotedAndBare() {
    byte[] b =
        "[\"1672531200000\", 1672531259999, -5, \"0\", 1.6725312E12, \"123456789012345678901\"]"
            .getBytes(StandardCharsets.US_ASCII);
    JsonBytes in = new JsonBytes(b, b.length, "test", "wholes");
    in.expect('[', "[");
    assertEquals(1672531200000L, in.whole());
    in.more(']', ",");
    assertEquals(1672531259999L, in.whole());
    in.more(']', ",");
    assertEquals(-5L, in.whole());
    in.more(']', ",");
    assertEquals(0L, in.whole());
    in.more(']', ",");
    assertEquals(1672531200000L, in.whole());
    in.more(']', ",");
    assertThrows(io.github.ohlcv4j.DataFormatException.class, in::whole);
  }

  /**
   * A decimal text in JSON's number grammar: no leading zeros before other digits, no point without
   * digits after it.
   */
  private static String jsonNumber(String s) {
    boolean negative = s.startsWith("-");
    String t = negative ? s.substring(1) : s;
    int e = Math.max(t.indexOf('e'), t.indexOf('E'));
    String exponent = e < 0 ? "" : t.substring(e);
    String m = e < 0 ? t : t.substring(0, e);
    if (m.endsWith(".")) {
      m = m + "0";
    }
    int point = m.indexOf('.');
    String whole = point < 0 ? m : m.substring(0, point);
    whole = whole.replaceFirst("^0+(?=.)", "");
    return (negative ? "-" : "") + whole + (point < 0 ? "" : m.substring(point)) + exponent;
  }

  /** Decimal texts in the shapes venues send: fixed decimals, stripped zeros, exponents. */
  private static String randomDecimal(Random r) {
    int digits = 1 + r.nextInt(r.nextInt(4) == 0 ? 25 : 17);
    StringBuilder m = new StringBuilder();
    for (int k = 0; k < digits; k++) {
      m.append((char) ('0' + r.nextInt(10)));
    }
    int point = r.nextInt(digits + 1);
    String s =
        m.substring(0, point) + (point < digits || r.nextBoolean() ? "." : "") + m.substring(point);
    if (s.startsWith(".")) {
      s = "0" + s;
    }
    if (r.nextInt(8) == 0) {
      s += "0".repeat(r.nextInt(9));
    }
    if (r.nextInt(5) == 0) {
      s +=
          (r.nextBoolean() ? "e" : "E")
              + (r.nextBoolean() ? "-" : r.nextBoolean() ? "+" : "")
              + r.nextInt(r.nextBoolean() ? 30 : 320);
    }
    if (r.nextInt(10) == 0) {
      s = "-" + s;
    }
    return s;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "-", ".", "e5", "1e", "1e+", "1.2.3", "12a", "0x10", "1,5", "--1", " 1"})
  void malformedTextIsRefused(String s) {
    assertThrows(NumberFormatException.class, () -> parse(s));
  }

  @Test
  void wholeNumbers() {
    byte[] b = "1672531200000,-42".getBytes(StandardCharsets.US_ASCII);
    assertEquals(1672531200000L, Decimals.parseLong(b, 0, 13));
    assertEquals(-42L, Decimals.parseLong(b, 14, 17));
    assertThrows(NumberFormatException.class, () -> Decimals.parseLong(b, 0, 14));
    assertThrows(NumberFormatException.class, () -> Decimals.parseLong(b, 14, 15));
  }
}
