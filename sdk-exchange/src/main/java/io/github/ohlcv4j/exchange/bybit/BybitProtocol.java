package io.github.ohlcv4j.exchange.bybit;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.internal.BybitPushes;
import io.github.ohlcv4j.exchange.internal.Markets;
import io.github.ohlcv4j.source.live.VenueProtocol;
import io.github.ohlcv4j.source.live.WebSocketSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Bybit's v5 public WebSocket for klines: topics {@code kline.{interval}.{symbol}}, requests {@code
 * {"req_id":"7","op":"subscribe","args":[…]}}, the JSON ping {@code {"req_id":"8","op":"ping"}},
 * pushes with every element of {@code data} read ({@code confirm} true is a close), answers with
 * {@code success} true or false. A refusal becomes a typed error: a message about the symbol a
 * {@link SymbolNotFoundException}, about the interval an {@link UnsupportedIntervalException}, any
 * other an {@link InvalidQueryException} with Bybit's words.
 */
final class BybitProtocol implements VenueProtocol {

  private static final Map<Interval, String> INTERVALS = intervals();

  private final BybitSource.Category category;
  private final String name;
  private final ThreadLocal<BybitPushes> readers = ThreadLocal.withInitial(BybitPushes::new);

  BybitProtocol(BybitSource.Category category, String name) {
    this.category = category;
    this.name = name;
  }

  /** Bybit's names of the intervals it serves, for REST and WebSocket alike. */
  static Map<Interval, String> intervals() {
    Map<Interval, String> m = new LinkedHashMap<>();
    m.put(Interval.M1, "1");
    m.put(Interval.M3, "3");
    m.put(Interval.M5, "5");
    m.put(Interval.M15, "15");
    m.put(Interval.M30, "30");
    m.put(Interval.H1, "60");
    m.put(Interval.H2, "120");
    m.put(Interval.H4, "240");
    m.put(Interval.H6, "360");
    m.put(Interval.H12, "720");
    m.put(Interval.D1, "D");
    m.put(Interval.W1, "W");
    m.put(Interval.MN1, "M");
    return Map.copyOf(m);
  }

  @Override
  public String topic(Symbol symbol, Interval interval) {
    String i = INTERVALS.get(interval);
    if (i == null) {
      throw new UnsupportedIntervalException(
          symbol
              + ": Bybit streams klines of 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 12h, 1d, 1w and 1M,"
              + " not "
              + interval
              + "; stream a finer one and resample("
              + interval
              + ")",
          name,
          null,
          null);
    }
    Markets.requireVenue(symbol, "BYBIT", name);
    if (!Markets.unqualified(symbol) && !Markets.bybitCategory(symbol).equals(category.id())) {
      throw new InvalidQueryException(
          symbol
              + " is a Bybit "
              + Markets.bybitCategory(symbol)
              + " symbol, but "
              + name
              + " streams "
              + category.id()
              + " symbols; use bybit:"
              + Markets.bybitCategory(symbol),
          name,
          null,
          null);
    }
    return "kline." + i + "." + symbol.code();
  }

  @Override
  public String subscribe(List<String> topics, String requestId) {
    return request("subscribe", topics, requestId);
  }

  @Override
  public String unsubscribe(List<String> topics, String requestId) {
    return request("unsubscribe", topics, requestId);
  }

  private static String request(String op, List<String> topics, String requestId) {
    StringBuilder b = new StringBuilder(32 + topics.size() * 24);
    b.append("{\"req_id\":\"").append(requestId).append("\",\"op\":\"").append(op);
    b.append("\",\"args\":[");
    for (int i = 0; i < topics.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(topics.get(i)).append('"');
    }
    return b.append("]}").toString();
  }

  @Override
  public Optional<String> heartbeat(String requestId) {
    return Optional.of("{\"req_id\":\"" + requestId + "\",\"op\":\"ping\"}");
  }

  @Override
  public int characters(String topic) {
    return topic.length();
  }

  @Override
  public void message(String text, WebSocketSession session) {
    BybitPushes p = readers.get();
    p.read(text, name);
    if (p.rows > 0) {
      String topic = p.topic;
      if (topic == null || !topic.startsWith("kline.")) {
        return;
      }
      for (int r = 0; r < p.rows; r++) {
        long venueTime = p.ts != Long.MIN_VALUE ? p.ts : p.timestamp[r];
        if (venueTime == Long.MIN_VALUE) {
          venueTime = p.start[r];
        }
        session.candle(
            topic,
            p.start[r],
            p.open[r],
            p.high[r],
            p.low[r],
            p.close[r],
            p.volume[r],
            p.confirm[r],
            venueTime);
      }
      return;
    }
    String op = p.op;
    if (op == null || p.success == null) {
      return; // a push of another topic, or something new: nothing to act on
    }
    if (op.equals("subscribe") || op.equals("unsubscribe")) {
      String id = p.reqId == null ? "" : p.reqId;
      if (p.success) {
        session.acknowledged(id);
      } else {
        session.refused(id, refusal(op, p.retMsg));
      }
    }
  }

  /** The typed error for a refused request, from Bybit's {@code ret_msg}. */
  OhlcvException refusal(String op, @Nullable String retMsg) {
    String said = retMsg == null || retMsg.isEmpty() ? "no reason given" : retMsg;
    String message = name + " refused to " + op + " (Bybit says \"" + said + "\")";
    String lower = said.toLowerCase(Locale.ROOT);
    if (lower.contains("symbol")) {
      return new SymbolNotFoundException(
          message + ". Check the symbol against Bybit's " + category.id() + " instruments.",
          name,
          null,
          null);
    }
    if (lower.contains("interval")) {
      return new UnsupportedIntervalException(message + ".", name, null, null);
    }
    if (lower.contains("too many") || lower.contains("limit")) {
      return new SourceUnavailableException(
          message + "; the connection's limits were reached.", name, false, null, null, null);
    }
    return new InvalidQueryException(
        message + ". The topic is not one Bybit streams on " + category.id() + ".",
        name,
        null,
        null);
  }
}
