package io.github.ohlcv4j.source;

import io.github.ohlcv4j.OhlcvEventListener;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a {@link CandleSourceProvider} gets to open a source: a clock, the event listener, a way to
 * read settings from the environment, and components shared by every source of one client (its HTTP
 * connection pool, its rate-limit budgets). {@link #defaults()} suits a source opened on its own.
 *
 * <p>Components are looked up by type with {@link #component(Class)}, which keeps third-party types
 * (the HTTP client) out of this API; {@link io.github.ohlcv4j.source.http.Http#of(SourceContext,
 * String)} finds the client's OkHttp client that way. Immutable and thread-safe.
 */
public final class SourceContext {

  private static final SourceContext DEFAULTS = builder().build();

  private final Clock clock;
  private final OhlcvEventListener listener;
  private final Function<String, String> environment;
  private final Map<Class<?>, Object> components;

  private SourceContext(Builder b) {
    this.clock = b.clock;
    this.listener = b.listener;
    this.environment = b.environment;
    this.components = Map.copyOf(b.components);
  }

  /**
   * The system UTC clock, no listener, settings from environment variables and system properties.
   */
  public static SourceContext defaults() {
    return DEFAULTS;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this context's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.clock = clock;
    b.listener = listener;
    b.environment = environment;
    b.components.putAll(components);
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

    /** Builds the context. */
    public SourceContext build() {
      return new SourceContext(this);
    }
  }
}
