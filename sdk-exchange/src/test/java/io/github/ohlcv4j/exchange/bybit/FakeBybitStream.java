package io.github.ohlcv4j.exchange.bybit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
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
 * Bybit's v5 public stream and its kline REST endpoint behind one MockWebServer, speaking the
 * documented formats: {@code /v5/public/{category}} upgrades to a WebSocket that answers {@code
 * subscribe} with {@code {"success":true,"ret_msg":"subscribe","conn_id":…,"req_id":…,"op":
 * "subscribe"}} (or {@code success:false} for a refused topic) and {@code ping} with a pong; the
 * test pushes klines with {@link #push}. {@code /v5/market/kline} answers from the same market,
 * newest first, by the venue's clock: candles that ended are final, the one in progress partial.
 *
 * <p>Prices are whole ticks of 0.1 so every value reads back exactly.
 */
final class FakeBybitStream extends Dispatcher {

  private static final long MIN = 60_000;
  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder()
          .build()
          .adapter(
              com.squareup.moshi.Types.newParameterizedType(Map.class, String.class, Object.class));

  /** One connection as the venue sees it. */
  final class Conn extends WebSocketListener {
    final int id;
    volatile @Nullable WebSocket socket;
    final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
    final Set<String> topics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final BlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile @Nullable String closeCode;

    Conn(int id) {
      this.id = id;
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
        throw new AssertionError("the client sent something that is not JSON: " + text, e);
      }
      try {
        answer(webSocket, m);
      } finally {
        received.add(m);
        inbox.add(m);
      }
    }

    private void answer(WebSocket webSocket, Map<String, Object> m) {
      String op = String.valueOf(m.get("op"));
      String reqId = String.valueOf(m.get("req_id"));
      if (op.equals("ping")) {
        if (!silent) {
          webSocket.send(
              "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"c"
                  + id
                  + "\",\"op\":\"ping\"}");
        }
        return;
      }
      @SuppressWarnings("unchecked")
      List<String> args = (List<String>) m.get("args");
      if (op.equals("subscribe")) {
        boolean refuse = args.stream().anyMatch(refused::contains);
        if (refuse) {
          String bad = args.stream().filter(refused::contains).findFirst().orElseThrow();
          webSocket.send(
              "{\"success\":false,\"ret_msg\":\"error:Invalid symbol :["
                  + bad
                  + "]\",\"conn_id\":\"c"
                  + id
                  + "\",\"req_id\":\""
                  + reqId
                  + "\",\"op\":\"subscribe\"}");
          return;
        }
        topics.addAll(args);
        if (!mute) {
          webSocket.send(
              "{\"success\":true,\"ret_msg\":\"subscribe\",\"conn_id\":\"c"
                  + id
                  + "\",\"req_id\":\""
                  + (echoReqId ? reqId : "")
                  + "\",\"op\":\"subscribe\"}");
        }
      } else if (op.equals("unsubscribe")) {
        topics.removeAll(args);
        webSocket.send(
            "{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"c"
                + id
                + "\",\"req_id\":\""
                + reqId
                + "\",\"op\":\"unsubscribe\"}");
      }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      closeCode = Integer.toString(code);
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

    /** The next message with this {@code op}, skipping others, waiting up to 20 s. */
    Map<String, Object> next(String op) throws InterruptedException {
      while (true) {
        Map<String, Object> m = next();
        if (op.equals(m.get("op"))) {
          return m;
        }
      }
    }

    /** Waits until the client closed this connection. */
    boolean awaitClosed() throws InterruptedException {
      return closed.await(20, TimeUnit.SECONDS);
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
  final List<Conn> all = new CopyOnWriteArrayList<>();
  final List<String> restRequests = new CopyOnWriteArrayList<>();
  final Set<String> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final LongSupplier clock;
  private final Set<Long> missing = new HashSet<>();
  private volatile @Nullable CountDownLatch hold;
  volatile boolean silent;
  volatile boolean mute;
  volatile boolean echoReqId = true;
  volatile int upgradeStatus = 101;

  /**
   * @param clock the venue's clock, epoch milliseconds
   */
  FakeBybitStream(LongSupplier clock) throws IOException {
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

  /** The minute opening at {@code t} has no candle (no trades). */
  void noCandleAt(long t) {
    synchronized (missing) {
      missing.add(t);
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
    if (path.startsWith("/v5/public/")) {
      CountDownLatch h = hold;
      if (h != null && !h.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("upgrade held for 30 s");
      }
      if (upgradeStatus != 101) {
        return new MockResponse.Builder().code(upgradeStatus).body("Forbidden").build();
      }
      Conn c = new Conn(all.size() + 1);
      all.add(c);
      return new MockResponse.Builder().webSocketUpgrade(c).build();
    }
    if (path.equals("/v5/market/kline")) {
      return kline(request);
    }
    return new MockResponse.Builder().code(404).build();
  }

  // ------------------------------------------------------------------ the market

  /** A candle's final values in ticks of 0.1 and volume in thousandths: o, h, l, c, v. */
  static long[] bar(long t) {
    long s = mix(t * 31 + 7);
    long o = 150_000 + Math.floorMod(s, 20_000);
    long c = o + Math.floorMod(s >>> 17, 401) - 200;
    long h = Math.max(o, c) + Math.floorMod(s >>> 29, 75);
    long l = Math.min(o, c) - Math.floorMod(s >>> 37, 75);
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
    return ticks / 10.0;
  }

  static double volume(long units) {
    return units / 1000.0;
  }

  private static String decimal(long units, int decimals) {
    long pow = decimals == 1 ? 10 : 1000;
    String frac = String.format("%0" + decimals + "d", Math.floorMod(units, pow));
    return Math.floorDiv(units, pow) + "." + frac;
  }

  private static String row(long t, long[] b) {
    return "\"start\":"
        + t
        + ",\"end\":"
        + (t + MIN - 1)
        + ",\"interval\":\"1\",\"open\":\""
        + decimal(b[0], 1)
        + "\",\"close\":\""
        + decimal(b[3], 1)
        + "\",\"high\":\""
        + decimal(b[1], 1)
        + "\",\"low\":\""
        + decimal(b[2], 1)
        + "\",\"volume\":\""
        + decimal(b[4], 3)
        + "\",\"turnover\":\"0\"";
  }

  /** A kline frame for {@code topic} with one element per candle. */
  static String frame(String topic, long ts, String... elements) {
    return "{\"topic\":\""
        + topic
        + "\",\"data\":["
        + String.join(",", elements)
        + "],\"ts\":"
        + ts
        + ",\"type\":\"snapshot\"}";
  }

  /** One element: the candle at {@code t} as of {@code asOf}, closed or not. */
  static String element(long t, long asOf, boolean confirm) {
    long[] b = confirm ? bar(t) : bar(t, asOf);
    return "{" + row(t, b) + ",\"confirm\":" + confirm + ",\"timestamp\":" + asOf + "}";
  }

  /** One element with the given values. */
  static String element(long t, long[] values, boolean confirm, long asOf) {
    return "{" + row(t, values) + ",\"confirm\":" + confirm + ",\"timestamp\":" + asOf + "}";
  }

  /** Sends a push to every open connection subscribed to {@code topic}. */
  void push(String topic, String frame) {
    for (Conn c : all) {
      if (c.topics.contains(topic) && c.socket != null && c.closed.getCount() > 0) {
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

  private MockResponse kline(RecordedRequest r) {
    long now = clock.getAsLong();
    long start = Long.parseLong(r.getUrl().queryParameter("start"));
    long end = Long.parseLong(r.getUrl().queryParameter("end")); // inclusive
    restRequests.add(start + ".." + end);
    List<String> rows = new ArrayList<>();
    for (long t = Math.floorDiv(start, MIN) * MIN; t <= end && t <= now; t += MIN) {
      synchronized (missing) {
        if (missing.contains(t)) {
          continue;
        }
      }
      long[] b = bar(t, now);
      rows.add(
          "[\""
              + t
              + "\",\""
              + decimal(b[0], 1)
              + "\",\""
              + decimal(b[1], 1)
              + "\",\""
              + decimal(b[2], 1)
              + "\",\""
              + decimal(b[3], 1)
              + "\",\""
              + decimal(b[4], 3)
              + "\",\"0\"]");
    }
    java.util.Collections.reverse(rows); // newest first, as Bybit sends them
    String body =
        "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"symbol\":\""
            + r.getUrl().queryParameter("symbol")
            + "\",\"category\":\""
            + r.getUrl().queryParameter("category")
            + "\",\"list\":["
            + String.join(",", rows)
            + "]},\"retExtInfo\":{},\"time\":"
            + now
            + "}";
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .setHeader(
            "Date",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC)))
        .body(body)
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
