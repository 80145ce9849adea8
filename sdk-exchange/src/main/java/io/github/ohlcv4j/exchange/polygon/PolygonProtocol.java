package io.github.ohlcv4j.exchange.polygon;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.internal.JsonBytes;
import io.github.ohlcv4j.exchange.internal.Markets;
import io.github.ohlcv4j.exchange.internal.TextCache;
import io.github.ohlcv4j.source.http.Redact;
import io.github.ohlcv4j.source.live.VenueProtocol;
import io.github.ohlcv4j.source.live.WebSocketSession;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Polygon's WebSocket for minute aggregates ({@code AM}): the handshake ({@code connected} → {@code
 * {"action":"auth","params":KEY}} → {@code auth_success}), subscriptions {@code
 * {"action":"subscribe","params":"AM.AAPL,AM.MSFT"}} answered topic by topic ({@code "subscribed
 * to: AM.AAPL"}), and frames that are JSON arrays of events. An {@code AM} event has no closed
 * flag: every one is pushed as the candle in progress, and the client closes it at its end plus the
 * close grace ({@link PolygonLive#closesCandles()}).
 *
 * <p>{@code auth_failed} ends every stream with an {@link AuthenticationException}, {@code
 * max_connections} with a {@link SourceUnavailableException} (Polygon allows one connection per
 * account and cluster; another client with the same key is connected), both without a reconnect. A
 * status {@code error} refuses the subscription it names (or the oldest one unanswered). The API
 * key is masked in every message.
 */
final class PolygonProtocol implements VenueProtocol {

  private static final String[] KEY_NAMES = {
    "ev", "status", "message", "sym", "o", "h", "l", "c", "v", "s", "e"
  };
  private static final byte[][] KEYS =
      Arrays.stream(KEY_NAMES).map(PolygonProtocol::bytes).toArray(byte[][]::new);
  private static final String SUBSCRIBED = "subscribed to: ";
  private static final String UNSUBSCRIBED = "unsubscribed to: ";

  private final String name;
  private final String apiKey;

  // What each subscription request still waits for: topic -> request id, request id -> topics left.
  private final Map<String, String> requestOf = new HashMap<>();
  private final Map<String, Integer> left = new HashMap<>();

  /**
   * What a connection thread reads frames with, reused from frame to frame: the reader (which masks
   * the key in its errors), the names it has met, and the topic of each ticker.
   */
  private static final class Reader {
    final JsonBytes json;
    final TextCache names = new TextCache();
    final Map<String, String> topics = new HashMap<>();

    Reader(JsonBytes json) {
      this.json = json;
    }

    String topic(String sym) {
      String t = topics.get(sym);
      if (t == null) {
        if (topics.size() >= 4096) {
          topics.clear();
        }
        t = "AM." + sym;
        topics.put(sym, t);
      }
      return t;
    }
  }

  private final ThreadLocal<Reader> readers;

  PolygonProtocol(String name, String apiKey) {
    this.name = name;
    this.apiKey = apiKey;
    this.readers =
        ThreadLocal.withInitial(
            () -> new Reader(new JsonBytes(new byte[0], 0, name, "a frame", List.of(apiKey))));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String topic(Symbol symbol, Interval interval) {
    if (!interval.equals(Interval.M1)) {
      throw new UnsupportedIntervalException(
          symbol
              + ": Polygon streams minute aggregates (AM), not "
              + interval
              + "; stream 1m and resample("
              + interval
              + ")",
          name,
          null,
          null);
    }
    Markets.requireVenue(symbol, "POLYGON", name);
    String code = symbol.code();
    if (symbol.marketType() == MarketType.PERPETUAL || !stockTicker(code)) {
      throw new InvalidQueryException(
          symbol
              + ": "
              + name
              + " streams stock tickers (such as POLYGON:AAPL or POLYGON:BRK.B); crypto, forex,"
              + " index and option tickers live on Polygon's other clusters and are not streamed",
          name,
          null,
          null);
    }
    return "AM." + code;
  }

  private static boolean stockTicker(String code) {
    if (code.isEmpty() || code.length() > 16) {
      return false;
    }
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String subscribe(List<String> topics, String requestId) {
    synchronized (this) {
      for (String t : topics) {
        String old = requestOf.put(t, requestId);
        if (old != null) {
          left.remove(old); // a request on a connection that was lost
        }
      }
      left.put(requestId, topics.size());
    }
    return request("subscribe", topics);
  }

  @Override
  public String unsubscribe(List<String> topics, String requestId) {
    synchronized (this) {
      for (String t : topics) {
        String old = requestOf.put("-" + t, requestId);
        if (old != null) {
          left.remove(old);
        }
      }
      left.put(requestId, topics.size());
    }
    return request("unsubscribe", topics);
  }

  private static String request(String action, List<String> topics) {
    return "{\"action\":\"" + action + "\",\"params\":\"" + String.join(",", topics) + "\"}";
  }

  /** The authentication request; the key is escaped as a JSON string. */
  String auth() {
    StringBuilder b = new StringBuilder(40 + apiKey.length());
    b.append("{\"action\":\"auth\",\"params\":\"");
    for (int i = 0; i < apiKey.length(); i++) {
      char c = apiKey.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append("\"}").toString();
  }

  @Override
  public void opened(WebSocketSession session) {
    // Polygon speaks first: its "connected" status is answered with the key.
  }

  @Override
  public void message(String text, WebSocketSession session) {
    Reader reader = readers.get();
    JsonBytes j = reader.json.reset(text, name);
    j.expect('[', "a JSON array of events");
    if (j.consume(']')) {
      return;
    }
    int row = 0;
    do {
      j.row(row++);
      event(j, reader, session);
    } while (j.more(']', "',' or ']' after an event"));
    j.expectEnd();
  }

  private void event(JsonBytes j, Reader reader, WebSocketSession session) {
    String ev = null;
    String status = null;
    String message = null;
    String sym = null;
    double o = Double.NaN;
    double h = Double.NaN;
    double l = Double.NaN;
    double c = Double.NaN;
    double v = Double.NaN;
    long s = Long.MIN_VALUE;
    long e = Long.MIN_VALUE;
    j.expect('{', "an event object");
    if (!j.consume('}')) {
      do {
        int k = j.key(KEYS);
        j.field(k < 0 ? null : KEY_NAMES[k]);
        if (k >= 0 && j.nullValue()) {
          continue;
        }
        switch (k) {
          case 0 -> ev = j.string(reader.names);
          case 1 -> status = j.string();
          case 2 -> message = j.string();
          case 3 -> sym = j.string(reader.names);
          case 4 -> o = j.number();
          case 5 -> h = j.number();
          case 6 -> l = j.number();
          case 7 -> c = j.number();
          case 8 -> v = j.number();
          case 9 -> s = j.whole();
          case 10 -> e = j.whole();
          default -> j.skipValue();
        }
      } while (j.more('}', "',' or '}' after a field"));
    }
    j.field(null);
    if ("AM".equals(ev)) {
      if (sym == null || s == Long.MIN_VALUE) {
        throw j.fail("an AM event with sym and s");
      }
      if (Double.isNaN(o) || Double.isNaN(h) || Double.isNaN(l) || Double.isNaN(c)) {
        throw j.fail("an AM event with o, h, l and c");
      }
      // No closed flag: the client closes the minute at its end plus the grace. The venue time is
      // the bar's end; the feed stamps the time of receipt instead (see PolygonLive).
      session.candle(
          reader.topic(sym),
          s,
          o,
          h,
          l,
          c,
          Double.isNaN(v) ? 0 : v,
          false,
          e != Long.MIN_VALUE ? e : s);
    } else if ("status".equals(ev) && status != null) {
      status(status, message == null ? "" : Redact.text(message, List.of(apiKey)), session);
    }
  }

  private void status(String status, String message, WebSocketSession session) {
    switch (status) {
      case "connected" -> session.send(auth());
      case "auth_success" -> session.ready();
      case "auth_failed" ->
          session.fail(
              AuthenticationException.of(
                      name,
                      name
                          + ": Polygon refused the API key (\""
                          + message
                          + "\"). Check "
                          + PolygonSource.API_KEY_SETTING
                          + " and that the plan includes WebSocket access.")
                  .venueCode(status)
                  .build());
      case "max_connections" ->
          session.fail(
              new SourceUnavailableException(
                  name
                      + ": Polygon refused the connection (\""
                      + message
                      + "\"): it allows one connection per account and cluster, and another"
                      + " client with this API key holds it. Close it, or share one client.",
                  name,
                  false,
                  null,
                  status,
                  null));
      case "success" -> answered(message, session);
      case "error" -> refused(message, session);
      default -> {} // auth_timeout and others: Polygon closes the socket, and it is reopened
    }
  }

  private void answered(String message, WebSocketSession session) {
    String key;
    if (message.startsWith(SUBSCRIBED)) {
      key = message.substring(SUBSCRIBED.length()).trim();
    } else if (message.startsWith(UNSUBSCRIBED)) {
      key = "-" + message.substring(UNSUBSCRIBED.length()).trim();
    } else {
      return;
    }
    String done = null;
    synchronized (this) {
      String id = requestOf.remove(key);
      if (id != null) {
        Integer n = left.get(id);
        if (n == null || n <= 1) {
          left.remove(id);
          done = id;
        } else {
          left.put(id, n - 1);
        }
      }
    }
    if (done != null) {
      session.acknowledged(done);
    }
  }

  private void refused(String message, WebSocketSession session) {
    String id = "";
    String topic = null;
    synchronized (this) {
      for (Map.Entry<String, String> en : requestOf.entrySet()) {
        String t = en.getKey();
        if (!t.startsWith("-") && message.contains(t)) {
          topic = t;
          id = en.getValue();
          break;
        }
      }
      if (topic != null) {
        final String req = id;
        requestOf.values().removeIf(req::equals);
        left.remove(req);
      }
    }
    session.refused(id, refusal(topic, message));
  }

  /** The typed error for a refused subscription, from Polygon's message. */
  OhlcvException refusal(@Nullable String topic, String message) {
    String said = message.isEmpty() ? "no reason given" : message;
    String text =
        name
            + " refused to subscribe"
            + (topic != null ? " to " + topic : "")
            + " (Polygon says \""
            + said
            + "\")";
    String lower = said.toLowerCase(Locale.ROOT);
    if (lower.contains("ticker") || lower.contains("symbol")) {
      return SymbolNotFoundException.of(name, text + ".").venueCode("error").build();
    }
    if (lower.contains("plan") || lower.contains("not authorized") || lower.contains("entitle")) {
      return AuthenticationException.of(name, text + "; the plan does not include this stream.")
          .venueCode("error")
          .build();
    }
    return InvalidQueryException.of(name, text + ".").venueCode("error").build();
  }
}
