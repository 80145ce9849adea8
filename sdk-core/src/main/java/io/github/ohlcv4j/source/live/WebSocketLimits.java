package io.github.ohlcv4j.source.live;

import java.time.Duration;
import java.util.Objects;

/**
 * What a venue allows on its WebSocket and what it wants to stay connected, as {@link
 * WebSocketFeed} obeys it: how many topics one request, and one connection, may carry (and how many
 * characters they may add up to), how many control messages a second a connection may send, how
 * many connections may open in a window, the heartbeat, when a silent connection is given up, when
 * a connection is replaced by age, and the reconnect backoff.
 *
 * <p>For example Bybit's public spot stream is {@code topicsPerRequest(10)}, {@code
 * charactersPerConnection(21_000)}, {@code connections(500, Duration.ofMinutes(5))} and {@code
 * heartbeat(Duration.ofSeconds(20))}; Binance spot is {@code topicsPerConnection(1024)}, {@code
 * controlMessagesPerSecond(5)}, {@code connections(300, Duration.ofMinutes(5))} and {@code
 * maxConnectionAge(Duration.ofHours(23))}. Immutable and thread-safe; {@link #newBuilder()} makes a
 * changed copy.
 */
public final class WebSocketLimits {

  private static final WebSocketLimits DEFAULTS = builder().build();

  private final int topicsPerRequest;
  private final int topicsPerConnection;
  private final int charactersPerConnection;
  private final double controlMessagesPerSecond;
  private final int connections;
  private final Duration connectionWindow;
  private final Duration heartbeat;
  private final Duration protocolPing;
  private final Duration silenceTimeout;
  private final Duration ackTimeout;
  private final Duration maxConnectionAge;
  private final Duration backoffInitial;
  private final Duration backoffMax;

  private WebSocketLimits(Builder b) {
    this.topicsPerRequest = b.topicsPerRequest;
    this.topicsPerConnection = b.topicsPerConnection;
    this.charactersPerConnection = b.charactersPerConnection;
    this.controlMessagesPerSecond = b.controlMessagesPerSecond;
    this.connections = b.connections;
    this.connectionWindow = b.connectionWindow;
    this.heartbeat = b.heartbeat;
    this.protocolPing = b.protocolPing;
    this.silenceTimeout = b.silenceTimeout;
    this.ackTimeout = b.ackTimeout;
    this.maxConnectionAge = b.maxConnectionAge;
    this.backoffInitial = b.backoffInitial;
    this.backoffMax = b.backoffMax;
  }

  /** The defaults listed on each {@link Builder} method. */
  public static WebSocketLimits ofDefaults() {
    return DEFAULTS;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these limits. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.topicsPerRequest = topicsPerRequest;
    b.topicsPerConnection = topicsPerConnection;
    b.charactersPerConnection = charactersPerConnection;
    b.controlMessagesPerSecond = controlMessagesPerSecond;
    b.connections = connections;
    b.connectionWindow = connectionWindow;
    b.heartbeat = heartbeat;
    b.protocolPing = protocolPing;
    b.silenceTimeout = silenceTimeout;
    b.ackTimeout = ackTimeout;
    b.maxConnectionAge = maxConnectionAge;
    b.backoffInitial = backoffInitial;
    b.backoffMax = backoffMax;
    return b;
  }

  /** The most topics one subscribe request carries. */
  public int topicsPerRequest() {
    return topicsPerRequest;
  }

  /** The most topics one connection carries; more open another connection. */
  public int topicsPerConnection() {
    return topicsPerConnection;
  }

  /**
   * The most characters the topics of one connection add up to (as {@link
   * VenueProtocol#characters(String)} counts them); more open another connection.
   */
  public int charactersPerConnection() {
    return charactersPerConnection;
  }

  /**
   * The most messages a second one connection sends: subscribe and unsubscribe requests, heartbeats
   * and handshakes are spaced to stay under it.
   */
  public double controlMessagesPerSecond() {
    return controlMessagesPerSecond;
  }

  /** The most connections the feed opens within {@link #connectionWindow()}. */
  public int connections() {
    return connections;
  }

  /** The window {@link #connections()} counts in. */
  public Duration connectionWindow() {
    return connectionWindow;
  }

  /** How often to send the protocol's {@link VenueProtocol#heartbeat(String)}; zero for none. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** How often OkHttp sends WebSocket ping frames (and fails without a pong); zero for none. */
  public Duration protocolPing() {
    return protocolPing;
  }

  /** How long a connection may stay silent (no frame at all) before it is replaced. */
  public Duration silenceTimeout() {
    return silenceTimeout;
  }

  /** How long a subscribe request may wait for its answer before the connection is replaced. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /**
   * The age at which a connection is replaced, the new one subscribed before the old one closes;
   * zero for never.
   */
  public Duration maxConnectionAge() {
    return maxConnectionAge;
  }

  /** The first reconnect delay; each further attempt doubles it, with jitter. */
  public Duration backoffInitial() {
    return backoffInitial;
  }

  /** The longest reconnect delay. */
  public Duration backoffMax() {
    return backoffMax;
  }

  @Override
  public String toString() {
    return "WebSocketLimits{topicsPerRequest="
        + topicsPerRequest
        + ", topicsPerConnection="
        + topicsPerConnection
        + ", charactersPerConnection="
        + charactersPerConnection
        + ", controlMessagesPerSecond="
        + controlMessagesPerSecond
        + ", connections="
        + connections
        + "/"
        + connectionWindow
        + ", heartbeat="
        + heartbeat
        + ", protocolPing="
        + protocolPing
        + ", silenceTimeout="
        + silenceTimeout
        + ", ackTimeout="
        + ackTimeout
        + ", maxConnectionAge="
        + maxConnectionAge
        + ", backoff="
        + backoffInitial
        + ".."
        + backoffMax
        + "}";
  }

  /** Builds {@link WebSocketLimits}. Not thread-safe. */
  public static final class Builder {
    private int topicsPerRequest = Integer.MAX_VALUE;
    private int topicsPerConnection = Integer.MAX_VALUE;
    private int charactersPerConnection = Integer.MAX_VALUE;
    private double controlMessagesPerSecond = 10;
    private int connections = 300;
    private Duration connectionWindow = Duration.ofMinutes(5);
    private Duration heartbeat = Duration.ZERO;
    private Duration protocolPing = Duration.ZERO;
    private Duration silenceTimeout = Duration.ofSeconds(60);
    private Duration ackTimeout = Duration.ofSeconds(10);
    private Duration maxConnectionAge = Duration.ZERO;
    private Duration backoffInitial = Duration.ofMillis(500);
    private Duration backoffMax = Duration.ofSeconds(30);

    Builder() {}

    /** The most topics one subscribe request carries; unlimited by default. */
    public Builder topicsPerRequest(int n) {
      this.topicsPerRequest = positive(n, "topicsPerRequest");
      return this;
    }

    /** The most topics one connection carries; unlimited by default. */
    public Builder topicsPerConnection(int n) {
      this.topicsPerConnection = positive(n, "topicsPerConnection");
      return this;
    }

    /** The most characters the topics of one connection add up to; unlimited by default. */
    public Builder charactersPerConnection(int n) {
      this.charactersPerConnection = positive(n, "charactersPerConnection");
      return this;
    }

    /** The most messages a second one connection sends; 10 by default. */
    public Builder controlMessagesPerSecond(double n) {
      if (!(n > 0) || Double.isInfinite(n)) {
        throw new IllegalArgumentException("controlMessagesPerSecond must be positive: " + n);
      }
      this.controlMessagesPerSecond = n;
      return this;
    }

    /** At most {@code n} connections opened within {@code window}; 300 in 5 minutes by default. */
    public Builder connections(int n, Duration window) {
      this.connections = positive(n, "connections");
      this.connectionWindow = positive(window, "window");
      return this;
    }

    /** The heartbeat interval; none by default. */
    public Builder heartbeat(Duration every) {
      this.heartbeat = notNegative(every, "heartbeat");
      return this;
    }

    /** The interval of OkHttp's ping frames; none by default. */
    public Builder protocolPing(Duration every) {
      this.protocolPing = notNegative(every, "protocolPing");
      return this;
    }

    /** How long a connection may stay silent before it is replaced; 60 s by default. */
    public Builder silenceTimeout(Duration timeout) {
      this.silenceTimeout = positive(timeout, "silenceTimeout");
      return this;
    }

    /** How long a subscribe request may wait for its answer; 10 s by default. */
    public Builder ackTimeout(Duration timeout) {
      this.ackTimeout = positive(timeout, "ackTimeout");
      return this;
    }

    /** The age at which a connection is replaced; never (zero) by default. */
    public Builder maxConnectionAge(Duration age) {
      this.maxConnectionAge = notNegative(age, "maxConnectionAge");
      return this;
    }

    /**
     * The reconnect backoff: {@code initial}, doubling up to {@code max}, each delay drawn between
     * half and the whole of it; 500 ms to 30 s by default.
     */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = positive(initial, "initial");
      this.backoffMax = positive(max, "max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff max " + max + " is below initial " + initial);
      }
      return this;
    }

    /** Builds the limits. */
    public WebSocketLimits build() {
      return new WebSocketLimits(this);
    }

    private static int positive(int n, String name) {
      if (n < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + n);
      }
      return n;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    private static Duration notNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + d);
      }
      return d;
    }
  }
}
