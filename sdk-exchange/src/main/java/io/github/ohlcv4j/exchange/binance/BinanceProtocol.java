package io.github.ohlcv4j.exchange.binance;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.internal.BinancePushes;
import io.github.ohlcv4j.exchange.internal.Markets;
import io.github.ohlcv4j.source.live.VenueProtocol;
import io.github.ohlcv4j.source.live.WebSocketSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Binance's market streams for klines, spot and USD-M futures alike: streams {@code
 * <symbol>@kline_<interval>} (the symbol in lower case), requests {@code
 * {"method":"SUBSCRIBE","params":[…],"id":7}} answered by {@code {"result":null,"id":7}}, errors
 * {@code {"code":2,"msg":"…","id":7}} (or {@code {"error":{"code":2,"msg":"…"},"id":7}}), kline
 * events raw or wrapped by a combined stream ({@code k.x} true is a close, {@code E} the venue's
 * clock), and the {@code serverShutdown} event, which moves the streams to a new connection. No
 * heartbeat of the client's own: Binance pings, and OkHttp answers with the ping's payload.
 */
final class BinanceProtocol implements VenueProtocol {

  private final BinanceSource.Market market;
  private final String name;
  private final Map<Interval, String> intervals;
  private final ThreadLocal<BinancePushes> readers = ThreadLocal.withInitial(BinancePushes::new);

  BinanceProtocol(BinanceSource.Market market, String name) {
    this.market = market;
    this.name = name;
    this.intervals = intervals(market);
  }

  /** The intervals Binance streams: 1s on spot only, then 1m to 1M as its REST API has them. */
  static Map<Interval, String> intervals(BinanceSource.Market market) {
    Map<Interval, String> m = new LinkedHashMap<>();
    if (market == BinanceSource.Market.SPOT) {
      m.put(Interval.of(1, Interval.Unit.SECOND), "1s");
    }
    for (Interval i :
        new Interval[] {
          Interval.M1,
          Interval.M3,
          Interval.M5,
          Interval.M15,
          Interval.M30,
          Interval.H1,
          Interval.H2,
          Interval.H4,
          Interval.H6,
          Interval.of(8, Interval.Unit.HOUR),
          Interval.H12,
          Interval.D1,
          Interval.W1,
          Interval.MN1
        }) {
      m.put(i, i.toString());
    }
    return Map.copyOf(m);
  }

  @Override
  public String topic(Symbol symbol, Interval interval) {
    String i = intervals.get(interval);
    if (i == null) {
      throw new UnsupportedIntervalException(
          symbol
              + ": Binance "
              + (market == BinanceSource.Market.SPOT
                  ? "spot streams klines of 1s, "
                  : "USD-M streams klines of ")
              + "1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 1w and 1M, not "
              + interval
              + "; stream a finer one and resample("
              + interval
              + ")",
          name,
          null,
          null);
    }
    Markets.requireVenue(symbol, "BINANCE", name);
    if (!Markets.servesMarket(symbol, Markets::binanceMarket, market.id())) {
      String wanted = Markets.binanceMarket(symbol);
      throw new InvalidQueryException(
          symbol
              + " is a Binance "
              + (wanted.equals("spot") ? "spot" : "USD-M futures")
              + " symbol, but "
              + name
              + " streams "
              + (market == BinanceSource.Market.SPOT
                  ? "spot symbols (BINANCE:BTCUSDT)"
                  : "USD-M perpetuals (BINANCE:BTCUSDT.P) and dated futures"
                      + " (BINANCE:BTCUSDT_250328)")
              + "; use binance:"
              + wanted,
          name,
          null,
          null);
    }
    return symbol.code().toLowerCase(Locale.ROOT) + "@kline_" + i;
  }

  @Override
  public String subscribe(List<String> topics, String requestId) {
    return request("SUBSCRIBE", topics, requestId);
  }

  @Override
  public String unsubscribe(List<String> topics, String requestId) {
    return request("UNSUBSCRIBE", topics, requestId);
  }

  /** A request; the id goes as a number when it is one (Binance asks for an unsigned integer). */
  private static String request(String method, List<String> topics, String requestId) {
    StringBuilder b = new StringBuilder(40 + topics.size() * 24);
    b.append("{\"method\":\"").append(method).append("\",\"params\":[");
    for (int i = 0; i < topics.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(topics.get(i)).append('"');
    }
    b.append("],\"id\":");
    if (!requestId.isEmpty() && requestId.chars().allMatch(c -> c >= '0' && c <= '9')) {
      b.append(requestId);
    } else {
      b.append('"').append(requestId).append('"');
    }
    return b.append('}').toString();
  }

  @Override
  public void message(String text, WebSocketSession session) {
    BinancePushes p = readers.get();
    p.read(text, name);
    if (p.kline) {
      session.candle(
          p.topic(), p.openTime, p.open, p.high, p.low, p.close, p.volume, p.closed, p.eventTime);
      return;
    }
    if ("serverShutdown".equals(p.event)) {
      session.rotate();
      return;
    }
    String id = p.id == null ? "" : p.id;
    if (p.error) {
      session.refused(id, refusal(p.code, p.msg));
    } else if (p.answer) {
      session.acknowledged(id);
    }
    // other events (a stream the feed did not ask for) carry nothing for it
  }

  /** The typed error for a refused request, from Binance's {@code code} and {@code msg}. */
  OhlcvException refusal(long code, @Nullable String msg) {
    String said = msg == null || msg.isEmpty() ? "no reason given" : msg;
    String message =
        name + " refused a subscription (Binance says code " + code + ", \"" + said + "\")";
    String lower = said.toLowerCase(Locale.ROOT);
    if (lower.contains("symbol")) {
      return new SymbolNotFoundException(
          message + ". Check the symbol against Binance's " + marketName() + " exchangeInfo.",
          name,
          null,
          null);
    }
    if (lower.contains("interval")) {
      return new UnsupportedIntervalException(message + ".", name, null, null);
    }
    if (lower.contains("too many") || lower.contains("limit") || lower.contains("exceed")) {
      return new SourceUnavailableException(
          message + "; the connection's limits were reached.", name, false, null, null, null);
    }
    return new InvalidQueryException(
        message
            + ". The stream is not one Binance serves on "
            + marketName()
            + "; check the symbol and the interval.",
        name,
        null,
        null);
  }

  private String marketName() {
    return market == BinanceSource.Market.SPOT ? "spot" : "USD-M futures";
  }
}
