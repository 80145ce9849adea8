package io.github.ohlcv4j.exchange.bybit;

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
 * Live klines from Bybit's v5 public WebSocket ({@code
 * wss://stream.bybit.com/v5/public/{category}}, topic {@code kline.{interval}.{symbol}}): the live
 * feed of a {@link BybitSource}, which {@code client.query("BYBIT:BTCUSDT.P").live()} subscribes to
 * while history and backfills come from the source's REST API.
 *
 * <p><b>Protocol.</b> Subscriptions go out as {@code {"req_id":…,"op":"subscribe","args":[…]}}, at
 * most 10 topics a request on spot (Bybit's limit) and at most 21,000 characters of topics on one
 * connection (more topics open another connection); a JSON {@code {"op":"ping"}} goes out every 20
 * seconds; a connection silent for 45 seconds (two pongs missed) is replaced. Every element of a
 * push's {@code data} is read; {@code confirm} true closes the candle (a second close with the same
 * values is dropped, one with other values is a revision); the push's {@code ts} is the venue's
 * clock. A refused subscription ({@code "success":false}) is retried topic by topic; a topic
 * refused on its own ends its streams with a {@link io.github.ohlcv4j.SymbolNotFoundException}
 * (Bybit's message about the symbol), an {@link io.github.ohlcv4j.UnsupportedIntervalException} or
 * an {@link io.github.ohlcv4j.InvalidQueryException} with Bybit's words. Bybit allows 500
 * connections in 5 minutes per domain; reconnects back off from half a second to 30 seconds.
 * Everything else (connection sharing, reconnects, backfills) is {@link WebSocketFeed}'s and the
 * client's.
 *
 * <p><b>Where.</b> {@code wsUrl} is a scheme ({@code wss}, {@code ws}, {@code https} or {@code
 * http}), a host, a port and an optional base path; the feed appends {@code /v5/public/{category}}.
 * The URI parameter is the same: {@code bybit:linear?wsUrl=wss://stream-testnet.bybit.com}.
 *
 * <p>Thread-safe; its sockets run on the shared WebSocket threads ({@code ohlcv4j-shared-ws-N}).
 */
public final class BybitLive implements LiveFeed {

  private final BybitSource.Category category;
  private final String url;
  private final WebSocketFeed feed;

  private BybitLive(Builder b) {
    this.category = b.category;
    String name = "bybit:" + category.id();
    this.url = b.wsUrl + "/v5/public/" + category.id();
    this.feed =
        WebSocketFeed.builder(name, new BybitProtocol(category, name))
            .url(url)
            .limits(b.limits != null ? b.limits : limits(category))
            .closeGrace(b.closeGrace)
            .context(b.context)
            .build();
  }

  /** A builder for the feed of {@code category}. */
  public static Builder builder(BybitSource.Category category) {
    return new Builder(category);
  }

  /**
   * Bybit's limits for a category: 10 topics per subscribe request on spot (no documented limit
   * elsewhere), 21,000 characters of topics per connection, 500 connections in 5 minutes, a JSON
   * ping every 20 seconds, a connection silent for 45 seconds replaced, 10 messages a second.
   */
  public static WebSocketLimits limits(BybitSource.Category category) {
    WebSocketLimits.Builder b =
        WebSocketLimits.builder()
            .charactersPerConnection(21_000)
            .connections(500, Duration.ofMinutes(5))
            .heartbeat(Duration.ofSeconds(20))
            .silenceTimeout(Duration.ofSeconds(45))
            .controlMessagesPerSecond(10);
    if (category == BybitSource.Category.SPOT) {
      b.topicsPerRequest(10);
    }
    return b.build();
  }

  /** The category. */
  public BybitSource.Category category() {
    return category;
  }

  /** The WebSocket URL, with the path the feed appends. */
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

  /** {@code bybit:spot}, {@code bybit:linear} or {@code bybit:inverse}. */
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
    return "BybitLive{" + feed.name() + ", " + url() + "}";
  }

  /** Builds a {@link BybitLive}. Not thread-safe. */
  public static final class Builder {
    private final BybitSource.Category category;
    private String wsUrl = BybitSource.DEFAULT_WS_URL;
    private Duration closeGrace = Duration.ofSeconds(5);
    private @Nullable WebSocketLimits limits;
    private SourceContext context = SourceContext.ofDefaults();

    Builder(BybitSource.Category category) {
      this.category = Objects.requireNonNull(category, "category");
    }

    /**
     * Where Bybit's stream is: scheme, host, port and an optional base path, without {@code
     * /v5/public/...} (the feed appends it); {@value BybitSource#DEFAULT_WS_URL} by default, {@code
     * wss://stream-testnet.bybit.com} for the testnet.
     *
     * @throws IllegalArgumentException if it is not such a URL (it has a query, or another scheme)
     */
    public Builder wsUrl(String wsUrl) {
      this.wsUrl = normalise(Objects.requireNonNull(wsUrl, "wsUrl"));
      return this;
    }

    /**
     * How long after a candle's end to wait for Bybit's close before fetching the candle over REST;
     * 5 seconds by default (Bybit sends it within a second or so).
     */
    public Builder closeGrace(Duration grace) {
      this.closeGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** Other limits than {@link BybitLive#limits(BybitSource.Category)}. */
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
    public BybitLive build() {
      return new BybitLive(this);
    }

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
                + " and no query; the feed appends /v5/public/{category}");
      }
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      return s;
    }
  }
}
