package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scanner accepts JSON as RFC 8259 defines it, also in what it skips, and nothing else. */
class JsonBytesTest {

  private static JsonBytes in(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return new JsonBytes(b, b.length, "test", "X:Y 1m klines");
  }

  private static void skipWhole(String body) {
    JsonBytes in = in(body);
    in.skipValue();
    in.expectEnd();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\":[1,-0.5e+3,\"x\\u00e9\\n\\\"\\\\\\/\",true,false,null,{}],\"b\":{},\"c\":[]}",
        "\"\\ud83d\\ude00 ü\"",
        "[]",
        "0",
        "-0",
        "1E5",
        "0.0e-0",
        " \t\r\n[ 1 , { \"k\" : [ ] } ] \n"
      })
  void wellFormedValuesAreSkipped(String json) {
    skipWhole(json);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tru",
        "truex",
        "nul",
        "nulll",
        "True",
        "[1,]",
        "{\"a\":1,}",
        "[1 2]",
        "{\"a\" 1}",
        "{a:1}",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"a\tb\"",
        "\"a\u0001b\"",
        "01",
        "1.",
        ".5",
        "+1",
        "1e",
        "1e+",
        "-",
        "--1",
        "[}",
        "{]",
        "NaN",
        "Infinity",
        "[1]]",
        "[",
        "{",
        "\"open",
        "{\"a\":}",
        "[,1]",
        "\u00ef\u00bb\u00bf[]",
        "1 2",
        "[1,,2]"
      })
  void malformedValuesAreRefused(String json) {
    assertThrows(DataFormatException.class, () -> skipWhole(json));
  }

  @Test
  void aReaderResetWithTextReadsEachMessageAloneAsciiOrNot() {
    JsonBytes in = new JsonBytes(new byte[0], 0, "s", "frames", List.of("k3y"));
    in.reset("{\"a\":\"a long first message, longer than the next\"}", "s");
    in.expect('{', "'{'");
    assertEquals(0, in.key(new byte[][] {"a".getBytes(StandardCharsets.US_ASCII)}));
    assertEquals("a long first message, longer than the next", in.string());
    // A shorter message in the same buffer: nothing of the longer one is read after it.
    in.reset("[1]", "s");
    in.expect('[', "'['");
    assertEquals(1, in.whole());
    assertFalse(in.more(']', "']'"));
    in.expectEnd();
    // Text beyond ASCII is read as its UTF-8 bytes.
    in.reset("\"Paramètre €\"", "s");
    assertEquals("Paramètre €", in.string());
    in.expectEnd();
    // And a reader keeps masking its secrets in what it quotes.
    in.reset("{\"key\":k3y}", "s");
    in.expect('{', "'{'");
    in.key(new byte[][] {"key".getBytes(StandardCharsets.US_ASCII)});
    DataFormatException e = assertThrows(DataFormatException.class, in::string);
    assertFalse(e.getMessage().contains("k3y"), e.getMessage());
  }

  @Test
  void nestingIsLimited() {
    String ok = "[".repeat(JsonBytes.MAX_DEPTH) + "]".repeat(JsonBytes.MAX_DEPTH);
    skipWhole(ok);
    String deep = "[".repeat(JsonBytes.MAX_DEPTH + 1) + "]".repeat(JsonBytes.MAX_DEPTH + 1);
    DataFormatException e = assertThrows(DataFormatException.class, () -> skipWhole(deep));
    assertTrue(e.getMessage().contains("no deeper than 512"), e.getMessage());
    // the parsers' own levels count too: a bar object is already 3 deep
    String polygon =
        "{\"results\":[{\"x\":"
            + "[".repeat(JsonBytes.MAX_DEPTH - 2)
            + "]".repeat(JsonBytes.MAX_DEPTH - 2)
            + "}]}";
    assertThrows(
        DataFormatException.class, () -> PolygonAggs.parse(in(polygon), builder(), "p", "w"));
  }

  @Test
  void wholeNumbersAreExact() {
    assertEquals(1672531200000L, in("1.6725312E12").whole());
    assertEquals(1672531200000L, in("\"1672531200000.000\"").whole());
    assertEquals(999_999_999_999_999_999L, in("999999999999999999").whole());
    assertEquals(-5L, in("-5e0").whole());
    assertEquals(0L, in("-0").whole());
    assertEquals(0L, in("0e99999999999999999999").whole());
    for (String s :
        new String[] {
          "1672531200000.0000000000000000001",
          "1e18",
          "1000000000000000000",
          "0.5",
          "1e-1",
          "\"12 \"",
          "\"\\u0031\"",
          "true"
        }) {
      assertThrows(DataFormatException.class, () -> in(s).whole(), s);
    }
  }

  @Test
  void doublesAreCorrectlyRoundedAndFinite() {
    assertEquals(0.0, in("1e-400").number());
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(in("-0").number()));
    assertEquals(Double.MIN_VALUE, in("4.9e-324").number());
    assertEquals(Double.MAX_VALUE, in("1.7976931348623157e308").number());
    assertEquals(0.1, in("\"0.1000000000000000055511151231257827\"").number());
    assertEquals(9007199254740992.0, in("9007199254740993").number()); // ties to even
    for (String s : new String[] {"1e400", "-1.8e308", "\" 1.5\"", "\"1.5 \"", "\"\"", "\"+1\""}) {
      assertThrows(DataFormatException.class, () -> in(s).number(), s);
    }
  }

  private static CandleSeries.Builder builder() {
    return CandleSeries.builder(Symbol.parse("X:Y"), Interval.M1);
  }

  @Test
  void keysWrittenWithEscapesAreTheSameKeys() {
    String body =
        "{\"st\\u0061tus\":\"OK\",\"results\":[{\"\\u0074\":1714521600000,\"o\":1,\"h\":2,"
            + "\"l\":1,\"c\":1.5,\"v\":3}],\"next\\u005furl\":\"https:\\/\\/x\\/y?a=1\\u0026b=2\"}";
    CandleSeries.Builder b = builder();
    PolygonAggs.Result r = PolygonAggs.parse(in(body), b, "p", "w");
    assertEquals("OK", r.status());
    assertEquals("https://x/y?a=1&b=2", r.nextUrl());
    assertEquals(1714521600000L, b.build().openTimeMillis(0));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"status\":\"OK\",\"results\":[],\"results\":[]}",
        "{\"next_url\":\"a\",\"next_url\":\"b\"}",
        "{\"results\":[{\"t\":1,\"t\":2,\"o\":1,\"h\":1,\"l\":1,\"c\":1,\"v\":1}]}",
        "{\"results\":[{\"t\":1,\"o\":1,\"h\":1,\"l\":1,\"c\":1,\"v\":1,\"\\u0076\":2}]}"
      })
  void aPolygonKeyGivenTwiceIsRefused(String body) {
    DataFormatException e =
        assertThrows(
            DataFormatException.class, () -> PolygonAggs.parse(in(body), builder(), "p", "w"));
    assertTrue(e.getMessage().contains("no second"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"retCode\":0,\"retCode\":10001,\"result\":{\"list\":[]}}",
        "{\"retCode\":0,\"result\":{\"list\":[]},\"result\":{\"list\":[]}}",
        "{\"retCode\":0,\"result\":{\"list\":[],\"list\":[]}}"
      })
  void aBybitKeyGivenTwiceIsRefused(String body) {
    assertThrows(DataFormatException.class, () -> BybitKlines.parse(in(body), builder()));
  }

  @Test
  void aQuoteFromTheBodyNeverShowsASecret() {
    String key = "Zq8vR2xW7pL4k3yMn6tY1cM9";
    for (int pad = 0; pad < 80; pad++) {
      String body = "[[1714521600000,\"" + "x".repeat(pad) + "GET /?apiKey=" + key + "\"]]";
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      JsonBytes in = new JsonBytes(b, b.length, "t", "w", List.of(key));
      DataFormatException e =
          assertThrows(DataFormatException.class, () -> BinanceKlines.parse(in, builder()));
      for (int i = 0; i + 4 <= key.length(); i++) {
        assertFalse(e.getMessage().contains(key.substring(i, i + 4)), e.getMessage());
      }
    }
  }
}
