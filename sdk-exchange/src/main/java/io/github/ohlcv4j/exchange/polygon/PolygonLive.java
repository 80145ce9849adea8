package io.github.ohlcv4j.exchange.polygon;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveSink;
import io.github.ohlcv4j.source.live.WebSocketLimits;
import io.github.ohlcv4j.source.live.WebSocketLiveFeed;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Live minute bars from Polygon's stocks WebSocket ({@code wss://socket.polygon.io/stocks},
 * Massive's {@code wss://socket.massive.com/stocks} alike), minute aggregates {@code AM.{ticker}}:
 * the live feed of a {@link PolygonSource}, which {@code client.query("POLYGON:AAPL").live()}
 * subscribes to while history and backfills come from the source's REST API.
 *
 * <p><b>Protocol.</b> Polygon speaks first ({@code connected}); the feed answers {@code
 * {"action":"auth","params":KEY}} and subscribes only after {@code auth_success}, with {@code
 * {"action":"subscribe","params":"AM.AAPL,AM.MSFT"}}. {@code auth_failed} ends every stream with an
 * {@link AuthenticationException} and {@code max_connections} with a {@link
 * io.github.ohlcv4j.SourceUnavailableException}, without a reconnect; the key never appears in a
 * message or a log.
 *
 * <p><b>Closes.</b> An {@code AM} event carries no closed flag, and Polygon sends a minute again
 * when late trades change it (for up to about 15 minutes). So every event is taken as the minute in
 * progress ({@link #closesCandles()} is false): the client closes a minute with its last values at
 * its end plus the close grace, and a later event for a closed minute with other values is a
 * revision. A minute without trades has no bar: the client asks REST about it, as about any close
 * that never came.
 *
 * <p><b>Limits.</b> Polygon allows one connection per account and cluster, so every stream shares
 * one socket (no limit on topics per connection or request). Polygon is silent while nothing trades
 * (nights, weekends): a dead connection is found by OkHttp's ping every 30 seconds, and silence is
 * tolerated for a day. Only {@code 1m} is streamed; resample it for longer bars.
 *
 * <p><b>Where.</b> {@code wsUrl} is a scheme ({@code wss}, {@code ws}, {@code https} or {@code
 * http}), a host, a port and an optional base path; the feed appends {@code /stocks}. {@code
 * wss://delayed.polygon.io} serves the 15-minute delayed stream. The URI parameter is the same:
 * {@code polygon:?wsUrl=wss://delayed.polygon.io}.
 *
 * <p>Thread-safe; its socket runs on the shared WebSocket threads ({@code ohlcv4j-shared-ws-N}).
 */
public final class PolygonLive extends WebSocketLiveFeed {

  private static final String PATH = "/stocks";

  private final boolean hasKey;

  private PolygonLive(Builder b) {
    super(
        b,
        "polygon",
        new PolygonProtocol("polygon", b.apiKey != null ? b.apiKey : ""),
        PolygonSource.DEFAULT_WS_URL,
        PATH,
        defaultLimits());
    this.hasKey = b.apiKey != null;
  }

  /** A builder; the API key is required to stream. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Polygon's limits: one connection carries every stream, subscribe requests carry any number of
   * topics, 5 messages a second, OkHttp pings every 30 seconds, a connection silent for a day
   * replaced, at most 20 connections opened in 5 minutes, reconnects backing off from one second to
   * a minute.
   */
  public static WebSocketLimits defaultLimits() {
    return WebSocketLimits.builder()
        .controlMessagesPerSecond(5)
        .protocolPing(Duration.ofSeconds(30))
        .silenceTimeout(Duration.ofDays(1))
        .connections(20, Duration.ofMinutes(5))
        .backoff(Duration.ofSeconds(1), Duration.ofMinutes(1))
        .build();
  }

  /**
   * False: Polygon's minute aggregates say nothing of being final, so the client closes a minute at
   * its end plus the close grace and takes a later event for it as a correction.
   */
  @Override
  public boolean closesCandles() {
    return false;
  }

  /**
   * Starts streaming {@code symbol}'s minute aggregates.
   *
   * @throws AuthenticationException if no API key is configured (before any I/O)
   * @throws io.github.ohlcv4j.UnsupportedIntervalException for an interval other than {@code 1m}
   * @throws io.github.ohlcv4j.InvalidQueryException for a symbol that is no stock ticker
   */
  @Override
  public Handle open(Symbol symbol, Interval interval, LiveSink sink, LiveEnvironment environment) {
    Objects.requireNonNull(environment, "environment");
    if (!hasKey) {
      throw AuthenticationException.of(
              "polygon",
              "polygon: no API key for the live stream of "
                  + symbol
                  + ". Set the "
                  + PolygonSource.API_KEY_SETTING
                  + " environment variable or system property, or"
                  + " PolygonSource.builder().apiKey(..).")
          .build();
    }
    return super.open(symbol, interval, new Stamped(sink, environment.clock()), environment);
  }

  /**
   * Stamps each push with the time it arrived: Polygon's events carry the bar's start and end, not
   * the time they were sent, so the arrival orders two events for one minute.
   */
  private static final class Stamped implements LiveSink {
    private final LiveSink sink;
    private final Clock clock;

    Stamped(LiveSink sink, Clock clock) {
      this.sink = sink;
      this.clock = clock;
    }

    @Override
    public void candle(
        long openTimeMillis,
        double open,
        double high,
        double low,
        double close,
        double volume,
        boolean closed,
        long venueTimeMillis) {
      sink.candle(openTimeMillis, open, high, low, close, volume, closed, clock.millis());
    }

    @Override
    public void interrupted(OhlcvException cause) {
      sink.interrupted(cause);
    }

    @Override
    public void resumed() {
      sink.resumed();
    }

    @Override
    public void failed(OhlcvException error) {
      sink.failed(error);
    }
  }

  /**
   * Builds a {@link PolygonLive}: {@link #wsUrl(String) wsUrl} is scheme, host, port and an
   * optional base path, without {@code /stocks} (the feed appends it); {@value
   * PolygonSource#DEFAULT_WS_URL} by default. The close grace is 5 seconds by default. Not
   * thread-safe.
   */
  public static final class Builder extends WebSocketLiveFeed.Builder<Builder> {
    private @Nullable String apiKey;

    Builder() {
      super(PATH);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * The API key, sent in the authentication message only; {@link PolygonSource} passes its own.
     *
     * @throws IllegalArgumentException if it is blank
     */
    public Builder apiKey(String apiKey) {
      String key = Objects.requireNonNull(apiKey, "apiKey").trim();
      if (key.isEmpty()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = key;
      return this;
    }

    /** Builds the feed; nothing connects until a stream is opened. */
    public PolygonLive build() {
      return new PolygonLive(this);
    }

    static String normalise(String wsUrl) {
      return normaliseWsUrl(wsUrl, PATH);
    }
  }
}
