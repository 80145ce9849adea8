package io.github.ohlcv4j.exchange.binance;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

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
final class FakeBinanceStream extends Dispatcher {

  static final long MIN = 60_000;
  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder()
          .build()
          .adapter(
              com.squareup.moshi.Types.newParameterizedType(Map.class, String.class, Object.class));

  /** One connection as the venue sees it. */
  final class Conn extends WebSocketListener {
    final int id;
    final String path;
    volatile @Nullable WebSocket socket;
    final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();

    /** The venue's clock when each message arrived, epoch milliseconds. */
    final List<Long> receivedAt = new CopyOnWriteArrayList<>();

    final Set<String> topics = ConcurrentHashMap.newKeySet();
    final BlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);

    Conn(int id, String path) {
      this.id = id;
      this.path = path;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      opened.add(this);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      Map<String, Object> m;
      try {
        m = JSON.fromJson(text);
      } catch (IOException e) {
        webSocket.send("{\"code\":3,\"msg\":\"Invalid JSON: expected value at line 1 column 1\"}");
        throw new AssertionError("the client sent something that is not JSON: " + text, e);
      }
      try {
        answer(webSocket, m);
      } finally {
        receivedAt.add(clock.getAsLong());
        received.add(m);
        inbox.add(m);
      }
    }

    private void answer(WebSocket webSocket, Map<String, Object> m) {
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

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
      closed.countDown();
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      closed.countDown();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      closed.countDown();
    }

    /** The next message the client sent, waiting up to 20 s. */
    Map<String, Object> next() throws InterruptedException {
      Map<String, Object> m = inbox.poll(20, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("connection " + id + " received nothing in 20 s");
      }
      return m;
    }

    /** Waits until the client is subscribed to {@code topic} here. */
    void awaitTopic(String topic) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!topics.contains(topic)) {
        Map<String, Object> m = inbox.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (m == null) {
          throw new AssertionError("connection " + id + " never subscribed to " + topic);
        }
      }
    }

    /** Waits until the client closed this connection. */
    boolean awaitClosed() throws InterruptedException {
      return closed.await(20, TimeUnit.SECONDS);
    }

    /** Whether the connection is still open. */
    boolean isOpen() {
      return closed.getCount() > 0;
    }

    /** Binance's notice that this connection's server is going down: {@code serverShutdown}. */
    void shutdownNotice() {
      send("{\"e\":\"serverShutdown\",\"E\":" + clock.getAsLong() + "}");
    }

    void send(String text) {
      WebSocket ws = socket;
      if (ws == null) {
        throw new AssertionError("connection " + id + " is not open");
      }
      ws.send(text);
    }
  }

  final MockWebServer server = new MockWebServer();
  final BlockingQueue<Conn> opened = new LinkedBlockingQueue<>();

  /** Every upgrade request, as it arrives (before a hold). */
  final BlockingQueue<String> knocks = new LinkedBlockingQueue<>();

  final List<Conn> all = new CopyOnWriteArrayList<>();
  final List<String> restRequests = new CopyOnWriteArrayList<>();
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final LongSupplier clock;
  private volatile @Nullable CountDownLatch hold;
  volatile boolean mute;

  /**
   * @param clock the venue's clock, epoch milliseconds
   */
  FakeBinanceStream(LongSupplier clock) throws IOException {
    this.clock = clock;
    server.setDispatcher(this);
    server.start();
  }

  /** The {@code wsUrl} to give the source. */
  String wsUrl() {
    return "ws://" + server.getHostName() + ":" + server.getPort();
  }

  /** The {@code baseUrl} to give the source. */
  String baseUrl() {
    return server.url("/").toString();
  }

  /** Holds the next upgrades until {@link #release()}. */
  void holdUpgrades() {
    hold = new CountDownLatch(1);
  }

  void release() {
    CountDownLatch h = hold;
    if (h != null) {
      h.countDown();
    }
  }

  /** The next connection opened, waiting up to 20 s. */
  Conn nextConnection() throws InterruptedException {
    Conn c = opened.poll(20, TimeUnit.SECONDS);
    if (c == null) {
      throw new AssertionError("no connection opened in 20 s");
    }
    return c;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    if (path.equals("/ws") || path.equals("/market/ws")) {
      knocks.add(path);
      CountDownLatch h = hold;
      if (h != null && !h.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("upgrade held for 30 s");
      }
      Conn c = new Conn(all.size() + 1, path);
      all.add(c);
      return new MockResponse.Builder().webSocketUpgrade(c).build();
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
    long s = mix(t * 31 + 11);
    long o = 3_000_000 + Math.floorMod(s, 200_000);
    long c = o + Math.floorMod(s >>> 17, 4001) - 2000;
    long h = Math.max(o, c) + Math.floorMod(s >>> 29, 750);
    long l = Math.min(o, c) - Math.floorMod(s >>> 37, 750);
    long v = 1 + Math.floorMod(s >>> 43, 900_000);
    return new long[] {o, h, l, c, v};
  }

  /** The candle opening at {@code t} as of {@code now}: partial while it is in progress. */
  static long[] bar(long t, long now) {
    long[] b = bar(t);
    if (now >= t + MIN) {
      return b;
    }
    double f = Math.max(0, Math.min(1, (now - t) / (double) MIN));
    long c = b[0] + Math.round((b[3] - b[0]) * f);
    return new long[] {
      b[0], Math.max(b[0], c), Math.min(b[0], c), c, Math.max(1, (long) (b[4] * f))
    };
  }

  static double price(long ticks) {
    return ticks / 100.0;
  }

  static double volume(long units) {
    return units / 1000.0;
  }

  private static String decimal(long units, int decimals) {
    long pow = decimals == 2 ? 100 : 1000;
    String frac = String.format("%0" + decimals + "d", Math.floorMod(units, pow));
    return Math.floorDiv(units, pow) + "." + frac;
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

  /** Sends a frame to every open connection subscribed to {@code topic}. */
  void push(String topic, String frame) {
    for (Conn c : all) {
      if (c.topics.contains(topic) && c.socket != null && c.isOpen()) {
        c.send(frame);
      }
    }
  }

  /** Closes every connection, as a venue going down for a restart does. */
  void disconnectAll() {
    for (Conn c : all) {
      WebSocket ws = c.socket;
      if (ws != null) {
        ws.close(1001, "going away");
      }
    }
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
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .setHeader("X-MBX-USED-WEIGHT-1M", "2")
        .setHeader(
            "Date",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC)))
        .body("[" + String.join(",", rows) + "]")
        .build();
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public void close() {
    release();
    server.close();
  }
}
