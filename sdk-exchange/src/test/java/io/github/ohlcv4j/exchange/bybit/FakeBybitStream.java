package io.github.ohlcv4j.exchange.bybit;

import io.github.ohlcv4j.exchange.FakeVenueStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.WebSocket;

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
final class FakeBybitStream extends FakeVenueStream<FakeBybitStream.Conn> {

  /** One connection as the venue sees it. */
  final class Conn extends FakeVenueStream<Conn>.Connection {

    Conn(int id) {
      super(id);
    }

    @Override
    protected void answer(WebSocket webSocket, Map<String, Object> m) {
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

    /** The next message with this {@code op}, skipping others, waiting up to 20 s each. */
    Map<String, Object> next(String op) throws InterruptedException {
      return next("op", op);
    }
  }

  private final Set<Long> missing = new HashSet<>();
  volatile boolean silent;
  volatile boolean mute;
  volatile boolean echoReqId = true;
  volatile int upgradeStatus = 101;

  /**
   * @param clock the venue's clock, epoch milliseconds
   */
  FakeBybitStream(LongSupplier clock) throws IOException {
    super(clock);
  }

  /** The minute opening at {@code t} has no candle (no trades). */
  void noCandleAt(long t) {
    synchronized (missing) {
      missing.add(t);
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    if (path.startsWith("/v5/public/")) {
      if (upgradeStatus != 101) {
        return new MockResponse.Builder().code(upgradeStatus).body("Forbidden").build();
      }
      return upgrade(new Conn(nextId()));
    }
    if (path.equals("/v5/market/kline")) {
      return kline(request);
    }
    return new MockResponse.Builder().code(404).build();
  }

  // ------------------------------------------------------------------ the market

  /** A candle's final values in ticks of 0.1 and volume in thousandths: o, h, l, c, v. */
  static long[] bar(long t) {
    return FakeVenueStream.bar(t, 7, 150_000, 20_000, 200, 75, 1, 900_000);
  }

  /** The candle opening at {@code t} as of {@code now}: partial while it is in progress. */
  static long[] bar(long t, long now) {
    return asOf(bar(t), t, now);
  }

  static double price(long ticks) {
    return ticks / 10.0;
  }

  static double volume(long units) {
    return units / 1000.0;
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
    return json(now).body(body).build();
  }
}
