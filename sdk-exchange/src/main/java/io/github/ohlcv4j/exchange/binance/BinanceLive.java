package io.github.ohlcv4j.exchange.binance;

import io.github.ohlcv4j.source.live.WebSocketFeed;
import io.github.ohlcv4j.source.live.WebSocketLimits;
import io.github.ohlcv4j.source.live.WebSocketLiveFeed;
import java.time.Duration;
import java.util.Objects;

/**
 * Live klines from Binance's market streams, spot ({@code wss://stream.binance.com:9443/ws}) or
 * USD-M futures ({@code wss://fstream.binance.com/market/ws}), stream {@code
 * <symbol>@kline_<interval>}: the live feed of a {@link BinanceSource}, which {@code
 * client.query("BINANCE:BTCUSDT.P").live()} subscribes to while history and backfills come from the
 * source's REST API.
 *
 * <p><b>Protocol.</b> Streams are subscribed on a raw connection with {@code
 * {"method":"SUBSCRIBE","params":[…],"id":7}}, answered by {@code {"result":null,"id":7}}; a kline
 * event's {@code k.x} true closes the candle (a second close with the same values is dropped, one
 * with other values is a revision) and its {@code E} is the venue's clock. Binance pings every 20
 * seconds on spot and every 3 minutes on USD-M; OkHttp answers each ping with its payload, so the
 * client sends no heartbeat of its own. The {@code serverShutdown} event, and every connection's
 * 23rd hour (Binance ends connections at 24 hours), replace the connection make-before-break: the
 * new one subscribes every stream before the old one closes, so nothing is missed. An error answer
 * ({@code {"code":2,"msg":"Invalid request: invalid stream"}}, also served as {@code
 * {"error":{…}}}) refuses the request: it is sent again stream by stream, and a stream refused on
 * its own ends with a {@link io.github.ohlcv4j.SymbolNotFoundException} (a message about the
 * symbol), an {@link io.github.ohlcv4j.UnsupportedIntervalException} or an {@link
 * io.github.ohlcv4j.InvalidQueryException} with Binance's words. Binance is not documented to
 * refuse an unknown symbol on the stream: such a stream stays silent, and the REST requests for its
 * candles meet Binance's {@code -1121}.
 *
 * <p><b>Limits.</b> See {@link #limits(BinanceSource.Market)}: at most 1024 streams a connection on
 * spot and 200 on USD-M (more open another connection), messages spaced to stay under Binance's 5
 * (spot) and 10 (USD-M) incoming messages a second, which count pongs too, and at most 300
 * connections in 5 minutes. Everything else (connection sharing, reconnects with backoff,
 * backfills) is {@link WebSocketFeed}'s and the client's.
 *
 * <p><b>Where.</b> {@code wsUrl} is a scheme ({@code wss}, {@code ws}, {@code https} or {@code
 * http}), a host, a port and an optional base path; the feed appends {@code /ws} on spot and {@code
 * /market/ws} on USD-M (Binance serves futures klines on the {@code /market} route only: an
 * unrouted connection is accepted and delivers none). The URI parameter is the same: {@code
 * binance:spot?wsUrl=wss://data-stream.binance.vision} for the market-data-only host, or {@code
 * binance:spot?wsUrl=wss://stream.testnet.binance.vision} for the spot testnet.
 *
 * <p>Thread-safe; its sockets run on the shared WebSocket threads ({@code ohlcv4j-shared-ws-N}).
 */
public final class BinanceLive extends WebSocketLiveFeed {

  private final BinanceSource.Market market;

  private BinanceLive(Builder b) {
    super(
        b,
        "binance:" + b.market.id(),
        new BinanceProtocol(b.market, "binance:" + b.market.id()),
        b.market.defaultWsUrl(),
        path(b.market),
        limits(b.market));
    this.market = b.market;
  }

  /** A builder for the feed of {@code market}. */
  public static Builder builder(BinanceSource.Market market) {
    return new Builder(market);
  }

  private static String path(BinanceSource.Market market) {
    return market == BinanceSource.Market.SPOT ? "/ws" : "/market/ws";
  }

  /**
   * Binance's limits for a market. Spot: 1024 streams a connection, 4 messages a second (Binance
   * allows 5 incoming a second, pongs included), a connection silent for 60 seconds replaced
   * (klines come every 2 seconds, trades or not). USD-M: 200 streams a connection (Binance's pages
   * say 1024 and 200; the lower holds under both), 8 messages a second (of 10), an OkHttp ping
   * every 60 seconds and a connection silent for 5 minutes replaced (a quiet contract's klines
   * pause while nothing trades). Both: at most 200 streams a request, 300 connections in 5 minutes,
   * a connection replaced at 23 hours, reconnects backing off from half a second to 30 seconds.
   */
  public static WebSocketLimits limits(BinanceSource.Market market) {
    WebSocketLimits.Builder b =
        WebSocketLimits.builder()
            .topicsPerRequest(200)
            .connections(300, Duration.ofMinutes(5))
            .maxConnectionAge(Duration.ofHours(23));
    if (market == BinanceSource.Market.SPOT) {
      b.topicsPerConnection(1024)
          .controlMessagesPerSecond(4)
          .silenceTimeout(Duration.ofSeconds(60));
    } else {
      b.topicsPerConnection(200)
          .controlMessagesPerSecond(8)
          .protocolPing(Duration.ofSeconds(60))
          .silenceTimeout(Duration.ofMinutes(5));
    }
    return b.build();
  }

  /** The market. */
  public BinanceSource.Market market() {
    return market;
  }

  /**
   * Builds a {@link BinanceLive}: {@link #wsUrl(String) wsUrl} is scheme, host, port and an
   * optional base path, without {@code /ws} or {@code /market/ws} (the feed appends it); the
   * market's {@link BinanceSource.Market#defaultWsUrl()} unless given. The close grace is 5 seconds
   * by default (Binance sends the close within a second or two). Not thread-safe.
   */
  public static final class Builder extends WebSocketLiveFeed.Builder<Builder> {
    private static final String APPENDED = "/ws (spot) or /market/ws (USD-M)";
    private final BinanceSource.Market market;

    Builder(BinanceSource.Market market) {
      super(APPENDED);
      this.market = Objects.requireNonNull(market, "market");
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Builds the feed; nothing connects until a stream is opened. */
    public BinanceLive build() {
      return new BinanceLive(this);
    }

    /** Checks a {@code wsUrl} and drops its trailing slashes. */
    static String normalise(String wsUrl) {
      return normaliseWsUrl(wsUrl, APPENDED);
    }
  }
}
