package io.github.ohlcv4j.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.squareup.moshi.JsonReader;
import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.internal.BinanceKlines;
import io.github.ohlcv4j.exchange.internal.BybitKlines;
import io.github.ohlcv4j.exchange.internal.JsonBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import okio.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing the 1000-row Bybit and Binance kline bodies ({@link Payloads#bybitKlines()}, {@link
 * Payloads#binanceKlines()}) into a {@link CandleSeries}: the exchange module's byte scanner, as
 * its sources run it on every page, beside Jackson streaming and Moshi streaming parsers that fill
 * the same {@link CandleSeries.Builder} with the same columns (the peers), and a minimal
 * hand-written scanner into plain arrays (the ceiling: no validation, no error positions, no
 * series).
 *
 * <p>Every variant's output is checked bit for bit against {@link Payloads#rows(int)} in
 * {@code @Setup} before anything is timed: open time, open, high, low, close, volume and the extra
 * columns each venue sends (Bybit: turnover as quote volume; Binance: close time, quote volume,
 * trade count, taker buy base and quote volume). Run with {@code benchmarks/run.sh
 * KlineParseBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class KlineParseBenchmark {

  static final Symbol BYBIT_SYMBOL = Symbol.parse("BYBIT:BTCUSDT.P");
  static final Symbol BINANCE_SYMBOL = Symbol.parse("BINANCE:BTCUSDT");
  static final ExtraColumn[] BINANCE_EXTRAS = {
    ExtraColumn.CLOSE_TIME,
    ExtraColumn.QUOTE_VOLUME,
    ExtraColumn.TRADE_COUNT,
    ExtraColumn.TAKER_BUY_VOLUME,
    ExtraColumn.TAKER_BUY_QUOTE_VOLUME
  };
  private static final JsonFactory JACKSON = new JsonFactory();

  /** The two bodies, checked against their SHA-256, and every variant checked against the rows. */
  @State(Scope.Benchmark)
  public static class Bodies {
    byte[] bybit;
    byte[] binance;

    /** Loads the payloads and checks every variant's output before timing. */
    @Setup(Level.Trial)
    public void setup() {
      bybit = Payloads.bybitKlines();
      binance = Payloads.binanceKlines();
      Payloads.Rows rows = Payloads.rows(Payloads.KLINE_ROWS);
      CandleSeries bybitExpected =
          Payloads.candleSeries(rows, BYBIT_SYMBOL, ExtraColumn.QUOTE_VOLUME);
      CandleSeries binanceExpected = Payloads.candleSeries(rows, BINANCE_SYMBOL, BINANCE_EXTRAS);
      checkSame("bybitSdk", bybitExpected, bybitSdk(bybit));
      checkSame("bybitJacksonStreaming", bybitExpected, bybitJackson(bybit));
      checkSame("bybitMoshiStreaming", bybitExpected, bybitMoshi(bybit));
      checkSame("bybitHandRolled", bybitExpected, HandRolled.bybit(bybit).toSeries(BYBIT_SYMBOL));
      checkSame("binanceSdk", binanceExpected, binanceSdk(binance));
      checkSame("binanceJacksonStreaming", binanceExpected, binanceJackson(binance));
      checkSame("binanceMoshiStreaming", binanceExpected, binanceMoshi(binance));
      checkSame(
          "binanceHandRolled",
          binanceExpected,
          HandRolled.binance(binance).toSeries(BINANCE_SYMBOL));
    }
  }

  // ---------------------------------------------------------------- Bybit

  /** The SDK: the exchange module's scanner into an exactly sized builder, as a Bybit page. */
  @Benchmark
  public CandleSeries bybitSdk(Bodies b) {
    return bybitSdk(b.bybit);
  }

  /** The peer: Jackson's streaming parser, {@link Double#parseDouble} on each cell's text. */
  @Benchmark
  public CandleSeries bybitJacksonStreaming(Bodies b) {
    return bybitJackson(b.bybit);
  }

  /** The peer: Moshi's streaming reader over an okio buffer holding the body. */
  @Benchmark
  public CandleSeries bybitMoshiStreaming(Bodies b) {
    return bybitMoshi(b.bybit);
  }

  /** The ceiling: a minimal byte scanner into plain arrays. */
  @Benchmark
  public HandRolled bybitHandRolled(Bodies b) {
    return HandRolled.bybit(b.bybit);
  }

  // ---------------------------------------------------------------- Binance

  /** The SDK: the exchange module's scanner into an exactly sized builder, as a Binance page. */
  @Benchmark
  public CandleSeries binanceSdk(Bodies b) {
    return binanceSdk(b.binance);
  }

  /** The peer: Jackson's streaming parser. */
  @Benchmark
  public CandleSeries binanceJacksonStreaming(Bodies b) {
    return binanceJackson(b.binance);
  }

  /** The peer: Moshi's streaming reader. */
  @Benchmark
  public CandleSeries binanceMoshiStreaming(Bodies b) {
    return binanceMoshi(b.binance);
  }

  /** The ceiling: a minimal byte scanner into plain arrays. */
  @Benchmark
  public HandRolled binanceHandRolled(Bodies b) {
    return HandRolled.binance(b.binance);
  }

  // ---------------------------------------------------------------- the variants

  static CandleSeries bybitSdk(byte[] body) {
    CandleSeries.Builder out = builder(BYBIT_SYMBOL, "bybit:linear");
    BybitKlines.Result r =
        BybitKlines.parse(
            new JsonBytes(body, body.length, "bybit:linear", "BYBIT:BTCUSDT.P 1m klines"), out);
    if (r.retCode() != 0) {
      throw new IllegalStateException("retCode " + r.retCode());
    }
    return out.build();
  }

  static CandleSeries binanceSdk(byte[] body) {
    CandleSeries.Builder out = builder(BINANCE_SYMBOL, "binance:spot");
    BinanceKlines.parse(
        new JsonBytes(body, body.length, "binance:spot", "BINANCE:BTCUSDT 1m klines"), out);
    return out.build();
  }

  /** The builder a source uses for one page: the expected size is the rows the page asked for. */
  static CandleSeries.Builder builder(Symbol symbol, String source) {
    return CandleSeries.builder(symbol, Interval.M1)
        .zone(ZoneOffset.UTC)
        .source(source)
        .badRows(BadRowPolicy.REJECT)
        .expectedSize(Payloads.KLINE_ROWS);
  }

  static CandleSeries bybitJackson(byte[] body) {
    CandleSeries.Builder out = builder(BYBIT_SYMBOL, "bybit:linear");
    try (JsonParser p = JACKSON.createParser(body)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("result") && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            JsonToken v = p.nextToken();
            if (inner.equals("list") && v == JsonToken.START_ARRAY) {
              while (p.nextToken() == JsonToken.START_ARRAY) {
                p.nextToken();
                long time = Long.parseLong(p.getText());
                p.nextToken();
                double o = Double.parseDouble(p.getText());
                p.nextToken();
                double h = Double.parseDouble(p.getText());
                p.nextToken();
                double l = Double.parseDouble(p.getText());
                p.nextToken();
                double c = Double.parseDouble(p.getText());
                p.nextToken();
                double vol = Double.parseDouble(p.getText());
                p.nextToken();
                double turnover = Double.parseDouble(p.getText());
                expect(p.nextToken(), JsonToken.END_ARRAY);
                out.add(time, o, h, l, c, vol).extra(ExtraColumn.QUOTE_VOLUME, turnover);
              }
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.build();
  }

  static CandleSeries binanceJackson(byte[] body) {
    CandleSeries.Builder out = builder(BINANCE_SYMBOL, "binance:spot");
    try (JsonParser p = JACKSON.createParser(body)) {
      expect(p.nextToken(), JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_ARRAY) {
        p.nextToken();
        long time = p.getLongValue();
        p.nextToken();
        double o = Double.parseDouble(p.getText());
        p.nextToken();
        double h = Double.parseDouble(p.getText());
        p.nextToken();
        double l = Double.parseDouble(p.getText());
        p.nextToken();
        double c = Double.parseDouble(p.getText());
        p.nextToken();
        double vol = Double.parseDouble(p.getText());
        p.nextToken();
        long closeTime = p.getLongValue();
        p.nextToken();
        double quote = Double.parseDouble(p.getText());
        p.nextToken();
        long trades = p.getLongValue();
        p.nextToken();
        double takerBase = Double.parseDouble(p.getText());
        p.nextToken();
        double takerQuote = Double.parseDouble(p.getText());
        p.nextToken(); // the unused field
        expect(p.nextToken(), JsonToken.END_ARRAY);
        out.add(time, o, h, l, c, vol)
            .extra(ExtraColumn.CLOSE_TIME, closeTime)
            .extra(ExtraColumn.QUOTE_VOLUME, quote)
            .extra(ExtraColumn.TRADE_COUNT, trades)
            .extra(ExtraColumn.TAKER_BUY_VOLUME, takerBase)
            .extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, takerQuote);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.build();
  }

  static CandleSeries bybitMoshi(byte[] body) {
    CandleSeries.Builder out = builder(BYBIT_SYMBOL, "bybit:linear");
    try (JsonReader r = JsonReader.of(new Buffer().write(body))) {
      r.beginObject();
      while (r.hasNext()) {
        if (r.nextName().equals("result")) {
          r.beginObject();
          while (r.hasNext()) {
            if (r.nextName().equals("list")) {
              r.beginArray();
              while (r.hasNext()) {
                r.beginArray();
                long time = Long.parseLong(r.nextString());
                double o = Double.parseDouble(r.nextString());
                double h = Double.parseDouble(r.nextString());
                double l = Double.parseDouble(r.nextString());
                double c = Double.parseDouble(r.nextString());
                double vol = Double.parseDouble(r.nextString());
                double turnover = Double.parseDouble(r.nextString());
                r.endArray();
                out.add(time, o, h, l, c, vol).extra(ExtraColumn.QUOTE_VOLUME, turnover);
              }
              r.endArray();
            } else {
              r.skipValue();
            }
          }
          r.endObject();
        } else {
          r.skipValue();
        }
      }
      r.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.build();
  }

  static CandleSeries binanceMoshi(byte[] body) {
    CandleSeries.Builder out = builder(BINANCE_SYMBOL, "binance:spot");
    try (JsonReader r = JsonReader.of(new Buffer().write(body))) {
      r.beginArray();
      while (r.hasNext()) {
        r.beginArray();
        long time = r.nextLong();
        double o = Double.parseDouble(r.nextString());
        double h = Double.parseDouble(r.nextString());
        double l = Double.parseDouble(r.nextString());
        double c = Double.parseDouble(r.nextString());
        double vol = Double.parseDouble(r.nextString());
        long closeTime = r.nextLong();
        double quote = Double.parseDouble(r.nextString());
        long trades = r.nextLong();
        double takerBase = Double.parseDouble(r.nextString());
        double takerQuote = Double.parseDouble(r.nextString());
        r.skipValue();
        r.endArray();
        out.add(time, o, h, l, c, vol)
            .extra(ExtraColumn.CLOSE_TIME, closeTime)
            .extra(ExtraColumn.QUOTE_VOLUME, quote)
            .extra(ExtraColumn.TRADE_COUNT, trades)
            .extra(ExtraColumn.TAKER_BUY_VOLUME, takerBase)
            .extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, takerQuote);
      }
      r.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.build();
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new IllegalStateException("expected " + expected + ", got " + actual);
    }
  }

  /** Fails unless {@code actual} has the same rows, columns and bits as {@code expected}. */
  static void checkSame(String variant, CandleSeries expected, CandleSeries actual) {
    if (actual.size() != expected.size()) {
      throw new IllegalStateException(
          variant + ": " + actual.size() + " rows, expected " + expected.size());
    }
    if (!actual.extraColumns().equals(expected.extraColumns())) {
      throw new IllegalStateException(
          variant
              + ": extra columns "
              + actual.extraColumns()
              + ", expected "
              + expected.extraColumns());
    }
    for (int i = 0; i < expected.size(); i++) {
      boolean same =
          actual.openTimeMillis(i) == expected.openTimeMillis(i)
              && bits(actual.open(i)) == bits(expected.open(i))
              && bits(actual.high(i)) == bits(expected.high(i))
              && bits(actual.low(i)) == bits(expected.low(i))
              && bits(actual.close(i)) == bits(expected.close(i))
              && bits(actual.volume(i)) == bits(expected.volume(i));
      for (ExtraColumn c : expected.extraColumns()) {
        same &= bits(actual.extra(c, i)) == bits(expected.extra(c, i));
      }
      if (!same) {
        throw new IllegalStateException(
            variant + ": row " + i + " is " + actual.get(i) + ", expected " + expected.get(i));
      }
    }
  }

  private static long bits(double d) {
    return Double.doubleToRawLongBits(d);
  }

  /**
   * The ceiling: the least a parser can do, a scan that trusts the body's shape (no escapes, no
   * validation, no error positions) and writes plain, exactly sized arrays; numbers take the same
   * fast path as the SDK's ({@code digits / 10^scale}), falling back to {@link Double#parseDouble}.
   * Not a production parser.
   */
  public static final class HandRolled {
    final int n;
    final long[] time;
    final double[] open;
    final double[] high;
    final double[] low;
    final double[] close;
    final double[] volume;
    final double[][] extras;

    HandRolled(int n, int extraCount) {
      this.n = n;
      time = new long[n];
      open = new double[n];
      high = new double[n];
      low = new double[n];
      close = new double[n];
      volume = new double[n];
      extras = new double[extraCount][n];
    }

    private static final double[] POW10 = {
      1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
      1e17, 1e18, 1e19, 1e20, 1e21, 1e22
    };

    private static final byte[] NO_BODY = new byte[0];

    private int pos;
    private byte[] b = NO_BODY;

    static HandRolled bybit(byte[] body) {
      HandRolled h = new HandRolled(Payloads.KLINE_ROWS, 1);
      h.b = body;
      int at = indexOf(body, "\"list\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      h.pos = at + 8;
      // Rows are newest first: fill from the end.
      for (int i = h.n - 1; i >= 0; i--) {
        h.pos += 2; // ["
        h.time[i] = h.longUntil('"');
        h.pos += 3; // ","
        h.open[i] = h.decimalUntil('"');
        h.pos += 3;
        h.high[i] = h.decimalUntil('"');
        h.pos += 3;
        h.low[i] = h.decimalUntil('"');
        h.pos += 3;
        h.close[i] = h.decimalUntil('"');
        h.pos += 3;
        h.volume[i] = h.decimalUntil('"');
        h.pos += 3;
        h.extras[0][i] = h.decimalUntil('"');
        h.pos += 3; // "],
      }
      h.b = NO_BODY;
      return h;
    }

    static HandRolled binance(byte[] body) {
      HandRolled h = new HandRolled(Payloads.KLINE_ROWS, 5);
      h.b = body;
      h.pos = 1;
      for (int i = 0; i < h.n; i++) {
        h.pos += 1; // [
        h.time[i] = h.longUntil(',');
        h.pos += 2; // ,"
        h.open[i] = h.decimalUntil('"');
        h.pos += 3;
        h.high[i] = h.decimalUntil('"');
        h.pos += 3;
        h.low[i] = h.decimalUntil('"');
        h.pos += 3;
        h.close[i] = h.decimalUntil('"');
        h.pos += 3;
        h.volume[i] = h.decimalUntil('"');
        h.pos += 2; // ",
        h.extras[0][i] = h.longUntil(',');
        h.pos += 2; // ,"
        h.extras[1][i] = h.decimalUntil('"');
        h.pos += 2; // ",
        h.extras[2][i] = h.longUntil(',');
        h.pos += 2;
        h.extras[3][i] = h.decimalUntil('"');
        h.pos += 3;
        h.extras[4][i] = h.decimalUntil('"');
        h.pos += 7; // ","0"],
      }
      h.b = NO_BODY;
      return h;
    }

    private long longUntil(char end) {
      long v = 0;
      byte c;
      while ((c = b[pos]) != end) {
        v = v * 10 + (c - '0');
        pos++;
      }
      return v;
    }

    private double decimalUntil(char end) {
      int start = pos;
      long m = 0;
      int scale = 0;
      boolean point = false;
      byte c;
      while ((c = b[pos]) != end) {
        if (c == '.') {
          point = true;
        } else {
          m = m * 10 + (c - '0');
          if (point) {
            scale++;
          }
        }
        pos++;
      }
      if (m < (1L << 53) && pos - start <= 19) {
        return m / POW10[scale];
      }
      return Double.parseDouble(
          new String(b, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      throw new IllegalStateException("not found");
    }

    /** The arrays as a series, for the check (not timed). */
    CandleSeries toSeries(Symbol symbol) {
      CandleSeries.Builder out = CandleSeries.builder(symbol, Interval.M1).expectedSize(n);
      ExtraColumn[] cols =
          extras.length == 1 ? new ExtraColumn[] {ExtraColumn.QUOTE_VOLUME} : BINANCE_EXTRAS;
      for (int i = 0; i < n; i++) {
        out.add(time[i], open[i], high[i], low[i], close[i], volume[i]);
        for (int c = 0; c < cols.length; c++) {
          out.extra(cols[c], extras[c][i]);
        }
      }
      return out.build();
    }
  }
}
