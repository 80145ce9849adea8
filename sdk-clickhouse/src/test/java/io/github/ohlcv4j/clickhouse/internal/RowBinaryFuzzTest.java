package io.github.ohlcv4j.clickhouse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.internal.RowLayout.TimeKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the RowBinary reader: bodies written by the test in every row layout
 * the source reads are cut short, have bytes flipped, get a server error appended (both formats), a
 * giant string length inserted or a span duplicated, and are read in random chunk sizes. Each
 * result is compared with a slow reference decoder written from the format: the same candles, or a
 * typed error where the reference finds the body invalid — never another exception, never another
 * value.
 */
class RowBinaryFuzzTest {

  static final long SEED = 0x0_4C_C4_F0_22L;
  static final int MUTATIONS = 3000;

  static final long T0 = LocalDate.of(2024, 3, 1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();

  static final String[] ERRORS = {
    "Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded: would use 9.3"
        + " GiB, e.what() = DB::Exception\n",
    "Code: 396. DB::Exception: Limit for result exceeded, max rows: 100.00 thousand."
        + " (TOO_MANY_ROWS_OR_BYTES) (version 24.3.1.2672 (official build))\n",
    "Code: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 1.0 seconds",
  };

  /** One body shape the source reads. */
  record Shape(
      String name, RowLayout layout, List<String> symbols, ZoneId zone, Interval interval) {}

  static final List<Shape> SHAPES =
      List.of(
          new Shape(
              "stored DateTime",
              new RowLayout(false, TimeKind.SECONDS, false),
              List.of("BINANCE:BTCUSDT"),
              ZoneOffset.UTC,
              Interval.M1),
          new Shape(
              "stored DateTime64",
              new RowLayout(false, TimeKind.MILLIS, false),
              List.of("BTCUSDT"),
              ZoneOffset.UTC,
              Interval.M1),
          new Shape(
              "stored, three symbols",
              new RowLayout(true, TimeKind.SECONDS, false),
              List.of("ETH", "BYBIT:SOLUSDT.P-LONG-NAME", "€/₿ 日本"),
              ZoneOffset.UTC,
              Interval.M1),
          new Shape(
              "fixed buckets (seconds)",
              new RowLayout(false, TimeKind.KEY_SECONDS, true),
              List.of("AAPL"),
              ZoneOffset.UTC,
              Interval.H1),
          new Shape(
              "fixed buckets (ms), two symbols",
              new RowLayout(true, TimeKind.KEY_MILLIS, true),
              List.of("A", "BINANCE:ETHUSDT"),
              ZoneOffset.UTC,
              Interval.M5),
          new Shape(
              "days in Berlin, two symbols",
              new RowLayout(true, TimeKind.KEY_DAY, true),
              List.of("BINANCE:BTCUSDT", "X"),
              ZoneId.of("Europe/Berlin"),
              Interval.D1),
          new Shape(
              "months in New York",
              new RowLayout(false, TimeKind.KEY_MONTH, true),
              List.of("SPY"),
              ZoneId.of("America/New_York"),
              Interval.MN1));

  /** A full bucket holds this many inputs; any function will do, as both decoders use it. */
  static long full(long start) {
    return 5 + Math.floorMod(start / 1000, 7);
  }

  @Test
  void mutatedBodiesGiveTheReferencesCandlesOrATypedError() throws IOException {
    Random random = new Random(SEED);
    Map<Outcome.Kind, Integer> tally = new EnumMap<>(Outcome.Kind.class);
    for (int n = 0; n < MUTATIONS; n++) {
      Shape shape = SHAPES.get(random.nextInt(SHAPES.size()));
      // Now and then a body longer than the 64 KB the reader holds back, to stream through it.
      int rows = random.nextInt(20) == 0 ? 1400 + random.nextInt(600) : 1 + random.nextInt(300);
      byte[] body = write(shape, rows, random);
      String how = "none";
      if (n >= SHAPES.size()) { // the first few bodies are read as written
        StringBuilder h = new StringBuilder();
        int times = 1 + (random.nextInt(4) == 0 ? 1 : 0);
        for (int k = 0; k < times; k++) {
          body = mutate(body, shape, random, h);
        }
        how = h.toString();
      }
      String what = "#" + n + " " + shape.name() + " (" + rows + " rows), mutated: " + how;
      Outcome expected = reference(body, shape);
      Outcome actual = fast(body, shape, 1 + random.nextInt(random.nextInt(3) == 0 ? 64 : 70_000));
      compare(expected, actual, what);
      tally.merge(expected.kind, 1, Integer::sum);
    }
    // The mutations reach every outcome, not only one.
    for (Outcome.Kind k : Outcome.Kind.values()) {
      assertTrue(tally.getOrDefault(k, 0) > 50, "too few " + k + ": " + tally);
    }
  }

  // --------------------------------------------------------------------------- bodies

  static byte[] write(Shape shape, int rows, Random random) {
    Body b = new Body();
    int per = Math.max(1, rows / shape.symbols().size());
    for (String symbol : shape.symbols()) {
      long key = startKey(shape.layout().time());
      for (int i = 0; i < per; i++) {
        key += shape.layout().count() || random.nextInt(20) != 0 ? 1 + random.nextInt(3) : 0;
        if (shape.layout().symbol()) {
          b.string(symbol);
        }
        switch (shape.layout().time()) {
          case SECONDS -> b.u32(T0 + 60 * key);
          case MILLIS -> b.i64((T0 + 60 * key) * 1000);
          case KEY_SECONDS -> b.i64(T0 + 3600 * key);
          case KEY_MILLIS -> b.i64((T0 + 300 * key) * 1000);
          default -> b.i64(key);
        }
        double o = 100 + random.nextInt(1000) / 8.0;
        double low = o - random.nextInt(50) / 4.0;
        double high = o + random.nextInt(50) / 4.0;
        b.f64(o).f64(high).f64(low).f64(low + (high - low) / 2).f64(random.nextInt(10_000) / 3.0);
        if (shape.layout().count()) {
          b.i64(1 + random.nextInt(12));
        }
      }
    }
    return b.bytes();
  }

  static long startKey(TimeKind kind) {
    return switch (kind) {
      case KEY_DAY -> LocalDate.of(2024, 3, 1).toEpochDay();
      case KEY_MONTH -> (2024 - 1970) * 12L;
      default -> 0;
    };
  }

  static long minTime(Shape shape) {
    return T0 * 1000;
  }

  static long maxTime(Shape shape) {
    return T0 * 1000 + 1000L * 366 * 86_400_000; // the months of the longest bodies fit
  }

  static byte[] mutate(byte[] body, Shape shape, Random random, StringBuilder how) {
    int len = body.length;
    switch (random.nextInt(6)) {
      case 0:
        {
          int at = random.nextInt(len + 1);
          how.append("cut at ").append(at).append("; ");
          return Arrays.copyOf(body, at);
        }
      case 1:
        {
          byte[] b = body.clone();
          int flips = 1 + random.nextInt(4);
          how.append(flips).append(" bytes flipped; ");
          for (int i = 0; i < flips && len > 0; i++) {
            b[random.nextInt(len)] ^= (byte) (1 + random.nextInt(255));
          }
          return b;
        }
      case 2:
        {
          int at = random.nextBoolean() ? len : random.nextInt(len + 1);
          String error = ERRORS[random.nextInt(ERRORS.length)];
          how.append("error appended at ").append(at).append("; ");
          return concat(Arrays.copyOf(body, at), error.getBytes(StandardCharsets.UTF_8));
        }
      case 3:
        {
          // A string length of up to 2^35 where a row (or anything) starts.
          int at = random.nextInt(len + 1);
          byte[] varint = {
            (byte) (0x80 | random.nextInt(128)),
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) (0x80 | random.nextInt(128)),
            (byte) random.nextInt(8)
          };
          how.append("giant length at ").append(at).append("; ");
          return concat(concat(Arrays.copyOf(body, at), varint), Arrays.copyOfRange(body, at, len));
        }
      case 4:
        {
          int a = random.nextInt(len + 1);
          int b = Math.min(len, a + random.nextInt(200));
          how.append("bytes ").append(a).append("..").append(b).append(" twice; ");
          return concat(Arrays.copyOf(body, b), Arrays.copyOfRange(body, a, len));
        }
      default:
        {
          // A zero or out-of-range bucket key, or a time before the window, at a random 8 bytes.
          byte[] b = body.clone();
          if (len >= 8) {
            int at = random.nextInt(len - 7);
            long v =
                switch (random.nextInt(4)) {
                  case 0 -> Long.MAX_VALUE;
                  case 1 -> Long.MIN_VALUE;
                  case 2 -> 400_000_000_000L;
                  default -> 0;
                };
            ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
            how.append("8 bytes at ").append(at).append(" = ").append(v).append("; ");
          }
          return b;
        }
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  // --------------------------------------------------------------------------- decoders

  /** What a decoder made of a body: candles per symbol, a format error, or the server's error. */
  record Outcome(Kind kind, List<CandleSeries> series, String detail) {
    enum Kind {
      CANDLES,
      INVALID,
      SERVER_ERROR
    }

    static Outcome invalid(String why) {
      return new Outcome(Kind.INVALID, List.of(), why);
    }
  }

  static List<CandleSeries.Builder> builders(Shape shape) {
    List<CandleSeries.Builder> out = new ArrayList<>();
    for (String s : shape.symbols()) {
      out.add(CandleSeries.builder(Symbol.of(s), shape.interval()).zone(shape.zone()));
    }
    return out;
  }

  /** The reader under test, fed in chunks of at most {@code chunk} bytes. */
  static Outcome fast(byte[] body, Shape shape, int chunk) throws IOException {
    List<CandleSeries.Builder> builders = builders(shape);
    List<RowBinaryReader.Target> targets = new ArrayList<>();
    for (int i = 0; i < builders.size(); i++) {
      targets.add(new RowBinaryReader.Target(shape.symbols().get(i), builders.get(i)));
    }
    RowBinaryReader reader =
        new RowBinaryReader(
            shape.layout(),
            targets,
            shape.zone(),
            minTime(shape),
            maxTime(shape),
            shape.layout().count() ? RowBinaryFuzzTest::full : null,
            "fuzz",
            "fuzzing");
    InputStream in =
        new ByteArrayInputStream(body) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunk));
          }
        };
    try {
      reader.read(in);
    } catch (DataFormatException e) {
      return Outcome.invalid(e.getMessage());
    } catch (RowBinaryReader.TrailingServerError e) {
      OhlcvException typed =
          ServerError.toException(
              200, e.text, "fuzz", "fuzzing", "t", Credentials.of("u", null, "f"));
      assertTrue(typed.venueCode().isPresent(), typed.getMessage());
      return new Outcome(Outcome.Kind.SERVER_ERROR, List.of(), e.text);
    } catch (RuntimeException e) {
      throw new AssertionError("an untyped " + e + " from the reader", e);
    }
    List<CandleSeries> out = new ArrayList<>();
    for (CandleSeries.Builder b : builders) {
      out.add(b.build());
    }
    return new Outcome(Outcome.Kind.CANDLES, out, "");
  }

  /**
   * The reference: the whole body at once, field by field through a {@link ByteBuffer}, with the
   * rules written out plainly. A body is the server's error if it ends with an exception text; else
   * it must be whole rows of known symbols, with times inside the window, ascending per symbol
   * (strictly for buckets), and candles the builder accepts.
   */
  static Outcome reference(byte[] body, Shape shape) {
    int error = trailingError(body);
    if (error >= 0) {
      return new Outcome(Outcome.Kind.SERVER_ERROR, List.of(), "");
    }
    List<CandleSeries.Builder> builders = builders(shape);
    long[] last = new long[builders.size()];
    Arrays.fill(last, Long.MIN_VALUE);
    ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    RowLayout layout = shape.layout();
    try {
      while (in.hasRemaining()) {
        int target = 0;
        if (layout.symbol()) {
          long length = 0;
          for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
              return Outcome.invalid("varint too long");
            }
            int x = in.get() & 0xFF;
            length |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
              break;
            }
          }
          if (length < 0 || length > in.remaining()) {
            return Outcome.invalid("string longer than the body");
          }
          byte[] s = new byte[(int) length];
          in.get(s);
          target = shape.symbols().indexOf(new String(s, StandardCharsets.UTF_8));
          if (target < 0
              || !Arrays.equals(s, shape.symbols().get(target).getBytes(StandardCharsets.UTF_8))) {
            return Outcome.invalid("unknown symbol");
          }
        }
        long t;
        TimeKind kind = layout.time();
        if (kind == TimeKind.SECONDS) {
          t = (in.getInt() & 0xFFFF_FFFFL) * 1000;
        } else {
          long raw = in.getLong();
          t =
              switch (kind) {
                case MILLIS, KEY_MILLIS -> raw;
                case KEY_SECONDS -> Math.multiplyExact(raw, 1000L);
                case KEY_DAY ->
                    LocalDate.ofEpochDay(raw).atStartOfDay(shape.zone()).toInstant().toEpochMilli();
                default ->
                    LocalDate.of(1970, 1, 1)
                        .plusMonths(raw)
                        .atStartOfDay(shape.zone())
                        .toInstant()
                        .toEpochMilli();
              };
        }
        double o = in.getDouble();
        double h = in.getDouble();
        double l = in.getDouble();
        double c = in.getDouble();
        double v = in.getDouble();
        long count = layout.count() ? in.getLong() : 0;
        if (t < minTime(shape) || t >= maxTime(shape)) {
          return Outcome.invalid("outside the window");
        }
        if (t < last[target] || (layout.count() && t == last[target])) {
          return Outcome.invalid("not ascending");
        }
        last[target] = t;
        builders.get(target).add(t, o, h, l, c, v);
        if (layout.count() && count < full(t)) {
          builders.get(target).flag(CandleSeries.PARTIAL);
        }
      }
    } catch (java.nio.BufferUnderflowException e) {
      return Outcome.invalid("ends inside a row");
    } catch (DateTimeException | ArithmeticException e) {
      return Outcome.invalid("a bucket key that is no time");
    } catch (DataFormatException e) {
      return Outcome.invalid("a bad candle: " + e.getMessage());
    }
    List<CandleSeries> out = new ArrayList<>();
    for (CandleSeries.Builder b : builders) {
      out.add(b.build());
    }
    return new Outcome(Outcome.Kind.CANDLES, out, "");
  }

  /**
   * Where the server's exception text starts, if the body ends with one: the first {@code Code: N,}
   * or {@code Code: N.} from which the rest is text (no control bytes but white space) that parses
   * as an exception.
   */
  static int trailingError(byte[] body) {
    byte[] head = "Code: ".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + head.length <= body.length; i++) {
      if (!Arrays.equals(body, i, i + head.length, head, 0, head.length)) {
        continue;
      }
      boolean text = true;
      for (int k = i; k < body.length && text; k++) {
        int c = body[k] & 0xFF;
        text = c >= 0x20 && c != 0x7F || c == '\n' || c == '\r' || c == '\t';
        text &= c != 0xFF && c != 0xFE && c != 0xC0 && c != 0xC1;
      }
      if (text
          && ServerError.parse(new String(body, i, body.length - i, StandardCharsets.UTF_8))
              .isPresent()) {
        return i;
      }
    }
    return -1;
  }

  static void compare(Outcome expected, Outcome actual, String what) {
    if (expected.kind != actual.kind) {
      fail(
          what
              + ": the reference says "
              + expected.kind
              + " ("
              + expected.detail
              + "), the reader "
              + actual.kind
              + " ("
              + actual.detail
              + ")");
    }
    if (expected.kind != Outcome.Kind.CANDLES) {
      return;
    }
    assertEquals(expected.series.size(), actual.series.size(), what);
    for (int s = 0; s < expected.series.size(); s++) {
      CandleSeries e = expected.series.get(s);
      CandleSeries a = actual.series.get(s);
      assertEquals(e.size(), a.size(), what + " symbol " + s);
      for (int i = 0; i < e.size(); i++) {
        String at = what + " symbol " + s + " row " + i;
        assertEquals(e.openTimeMillis(i), a.openTimeMillis(i), at);
        assertEquals(bits(e.open(i)), bits(a.open(i)), at);
        assertEquals(bits(e.high(i)), bits(a.high(i)), at);
        assertEquals(bits(e.low(i)), bits(a.low(i)), at);
        assertEquals(bits(e.close(i)), bits(a.close(i)), at);
        assertEquals(bits(e.volume(i)), bits(a.volume(i)), at);
        assertEquals(e.flags(i), a.flags(i), at);
      }
    }
  }

  static long bits(double d) {
    return Double.doubleToRawLongBits(d);
  }

  /** Little-endian RowBinary fields. */
  static final class Body {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteBuffer eight = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    Body string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      int n = b.length;
      while (n >= 0x80) {
        out.write((n & 0x7F) | 0x80);
        n >>>= 7;
      }
      out.write(n);
      out.writeBytes(b);
      return this;
    }

    Body u32(long v) {
      eight.clear();
      eight.putInt((int) v);
      out.write(eight.array(), 0, 4);
      return this;
    }

    Body i64(long v) {
      eight.clear();
      eight.putLong(v);
      out.write(eight.array(), 0, 8);
      return this;
    }

    Body f64(double v) {
      return i64(Double.doubleToRawLongBits(v));
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
