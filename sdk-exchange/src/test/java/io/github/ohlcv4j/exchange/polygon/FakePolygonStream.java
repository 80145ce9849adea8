package io.github.ohlcv4j.exchange.polygon;

import io.github.ohlcv4j.exchange.FakeVenueStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.WebSocket;

/**
 * Polygon's stocks WebSocket and its aggregates REST endpoint behind one MockWebServer, speaking
 * the documented formats: {@code /stocks} upgrades to a WebSocket that says {@code connected}
 * first, answers {@code auth} with {@code auth_success} (or {@code auth_failed} for another key, or
 * {@code max_connections} when told to), and answers {@code subscribe} topic by topic with {@code
 * "subscribed to: AM.AAPL"} (or a status {@code error} for a refused ticker). Every frame is a JSON
 * array of events. The test pushes minute aggregates with {@link #am} and {@link #pushEvents}.
 * {@code /v2/aggs/ticker/...} answers from the same market by the venue's clock.
 *
 * <p>Prices are whole cents so every value reads back exactly.
 */
final class FakePolygonStream extends FakeVenueStream<FakePolygonStream.Conn> {

  /** One connection as the venue sees it. */
  final class Conn extends FakeVenueStream<Conn>.Connection {
    volatile boolean authed;

    Conn(int id) {
      super(id);
    }

    @Override
    protected void greet(WebSocket webSocket) {
      webSocket.send(status("connected", "Connected Successfully"));
    }

    @Override
    protected void answer(WebSocket webSocket, Map<String, Object> m) {
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
  }

  private final String key;
  volatile boolean maxConnections;

  /**
   * @param clock the venue's clock, epoch milliseconds
   * @param key the API key it accepts
   */
  FakePolygonStream(LongSupplier clock, String key) throws IOException {
    super(clock);
    this.key = key;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    if (path.equals("/stocks")) {
      return upgrade(new Conn(nextId()));
    }
    if (path.startsWith("/v2/aggs/ticker/")) {
      return aggs(request);
    }
    return new MockResponse.Builder().code(404).build();
  }

  // ------------------------------------------------------------------ the market

  /** A minute's final values in cents: o, h, l, c, and its volume in shares. */
  static long[] bar(long t) {
    return FakeVenueStream.bar(t, 7, 15_000, 2_000, 20, 9, 100, 90_000);
  }

  /** The minute opening at {@code t} as of {@code now}: partial while it is in progress. */
  static long[] bar(long t, long now) {
    return asOf(bar(t), t, now);
  }

  static double price(long cents) {
    return cents / 100.0;
  }

  private static String cents(long cents) {
    return decimal(cents, 2);
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
  void pushEvents(String topic, String... events) {
    push(topic, "[" + String.join(",", events) + "]");
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
    return json(now).body(body).build();
  }
}
