package io.github.ohlcv4j.exchange.bybit;

import io.github.ohlcv4j.source.live.WebSocketFeed;
import io.github.ohlcv4j.source.live.WebSocketLimits;
import io.github.ohlcv4j.source.live.WebSocketLiveFeed;
import java.time.Duration;
import java.util.Objects;

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
public final class BybitLive extends WebSocketLiveFeed {

  private final BybitSource.Category category;

  private BybitLive(Builder b) {
    super(
        b,
        "bybit:" + b.category.id(),
        new BybitProtocol(b.category, "bybit:" + b.category.id()),
        BybitSource.DEFAULT_WS_URL,
        "/v5/public/" + b.category.id(),
        limits(b.category));
    this.category = b.category;
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

  /**
   * Builds a {@link BybitLive}: {@link #wsUrl(String) wsUrl} is scheme, host, port and an optional
   * base path, without {@code /v5/public/...} (the feed appends it); {@value
   * BybitSource#DEFAULT_WS_URL} by default, {@code wss://stream-testnet.bybit.com} for the testnet.
   * The close grace is 5 seconds by default (Bybit sends the close within a second or so). Not
   * thread-safe.
   */
  public static final class Builder extends WebSocketLiveFeed.Builder<Builder> {
    private static final String APPENDED = "/v5/public/{category}";
    private final BybitSource.Category category;

    Builder(BybitSource.Category category) {
      super(APPENDED);
      this.category = Objects.requireNonNull(category, "category");
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Builds the feed; nothing connects until a stream is opened. */
    public BybitLive build() {
      return new BybitLive(this);
    }

    static String normalise(String wsUrl) {
      return normaliseWsUrl(wsUrl, APPENDED);
    }
  }
}
