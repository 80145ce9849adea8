package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every parser takes time linear in the body, whatever the body holds: runs of white space, deep
 * nesting, numbers and strings of millions of characters. The runs of white space are 16 MiB (half
 * the default cap), where a reader that looked at a byte more than a bounded number of times took
 * half a minute (Moshi on Polygon's bodies did, on a quiet machine); the other shapes are 4 MiB.
 * Each must be done in seconds.
 */
class LinearTimeTest {

  private static final int WHITE = 16 * 1024 * 1024;
  private static final int SIZE = 4 * 1024 * 1024;
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private static CandleSeries.Builder builder() {
    return CandleSeries.builder(Symbol.parse("X:Y"), Interval.M1);
  }

  /** {@code before}, then {@code n} bytes of {@code fill}, then {@code after}. */
  private static byte[] body(String before, byte fill, int n, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + 1024);
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    byte[] run = new byte[n];
    Arrays.fill(run, fill);
    out.writeBytes(run);
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static byte[] nested(String before, int depth, String after) {
    String open = "[".repeat(depth);
    String close = "]".repeat(depth);
    return (before + open + close + after).getBytes(StandardCharsets.UTF_8);
  }

  private static void polygon(byte[] b) {
    PolygonAggs.parse(b, b.length, builder(), "polygon", "X:Y 1m bars");
  }

  private static void bybit(byte[] b) {
    BybitKlines.parse(new JsonBytes(b, b.length, "bybit", "X:Y 1m klines"), builder());
  }

  private static void binance(byte[] b) {
    BinanceKlines.parse(new JsonBytes(b, b.length, "binance", "X:Y 1m klines"), builder());
  }

  private static void inTime(Runnable r) {
    assertTimeoutPreemptively(LIMIT, r::run);
  }

  private static void failsInTime(Consumer<byte[]> parser, byte[] body) {
    inTime(() -> assertThrows(DataFormatException.class, () -> parser.accept(body)));
  }

  private static final String BAR =
      "{\"t\":1714521600000,\"o\":1.5,\"h\":2,\"l\":1,\"c\":1.75,\"v\":10,\"vw\":1.6,\"n\":3}";
  private static final String BYBIT_ROW =
      "[\"1714521600000\",\"1.5\",\"2\",\"1\",\"1.75\",\"10\",\"15\"]";
  private static final String BINANCE_ROW =
      "[1714521600000,\"1.5\",\"2\",\"1\",\"1.75\",\"10\",1714521659999,\"15\",3,\"5\",\"7.5\",\"0\"]";

  @ParameterizedTest
  @ValueSource(bytes = {' ', '\n', '\t', '\r'})
  void aRunOfWhiteSpaceParses(byte ws) {
    inTime(
        () -> {
          CandleSeries.Builder b = builder();
          byte[] p = body("{\"status\":\"OK\",\"results\":[", ws, WHITE, BAR + "]}");
          assertEquals(1, PolygonAggs.parse(p, p.length, b, "polygon", "w").rows());
          byte[] y =
              body(
                  "{\"retCode\":0,\"result\":{\"list\":[" + BYBIT_ROW + ",",
                  ws,
                  WHITE,
                  BYBIT_ROW.replace("1714521600000", "1714521660000") + "]}}");
          BybitKlines.parse(new JsonBytes(y, y.length, "bybit", "w"), b = builder());
          assertEquals(2, b.build().size());
          byte[] n = body("[" + BINANCE_ROW, ws, WHITE, "]");
          assertEquals(
              1, BinanceKlines.parse(new JsonBytes(n, n.length, "binance", "w"), builder()));
        });
  }

  @Test
  void deepNestingFails() {
    int depth = SIZE / 2;
    failsInTime(LinearTimeTest::polygon, nested("{\"status\":\"OK\",\"x\":", depth, "}"));
    failsInTime(LinearTimeTest::polygon, nested("{\"status\":\"OK\",\"results\":", depth, "}"));
    failsInTime(LinearTimeTest::bybit, nested("{\"retCode\":0,\"result\":{\"x\":", depth, "}}"));
    failsInTime(LinearTimeTest::binance, nested("[" + BINANCE_ROW + ",", depth, "]"));
    // unbalanced: only opening brackets
    failsInTime(LinearTimeTest::polygon, body("{\"x\":", (byte) '[', SIZE, ""));
    failsInTime(LinearTimeTest::bybit, body("{\"x\":", (byte) '{', SIZE, ""));
  }

  @Test
  void hugeNumbersFailOrParse() {
    // millions of digits: too large for a double or a whole number
    failsInTime(
        LinearTimeTest::polygon,
        body("{\"results\":[{\"t\":1714521600000,\"o\":1", (byte) '7', SIZE, ",\"h\":2}]}"));
    failsInTime(
        LinearTimeTest::polygon, body("{\"results\":[{\"t\":1", (byte) '7', SIZE, ",\"o\":2}]}"));
    failsInTime(
        LinearTimeTest::bybit,
        body(
            "{\"retCode\":0,\"result\":{\"list\":[[\"1714521600000\",\"9",
            (byte) '9',
            SIZE,
            "\"]]}}"));
    failsInTime(LinearTimeTest::binance, body("[[1", (byte) '0', SIZE, ",\"1\"]]"));
    // millions of zeros after the point: a plain small number, read exactly
    inTime(
        () -> {
          byte[] b =
              body(
                  "{\"results\":[{\"t\":1714521600000,\"o\":1.",
                  (byte) '0',
                  SIZE,
                  "5,\"h\":2,\"l\":1,\"c\":1,\"v\":1}]}");
          CandleSeries.Builder out = builder();
          PolygonAggs.parse(b, b.length, out, "polygon", "w");
          assertEquals(1.0, out.build().open(0));
        });
    // a number with an exponent of millions of digits
    failsInTime(LinearTimeTest::binance, body("[[1714521600000,\"1e", (byte) '9', SIZE, "\"]]"));
    // a skipped number of millions of digits
    inTime(
        () -> {
          byte[] b = body("{\"x\":1", (byte) '5', SIZE, ",\"status\":\"OK\"}");
          assertEquals(0, PolygonAggs.parse(b, b.length, builder(), "polygon", "w").rows());
        });
  }

  @Test
  void longStringsAreSkippedOrRead() {
    inTime(
        () -> {
          byte[] b =
              body("{\"status\":\"OK\",\"request_id\":\"", (byte) 'a', SIZE, "\",\"results\":[]}");
          assertEquals("OK", PolygonAggs.parse(b, b.length, builder(), "p", "w").status());
          byte[] n = body("{\"next_url\":\"https://x/", (byte) 'b', SIZE, "\"}");
          assertEquals(
              SIZE + 10, PolygonAggs.parse(n, n.length, builder(), "p", "w").nextUrl().length());
          byte[] e =
              body("{\"next_url\":\"", (byte) '\\', SIZE, "\"}"); // \\ escapes, an even count
          assertEquals(
              SIZE / 2, PolygonAggs.parse(e, e.length, builder(), "p", "w").nextUrl().length());
          byte[] y =
              body(
                  "{\"retCode\":0,\"retMsg\":\"", (byte) 'c', SIZE, "\",\"result\":{\"list\":[]}}");
          BybitKlines.parse(new JsonBytes(y, y.length, "bybit", "w"), builder());
        });
    // a string that never ends
    failsInTime(LinearTimeTest::polygon, body("{\"status\":\"", (byte) 'a', SIZE, ""));
    failsInTime(LinearTimeTest::binance, body("[[\"", (byte) '1', SIZE, ""));
  }

  @Test
  void errorBodiesAreReadInTime() {
    inTime(
        () -> {
          for (int n : new int[] {60_000, SIZE}) {
            byte[] b = body("{\"code\":-1121,\"msg\":\"Invalid", (byte) ' ', n, "symbol.\"}");
            ErrorBodies.read(b, b.length);
            byte[] ws = body("", (byte) ' ', n, "{\"retCode\":10001,\"retMsg\":\"x\"}");
            ErrorBodies.read(ws, ws.length);
            byte[] deep = nested("{\"code\":1,\"x\":", n / 2, "}");
            ErrorBodies.read(deep, deep.length);
            byte[] html = body("<html>", (byte) 'x', n, "</html>");
            JsonBytes in = new JsonBytes(html, html.length, "s", "w");
            assertThrows(DataFormatException.class, () -> BinanceKlines.parse(in, builder()));
          }
        });
  }
}
