package io.github.ohlcv4j.exchange.binance;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import io.github.ohlcv4j.source.live.LiveSink;
import io.github.ohlcv4j.source.live.WebSocketFeed;
import io.github.ohlcv4j.source.live.WebSocketLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
public final class BinanceLive implements LiveFeed {

  private final BinanceSource.Market market;
  private final String wsUrl;
  private final WebSocketFeed feed;

  private BinanceLive(Builder b) {
    this.market = b.market;
    this.wsUrl = b.wsUrl != null ? b.wsUrl : market.defaultWsUrl();
    String name = "binance:" + market.id();
    this.feed =
        WebSocketFeed.builder(name, new BinanceProtocol(market, name))
            .url(wsUrl + path(market))
            .limits(b.limits != null ? b.limits : limits(market))
            .closeGrace(b.closeGrace)
            .context(b.context)
            .build();
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

  /** The stream host as given (without the path the feed appends). */
  public String wsUrl() {
    return wsUrl;
  }

  /** The WebSocket URL, with the path the feed appends (credentials masked). */
  public String url() {
    return feed.url();
  }

  /** The limits it keeps to. */
  public WebSocketLimits limits() {
    return feed.limits();
  }

  /** How many connections are open or opening now. */
  public int connections() {
    return feed.connections();
  }

  /** {@code binance:spot} or {@code binance:usdm}. */
  @Override
  public String name() {
    return feed.name();
  }

  @Override
  public Duration closeGrace() {
    return feed.closeGrace();
  }

  @Override
  public Handle open(Symbol symbol, Interval interval, LiveSink sink, LiveEnvironment environment) {
    return feed.open(symbol, interval, sink, environment);
  }

  @Override
  public void close() {
    feed.close();
  }

  @Override
  public String toString() {
    return "BinanceLive{" + feed.name() + ", " + url() + "}";
  }

  /** Builds a {@link BinanceLive}. Not thread-safe. */
  public static final class Builder {
    private final BinanceSource.Market market;
    private @Nullable String wsUrl;
    private Duration closeGrace = Duration.ofSeconds(5);
    private @Nullable WebSocketLimits limits;
    private SourceContext context = SourceContext.ofDefaults();

    Builder(BinanceSource.Market market) {
      this.market = Objects.requireNonNull(market, "market");
    }

    /**
     * Where Binance's stream is: scheme, host, port and an optional base path, without {@code /ws}
     * or {@code /market/ws} (the feed appends it); the market's {@link
     * BinanceSource.Market#defaultWsUrl()} unless given.
     *
     * @throws IllegalArgumentException if it is not such a URL (it has a query, or another scheme)
     */
    public Builder wsUrl(String wsUrl) {
      this.wsUrl = normalise(Objects.requireNonNull(wsUrl, "wsUrl"));
      return this;
    }

    /**
     * How long after a candle's end to wait for Binance's close before fetching the candle over
     * REST; 5 seconds by default (Binance sends it within a second or two).
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** Other limits than {@link BinanceLive#limits(BinanceSource.Market)}. */
    public Builder limits(WebSocketLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Where the HTTP client (proxy, TLS) comes from; {@link SourceContext#ofDefaults()} unless
     * given.
     */
    public Builder context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /** Builds the feed; nothing connects until a stream is opened. */
    public BinanceLive build() {
      return new BinanceLive(this);
    }

    /** Checks a {@code wsUrl} and drops its trailing slashes. */
    static String normalise(String wsUrl) {
      String s = wsUrl.trim();
      URI u;
      try {
        u = new URI(s);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "wsUrl \"" + SourceUris.redact(s) + "\" is not a URL: " + e.getReason());
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("ws")
              || scheme.equals("wss")
              || scheme.equals("http")
              || scheme.equals("https"))
          || u.getHost() == null
          || u.getRawQuery() != null
          || u.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "wsUrl \""
                + SourceUris.redact(s)
                + "\" must be scheme://host[:port][/base path] with scheme wss, ws, https or http"
                + " and no query; the feed appends /ws (spot) or /market/ws (USD-M)");
      }
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return s;
    }
  }
}
