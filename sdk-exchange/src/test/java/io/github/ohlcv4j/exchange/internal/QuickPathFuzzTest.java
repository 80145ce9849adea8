package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quick path of the WebSocket readers ({@link TextScan}) against their strict path ({@link
 * JsonBytes}), on kline pushes written in each venue's documented format (keys in any order, extra
 * keys, several rows, numbers of every length) and on seeded mutations of them (characters changed,
 * inserted, deleted, spans repeated, cut short, characters beyond Latin-1 whose low byte is a quote
 * or a backslash): whatever the quick path accepts, the strict path accepts and reads to the same
 * values, bit for bit; and a well-formed push of the usual shape does take the quick path.
 */
class QuickPathFuzzTest {

  private static final String NOISE = "{}[]\",:0123456789.-+eEtrufalsn \\\t\u00e9\u0122\u015c";

  /** One venue's reader, seen from the test: its two paths and what it read. */
  record Reader(
      java.util.function.Predicate<String> quick,
      java.util.function.Consumer<String> strict,
      java.util.function.Supplier<String> read) {}

  @Test
  void bybitQuickPathReadsWhatTheStrictPathReads() {
    check(
        "bybit",
        QuickPathFuzzTest::bybitFrame,
        () -> {
          BybitPushes p = new BybitPushes();
          return new Reader(p::readQuick, t -> p.readStrict(t, "t"), () -> describe(p));
        });
  }

  @Test
  void binanceQuickPathReadsWhatTheStrictPathReads() {
    check(
        "binance",
        QuickPathFuzzTest::binanceFrame,
        () -> {
          BinancePushes p = new BinancePushes();
          return new Reader(p::readQuick, t -> p.readStrict(t, "t"), () -> describe(p));
        });
  }

  /**
   * Whatever the quick path accepts of a generated push or a mutation of it, the strict path
   * accepts and reads to the same values; every plain generated push takes the quick path.
   */
  private static void check(
      String venue,
      java.util.function.Function<Random, String> frames,
      java.util.function.Supplier<Reader> readers) {
    int[] quick = new int[2];
    PropertyCheck.of(venue + " quick path against the strict path", 3000)
        .forAll(
            (r, size) -> {
              String frame = frames.apply(r);
              return new Case(
                  frame, r.nextInt(3) == 0 ? frame : mutate(r, frame, size), plain(frame));
            },
            c -> {
              Reader q = readers.get();
              boolean took = q.quick().test(c.text);
              boolean original = c.text.equals(c.original);
              if (original && c.plain && !took) {
                fail("a plain push did not take the quick path: " + c.text);
              }
              if (!took) {
                return;
              }
              quick[original ? 0 : 1]++;
              Reader s = readers.get();
              try {
                s.strict().accept(c.text);
              } catch (DataFormatException e) {
                fail("the quick path accepted what the strict path refuses: " + e.getMessage());
              }
              assertEquals(s.read().get(), q.read().get(), c.text);
            });
    assertTrue(quick[0] > 500, "plain pushes on the quick path: " + quick[0]);
  }

  @Test
  void aReaderMovesBetweenThePathsWithNothingLeftOver() {
    BybitPushes p = new BybitPushes();
    Random r = new Random(7);
    for (int i = 0; i < 500; i++) {
      String frame = r.nextInt(4) == 0 ? bybitFrame(r).replace(",", ", ") : bybitFrame(r);
      BybitPushes fresh = new BybitPushes();
      fresh.readStrict(frame, "t");
      p.read(frame, "t");
      assertEquals(describe(fresh), describe(p), frame);
    }
    BinancePushes b = new BinancePushes();
    for (int i = 0; i < 500; i++) {
      String frame = r.nextInt(4) == 0 ? binanceFrame(r).replace(":", " : ") : binanceFrame(r);
      BinancePushes fresh = new BinancePushes();
      fresh.readStrict(frame, "t");
      b.read(frame, "t");
      assertEquals(describe(fresh), describe(b), frame);
    }
  }

  record Case(String original, String text, boolean plain) {}

  // ------------------------------------------------------------------ frames

  static String bybitFrame(Random r) {
    List<String> top = new ArrayList<>();
    top.add(
        "\"topic\":\"kline."
            + pick(r, "1", "5", "60", "D")
            + "."
            + pick(r, "BTCUSDT", "ETHUSDT", "1000PEPEUSDT")
            + "\"");
    StringBuilder data = new StringBuilder("\"data\":[");
    int rows = 1 + (r.nextInt(5) == 0 ? r.nextInt(3) : 0);
    for (int i = 0; i < rows; i++) {
      if (i > 0) {
        data.append(',');
      }
      List<String> row = new ArrayList<>();
      long start = 1_767_225_600_000L + 60_000L * r.nextInt(1000);
      row.add("\"start\":" + start);
      row.add("\"end\":" + (start + 59_999));
      row.add("\"interval\":\"1\"");
      row.add("\"open\":\"" + decimal(r) + "\"");
      row.add("\"close\":\"" + decimal(r) + "\"");
      row.add("\"high\":\"" + decimal(r) + "\"");
      row.add("\"low\":\"" + decimal(r) + "\"");
      row.add("\"volume\":\"" + decimal(r) + "\"");
      row.add("\"turnover\":\"" + decimal(r) + "\"");
      row.add("\"confirm\":" + r.nextBoolean());
      if (r.nextBoolean()) {
        row.add("\"timestamp\":" + (start + r.nextInt(60_000)));
      }
      if (r.nextInt(4) == 0) {
        Collections.shuffle(row, r);
      }
      data.append('{').append(String.join(",", row)).append('}');
    }
    top.add(data.append(']').toString());
    top.add("\"ts\":" + (1_767_225_600_000L + r.nextInt(1_000_000)));
    top.add("\"type\":\"" + pick(r, "snapshot", "delta") + "\"");
    if (r.nextInt(4) == 0) {
      Collections.shuffle(top, r);
    }
    return "{" + String.join(",", top) + "}";
  }

  static String binanceFrame(Random r) {
    String symbol = pick(r, "BTCUSDT", "ETHUSDT", "BNBBTC");
    List<String> k = new ArrayList<>();
    long t = 1_767_225_600_000L + 60_000L * r.nextInt(1000);
    k.add("\"t\":" + t);
    k.add("\"T\":" + (t + 59_999));
    k.add("\"s\":\"" + symbol + "\"");
    k.add("\"i\":\"" + pick(r, "1m", "5m", "1h") + "\"");
    k.add("\"f\":" + r.nextInt(Integer.MAX_VALUE));
    k.add("\"L\":" + r.nextInt(Integer.MAX_VALUE));
    k.add("\"o\":\"" + decimal(r) + "\"");
    k.add("\"c\":\"" + decimal(r) + "\"");
    k.add("\"h\":\"" + decimal(r) + "\"");
    k.add("\"l\":\"" + decimal(r) + "\"");
    k.add("\"v\":\"" + decimal(r) + "\"");
    k.add("\"n\":" + r.nextInt(100_000));
    k.add("\"x\":" + r.nextBoolean());
    k.add("\"q\":\"" + decimal(r) + "\"");
    k.add("\"V\":\"" + decimal(r) + "\"");
    k.add("\"Q\":\"" + decimal(r) + "\"");
    k.add("\"B\":\"0\"");
    if (r.nextInt(4) == 0) {
      Collections.shuffle(k, r);
    }
    List<String> top = new ArrayList<>();
    top.add("\"e\":\"kline\"");
    top.add("\"E\":" + (t + r.nextInt(60_000)));
    if (r.nextInt(5) > 0) {
      top.add("\"s\":\"" + symbol + "\"");
    }
    top.add("\"k\":{" + String.join(",", k) + "}");
    if (r.nextInt(4) == 0) {
      Collections.shuffle(top, r);
    }
    return "{" + String.join(",", top) + "}";
  }

  /** Whether a frame is of the usual shape: no white space, no decimal of over 15 digits. */
  private static boolean plain(String frame) {
    if (frame.contains(" ")) {
      return false;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([0-9.]+)\"").matcher(frame);
    while (m.find()) {
      if (m.group(1).replace(".", "").length() > 15) {
        return false;
      }
    }
    return true;
  }

  /** A decimal as venues write them, sometimes longer than the quick path reads. */
  private static String decimal(Random r) {
    int whole = r.nextInt(8);
    StringBuilder b = new StringBuilder();
    b.append(whole == 0 ? "0" : Long.toString(1 + (long) (r.nextDouble() * Math.pow(10, whole))));
    int fraction = r.nextInt(r.nextInt(10) == 0 ? 16 : 9);
    if (fraction > 0) {
      b.append('.');
      for (int i = 0; i < fraction; i++) {
        b.append((char) ('0' + r.nextInt(10)));
      }
    }
    return b.toString();
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  static String mutate(Random r, String frame, int size) {
    StringBuilder b = new StringBuilder(frame);
    int edits = 1 + r.nextInt(1 + size / 25);
    for (int e = 0; e < edits && b.length() > 0; e++) {
      int at = r.nextInt(b.length());
      switch (r.nextInt(8)) {
        case 6, 7 -> {
          // at the start or the end of a number: what JSON's grammar allows only in some places
          int d = b.indexOf("\"", at);
          while (d >= 0 && d + 1 < b.length() && !Character.isDigit(b.charAt(d + 1))) {
            d = b.indexOf("\"", d + 1);
          }
          if (d < 0 || d + 1 >= b.length()) {
            d = at;
          }
          int end = d + 1;
          while (end < b.length() && (Character.isDigit(b.charAt(end)) || b.charAt(end) == '.')) {
            end++;
          }
          String edge = pick(r, "0", "00", "-", "-0", ".", "e", "E1", "+", " ", "1");
          b.insert(r.nextBoolean() ? d + 1 : end, edge);
        }
        case 0 -> b.setCharAt(at, NOISE.charAt(r.nextInt(NOISE.length())));
        case 1 -> b.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
        case 2 -> b.deleteCharAt(at);
        case 3 -> {
          int to = Math.min(b.length(), at + 1 + r.nextInt(30));
          b.insert(at, b.substring(at, to));
        }
        case 4 -> b.setLength(at);
        default -> {
          // a digit in a number swapped for another
          if (Character.isDigit(b.charAt(at))) {
            b.setCharAt(at, (char) ('0' + r.nextInt(10)));
          }
        }
      }
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ what a reader read

  static String describe(BybitPushes p) {
    StringBuilder b = new StringBuilder();
    b.append(p.topic).append('|').append(p.ts).append('|').append(p.success).append('|');
    b.append(p.retMsg).append('|').append(p.op).append('|').append(p.reqId).append('|');
    b.append(p.rows);
    for (int i = 0; i < p.rows; i++) {
      b.append("|[").append(p.start[i]).append(',').append(bits(p.open[i])).append(',');
      b.append(bits(p.high[i])).append(',').append(bits(p.low[i])).append(',');
      b.append(bits(p.close[i])).append(',').append(bits(p.volume[i])).append(',');
      b.append(p.confirm[i]).append(',').append(p.timestamp[i]).append(']');
    }
    return b.toString();
  }

  static String describe(BinancePushes p) {
    StringBuilder b = new StringBuilder();
    b.append(p.stream).append('|').append(p.event).append('|').append(p.eventTime).append('|');
    b.append(p.kline).append('|').append(p.answer).append('|').append(p.id).append('|');
    b.append(p.error).append('|').append(p.code).append('|').append(p.msg);
    if (p.kline) {
      b.append('|').append(p.symbol).append('|').append(p.interval).append('|');
      b.append(p.openTime).append(',').append(bits(p.open)).append(',').append(bits(p.high));
      b.append(',').append(bits(p.low)).append(',').append(bits(p.close)).append(',');
      b.append(bits(p.volume)).append(',').append(p.closed).append('|').append(p.topic());
    }
    return b.toString();
  }

  private static String bits(double v) {
    return v + "/" + Long.toHexString(Double.doubleToRawLongBits(v));
  }
}
