package io.github.ohlcv4j.source.live;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The base of a venue's public live feed class over a {@link WebSocketFeed}: the stream host
 * ({@code wsUrl}), the path the venue appends, the venue's {@link WebSocketLimits}, the close grace
 * and the client's {@link SourceContext}, with the {@link Builder} every such feed shares. A venue
 * class (Bybit's, Binance's, Polygon's) passes its {@link VenueProtocol}, its path and its limits;
 * this class does the rest, the way {@link io.github.ohlcv4j.source.http.HttpCandleSource} serves
 * the REST sources.
 *
 * <p>Subclasses are thread-safe; their sockets run on the shared WebSocket threads ({@code
 * ohlcv4j-shared-ws-N}).
 */
public abstract class WebSocketLiveFeed implements LiveFeed {

  private final String wsUrl;
  private final WebSocketFeed feed;

  /**
   * Builds the feed from {@code builder}'s settings.
   *
   * @param builder the settings
   * @param name the feed's name, such as {@code bybit:spot}
   * @param protocol the venue's protocol
   * @param defaultWsUrl the stream host unless the builder names another
   * @param path what the feed appends to the stream host, such as {@code /ws}
   * @param defaultLimits the venue's limits unless the builder gives others
   */
  protected WebSocketLiveFeed(
      Builder<?> builder,
      String name,
      VenueProtocol protocol,
      String defaultWsUrl,
      String path,
      WebSocketLimits defaultLimits) {
    String host = builder.wsUrl;
    this.wsUrl = host != null ? host : defaultWsUrl;
    WebSocketLimits limits = builder.limits;
    this.feed =
        WebSocketFeed.builder(name, protocol)
            .url(wsUrl + path)
            .limits(limits != null ? limits : defaultLimits)
            .closeGrace(builder.closeGrace)
            .context(builder.context)
            .build();
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
    return getClass().getSimpleName() + "{" + feed.name() + ", " + url() + "}";
  }

  /**
   * Checks a stream host and drops its trailing slashes: a scheme ({@code wss}, {@code ws}, {@code
   * https} or {@code http}), a host, a port and an optional base path, without a query.
   *
   * @param wsUrl the host as given
   * @param appended what the feed appends, for the error message (such as {@code /ws})
   * @throws IllegalArgumentException if it is not such a URL (credentials masked in the message)
   */
  public static String normaliseWsUrl(String wsUrl, String appended) {
    String s = Objects.requireNonNull(wsUrl, "wsUrl").trim();
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
              + " and no query; the feed appends "
              + appended);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /**
   * The settings every venue's live feed has: where its stream is, how long to wait for a close,
   * other limits than the venue's, and where the HTTP client comes from. Not thread-safe.
   *
   * @param <B> the venue's builder
   */
  public abstract static class Builder<B extends Builder<B>> {
    private final String appended;
    private @Nullable String wsUrl;
    private Duration closeGrace = Duration.ofSeconds(5);
    private @Nullable WebSocketLimits limits;
    private SourceContext context = SourceContext.ofDefaults();

    /**
     * A builder for a feed that appends {@code appended} to its stream host.
     *
     * @param appended the path the feed appends, for error messages (such as {@code /ws})
     */
    protected Builder(String appended) {
      this.appended = Objects.requireNonNull(appended, "appended");
    }

    /** This builder, as its own type. */
    protected abstract B self();

    /**
     * Where the venue's stream is: scheme, host, port and an optional base path, without the path
     * the feed appends; the venue's host unless given.
     *
     * @throws IllegalArgumentException if it is not such a URL (it has a query, or another scheme)
     */
    public B wsUrl(String wsUrl) {
      this.wsUrl = normaliseWsUrl(wsUrl, appended);
      return self();
    }

    /**
     * How long after a candle's end to wait for the venue's close before fetching the candle over
     * REST; 5 seconds by default.
     *
     * @throws IllegalArgumentException if it is negative
     */
    public B closeGrace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("closeGrace must not be negative: " + grace);
      }
      this.closeGrace = grace;
      return self();
    }

    /** Other limits than the venue's. */
    public B limits(WebSocketLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return self();
    }

    /**
     * Where the HTTP client (proxy, TLS) comes from; {@link SourceContext#ofDefaults()} unless
     * given.
     */
    public B context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return self();
    }
  }
}
