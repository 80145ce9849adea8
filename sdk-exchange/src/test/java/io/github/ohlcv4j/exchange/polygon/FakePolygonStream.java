package io.github.ohlcv4j.exchange.polygon;

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
 * Polygon's stocks WebSocket and its aggregates REST endpoint behind one MockWebServer, speaking
 * the documented formats: {@code /stocks} upgrades to a WebSocket that says {@code connected}
 * first, answers {@code auth} with {@code auth_success} (or {@code auth_failed} for another key, or
 * {@code max_connections} when told to), and answers {@code subscribe} topic by topic with {@code
 * "subscribed to: AM.AAPL"} (or a status {@code error} for a refused ticker). Every frame is a JSON
 * array of events. The test pushes minute aggregates with {@link #am}. {@code /v2/aggs/ticker/...}
 * answers from the same market by the venue's clock.
 *
 * <p>Prices are whole cents so every value reads back exactly.
 */
final class FakePolygonStream extends Dispatcher {

  static final long MIN = 60_000;
  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder()
          .build()
          .adapter(
              com.squareup.moshi.Types.newParameterizedType(Map.class, String.class, Object.class));

  /** One connection as the venue sees it. */
  final class Conn extends WebSocketListener {
    final int id;
    volatile @Nullable WebSocket socket;
    final List<String> received = new CopyOnWriteArrayList<>();
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    final BlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile boolean authed;

    Conn(int id) {
      this.id = id;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      webSocket.send(status("connected", "Connected Successfully"));
      opened.add(this);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      received.add(text);
      Map<String, Object> m;
      try {
        m = JSON.fromJson(text);
      } catch (IOException e) {
        throw new AssertionError("the client sent something that is not JSON: " + text, e);
      }
      try {
        answer(webSocket, m);
      } finally {
        inbox.add(m);
      }
    }

    private void answer(WebSocket webSocket, Map<String, Object> m) {
      String action = String.valueOf(m.get("action"));
      String params = String.valueOf(m.get("params"));
      if (action.equals("auth")) {
        if (maxConnections) {
          webSocket.send(status("max_connections", "Maximum number of connections exceeded."));
          webSocket.close(1008, "max_connections");
        } else if (params.equals(key)) {
          authed = true;
          webSocket.send(status("auth_success", "authenticated"));
        } else {
          webSocket.send(status("auth_failed", "authentication failed"));
          webSocket.close(1008, "authentication failed");
        }
        return;
      }
      if (!authed) {
        webSocket.send(status("error", "not authorized"));
        return;
      }
      List<String> events = new ArrayList<>();
      for (String topic : params.split(",")) {
        if (action.equals("subscribe")) {
          if (refused.contains(topic)) {
            events.add(event("error", "unknown ticker in " + topic));
            continue;
          }
          topics.add(topic);
          events.add(event("success", "subscribed to: " + topic));
        } else if (action.equals("unsubscribe")) {
          topics.remove(topic);
          events.add(event("success", "unsubscribed to: " + topic));
        }
      }
      webSocket.send("[" + String.join(",", events) + "]");
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

    /** Waits until the connection is closed. */
    boolean awaitClosed() throws InterruptedException {
      return closed.await(20, TimeUnit.SECONDS);
    }
  }

  final MockWebServer server = new MockWebServer();
  final BlockingQueue<Conn> opened = new LinkedBlockingQueue<>();
  final List<Conn> all = new CopyOnWriteArrayList<>();
  final List<String> restRequests = new CopyOnWriteArrayList<>();
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final LongSupplier clock;
  private final String key;
  private volatile @Nullable CountDownLatch hold;
  volatile boolean maxConnections;

  /**
   * @param clock the venue's clock, epoch milliseconds
   * @param key the API key it accepts
   */
  FakePolygonStream(LongSupplier clock, String key) throws IOException {
    this.clock = clock;
    this.key = key;
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
    if (path.equals("/stocks")) {
      CountDownLatch h = hold;
      if (h != null && !h.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("upgrade held for 30 s");
      }
      Conn c = new Conn(all.size() + 1);
      all.add(c);
      return new MockResponse.Builder().webSocketUpgrade(c).build();
    }
    if (path.startsWith("/v2/aggs/ticker/")) {
      return aggs(request);
    }
    return new MockResponse.Builder().code(404).build();
  }

  // ------------------------------------------------------------------ the market

  /** A minute's final values in cents: o, h, l, c, and its volume in shares. */
  static long[] bar(long t) {
    long s = mix(t * 31 + 7);
    long o = 15_000 + Math.floorMod(s, 2_000);
    long c = o + Math.floorMod(s >>> 17, 41) - 20;
    long h = Math.max(o, c) + Math.floorMod(s >>> 29, 9);
    long l = Math.min(o, c) - Math.floorMod(s >>> 37, 9);
    long v = 100 + Math.floorMod(s >>> 43, 90_000);
    return new long[] {o, h, l, c, v};
  }

  /** The minute opening at {@code t} as of {@code now}: partial while it is in progress. */
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

  static double price(long cents) {
    return cents / 100.0;
  }

  private static String cents(long cents) {
    return Math.floorDiv(cents, 100) + "." + String.format("%02d", Math.floorMod(cents, 100));
  }

  /** A status event. */
  static String event(String status, String message) {
    return "{\"ev\":\"status\",\"status\":\"" + status + "\",\"message\":\"" + message + "\"}";
  }

  /** A frame of one status event. */
  static String status(String status, String message) {
    return "[" + event(status, message) + "]";
  }

  /** One {@code AM} event for {@code sym}: the minute at {@code t} with the given values. */
  static String am(String sym, long t, long[] b) {
    return "{\"ev\":\"AM\",\"sym\":\""
        + sym
        + "\",\"v\":"
        + b[4]
        + ",\"av\":"
        + (b[4] * 40)
        + ",\"op\":"
        + cents(b[0])
        + ",\"vw\":"
        + cents((b[1] + b[2]) / 2)
        + ",\"o\":"
        + cents(b[0])
        + ",\"c\":"
        + cents(b[3])
        + ",\"h\":"
        + cents(b[1])
        + ",\"l\":"
        + cents(b[2])
        + ",\"a\":"
        + cents(b[0])
        + ",\"z\":12,\"s\":"
        + t
        + ",\"e\":"
        + (t + MIN)
        + "}";
  }

  /** Sends a frame of these events to every open connection subscribed to {@code topic}. */
  void push(String topic, String... events) {
    for (Conn c : all) {
      WebSocket ws = c.socket;
      if (c.topics.contains(topic) && ws != null && c.closed.getCount() > 0) {
        ws.send("[" + String.join(",", events) + "]");
      }
    }
  }

  /** Closes every connection, as a venue going down does. */
  void disconnectAll() {
    for (Conn c : all) {
      WebSocket ws = c.socket;
      if (ws != null) {
        ws.close(1001, "going away");
      }
    }
  }

  private MockResponse aggs(RecordedRequest r) {
    long now = clock.getAsLong();
    // /v2/aggs/ticker/{ticker}/range/1/minute/{from}/{to}, to inclusive
    List<String> seg = r.getUrl().pathSegments();
    if (!key.equals(r.getUrl().queryParameter("apiKey"))) {
      return new MockResponse.Builder()
          .code(401)
          .body("{\"status\":\"ERROR\",\"request_id\":\"x\",\"error\":\"Unknown API Key\"}")
          .build();
    }
    long from = Long.parseLong(seg.get(7));
    long to = Long.parseLong(seg.get(8));
    restRequests.add(from + ".." + to);
    List<String> rows = new ArrayList<>();
    for (long t = Math.floorDiv(from, MIN) * MIN; t <= to && t <= now; t += MIN) {
      long[] b = bar(t, now);
      rows.add(
          "{\"v\":"
              + b[4]
              + ",\"vw\":"
              + cents(b[0])
              + ",\"o\":"
              + cents(b[0])
              + ",\"c\":"
              + cents(b[3])
              + ",\"h\":"
              + cents(b[1])
              + ",\"l\":"
              + cents(b[2])
              + ",\"t\":"
              + t
              + ",\"n\":7}");
    }
    String body =
        "{\"ticker\":\""
            + seg.get(3)
            + "\",\"queryCount\":"
            + rows.size()
            + ",\"resultsCount\":"
            + rows.size()
            + ",\"adjusted\":true,\"results\":["
            + String.join(",", rows)
            + "],\"status\":\"OK\",\"request_id\":\"r"
            + restRequests.size()
            + "\",\"count\":"
            + rows.size()
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
