package io.github.ohlcv4j.exchange.binance;

import io.github.ohlcv4j.exchange.FakeVenueStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.WebSocket;

/**
 * Binance's market streams and kline REST endpoints behind one MockWebServer, speaking the
 * documented formats: {@code /ws} (spot) and {@code /market/ws} (USD-M) upgrade to a WebSocket that
 * answers {@code {"method":"SUBSCRIBE","params":[…],"id":N}} with {@code {"result":null,"id":N}},
 * or with the error Binance serves for a stream it refuses ({@code
 * {"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":N}}), and a request whose id is
 * not an unsigned integer with Binance's code 2; the test pushes kline events with {@link #push}
 * and the {@code serverShutdown} event with {@link Conn#shutdownNotice}. {@code /api/v3/klines} and
 * {@code /fapi/v1/klines} answer from the same market, oldest first, by the venue's clock: candles
 * that ended are final, the one in progress partial.
 *
 * <p>Prices are whole ticks of 0.01 so every value reads back exactly.
 */
final class FakeBinanceStream extends FakeVenueStream<FakeBinanceStream.Conn> {

  /** One connection as the venue sees it. */
  final class Conn extends FakeVenueStream<Conn>.Connection {
    final String path;

    Conn(int id, String path) {
      super(id);
      this.path = path;
    }

    @Override
    protected void notJson(WebSocket webSocket) {
      webSocket.send("{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1 column 1\"}");
    }

    @Override
    protected void answer(WebSocket webSocket, Map<String, Object> m) {
      Object rawId = m.get("id");
      if (!(rawId instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() % 1 != 0) {
        webSocket.send(
            "{\"code\":2,\"msg\":\"Invalid request: request ID must be an unsigned integer\"}");
        return;
      }
      long reqId = n.longValue();
      String method = String.valueOf(m.get("method"));
      @SuppressWarnings("unchecked")
      List<String> params = (List<String>) m.get("params");
      if (method.equals("SUBSCRIBE")) {
        if (params.stream().anyMatch(refused::contains)) {
          webSocket.send(
              "{\"error\":{\"code\":2,\"msg\":\"Invalid request: invalid stream\"},\"id\":"
                  + reqId
                  + "}");
          return;
        }
        topics.addAll(params);
        if (!mute) {
          webSocket.send("{\"result\":null,\"id\":" + reqId + "}");
        }
      } else if (method.equals("UNSUBSCRIBE")) {
        topics.removeAll(params);
        webSocket.send("{\"result\":null,\"id\":" + reqId + "}");
      } else {
        webSocket.send(
            "{\"code\":2,\"msg\":\"Invalid request: unknown variant "
                + method
                + ", expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`,"
                + " `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 28\",\"id\":"
                + reqId
                + "}");
      }
    }

    /** Binance's notice that this connection's server is going down: {@code serverShutdown}. */
    void shutdownNotice() {
      send("{\"e\":\"serverShutdown\",\"E\":" + clock.getAsLong() + "}");
    }
  }

  /** Every upgrade request, as it arrives (before a hold). */
  final BlockingQueue<String> knocks = new LinkedBlockingQueue<>();

  volatile boolean mute;

  /**
   * @param clock the venue's clock, epoch milliseconds
   */
  FakeBinanceStream(LongSupplier clock) throws IOException {
    super(clock);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    if (path.equals("/ws") || path.equals("/market/ws")) {
      knocks.add(path);
      return upgrade(new Conn(nextId(), path));
    }
    if (path.equals("/api/v3/klines") || path.equals("/fapi/v1/klines")) {
      return klines(request);
    }
    return new MockResponse.Builder()
        .code(404)
        .setHeader("Content-Type", "application/json")
        .body("{\"code\":-1000,\"msg\":\"Not found: " + path + "\"}")
        .build();
  }

  // ------------------------------------------------------------------ the market

  /** A candle's final values in ticks of 0.01 and volume in thousandths: o, h, l, c, v. */
  static long[] bar(long t) {
    return FakeVenueStream.bar(t, 11, 3_000_000, 200_000, 2000, 750, 1, 900_000);
  }

  /** The candle opening at {@code t} as of {@code now}: partial while it is in progress. */
  static long[] bar(long t, long now) {
    return asOf(bar(t), t, now);
  }

  static double price(long ticks) {
    return ticks / 100.0;
  }

  static double volume(long units) {
    return units / 1000.0;
  }

  /** A kline event, as a raw stream carries it. */
  static String event(String symbol, long t, long[] b, boolean closed, long eventTime) {
    return "{\"e\":\"kline\",\"E\":"
        + eventTime
        + ",\"s\":\""
        + symbol
        + "\",\"k\":{\"t\":"
        + t
        + ",\"T\":"
        + (t + MIN - 1)
        + ",\"s\":\""
        + symbol
        + "\",\"i\":\"1m\",\"f\":100,\"L\":200,\"o\":\""
        + decimal(b[0], 2)
        + "\",\"c\":\""
        + decimal(b[3], 2)
        + "\",\"h\":\""
        + decimal(b[1], 2)
        + "\",\"l\":\""
        + decimal(b[2], 2)
        + "\",\"v\":\""
        + decimal(b[4], 3)
        + "\",\"n\":100,\"x\":"
        + closed
        + ",\"q\":\"1.0000\",\"V\":\"500\",\"Q\":\"0.500\",\"B\":\"123456\"}}";
  }

  /** The candle at {@code t} as of {@code asOf}: final if {@code closed}, else partial. */
  static String event(String symbol, long t, long asOf, boolean closed) {
    return event(symbol, t, closed ? bar(t) : bar(t, asOf), closed, asOf);
  }

  private MockResponse klines(RecordedRequest r) {
    long now = clock.getAsLong();
    long start = Long.parseLong(r.getUrl().queryParameter("startTime"));
    long end = Long.parseLong(r.getUrl().queryParameter("endTime")); // inclusive
    int limit = Integer.parseInt(r.getUrl().queryParameter("limit"));
    restRequests.add(r.getUrl().encodedPath() + " " + start + ".." + end);
    List<String> rows = new ArrayList<>();
    long first = Math.floorDiv(start + MIN - 1, MIN) * MIN; // opening at or after startTime
    for (long t = first; t <= end && t <= now && rows.size() < limit; t += MIN) {
      long[] b = bar(t, now);
      rows.add(
          "["
              + t
              + ",\""
              + decimal(b[0], 2)
              + "\",\""
              + decimal(b[1], 2)
              + "\",\""
              + decimal(b[2], 2)
              + "\",\""
              + decimal(b[3], 2)
              + "\",\""
              + decimal(b[4], 3)
              + "\","
              + (t + MIN - 1)
              + ",\"0.0\",100,\"0.0\",\"0.0\",\"0\"]");
    }
    return json(now)
        .setHeader("X-MBX-USED-WEIGHT-1M", "2")
        .body("[" + String.join(",", rows) + "]")
        .build();
  }
}
