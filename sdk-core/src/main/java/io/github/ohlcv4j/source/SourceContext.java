package io.github.ohlcv4j.source;

import io.github.ohlcv4j.OhlcvEventListener;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link CandleSourceProvider} gets to open a source: a clock, the event listener, a way to
 * read settings from the environment, the HTTP timeouts, and components shared by every source of
 * one client (its HTTP connection pool, its rate-limit budgets). {@link #ofDefaults()} suits a
 * source opened on its own.
 *
 * <p><b>Timeouts.</b> {@link #connectTimeout()}, {@link #readTimeout()} and {@link #callTimeout()}
 * are what an application asked for ({@code OhlcvClient.Builder.readTimeout(...)}, or this
 * builder's for a source opened alone); every HTTP source applies those that are set to its
 * requests, over its own defaults: for the exchange sources the shared HTTP client's {@value
 * #DEFAULT_CONNECT_SECONDS} s to connect, {@value #DEFAULT_READ_SECONDS} s between bytes and
 * {@value #DEFAULT_CALL_SECONDS} s for a whole request, or the timeouts of the OkHttp client given
 * as a component. A setting a source's own builder makes explicitly (ClickHouse's) wins over the
 * context's.
 *
 * <p>Components are looked up by type with {@link #component(Class)}, which keeps third-party types
 * (the HTTP client) out of this API; {@link io.github.ohlcv4j.source.http.Http#of(SourceContext,
 * String)} finds the client's OkHttp client that way. Immutable and thread-safe.
 */
public final class SourceContext {

  /** The connect timeout of the shared HTTP client, in seconds, when none is set: {@value}. */
  public static final int DEFAULT_CONNECT_SECONDS = 10;

  /**
   * The read timeout (the longest silence between two bytes of an answer) of the shared HTTP
   * client, in seconds, when none is set: {@value}.
   */
  public static final int DEFAULT_READ_SECONDS = 30;

  /** The call timeout (a whole request) of the shared HTTP client, in seconds: {@value}. */
  public static final int DEFAULT_CALL_SECONDS = 60;

  private static final SourceContext DEFAULTS = builder().build();

  private final Clock clock;
  private final OhlcvEventListener listener;
  private final Function<String, String> environment;
  private final Map<Class<?>, Object> components;
  private final @Nullable Duration connectTimeout;
  private final @Nullable Duration readTimeout;
  private final @Nullable Duration callTimeout;

  private SourceContext(Builder b) {
    this.clock = b.clock;
    this.listener = b.listener;
    this.environment = b.environment;
    this.components = Map.copyOf(b.components);
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.callTimeout = b.callTimeout;
  }

  /**
   * The system UTC clock, no listener, settings from environment variables and system properties.
   */
  public static SourceContext ofDefaults() {
    return DEFAULTS;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this context's settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.clock = clock;
    b.listener = listener;
    b.environment = environment;
    b.components.putAll(components);
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.callTimeout = callTimeout;
    return b;
  }

  /** The clock for "now" when the venue's own clock is unknown. */
  public Clock clock() {
    return clock;
  }

  /** Receives request, page, retry and rate-limit events. */
  public OhlcvEventListener eventListener() {
    return listener;
  }

  /**
   * A setting by name, such as {@code OHLCV4J_CLICKHOUSE_URL} or {@code POLYGON_API_KEY}: by
   * default the system property of that name if set, else the environment variable. Blank values
   * count as absent.
   */
  public Optional<String> env(String name) {
    Objects.requireNonNull(name, "name");
    String v = environment.apply(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  /**
   * The venue budgets of the client that opened the source, to report usage headers, pauses and
   * bans to ({@link VenueLimits}); {@link VenueLimits#none()} for a source opened on its own.
   */
  public VenueLimits venueLimits() {
    return component(VenueLimits.class).orElse(VenueLimits.none());
  }

  /**
   * How long an HTTP source may take to open a connection, if set; {@link Duration#ZERO} means no
   * limit. Unset, each source keeps its own (the shared HTTP client's is {@value
   * #DEFAULT_CONNECT_SECONDS} s).
   */
  public Optional<Duration> connectTimeout() {
    return Optional.ofNullable(connectTimeout);
  }

  /**
   * The longest an HTTP source waits between two bytes of an answer, if set; {@link Duration#ZERO}
   * means no limit. Unset, each source keeps its own (the shared HTTP client's is {@value
   * #DEFAULT_READ_SECONDS} s).
   */
  public Optional<Duration> readTimeout() {
    return Optional.ofNullable(readTimeout);
  }

  /**
   * The longest one HTTP request may take in all (connecting, sending, reading the whole answer),
   * if set; {@link Duration#ZERO} means no limit. Unset, each source keeps its own (the shared HTTP
   * client's is {@value #DEFAULT_CALL_SECONDS} s). A timed-out request is retried like any
   * transient failure; to bound a whole query, retries included, give it a {@code timeout}.
   */
  public Optional<Duration> callTimeout() {
    return Optional.ofNullable(callTimeout);
  }

  /** A shared component of the given type, if the client provides one. */
  public <T> Optional<T> component(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return Optional.ofNullable(type.cast(components.get(type)));
  }

  /** Builds a {@link SourceContext}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private OhlcvEventListener listener = OhlcvEventListener.NONE;
    private Function<String, String> environment =
        name -> {
          String p = System.getProperty(name);
          return p != null ? p : System.getenv(name);
        };
    private final Map<Class<?>, Object> components = new HashMap<>();
    private @Nullable Duration connectTimeout;
    private @Nullable Duration readTimeout;
    private @Nullable Duration callTimeout;

    Builder() {}

    /** The clock; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The event listener; none by default. */
    public Builder eventListener(OhlcvEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Where settings come from; a function from name to value or null. For tests, pass a map's
     * {@code get}.
     */
    public Builder environment(Function<String, String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** The venue budgets sources report to; see {@link SourceContext#venueLimits()}. */
    public Builder venueLimits(VenueLimits limits) {
      return component(VenueLimits.class, limits);
    }

    /** A shared component, found by {@code type}. */
    public <T> Builder component(Class<T> type, T component) {
      components.put(
          Objects.requireNonNull(type, "type"),
          type.cast(Objects.requireNonNull(component, "component")));
      return this;
    }

    /**
     * How long an HTTP source may take to open a connection; {@link Duration#ZERO} for no limit.
     * Unset by default: each source keeps its own ({@value #DEFAULT_CONNECT_SECONDS} s for the
     * exchange sources).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout(timeout, "connectTimeout");
      return this;
    }

    /**
     * The longest an HTTP source waits between two bytes of an answer; {@link Duration#ZERO} for no
     * limit. Unset by default: each source keeps its own ({@value #DEFAULT_READ_SECONDS} s for the
     * exchange sources).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout(timeout, "readTimeout");
      return this;
    }

    /**
     * The longest one HTTP request may take in all; {@link Duration#ZERO} for no limit. Unset by
     * default: each source keeps its own ({@value #DEFAULT_CALL_SECONDS} s for the exchange
     * sources).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = timeout(timeout, "callTimeout");
      return this;
    }

    private static Duration timeout(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            name + " must not be negative (zero means no limit): " + timeout);
      }
      return timeout;
    }

    /** Builds the context. */
    public SourceContext build() {
      return new SourceContext(this);
    }
  }
}
