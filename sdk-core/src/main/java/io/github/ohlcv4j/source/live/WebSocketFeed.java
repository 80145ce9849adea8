package io.github.ohlcv4j.source.live;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.internal.SourceUris;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.live.WsHub;
import io.github.ohlcv4j.source.SourceContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LiveFeed} over a venue's WebSocket, driven by the venue's {@link VenueProtocol}: a venue
 * adapter is a protocol and its {@link WebSocketLimits}, and this class does the rest.
 *
 * <pre>{@code
 * LiveFeed feed = WebSocketFeed.builder("bybit:spot", new MyBybitProtocol())
 *     .url("wss://stream.bybit.com/v5/public/spot")
 *     .limits(WebSocketLimits.builder().topicsPerRequest(10).charactersPerConnection(21_000)
 *         .heartbeat(Duration.ofSeconds(20)).build())
 *     .closeGrace(Duration.ofSeconds(5))
 *     .context(context)                      // the client's HTTP client: proxy, TLS
 *     .build();
 * }</pre>
 *
 * <p><b>Connections.</b> Streams share connections: a new topic joins the first connection with
 * room for it ({@link WebSocketLimits#topicsPerConnection()}, {@link
 * WebSocketLimits#charactersPerConnection()}), so 200 symbols on Bybit take a few sockets, not 200.
 * Subscriptions go out in requests of at most {@link WebSocketLimits#topicsPerRequest()} topics,
 * and every message a connection sends (subscriptions, heartbeats, handshakes) is spaced to stay
 * under {@link WebSocketLimits#controlMessagesPerSecond()}: topics added while a request waits for
 * its turn ride in the same request. A request the venue refuses is sent again one topic at a time;
 * the streams of a topic refused on its own fail ({@link LiveSink#failed}), the others go on. A
 * connection left without streams is closed.
 *
 * <p><b>Staying connected.</b> The protocol's heartbeat goes out every {@link
 * WebSocketLimits#heartbeat()}; OkHttp answers the venue's pings itself. A connection with no frame
 * for {@link WebSocketLimits#silenceTimeout()}, or with a subscription unanswered for {@link
 * WebSocketLimits#ackTimeout()}, is dropped and replaced. A lost connection is reopened after an
 * exponential backoff with jitter ({@link WebSocketLimits#backoffInitial()} doubling up to {@link
 * WebSocketLimits#backoffMax()}), never opening more than {@link WebSocketLimits#connections()}
 * connections in {@link WebSocketLimits#connectionWindow()}, and its topics are subscribed again;
 * the streams hear {@link LiveSink#interrupted} and then {@link LiveSink#resumed()}, and the client
 * fetches what was missed over REST. A connection that reaches {@link
 * WebSocketLimits#maxConnectionAge()}, or whose venue asks for it ({@link
 * WebSocketSession#rotate()}), is replaced make-before-break: the new one subscribes every topic
 * before the old one closes.
 *
 * <p><b>Threads.</b> The sockets run on a pool of daemon threads shared by all feeds ({@code
 * ohlcv4j-shared-ws-N}), with the proxy, TLS and timeouts of the client's HTTP client; timers run
 * on the client's {@link LiveEnvironment}. Pushes are handed to the sinks on the reader thread,
 * which they never block. Events ({@link io.github.ohlcv4j.OhlcvEventListener#liveConnected},
 * {@link io.github.ohlcv4j.OhlcvEventListener#liveReconnecting}) go to the environment's listener
 * and the log ({@code io.github.ohlcv4j.live}, with {@code source} in the MDC). Thread-safe.
 */
public final class WebSocketFeed implements LiveFeed {

  private final String name;
  private final VenueProtocol protocol;
  private final Duration closeGrace;
  private final WebSocketLimits limits;
  private final WsHub hub;

  private WebSocketFeed(Builder b, String url) {
    this.name = b.name;
    this.protocol = b.protocol;
    this.closeGrace = b.closeGrace;
    this.limits = b.limits;
    this.hub = new WsHub(name, protocol, url, limits, Http.client(b.context));
  }

  /** A builder for a feed named {@code name} (for logs and events) speaking {@code protocol}. */
  public static Builder builder(String name, VenueProtocol protocol) {
    return new Builder(name, protocol);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration closeGrace() {
    return closeGrace;
  }

  /** The venue's limits this feed keeps to. */
  public WebSocketLimits limits() {
    return limits;
  }

  /** The WebSocket URL (credentials masked). */
  public String url() {
    return hub.url();
  }

  /** How many connections are open or opening now. */
  public int connections() {
    return hub.connections();
  }

  @Override
  public Handle open(Symbol symbol, Interval interval, LiveSink sink, LiveEnvironment environment) {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(environment, "environment");
    String topic = protocol.topic(symbol, interval);
    return hub.open(topic, sink, environment);
  }

  @Override
  public void close() {
    hub.close();
  }

  @Override
  public String toString() {
    return "WebSocketFeed{" + name + ", " + url() + "}";
  }

  /** Builds a {@link WebSocketFeed}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final VenueProtocol protocol;
    private @Nullable String url;
    private WebSocketLimits limits = WebSocketLimits.ofDefaults();
    private Duration closeGrace = Duration.ofSeconds(5);
    private SourceContext context = SourceContext.ofDefaults();

    Builder(String name, VenueProtocol protocol) {
      this.name = Objects.requireNonNull(name, "name");
      this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    /**
     * The WebSocket URL: {@code wss://}, {@code ws://} (or {@code https://}, {@code http://}, which
     * mean the same to OkHttp). Required.
     *
     * @throws IllegalArgumentException if it is not such a URL
     */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      String lower = url.trim().toLowerCase(Locale.ROOT);
      String http =
          lower.startsWith("wss:")
              ? "https:" + url.trim().substring(4)
              : lower.startsWith("ws:") ? "http:" + url.trim().substring(3) : url.trim();
      if (HttpUrl.parse(http) == null) {
        throw new IllegalArgumentException(
            "\"" + SourceUris.redact(url) + "\" is not a ws, wss, http or https URL");
      }
      this.url = http;
      return this;
    }

    /** The venue's limits; {@link WebSocketLimits#ofDefaults()} unless given. */
    public Builder limits(WebSocketLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * How long after a candle's end to wait for the venue's close before fetching the candle over
     * REST; 5 seconds by default.
     */
    public Builder closeGrace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("closeGrace must not be negative: " + grace);
      }
      this.closeGrace = grace;
      return this;
    }

    /**
     * Where the HTTP client comes from (the client's, with its proxy and TLS settings); {@link
     * SourceContext#ofDefaults()} unless given.
     */
    public Builder context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Builds the feed; nothing connects until a stream is opened.
     *
     * @throws IllegalStateException if no URL was given
     */
    public WebSocketFeed build() {
      if (url == null) {
        throw new IllegalStateException("WebSocketFeed needs a url(...)");
      }
      return new WebSocketFeed(this, url);
    }
  }
}
