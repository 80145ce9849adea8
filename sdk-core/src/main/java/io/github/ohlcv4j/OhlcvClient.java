package io.github.ohlcv4j;

import io.github.ohlcv4j.internal.ClientGuards;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.internal.GuardTimer;
import io.github.ohlcv4j.internal.QueryEngine;
import io.github.ohlcv4j.internal.ReadThroughSource;
import io.github.ohlcv4j.internal.SafeListener;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.VenueLimits;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: answers {@link OhlcvQuery}s from the right {@link CandleSource}, with retries, a
 * circuit breaker per source, rate limits and events. Create one, share it, close it when the
 * application stops:
 *
 * <pre>{@code
 * try (OhlcvClient client = OhlcvClient.builder().source(SampleSource.create()).build()) {
 *   CandleSeries hourly = client.query("BTCUSDT")
 *       .interval(Interval.M1)
 *       .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"))
 *       .resample(Interval.H1)
 *       .fetch();
 *   System.out.println(hourly);
 * }
 * }</pre>
 *
 * <p><b>Routing.</b> A query goes to the first source registered for its symbol's venue ({@code
 * BYBIT:}, {@code BINANCE:}; see {@link io.github.ohlcv4j.source.SourceCapabilities#venues()}) that
 * {@linkplain CandleSource#serves(Symbol) serves} the symbol, so {@code bybit:spot} and {@code
 * bybit:linear} can be registered side by side for {@code BYBIT:BTCUSDT} and {@code
 * BYBIT:BTCUSDT.P}; else to the default source (the first registered source that serves any venue);
 * a symbol without a venue then goes to the first registered source that serves it (so {@code
 * OhlcvClient.of("bybit:linear")} answers {@code BTCUSDT}); else, when {@linkplain
 * Builder#autoDiscover(boolean) auto-discovery} is on, to a source opened for the venue through the
 * providers on the class path ({@code BYBIT:BTCUSDT.P} opens {@code bybit:linear} when
 * ohlcv4j-exchange is present). Auto-discovery is on only for a client built without sources, or
 * when asked for: a client given its sources sends queries nowhere else (a client pointed at a test
 * server never reaches a production host). A symbol no source serves fails with an {@link
 * InvalidQueryException} that says what to configure.
 *
 * <p><b>Calls.</b> {@link #fetch} blocks until the whole answer is there; {@link #fetchAsync}
 * returns at once and never blocks a pool thread on I/O, and cancelling its future cancels the HTTP
 * call and any pending retry; {@link #stream} walks any range with bounded memory. All of them
 * check the query against the source's capabilities before any I/O.
 *
 * <p>Thread-safe; meant to be shared. It owns its threads (daemon threads named {@code ohlcv4j-*})
 * and the sources it opened or was given: {@link #close()} releases them. After {@code close()},
 * nothing the client started keeps the JVM alive, and every call fails with a {@link
 * ClientClosedException} without sending anything.
 */
public final class OhlcvClient implements AutoCloseable {

  private final List<CandleSource> registered;
  private final Map<String, List<CandleSource>> byVenue;
  private final @Nullable CandleSource defaultSource;
  private final boolean autoDiscover;
  private final Map<URI, CandleSource> discovered = new ConcurrentHashMap<>();
  private final SourceContext context;
  private final QueryEngine engine;
  private final OhlcvEventListener listener;
  private final @Nullable ExecutorService ownExecutor;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ClientGuards guards;
  private final RetryPolicy retryPolicy;
  private final CircuitBreakerPolicy circuitBreakerPolicy;
  private final @Nullable RateLimitPolicy rateLimitPolicy;
  private final Clock clock;
  private final @Nullable CandleStore store;
  private final @Nullable ExecutorService storeExecutor;
  private final Map<CandleSource, CandleSource> readThrough = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private OhlcvClient(Builder b) {
    this.clock = b.clock;
    this.listener = new SafeListener(b.listener);
    this.retryPolicy = b.retryPolicy;
    this.circuitBreakerPolicy = b.circuitBreakerPolicy;
    this.rateLimitPolicy = b.rateLimitPolicy;
    this.autoDiscover =
        b.autoDiscover != null
            ? b.autoDiscover
            : b.sources.isEmpty() && b.uris.isEmpty() && b.routes.isEmpty();
    // Only keeps time for retries and rate-limit waits; the work itself runs on the executor.
    this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("ohlcv4j-scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    java.util.concurrent.Executor executor;
    if (b.executor != null) {
      this.ownExecutor = null;
      executor = b.executor;
    } else {
      this.ownExecutor = Executors.newCachedThreadPool(daemon("ohlcv4j-worker"));
      executor = ownExecutor;
    }
    this.guards =
        new ClientGuards(
            retryPolicy,
            circuitBreakerPolicy,
            rateLimitPolicy,
            b.groupRateLimits,
            listener,
            GuardTimer.of(clock, scheduler, executor),
            () -> ThreadLocalRandom.current().nextDouble());
    SourceContext.Builder ctx =
        SourceContext.builder()
            .clock(clock)
            .eventListener(listener)
            .component(VenueLimits.class, guards.venueLimits());
    if (b.okHttpClient != null) {
      ctx.component(OkHttpClient.class, b.okHttpClient);
    }
    this.context = ctx.build();
    this.store = b.storeUri != null ? openStore(b.storeUri) : b.store;
    this.storeExecutor =
        store != null ? Executors.newCachedThreadPool(daemon("ohlcv4j-store")) : null;

    List<CandleSource> all = new ArrayList<>(b.sources);
    for (String uri : b.uris) {
      all.add(CandleSources.open(uri, context));
    }
    this.registered = List.copyOf(all);
    Map<String, List<CandleSource>> venues = new LinkedHashMap<>();
    for (Map.Entry<String, CandleSource> e : b.routes.entrySet()) {
      venues.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
    }
    CandleSource any = null;
    for (CandleSource s : registered) {
      if (s.capabilities().venues().isEmpty()) {
        if (any == null) {
          any = s;
        }
      } else {
        for (String v : s.capabilities().venues()) {
          venues.computeIfAbsent(v.toUpperCase(Locale.ROOT), k -> new ArrayList<>()).add(s);
        }
      }
    }
    Map<String, List<CandleSource>> frozen = new LinkedHashMap<>();
    venues.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.byVenue = Map.copyOf(frozen);
    this.defaultSource = any;

    this.engine = new QueryEngine(clock, listener, guards, executor, () -> closed);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client with default policies and no registered source, so with auto-discovery on: queries go
   * to sources discovered for their venue (with ohlcv4j-exchange on the class path). Most
   * applications register sources with {@link #builder()}.
   */
  public static OhlcvClient create() {
    return builder().build();
  }

  /**
   * A client over the source a URI names ({@code "sample:"}, {@code "bybit:linear"}, {@code
   * "clickhouse://localhost:8123/market?table=ohlcv"}), which serves every query, with default
   * policies.
   */
  public static OhlcvClient of(String sourceUri) {
    return builder().source(sourceUri).build();
  }

  // ------------------------------------------------------------------ queries

  /**
   * Fetches the answer to {@code query}, blocking until it is complete.
   *
   * @throws InvalidQueryException if the source cannot serve the query (before any I/O)
   * @throws ClientClosedException if this client is closed, or is closed while the query runs
   * @throws QueryCancelledException if the waiting thread is interrupted
   * @throws OhlcvException if the fetch fails after retries; never returns part of the answer
   */
  public CandleSeries fetch(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    return engine.fetch(readThrough(sourceFor(query.symbol())), query);
  }

  /**
   * Fetches the answer to {@code query} without blocking. The future fails with an {@link
   * OhlcvException}, always one of its subclasses, whatever goes wrong (an {@link Error} thrown by
   * a source or the executor included: {@link UnexpectedFailureException}); cancelling it cancels
   * the request in flight and any retry. Capability checks and a closed client fail the future, not
   * the call.
   */
  public CompletableFuture<CandleSeries> fetchAsync(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    CandleSource source;
    try {
      source = sourceFor(query.symbol());
    } catch (Throwable e) {
      return CompletableFuture.failedFuture(
          Errors.wrap(e, null, "while choosing the source for " + query));
    }
    return engine.fetchAsync(readThrough(source), query);
  }

  /**
   * The candles answering {@code query} as a lazy stream, over any range with bounded memory: pages
   * are fetched as the stream is consumed, one page ahead. Close the stream (try-with-resources) to
   * stop early; that cancels what is in flight. A failure is thrown from the stream operation that
   * needed the page, as an {@link OhlcvException}.
   *
   * @throws InvalidQueryException if the source cannot serve the query (before any I/O)
   */
  public Stream<Candle> stream(OhlcvQuery query) {
    return pages(query).flatMap(CandleSeries::stream);
  }

  /**
   * As {@link #stream(OhlcvQuery)}, in batches: a lazy stream of consecutive series, one or more
   * per request.
   */
  public Stream<CandleSeries> pages(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    checkOpen();
    CandleSource source = sourceFor(query.symbol());
    return engine.pages(readThrough(source), query);
  }

  /**
   * Starts a query of {@code symbol} (parsed by {@link Symbol#parse(String)}) to run on this
   * client.
   */
  public QueryBuilder query(String symbol) {
    return new QueryBuilder(this, OhlcvQuery.builder().symbol(symbol));
  }

  /** Starts a query of {@code symbol} to run on this client. */
  public QueryBuilder query(Symbol symbol) {
    return new QueryBuilder(this, OhlcvQuery.builder().symbol(symbol));
  }

  // ------------------------------------------------------------------ sources

  /**
   * The source that serves {@code symbol}; see the class comment for the order.
   *
   * @throws InvalidQueryException if no source serves it, saying what to configure
   * @throws ClientClosedException if this client is closed
   */
  public CandleSource sourceFor(Symbol symbol) {
    Objects.requireNonNull(symbol, "symbol");
    checkOpen();
    Optional<String> venue = symbol.venue();
    if (venue.isPresent()) {
      for (CandleSource s : byVenue.getOrDefault(venue.get(), List.of())) {
        if (s.serves(symbol)) {
          return s;
        }
      }
    }
    if (defaultSource != null) {
      return defaultSource;
    }
    if (venue.isEmpty()) {
      // No venue, no any-venue source: the first registered source that takes the bare code, so
      // that
      // OhlcvClient.of("bybit:linear") answers "BTCUSDT".
      for (CandleSource s : registered) {
        if (s.serves(symbol)) {
          return s;
        }
      }
    }
    if (autoDiscover && venue.isPresent()) {
      Optional<URI> uri = CandleSources.uriFor(symbol);
      if (uri.isPresent()) {
        return discovered.computeIfAbsent(uri.get(), u -> CandleSources.open(u, context));
      }
    }
    throw new InvalidQueryException(
        "No source of this client serves "
            + symbol
            + ". "
            + (venue.isEmpty()
                ? "Give the symbol a venue (\"BINANCE:BTCUSDT\") or register a default source: "
                    + "OhlcvClient.builder().source(\"sample:\")."
                : "Register one for "
                    + venue.get()
                    + " with OhlcvClient.builder().source(...)"
                    + (autoDiscover
                        ? ", or add the module that serves it (ohlcv4j-exchange for BYBIT, BINANCE,"
                            + " POLYGON)."
                        : registered.isEmpty()
                            ? "."
                            : ", or let the client open one on its own with"
                                + " OhlcvClient.builder().autoDiscover(true) (a client built with"
                                + " sources uses only those unless told so).")));
  }

  /** The store every query reads through, if one was configured ({@link Builder#store}). */
  public Optional<CandleStore> store() {
    return Optional.ofNullable(store);
  }

  /** {@code source} as queries run it: read through the store, if there is one. */
  private CandleSource readThrough(CandleSource source) {
    CandleStore s = store;
    ExecutorService e = storeExecutor;
    if (s == null || e == null || source == s) {
      return source;
    }
    return readThrough.computeIfAbsent(source, u -> new ReadThroughSource(s, u, clock, e));
  }

  /** Opens the store a URI names; it must be a {@link CandleStore}. */
  private CandleStore openStore(String uri) {
    CandleSource opened;
    try {
      opened = CandleSources.open(uri, context);
    } catch (RuntimeException e) {
      scheduler.shutdownNow();
      if (ownExecutor != null) {
        ownExecutor.shutdownNow();
      }
      throw e;
    }
    if (opened instanceof CandleStore s) {
      return s;
    }
    try {
      opened.close();
    } finally {
      scheduler.shutdownNow();
      if (ownExecutor != null) {
        ownExecutor.shutdownNow();
      }
    }
    throw InvalidQueryException.of(
            opened.name(),
            "store(\""
                + uri
                + "\") opened "
                + opened.name()
                + ", which is a source but not a store: it cannot keep candles. Give a store's"
                + " URI (\"duckdb:candles.duckdb\", a ClickHouse table) or register this one"
                + " with source(...).")
        .build();
  }

  /**
   * The sources this client uses so far: those registered and those opened for venues on demand.
   */
  public List<CandleSource> sources() {
    List<CandleSource> all = new ArrayList<>(registered);
    all.addAll(discovered.values());
    return List.copyOf(all);
  }

  /**
   * Checks every source this client uses and reports each one's state and latency, by source name.
   * A source whose check throws is reported {@link Health.Status#DOWN} with the reason. An up
   * source whose circuit breaker is open, or that the venue paused or banned, is reported {@link
   * Health.Status#DEGRADED} with until when in the detail; the latency is the check's, else that of
   * the last request this client sent to the source. A source whose venue paused or banned this
   * client is not checked at all until the pause ends, since a check is a request to the venue too.
   *
   * @throws ClientClosedException if this client is closed: a closed client sends nothing, health
   *     checks included
   */
  public Map<String, Health> health() {
    checkOpen();
    Map<String, Health> out = new LinkedHashMap<>();
    for (CandleSource s : sources()) {
      out.put(s.name(), health(s));
    }
    return out;
  }

  /**
   * Checks one source as {@link #health()} does, with what this client knows about it (circuit,
   * venue pause, last latency): for a health check per source, such as one health indicator each.
   *
   * @throws ClientClosedException if this client is closed
   */
  public Health health(CandleSource s) {
    Objects.requireNonNull(s, "source");
    checkOpen();
    Health h;
    try {
      h =
          guards.isPaused(s)
              ? new Health(
                  s.name(),
                  Health.Status.DEGRADED,
                  Optional.empty(),
                  Optional.empty(),
                  "not checked while the venue's pause lasts",
                  clock.instant())
              : s.health();
    } catch (Throwable e) { // an Error too: one source's check must not break the report
      h =
          new Health(
              s.name(),
              Health.Status.DOWN,
              Optional.empty(),
              Optional.empty(),
              e instanceof OhlcvException
                  ? String.valueOf(e.getMessage())
                  : Errors.wrap(e, s.name(), "while checking its health").getMessage(),
              clock.instant());
    }
    return guards.health(s, h);
  }

  /** The retry policy. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** The circuit-breaker policy. */
  public CircuitBreakerPolicy circuitBreakerPolicy() {
    return circuitBreakerPolicy;
  }

  /**
   * The rate-limit policy set for every group with {@link
   * Builder#rateLimitPolicy(RateLimitPolicy)}, or {@link RateLimitPolicy#none()} if none was set,
   * in which case each source's suggested budget applies: {@link #rateLimitPolicy(CandleSource)}
   * tells what is in force for a source.
   */
  public RateLimitPolicy rateLimitPolicy() {
    return rateLimitPolicy != null ? rateLimitPolicy : RateLimitPolicy.none();
  }

  /**
   * The client-side rate limit this client applies to {@code source}'s rate-limit group: set for
   * the group on the builder, else set for all groups, else the source's suggestion ({@link
   * io.github.ohlcv4j.source.SourceCapabilities#rateLimit()}), else {@link RateLimitPolicy#none()}.
   */
  public RateLimitPolicy rateLimitPolicy(CandleSource source) {
    Objects.requireNonNull(source, "source");
    return guards.rateLimitPolicy(source);
  }

  /**
   * Closes the sources and stops the client's threads. Queries in flight, and those waiting for a
   * retry or a rate limit, fail with a {@link ClientClosedException}; so does every later call.
   * Nothing the client started keeps the JVM alive afterwards (the shared HTTP pool's idle threads
   * are daemon threads). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    guards.close();
    for (CandleSource s : sources()) {
      try {
        s.close();
      } catch (Throwable e) { // the other sources and the threads are released all the same
        org.slf4j.LoggerFactory.getLogger(OhlcvClient.class)
            .warn("Closing source {} failed", s.name(), e);
      }
    }
    CandleStore s = store;
    if (s != null && !sources().contains(s)) {
      try {
        s.close();
      } catch (Throwable e) { // the threads are released all the same
        org.slf4j.LoggerFactory.getLogger(OhlcvClient.class)
            .warn("Closing store {} failed", s.name(), e);
      }
    }
    if (storeExecutor != null) {
      storeExecutor.shutdownNow();
    }
    scheduler.shutdownNow();
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  /** Whether {@link #close()} was called: a closed client sends nothing more. */
  public boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClientClosedException(
          "This OhlcvClient is closed: it sends nothing more. Build a new one, or close a client"
              + " only when the application no longer needs it.",
          null,
          null);
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "OhlcvClient{sources=" + sources().stream().map(CandleSource::name).toList() + "}";
  }

  // ------------------------------------------------------------------ builders

  /** Configures an {@link OhlcvClient}. Method names are the property names. Not thread-safe. */
  public static final class Builder {
    private final List<CandleSource> sources = new ArrayList<>();
    private final List<String> uris = new ArrayList<>();
    private final Map<String, CandleSource> routes = new LinkedHashMap<>();
    private @Nullable Boolean autoDiscover;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private CircuitBreakerPolicy circuitBreakerPolicy = CircuitBreakerPolicy.defaults();
    private @Nullable RateLimitPolicy rateLimitPolicy;
    private final Map<String, RateLimitPolicy> groupRateLimits = new LinkedHashMap<>();
    private OhlcvEventListener listener = OhlcvEventListener.NONE;
    private java.util.concurrent.@Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable CandleStore store;
    private @Nullable String storeUri;

    Builder() {}

    /**
     * Reads every query through {@code store}: what the store holds of a query's range ({@link
     * CandleStore#coverage(Symbol, Interval)}: the ranges it holds complete, and those the venue
     * had no candles for) comes from the store; only the missing parts are fetched from the source
     * the symbol is routed to, and written back. The answer is the series a direct fetch gives.
     * Only closed candles are stored: the candle forming now is fetched from the venue every time
     * until it has closed. {@code latest(n)} queries, and those of an interval or zone the store
     * cannot keep, go to the venue unchanged. A store write that fails is logged at WARN and the
     * answer still comes from the venue. The client closes the store on {@link
     * OhlcvClient#close()}. Replaces an earlier {@link #store(String)}.
     */
    public Builder store(CandleStore store) {
      this.store = Objects.requireNonNull(store, "store");
      this.storeUri = null;
      return this;
    }

    /**
     * As {@link #store(CandleStore)}, for the store a URI names ({@code "duckdb:candles.duckdb"}),
     * opened at {@link #build()} with this client's clock and HTTP pool.
     *
     * @see #build()
     */
    public Builder store(String uri) {
      this.storeUri = Objects.requireNonNull(uri, "uri");
      this.store = null;
      return this;
    }

    /**
     * Registers a source: it serves the venues in its capabilities, or, if it names none, every
     * symbol no other source claims (the first such source is the default). The client closes it on
     * {@link OhlcvClient#close()}.
     */
    public Builder source(CandleSource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    /**
     * Registers the source a URI names, opened with this client's HTTP pool, clock and listener at
     * {@link #build()}.
     */
    public Builder source(String uri) {
      uris.add(Objects.requireNonNull(uri, "uri"));
      return this;
    }

    /**
     * Routes symbols of {@code venue} ({@code "BINANCE"}) to {@code source}, whatever its
     * capabilities say.
     */
    public Builder route(String venue, CandleSource source) {
      Objects.requireNonNull(venue, "venue");
      Objects.requireNonNull(source, "source");
      routes.put(venue.toUpperCase(Locale.ROOT), source);
      if (!sources.contains(source)) {
        sources.add(source);
      }
      return this;
    }

    /**
     * Whether to open sources for venues on demand through the providers on the class path, when no
     * registered source serves a symbol. By default on for a client built without sources ({@link
     * OhlcvClient#create()}) and off for one given sources ({@link #source}, {@link #route}), which
     * then sends queries only where it was told.
     */
    public Builder autoDiscover(boolean autoDiscover) {
      this.autoDiscover = autoDiscover;
      return this;
    }

    /** The retry policy; {@link RetryPolicy#defaults()} by default. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The circuit-breaker policy, applied per source; {@link CircuitBreakerPolicy#defaults()} by
     * default.
     */
    public Builder circuitBreakerPolicy(CircuitBreakerPolicy policy) {
      this.circuitBreakerPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The client-side rate limit for every rate-limit group (each group gets its own budget of this
     * size), instead of each source's suggested budget; {@link RateLimitPolicy#none()} turns
     * client-side limits off. By default each source's suggestion applies ({@link
     * io.github.ohlcv4j.source.SourceCapabilities#rateLimit()}), and none where it has none. What
     * venues say (429, bans, usage headers) counts either way.
     */
    public Builder rateLimitPolicy(RateLimitPolicy policy) {
      this.rateLimitPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The client-side rate limit for one rate-limit group ({@code "bybit"}, {@code "binance:spot"};
     * see {@link io.github.ohlcv4j.source.SourceCapabilities#rateLimitGroup()}, or the source's
     * name when it has no group), which wins over {@link #rateLimitPolicy(RateLimitPolicy)}.
     */
    public Builder rateLimitPolicy(String group, RateLimitPolicy policy) {
      groupRateLimits.put(
          Objects.requireNonNull(group, "group"), Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /** Receives events; none by default. */
    public Builder eventListener(OhlcvEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Runs the steps of asynchronous queries; by default the client's own pool of daemon threads.
     * The steps parse pages but never wait on I/O.
     */
    public Builder executor(java.util.concurrent.Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The clock for "now" where the venue's clock is unknown, and for the circuit breaker's open
     * time and venue bans; the system UTC clock by default. (Waits themselves run on real time.)
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The HTTP client that sources opened by this client use, for proxies, TLS settings or
     * interceptors: the one place where an OkHttp type appears in the API. Timeouts set on it are
     * kept.
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.okHttpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Builds the client (and opens the store and the sources given by URI).
     *
     * @throws InvalidQueryException if the URI given to {@link #store(String)} names a source that
     *     is not a {@link CandleStore}, or no source at all
     */
    public OhlcvClient build() {
      return new OhlcvClient(this);
    }
  }

  /**
   * A query bound to a client: the methods of {@link OhlcvQuery.Builder}, then {@link #fetch()},
   * {@link #fetchAsync()} or {@link #stream()}.
   *
   * <pre>{@code
   * CandleSeries s = client.query("BYBIT:BTCUSDT.P").interval(Interval.M1).between(a, b).fetch();
   * }</pre>
   */
  public static final class QueryBuilder {
    private final OhlcvClient client;
    private final OhlcvQuery.Builder query;

    QueryBuilder(OhlcvClient client, OhlcvQuery.Builder query) {
      this.client = client;
      this.query = query;
    }

    /** See {@link OhlcvQuery.Builder#interval(Interval)}. */
    public QueryBuilder interval(Interval interval) {
      query.interval(interval);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#interval(String)}. */
    public QueryBuilder interval(String interval) {
      query.interval(interval);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#between(Instant, Instant)}. */
    public QueryBuilder between(Instant from, Instant to) {
      query.between(from, to);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#from(Instant)}. */
    public QueryBuilder from(Instant from) {
      query.from(from);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#to(Instant)}. */
    public QueryBuilder to(Instant to) {
      query.to(to);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#latest(int)}. */
    public QueryBuilder latest(int n) {
      query.latest(n);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#limit(int)}. */
    public QueryBuilder limit(int n) {
      query.limit(n);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#resample(Interval)}. */
    public QueryBuilder resample(Interval target) {
      query.resample(target);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#fill(GapFill)}. */
    public QueryBuilder fill(GapFill fill) {
      query.fill(fill);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#completeOnly()}. */
    public QueryBuilder completeOnly() {
      query.completeOnly();
      return this;
    }

    /** See {@link OhlcvQuery.Builder#zone(ZoneId)}. */
    public QueryBuilder zone(ZoneId zone) {
      query.zone(zone);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#badRows(BadRowPolicy)}. */
    public QueryBuilder badRows(BadRowPolicy policy) {
      query.badRows(policy);
      return this;
    }

    /**
     * The query as a value.
     *
     * @throws InvalidQueryException if it is impossible
     */
    public OhlcvQuery build() {
      return query.build();
    }

    /** Builds the query and {@linkplain OhlcvClient#fetch(OhlcvQuery) fetches} it. */
    public CandleSeries fetch() {
      return client.fetch(build());
    }

    /**
     * Builds the query and {@linkplain OhlcvClient#fetchAsync(OhlcvQuery) fetches it
     * asynchronously}.
     */
    public CompletableFuture<CandleSeries> fetchAsync() {
      OhlcvQuery q;
      try {
        q = build();
      } catch (InvalidQueryException e) {
        return CompletableFuture.failedFuture(e);
      }
      return client.fetchAsync(q);
    }

    /** Builds the query and {@linkplain OhlcvClient#stream(OhlcvQuery) streams} it. */
    public Stream<Candle> stream() {
      return client.stream(build());
    }
  }
}
