package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.internal.JsonReference.Arr;
import io.github.ohlcv4j.exchange.internal.JsonReference.Lit;
import io.github.ohlcv4j.exchange.internal.JsonReference.Node;
import io.github.ohlcv4j.exchange.internal.JsonReference.Obj;
import io.github.ohlcv4j.exchange.internal.JsonReference.Refused;
import io.github.ohlcv4j.exchange.internal.JsonReference.Str;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutation fuzzing of the three venue parsers against a slow reference ({@link
 * JsonReference}): bodies written in each venue's documented format, then mutated a few thousand
 * times each (byte flips, deletions, insertions, truncation, duplicated spans, mangled numbers,
 * runs of white space, deep nesting, escaped and repeated keys). For every body the parser gives
 * exactly the reference's candles (bit for bit, correctly rounded) and envelope, or — exactly when
 * the reference refuses the body — a typed {@link OhlcvException}; never another exception, never a
 * value of its own, never a hang.
 *
 * <p>A failure names the parser, the case and the body, so it can be replayed: the seeds are fixed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParserFuzzTest {

  static final int CASES = 3000;

  private static final Symbol SYMBOL = Symbol.parse("X:Y");

  /** What a parser or the reference made of a body. */
  record Outcome(String envelope, CandleSeries series) {}

  interface Parser {
    Outcome parse(byte[] body);
  }

  interface Reference {
    Outcome parse(byte[] body) throws Refused;
  }

  private static CandleSeries.Builder builder() {
    return CandleSeries.builder(SYMBOL, Interval.M1).expectedSize(8);
  }

  // ---- Bybit ----

  @Test
  void bybit() {
    fuzz(
        "bybit",
        20260101L,
        ParserFuzzTest::bybitBody,
        body -> {
          CandleSeries.Builder b = builder();
          BybitKlines.Result r = BybitKlines.parse(new JsonBytes(body, body.length, "t", "w"), b);
          return new Outcome(r.retCode() + "/" + r.hasList(), b.build());
        },
        body -> {
          Node root = JsonReference.parse(body);
          if (!(root instanceof Obj o)) {
            throw new Refused("not an object");
          }
          Node code = o.one("retCode");
          long retCode = code == null ? BybitKlines.NO_CODE : JsonReference.toWhole(code);
          Node result = o.one("result");
          CandleSeries.Builder b = builder();
          boolean list = false;
          if (result instanceof Obj ro) {
            Node l = ro.one("list");
            if (l instanceof Arr rows) {
              list = true;
              for (Node row : rows.items()) {
                if (!(row instanceof Arr cells) || cells.items().size() < 7) {
                  throw new Refused("a row of fewer than 7 cells");
                }
                List<Node> c = cells.items();
                long t = JsonReference.toWhole(c.get(0));
                double[] v = new double[6];
                for (int k = 0; k < 6; k++) {
                  v[k] = JsonReference.toDouble(c.get(k + 1));
                }
                add(b, t, v[0], v[1], v[2], v[3], v[4]);
                extra(b, ExtraColumn.QUOTE_VOLUME, v[5]);
              }
            }
          }
          return new Outcome(retCode + "/" + list, build(b));
        });
  }

  static String bybitBody(Random r) {
    StringBuilder s = new StringBuilder("{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{");
    s.append("\"symbol\":\"BTCUSDT\",\"category\":\"linear\",\"list\":[");
    int rows = r.nextInt(6);
    long t = 1_700_000_000_000L + 60_000L * rows;
    for (int i = 0; i < rows; i++) {
      t -= 60_000L;
      double[] p = prices(r);
      s.append(i == 0 ? "" : ",").append("[\"").append(t).append('"');
      for (double v : p) {
        s.append(",\"").append(decimal(r, v)).append('"');
      }
      s.append(",\"").append(decimal(r, p[4] * p[3])).append("\"]");
    }
    s.append("]},\"retExtInfo\":{},\"time\":").append(t + 1234).append('}');
    return s.toString();
  }

  // ---- Binance ----

  @Test
  void binance() {
    fuzz(
        "binance",
        20260202L,
        ParserFuzzTest::binanceBody,
        body -> {
          CandleSeries.Builder b = builder();
          int rows = BinanceKlines.parse(new JsonBytes(body, body.length, "t", "w"), b);
          return new Outcome(Integer.toString(rows), b.build());
        },
        body -> {
          Node root = JsonReference.parse(body);
          if (!(root instanceof Arr rows)) {
            throw new Refused("not an array");
          }
          CandleSeries.Builder b = builder();
          for (Node row : rows.items()) {
            if (!(row instanceof Arr cells) || cells.items().size() < 11) {
              throw new Refused("a row of fewer than 11 cells");
            }
            List<Node> c = cells.items();
            long t = JsonReference.toWhole(c.get(0));
            double[] v = new double[5];
            for (int k = 0; k < 5; k++) {
              v[k] = JsonReference.toDouble(c.get(k + 1));
            }
            long closeTime = JsonReference.toWhole(c.get(6));
            double quote = JsonReference.toDouble(c.get(7));
            long trades = JsonReference.toWhole(c.get(8));
            double takerBase = JsonReference.toDouble(c.get(9));
            double takerQuote = JsonReference.toDouble(c.get(10));
            add(b, t, v[0], v[1], v[2], v[3], v[4]);
            extra(b, ExtraColumn.CLOSE_TIME, closeTime);
            extra(b, ExtraColumn.QUOTE_VOLUME, quote);
            extra(b, ExtraColumn.TRADE_COUNT, trades);
            extra(b, ExtraColumn.TAKER_BUY_VOLUME, takerBase);
            extra(b, ExtraColumn.TAKER_BUY_QUOTE_VOLUME, takerQuote);
          }
          return new Outcome(Integer.toString(rows.items().size()), build(b));
        });
  }

  static String binanceBody(Random r) {
    StringBuilder s = new StringBuilder("[");
    int rows = r.nextInt(6);
    long t = 1_700_000_000_000L;
    for (int i = 0; i < rows; i++) {
      double[] p = prices(r);
      s.append(i == 0 ? "" : ",").append(r.nextBoolean() ? "\n  " : "").append('[').append(t);
      for (double v : p) {
        s.append(",\"").append(decimal(r, v)).append('"');
      }
      s.append(',').append(t + 59_999).append(",\"").append(decimal(r, p[4] * p[3])).append('"');
      s.append(',').append(r.nextInt(5000));
      s.append(",\"").append(decimal(r, p[4] / 2)).append("\",\"");
      s.append(decimal(r, p[4] * p[3] / 2)).append("\",\"0\"]");
      t += 60_000L;
    }
    return s.append(']').toString();
  }

  // ---- Polygon ----

  @Test
  void polygon() {
    fuzz(
        "polygon",
        20260303L,
        ParserFuzzTest::polygonBody,
        body -> {
          CandleSeries.Builder b = builder();
          PolygonAggs.Result r = PolygonAggs.parse(body, body.length, b, "t", "w");
          return new Outcome(
              r.status() + "/" + r.nextUrl() + "/" + r.rows() + "/" + r.text(), b.build());
        },
        body -> {
          Node root = JsonReference.parse(body);
          if (!(root instanceof Obj o)) {
            throw new Refused("not an object");
          }
          Node results = o.one("results");
          Node next = o.one("next_url");
          Node status = o.one("status");
          Node error = o.one("error");
          Node message = o.one("message");
          CandleSeries.Builder b = builder();
          int rows = 0;
          if (results != null && !isNull(results)) {
            if (!(results instanceof Arr bars)) {
              throw new Refused("results is neither an array nor null");
            }
            String[] names = {"t", "o", "h", "l", "c", "v", "vw", "n"};
            for (Node bar : bars.items()) {
              if (!(bar instanceof Obj f)) {
                throw new Refused("a bar that is not an object");
              }
              Node[] v = new Node[names.length];
              for (int k = 0; k < names.length; k++) {
                Node x = f.one(names[k]);
                v[k] = x == null || isNull(x) ? null : x;
              }
              for (int k = 0; k < 6; k++) {
                if (v[k] == null) {
                  throw new Refused("a bar without " + names[k]);
                }
              }
              long t = JsonReference.toWhole(v[0]);
              double[] d = new double[8];
              for (int k = 1; k < 8; k++) {
                d[k] = v[k] == null ? Double.NaN : JsonReference.toDouble(v[k]);
              }
              add(b, t, d[1], d[2], d[3], d[4], d[5]);
              if (v[6] != null) {
                extra(b, ExtraColumn.VWAP, d[6]);
              }
              if (v[7] != null) {
                extra(b, ExtraColumn.TRADE_COUNT, d[7]);
              }
              rows++;
            }
          }
          String text =
              error instanceof Str e ? e.value() : message instanceof Str m ? m.value() : "";
          return new Outcome(
              (status instanceof Str s ? s.value() : "")
                  + "/"
                  + (next instanceof Str n ? n.value() : null)
                  + "/"
                  + rows
                  + "/"
                  + text,
              build(b));
        });
  }

  static String polygonBody(Random r) {
    StringBuilder s = new StringBuilder("{\"ticker\":\"X:BTCUSD\",\"queryCount\":3,");
    s.append("\"adjusted\":true,\"results\":[");
    int rows = r.nextInt(6);
    long t = 1_714_521_600_000L;
    for (int i = 0; i < rows; i++) {
      double[] p = prices(r);
      s.append(i == 0 ? "" : ",").append("{\"v\":").append(decimal(r, p[4]));
      s.append(",\"vw\":").append(decimal(r, (p[1] + p[2]) / 2));
      s.append(",\"o\":").append(decimal(r, p[0])).append(",\"c\":").append(decimal(r, p[3]));
      s.append(",\"h\":").append(decimal(r, p[1])).append(",\"l\":").append(decimal(r, p[2]));
      s.append(",\"t\":").append(t).append(",\"n\":").append(r.nextInt(900)).append('}');
      t += 60_000L;
    }
    s.append("],\"status\":\"OK\",\"request_id\":\"6a7e466379af0a71039d60cc78e72282\"");
    if (r.nextBoolean()) {
      s.append(",\"next_url\":\"https://api.polygon.io/v2/aggs/ticker/X:BTCUSD/range/1/minute/")
          .append(t)
          .append("/1714607999999?cursor=bGltaXQ9NTAwMDA\\u0026sort=asc\"");
    }
    if (r.nextInt(4) == 0) {
      s.append(",\"message\":\"delayed \\\"data\\\"\"");
    }
    return s.append('}').toString();
  }

  // ---- the loop ----

  private static void fuzz(
      String name,
      long seed,
      java.util.function.Function<Random, String> valid,
      Parser parser,
      Reference reference) {
    Random r = new Random(seed);
    int accepted = 0;
    int refused = 0;
    long started = System.nanoTime();
    for (int i = 0; i < CASES; i++) {
      byte[] body = valid.apply(r).getBytes(StandardCharsets.UTF_8);
      if (i % 50 != 0) { // every 50th case checks an unmutated body
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
          body = mutate(r, body);
        }
      }
      Outcome expected;
      String why = null;
      try {
        expected = reference.parse(body);
      } catch (Refused e) {
        expected = null;
        why = e.getMessage();
      } catch (DataFormatException e) {
        expected = null; // the builder refused a row (high below low, ...)
        why = e.getMessage();
      }
      long t0 = System.nanoTime();
      Outcome actual = null;
      Throwable thrown = null;
      try {
        actual = parser.parse(body);
      } catch (Throwable e) {
        thrown = e;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      byte[] shown = body;
      int index = i;
      Supplier<String> where =
          () -> name + " case " + index + " (seed " + seed + "), body " + show(shown);
      if (ms > 2000) {
        fail(where.get() + ": took " + ms + " ms");
      }
      if (thrown != null && !(thrown instanceof OhlcvException)) {
        throw new AssertionError(where.get() + ": threw an untyped " + thrown, thrown);
      }
      if (expected == null) {
        if (thrown == null) {
          fail(
              where.get() + ": accepted a body the format refuses (" + why + "), giving " + actual);
        }
        refused++;
      } else {
        if (thrown != null) {
          throw new AssertionError(
              where.get() + ": refused a body the format allows, which gives " + expected, thrown);
        }
        assertEquals(expected.envelope(), actual.envelope(), where);
        assertSame(expected.series(), actual.series(), where);
        accepted++;
      }
    }
    long took = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        Locale.ROOT,
        "%s: %d bodies, %d parsed as the reference does, %d refused as it does, %d ms%n",
        name,
        CASES,
        accepted,
        refused,
        took);
    assertTrue(accepted >= CASES / 10, name + ": too few valid bodies to compare: " + accepted);
    assertTrue(refused >= CASES / 10, name + ": too few refused bodies: " + refused);
  }

  private static void assertSame(CandleSeries e, CandleSeries a, Supplier<String> where) {
    assertEquals(e.size(), a.size(), where);
    assertTrue(Arrays.equals(e.openTimes(), a.openTimes()), where);
    double[][] ec = {e.opens(), e.highs(), e.lows(), e.closes(), e.volumes()};
    double[][] ac = {a.opens(), a.highs(), a.lows(), a.closes(), a.volumes()};
    for (int k = 0; k < ec.length; k++) {
      bits(ec[k], ac[k], where);
    }
    assertEquals(e.extraColumns(), a.extraColumns(), where);
    for (ExtraColumn c : e.extraColumns()) {
      bits(e.extras(c), a.extras(c), () -> where.get() + " " + c);
    }
    for (int i = 0; i < e.size(); i++) {
      assertEquals(e.flags(i), a.flags(i), where);
    }
  }

  private static void bits(double[] e, double[] a, Supplier<String> where) {
    assertEquals(e.length, a.length, where);
    for (int i = 0; i < e.length; i++) {
      if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
        fail(
            where.get()
                + ": value "
                + i
                + " is "
                + a[i]
                + ", the correctly rounded value is "
                + e[i]);
      }
    }
  }

  // ---- the reference's rows go through the same builder ----

  private static void add(
      CandleSeries.Builder b, long t, double o, double h, double l, double c, double v) {
    b.add(t, o, h, l, c, v);
  }

  private static void extra(CandleSeries.Builder b, ExtraColumn column, double value) {
    b.extra(column, value);
  }

  private static CandleSeries build(CandleSeries.Builder b) {
    return b.build();
  }

  private static boolean isNull(Node n) {
    return n instanceof Lit l && l.word().equals("null");
  }

  // ---- valid bodies ----

  /** Open, high, low, close, volume of a valid candle. */
  private static double[] prices(Random r) {
    double open = 1 + r.nextInt(90_000) + r.nextInt(100) / 100.0;
    double close = open * (0.98 + r.nextDouble() * 0.04);
    double high = Math.max(open, close) * (1 + r.nextDouble() * 0.01);
    double low = Math.min(open, close) * (1 - r.nextDouble() * 0.01);
    double volume = r.nextInt(4) == 0 ? 0 : r.nextDouble() * 1000;
    return new double[] {open, high, low, close, volume};
  }

  /** A decimal text for {@code v} in one of the shapes venues send. */
  private static String decimal(Random r, double v) {
    switch (r.nextInt(6)) {
      case 0:
        return String.format(Locale.ROOT, "%.8f", v);
      case 1:
        return String.format(Locale.ROOT, "%.2f", v);
      case 2:
        return Double.toString(v); // shortest repr, sometimes with an exponent
      case 3:
        return String.format(Locale.ROOT, "%.6e", v);
      case 4:
        return new java.math.BigDecimal(v).toPlainString(); // every digit of the double
      default:
        return Long.toString(Math.round(v));
    }
  }

  // ---- mutations ----

  private static final byte[] STRUCTURE =
      "{}[]\",:\\ \t\n0123456789.-+eEtrufalsn/u".getBytes(StandardCharsets.US_ASCII);

  private static final String[] NUMBERS = {
    "-0",
    "0",
    "00",
    "01",
    "1.",
    ".5",
    "-.5",
    "+1",
    "1e",
    "1e+",
    "1E-7",
    "1e400",
    "-1e400",
    "1e-400",
    "4.9e-324",
    "2.4703282292062328e-324",
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "1.797693134862315807e308",
    "9007199254740993",
    "123456789012345678901234567890",
    "0.1000000000000000055511151231257827",
    "1672531200000.0",
    "1.6725312E12",
    "1672531200000.0000000000000000001",
    "999999999999999999",
    "1000000000000000000",
    "-999999999999999999",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "1_000",
    "1,5",
    "1e99999999999999999999",
    "0e99999999999999999999",
    "0.0000000000000000000000000000000000001e37",
    "2.2250738585072011e-308",
    "1e-1",
    "100000000000000000000000e-23"
  };

  static byte[] mutate(Random r, byte[] b) {
    int n = b.length;
    int at = n == 0 ? 0 : r.nextInt(n + 1);
    switch (r.nextInt(13)) {
      case 0: // flip a bit
        if (n > 0) {
          byte[] c = b.clone();
          int p = r.nextInt(n);
          c[p] ^= (byte) (1 << r.nextInt(8));
          return c;
        }
        return b;
      case 1: // delete a span
        {
          int len = Math.min(n - Math.min(at, n), 1 + r.nextInt(r.nextBoolean() ? 2 : 20));
          return splice(b, at, len, new byte[0]);
        }
      case 2: // insert a byte
        {
          byte x =
              r.nextInt(4) == 0 ? (byte) r.nextInt(256) : STRUCTURE[r.nextInt(STRUCTURE.length)];
          return splice(b, at, 0, new byte[] {x});
        }
      case 3: // truncate
        return Arrays.copyOf(b, at);
      case 4: // duplicate a span
        {
          int len = Math.min(n - Math.min(at, n), 1 + r.nextInt(60));
          byte[] span = Arrays.copyOfRange(b, at, at + len);
          return splice(b, r.nextBoolean() ? at : r.nextInt(n + 1), 0, span);
        }
      case 5: // mangle a number
      case 6:
        return mangleNumber(r, b);
      case 7: // a run of white space
        {
          int len = r.nextInt(4) == 0 ? 1 + r.nextInt(20_000) : 1 + r.nextInt(40);
          byte[] ws = new byte[len];
          byte[] kinds = {' ', '\t', '\n', '\r'};
          for (int k = 0; k < len; k++) {
            ws[k] = kinds[r.nextInt(r.nextInt(8) == 0 ? 4 : 1)];
          }
          return splice(b, tokenBoundary(r, b), 0, ws);
        }
      case 8: // nest a value
        {
          int depth = r.nextBoolean() ? 1 + r.nextInt(6) : 500 + r.nextInt(30);
          int p = tokenBoundary(r, b);
          String open = r.nextBoolean() ? "[" : "{\"k\":";
          String close = open.equals("[") ? "]" : "}";
          byte[] nested =
              (open.repeat(depth) + (r.nextBoolean() ? "1" : "\"x\"") + close.repeat(depth) + ",")
                  .getBytes(StandardCharsets.US_ASCII);
          return splice(b, p, 0, nested);
        }
      case 9: // escape a key or a value
        return escape(r, b);
      case 10: // repeat a key-value pair
        return repeatMember(r, b);
      case 11: // a long string
        {
          int p = indexAfter(r, b, (byte) '"');
          if (p < 0) {
            return b;
          }
          byte[] s = new byte[1 + r.nextInt(5000)];
          Arrays.fill(s, (byte) ('a' + r.nextInt(26)));
          return splice(b, p, 0, s);
        }
      default: // replace a byte by a structural one
        if (n > 0) {
          byte[] c = b.clone();
          c[r.nextInt(n)] = STRUCTURE[r.nextInt(STRUCTURE.length)];
          return c;
        }
        return b;
    }
  }

  private static byte[] mangleNumber(Random r, byte[] b) {
    List<int[]> spans = new ArrayList<>();
    for (int i = 0; i < b.length; ) {
      if ((b[i] >= '0' && b[i] <= '9') || b[i] == '-') {
        int s = i;
        while (i < b.length && "0123456789.eE+-".indexOf(b[i]) >= 0) {
          i++;
        }
        spans.add(new int[] {s, i});
      } else {
        i++;
      }
    }
    if (spans.isEmpty()) {
      return b;
    }
    int[] span = spans.get(r.nextInt(spans.size()));
    String replacement;
    switch (r.nextInt(4)) {
      case 0:
        replacement = NUMBERS[r.nextInt(NUMBERS.length)];
        break;
      case 1: // many digits
        replacement = "1" + "0".repeat(r.nextInt(400)) + (r.nextBoolean() ? "" : ".5");
        break;
      case 2: // a long fraction
        replacement = "0." + "0".repeat(r.nextInt(400)) + (1 + r.nextInt(9)) + "e" + r.nextInt(500);
        break;
      default: // huge exponent or digits
        replacement = (1 + r.nextInt(9)) + "e" + (r.nextBoolean() ? "-" : "") + r.nextInt(1000);
        break;
    }
    return splice(b, span[0], span[1] - span[0], replacement.getBytes(StandardCharsets.US_ASCII));
  }

  /** Writes one character of a string in the body as a {@code \\uXXXX} escape. */
  private static byte[] escape(Random r, byte[] b) {
    int p = indexAfter(r, b, (byte) '"');
    if (p < 0 || p >= b.length || b[p] < 0x20 || b[p] == '"' || b[p] == '\\' || b[p] < 0) {
      return b;
    }
    String esc = String.format(Locale.ROOT, "\\u%04x", (int) b[p]);
    return splice(b, p, 1, esc.getBytes(StandardCharsets.US_ASCII));
  }

  /** Copies a {@code "key":value} up to the next comma right after that comma. */
  private static byte[] repeatMember(Random r, byte[] b) {
    int p = indexAfter(r, b, (byte) '"');
    if (p < 1) {
      return b;
    }
    int start = p - 1;
    int comma = start;
    while (comma < b.length && b[comma] != ',' && b[comma] != '}') {
      comma++;
    }
    if (comma >= b.length) {
      return b;
    }
    byte[] member = Arrays.copyOfRange(b, start, comma);
    byte[] sep = {','};
    byte[] out = splice(b, comma, 0, sep);
    return splice(out, comma + 1, 0, member);
  }

  /** The offset just after a random occurrence of {@code c}, or -1. */
  private static int indexAfter(Random r, byte[] b, byte c) {
    int count = 0;
    for (byte x : b) {
      if (x == c) {
        count++;
      }
    }
    if (count == 0) {
      return -1;
    }
    int k = r.nextInt(count);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == c && k-- == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  /** An offset next to a structural character, where white space or a value may go. */
  private static int tokenBoundary(Random r, byte[] b) {
    for (int tries = 0; tries < 20 && b.length > 0; tries++) {
      int p = r.nextInt(b.length);
      if ("{}[],:".indexOf(b[p]) >= 0) {
        return r.nextBoolean() ? p : p + 1;
      }
    }
    return r.nextInt(b.length + 1);
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
    out.write(b, 0, at);
    out.write(insert, 0, insert.length);
    out.write(b, at + remove, b.length - at - remove);
    return out.toByteArray();
  }

  private static String show(byte[] b) {
    StringBuilder s = new StringBuilder();
    int n = Math.min(b.length, 2000);
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        s.append((char) c);
      } else {
        s.append(String.format(Locale.ROOT, "\\x%02x", c));
      }
    }
    return "(" + b.length + " bytes) \"" + s + (b.length > n ? "…" : "") + "\"";
  }

  @Test
  void theValidBodiesParse() {
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      byte[] by = bybitBody(r).getBytes(StandardCharsets.UTF_8);
      assertEquals(
          0, BybitKlines.parse(new JsonBytes(by, by.length, "t", "w"), builder()).retCode());
      byte[] bi = binanceBody(r).getBytes(StandardCharsets.UTF_8);
      BinanceKlines.parse(new JsonBytes(bi, bi.length, "t", "w"), builder());
      byte[] po = polygonBody(r).getBytes(StandardCharsets.UTF_8);
      assertEquals("OK", PolygonAggs.parse(po, po.length, builder(), "t", "w").status());
    }
  }
}
