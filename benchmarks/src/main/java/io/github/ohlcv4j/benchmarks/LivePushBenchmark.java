package io.github.ohlcv4j.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ohlcv4j.CandleEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One live kline push, as Bybit's v5 public stream and Binance's market stream send it, taken the
 * whole way an {@code UPDATE} goes in the library ({@link LivePushPath}): the venue's protocol
 * parses the frame, the subscription orders the candle, applies it to the live series and to the
 * incremental 1m → 1h resampler, and delivers the hour in progress to the consumer. Beside it, the
 * peers: Jackson's tree model ({@code ObjectMapper.readTree}) and Jackson's streaming parser
 * reading the same frame into the same longs, doubles and flag (and nothing more).
 *
 * <p>The two frames of each venue alternate: the same minute with another close and volume, so that
 * every push changes the candle in progress and is delivered (a push that changes nothing is
 * dropped before the resampler). Run with {@code benchmarks/run.sh LivePushBenchmark}; {@code -prof
 * gc}'s {@code gc.alloc.rate.norm} is the allocation per push.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@State(Scope.Thread)
public class LivePushBenchmark {

  /** Bybit v5 public stream, topic {@code kline.1.BTCUSDT}: two pushes of the same minute. */
  static final String[] BYBIT = {
    bybit("87012.5", "87031", "87001.2", "87020.1", "12.345", "1074291.8795"),
    bybit("87012.5", "87033.4", "87001.2", "87029.9", "12.871", "1120077.1021")
  };

  /** Binance spot raw stream {@code btcusdt@kline_1m}: two pushes of the same minute. */
  static final String[] BINANCE = {
    binance("87012.50000000", "87031.00000000", "87001.20000000", "87020.10000000", "12.34500"),
    binance("87012.50000000", "87033.40000000", "87001.20000000", "87029.90000000", "12.87100")
  };

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  LivePushPath bybit;
  LivePushPath binance;
  final LivePushPath.Push jackson = new LivePushPath.Push();
  int i;

  static String bybit(String o, String h, String l, String c, String v, String turnover) {
    return "{\"topic\":\"kline.1.BTCUSDT\",\"data\":[{\"start\":"
        + LivePushPath.OPEN
        + ",\"end\":"
        + (LivePushPath.OPEN + 59_999)
        + ",\"interval\":\"1\",\"open\":\""
        + o
        + "\",\"close\":\""
        + c
        + "\",\"high\":\""
        + h
        + "\",\"low\":\""
        + l
        + "\",\"volume\":\""
        + v
        + "\",\"turnover\":\""
        + turnover
        + "\",\"confirm\":false,\"timestamp\":"
        + LivePushPath.NOW
        + "}],\"ts\":"
        + LivePushPath.NOW
        + ",\"type\":\"snapshot\"}";
  }

  static String binance(String o, String h, String l, String c, String v) {
    return "{\"e\":\"kline\",\"E\":"
        + LivePushPath.NOW
        + ",\"s\":\"BTCUSDT\",\"k\":{\"t\":"
        + LivePushPath.OPEN
        + ",\"T\":"
        + (LivePushPath.OPEN + 59_999)
        + ",\"s\":\"BTCUSDT\",\"i\":\"1m\",\"f\":4807220100,\"L\":4807221437,\"o\":\""
        + o
        + "\",\"c\":\""
        + c
        + "\",\"h\":\""
        + h
        + "\",\"l\":\""
        + l
        + "\",\"v\":\""
        + v
        + "\",\"n\":1338,\"x\":false,\"q\":\"1074291.87950000\",\"V\":\"6.12000000\","
        + "\"Q\":\"532513.74100000\",\"B\":\"0\"}}";
  }

  /** Subscribes the two paths. */
  @Setup(Level.Trial)
  public void setup() {
    bybit = LivePushPath.bybit();
    binance = LivePushPath.binance();
  }

  /** Closes the clients. */
  @TearDown(Level.Trial)
  public void tearDown() {
    bybit.close();
    binance.close();
  }

  private String next(String[] frames) {
    return frames[i++ & 1];
  }

  // ------------------------------------------------------------------ Bybit

  /** The library: parse, sequence, live series, 1m → 1h resampler, delivery. */
  @Benchmark
  public @Nullable CandleEvent bybitLibrary() {
    return bybit.push(next(BYBIT));
  }

  /** Jackson's tree model, {@link Double#parseDouble} on each decimal string. */
  @Benchmark
  public LivePushPath.Push bybitJacksonTree() {
    return bybitTree(next(BYBIT), jackson);
  }

  /** Jackson's streaming parser, {@link Double#parseDouble} on each decimal string. */
  @Benchmark
  public LivePushPath.Push bybitJacksonStreaming() {
    return bybitStreaming(next(BYBIT), jackson);
  }

  static LivePushPath.Push bybitTree(String frame, LivePushPath.Push out) {
    JsonNode n;
    try {
      n = MAPPER.readTree(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.topic = n.get("topic").asText();
    long ts = n.get("ts").asLong();
    for (JsonNode d : n.get("data")) {
      out.start = d.get("start").asLong();
      out.open = Double.parseDouble(d.get("open").asText());
      out.high = Double.parseDouble(d.get("high").asText());
      out.low = Double.parseDouble(d.get("low").asText());
      out.close = Double.parseDouble(d.get("close").asText());
      out.volume = Double.parseDouble(d.get("volume").asText());
      out.closed = d.get("confirm").asBoolean();
      out.venueTime = ts;
    }
    return out;
  }

  static LivePushPath.Push bybitStreaming(String frame, LivePushPath.Push out) {
    try (JsonParser p = FACTORY.createParser(frame)) {
      p.nextToken(); // {
      long ts = Long.MIN_VALUE;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        switch (key) {
          case "topic" -> out.topic = p.getText();
          case "ts" -> ts = p.getLongValue();
          case "data" -> {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                switch (k) {
                  case "start" -> out.start = p.getLongValue();
                  case "open" -> out.open = Double.parseDouble(p.getText());
                  case "high" -> out.high = Double.parseDouble(p.getText());
                  case "low" -> out.low = Double.parseDouble(p.getText());
                  case "close" -> out.close = Double.parseDouble(p.getText());
                  case "volume" -> out.volume = Double.parseDouble(p.getText());
                  case "confirm" -> out.closed = p.getBooleanValue();
                  default -> p.skipChildren();
                }
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      out.venueTime = ts;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ Binance

  /** The library: parse, sequence, live series, 1m → 1h resampler, delivery. */
  @Benchmark
  public @Nullable CandleEvent binanceLibrary() {
    return binance.push(next(BINANCE));
  }

  /** Jackson's tree model, {@link Double#parseDouble} on each decimal string. */
  @Benchmark
  public LivePushPath.Push binanceJacksonTree() {
    return binanceTree(next(BINANCE), jackson);
  }

  /** Jackson's streaming parser, {@link Double#parseDouble} on each decimal string. */
  @Benchmark
  public LivePushPath.Push binanceJacksonStreaming() {
    return binanceStreaming(next(BINANCE), jackson);
  }

  static LivePushPath.Push binanceTree(String frame, LivePushPath.Push out) {
    JsonNode n;
    try {
      n = MAPPER.readTree(frame);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode k = n.get("k");
    out.venueTime = n.get("E").asLong();
    out.topic = topic(k.get("s").asText(), k.get("i").asText());
    out.start = k.get("t").asLong();
    out.open = Double.parseDouble(k.get("o").asText());
    out.high = Double.parseDouble(k.get("h").asText());
    out.low = Double.parseDouble(k.get("l").asText());
    out.close = Double.parseDouble(k.get("c").asText());
    out.volume = Double.parseDouble(k.get("v").asText());
    out.closed = k.get("x").asBoolean();
    return out;
  }

  static LivePushPath.Push binanceStreaming(String frame, LivePushPath.Push out) {
    try (JsonParser p = FACTORY.createParser(frame)) {
      p.nextToken(); // {
      String symbol = "";
      String interval = "";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        switch (key) {
          case "E" -> out.venueTime = p.getLongValue();
          case "k" -> {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              p.nextToken();
              switch (k) {
                case "t" -> out.start = p.getLongValue();
                case "s" -> symbol = p.getText();
                case "i" -> interval = p.getText();
                case "o" -> out.open = Double.parseDouble(p.getText());
                case "h" -> out.high = Double.parseDouble(p.getText());
                case "l" -> out.low = Double.parseDouble(p.getText());
                case "c" -> out.close = Double.parseDouble(p.getText());
                case "v" -> out.volume = Double.parseDouble(p.getText());
                case "x" -> out.closed = p.getBooleanValue();
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      out.topic = topic(symbol, interval);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Binance's stream name, which routes the push: {@code btcusdt@kline_1m}. */
  private static String topic(String symbol, String interval) {
    return symbol.toLowerCase(java.util.Locale.ROOT) + "@kline_" + interval;
  }
}
