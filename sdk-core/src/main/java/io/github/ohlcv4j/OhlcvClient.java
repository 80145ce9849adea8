package io.github.ohlcv4j;

import io.github.ohlcv4j.internal.BatchRun;
import io.github.ohlcv4j.internal.ClientGuards;
import io.github.ohlcv4j.internal.ClientRuntime;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.internal.LatestCache;
import io.github.ohlcv4j.internal.QueryEngine;
import io.github.ohlcv4j.internal.ReadThroughSource;
import io.github.ohlcv4j.internal.SafeListener;
import io.github.ohlcv4j.internal.SourceRouter;
import io.github.ohlcv4j.internal.live.LiveEngine;
import io.github.ohlcv4j.internal.live.LiveRun;
import io.github.ohlcv4j.internal.live.Receiver;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.VenueLimits;
import io.github.ohlcv4j.source.live.LiveFeed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
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
 * <p><b>Routing.</b> A query goes to the source {@linkplain Builder#route(String, CandleSource)
 * routed} to its symbol's venue, if there is one; else to the first source registered for the venue
 * ({@code BYBIT:}, {@code BINANCE:}; see {@link
 * io.github.ohlcv4j.source.SourceCapabilities#venues()}) that {@linkplain
 * CandleSource#serves(Symbol) serves} the symbol, so {@code bybit:spot} and {@code bybit:linear}
 * can be registered side by side for {@code BYBIT:BTCUSDT} and {@code BYBIT:BTCUSDT.P}; else to the
 * default source (the first registered source that serves any venue); a symbol without a venue then
 * goes to the first registered source that serves it (so {@code OhlcvClient.of("bybit:linear")}
 * answers {@code BTCUSDT}); else, when {@linkplain Builder#autoDiscover(boolean) auto-discovery} is
 * on, to a source opened for the venue through the providers on the class path ({@code
 * BYBIT:BTCUSDT.P} opens {@code bybit:linear} when ohlcv4j-exchange is present). Auto-discovery is
 * on only for a client built without sources, or when asked for: a client given its sources sends
 * queries nowhere else (a client pointed at a test server never reaches a production host). A
 * symbol no source serves fails with an {@link InvalidQueryException} that says what to configure.
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
 *
 * <p><b>No {@code newBuilder()}.</b> Unlike the value types ({@link OhlcvQuery#newBuilder()},
 * {@link io.github.ohlcv4j.source.SourceContext#newBuilder()}), a client has no builder pre-filled
 * from itself. OkHttp's clients can share one connection pool because none of them owns it; this
 * client owns and closes its sources, threads and venue budgets, so a copy would either close what
 * the original still uses or leave unclear which of the two must be closed. What varies per call
 * belongs on the query ({@link OhlcvQuery.Builder#timeout(Duration)}, {@link
 * OhlcvQuery.Builder#badRows(BadRowPolicy)}); for a second configuration, build a second client.
 */
public final class OhlcvClient implements AutoCloseable {

  /** How many queries a {@link #fetchAll(Collection)} runs at once by default: {@value}. */
  public static final int DEFAULT_FETCH_ALL_CONCURRENCY = 8;

  /**
   * How long after a boundary the {@linkplain Builder#latestCache(Duration) latest-candles cache}
   * keeps answering as of before it by default: 2 seconds, time for a venue to publish the candle
   * that just closed.
   */
  public static final Duration DEFAULT_LATEST_CACHE_LAG = Duration.ofSeconds(2);

  /** How many answers the latest-candles cache keeps at most: {@value}. */
  public static final int LATEST_CACHE_SIZE = 1024;

  private final ClientRuntime runtime;
  private final SourceRouter router;
  private final SourceContext context;
  private final QueryEngine engine;
  private final ClientGuards guards;
  private final RetryPolicy retryPolicy;
  private final CircuitBreakerPolicy circuitBreakerPolicy;
  private final @Nullable RateLimitPolicy rateLimitPolicy;
  private final Clock clock;
  private final int fetchAllConcurrency;
  private final LiveEngine live;
  private final @Nullable CandleStore store;
  private final @Nullable ExecutorService storeExecutor;
  private final io.github.ohlcv4j.internal.EmptyRecheck.Tracker recheck;
  private final Map<CandleSource, CandleSource> readThrough = new ConcurrentHashMap<>();
  private final @Nullable LatestCache latestCache;
  private volatile boolean closed;

  private OhlcvClient(Builder b) {
    this.clock = b.clock;
    this.fetchAllConcurrency = b.fetchAllConcurrency;
    OhlcvEventListener listener = new SafeListener(b.listener);
    this.retryPolicy = b.retryPolicy;
    this.circuitBreakerPolicy = b.circuitBreakerPolicy;
    this.rateLimitPolicy = b.rateLimitPolicy;
    this.runtime = ClientRuntime.start(clock, b.executor);
    this.guards =
        new ClientGuards(
            retryPolicy,
            circuitBreakerPolicy,
            rateLimitPolicy,
            b.groupRateLimits,
            listener,
            runtime.timer(),
            () -> ThreadLocalRandom.current().nextDouble());
    SourceContext.Builder ctx =
        SourceContext.builder()
            .clock(clock)
            .eventListener(listener)
            .component(VenueLimits.class, guards.venueLimits())
            .component(io.github.ohlcv4j.internal.RequestGate.class, guards);
    if (b.okHttpClient != null) {
      ctx.component(OkHttpClient.class, b.okHttpClient);
    }
    if (b.connectTimeout != null) {
      ctx.connectTimeout(b.connectTimeout);
    }
    if (b.readTimeout != null) {
      ctx.readTimeout(b.readTimeout);
    }
    if (b.callTimeout != null) {
      ctx.callTimeout(b.callTimeout);
    }
    this.context = ctx.build();
    this.store = b.storeUri != null ? openStore(b.storeUri) : b.store;
    this.recheck = b.recheckEmpty.tracker();
    this.storeExecutor = store != null ? Executors.newCachedThreadPool(storeThreads()) : null;
    List<CandleSource> registered = new ArrayList<>(b.sources);
    List<CandleSource> opened = new ArrayList<>();
    try {
      for (String uri : b.uris) {
        opened.add(CandleSources.open(uri, context));
      }
    } catch (RuntimeException | Error e) {
      // A URI that does not open leaves no thread and no source behind.
      new SourceRouter(opened, Map.of(), false, context).close();
      closeStore();
      runtime.close();
      throw e;
    }
    registered.addAll(opened);
    boolean autoDiscover =
        b.autoDiscover != null
            ? b.autoDiscover
            : b.sources.isEmpty() && b.uris.isEmpty() && b.routes.isEmpty();
    this.router = new SourceRouter(registered, b.routes, autoDiscover, context);
    this.engine =
        new QueryEngine(
            clock,
            runtime.timer(),
            listener,
            guards,
            runtime.executor(),
            () -> closed,
            router::isRouted);
    this.live = new LiveEngine(runtime.timer(), runtime.executor(), listener, this::fetchAsync);
    this.latestCache =
        b.latestCache ? new LatestCache(clock, b.latestCacheLag, LATEST_CACHE_SIZE) : null;
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
   * @see Builder#latestCache(Duration)
   */
  public CandleSeries fetch(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    CandleSource source = sourceFor(query.symbol());
    LatestCache cache = latestCache;
    if (cache != null && LatestCache.caches(query)) {
      return QueryEngine.await(fetchLatest(cache, source, query), source, query);
    }
    return engine.fetch(readThrough(source), query);
  }

  /**
   * Fetches the answer to {@code query} without blocking. The future fails with an {@link
   * OhlcvException}, always one of its subclasses, whatever goes wrong (an {@link Error} thrown by
   * a source or the executor included: {@link UnexpectedFailureException}); cancelling it cancels
   * the request in flight and any retry. Capability checks and a closed client fail the future, not
   * the call. A {@code latest(n).completeOnly()} query may be answered from the {@linkplain
   * Builder#latestCache(Duration) latest-candles cache}.
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
    LatestCache cache = latestCache;
    if (cache != null && LatestCache.caches(query)) {
      return fetchLatest(cache, source, query);
    }
    return engine.fetchAsync(readThrough(source), query);
  }

  /** {@code query} from the latest-candles cache, fetched from {@code source} when it must be. */
  private CompletableFuture<CandleSeries> fetchLatest(
      LatestCache cache, CandleSource source, OhlcvQuery query) {
    return cache.fetch(source, query, q -> engine.fetchAsync(readThrough(source), q));
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
   * Fetches several queries concurrently, each to its series or its own typed error: one symbol
   * failing (unknown, refused, unreachable) does not fail the others. At most {@link
   * Builder#fetchAllConcurrency(int)} queries run at once; every request still passes the rate
   * limits of its venue, which all queries of this client share, so a long list is spread over a
   * venue's budget rather than sent at once. Each query is a run of its own (its own events and
   * fetch id, its own {@linkplain OhlcvQuery#timeout() timeout}); {@link
   * OhlcvEventListener#batchProgress} reports how many are done. Blocks until all have ended.
   *
   * @param queries one query per symbol, in the order the results keep
   * @return each symbol's series or error
   * @throws InvalidQueryException if two queries have the same symbol (before any I/O)
   * @throws ClientClosedException if this client is closed
   * @throws QueryCancelledException if the waiting thread is interrupted (the queries in flight are
   *     cancelled)
   */
  public FetchResults fetchAll(Collection<OhlcvQuery> queries) {
    List<OhlcvQuery> list = distinct(queries);
    CompletableFuture<FetchResults> f = fetchAllAsync(list);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw BatchRun.cancelled(list.size(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw Errors.rethrowable(e.getCause(), null, "while fetching " + list.size() + " queries");
    }
  }

  /**
   * Fetches the same query for several symbols concurrently; see {@link #fetchAll(Collection)}.
   *
   * <pre>{@code
   * FetchResults r = client.fetchAll(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT"),
   *     q -> q.interval(Interval.H1).between(from, to));
   * }</pre>
   *
   * @param symbols the symbols, parsed by {@link Symbol#parse(String)}
   * @param query sets everything but the symbol on each query's builder
   * @return each symbol's series or error
   * @throws InvalidQueryException if a symbol is malformed or given twice, or the query is
   *     impossible (before any I/O)
   */
  public FetchResults fetchAll(Collection<String> symbols, Consumer<OhlcvQuery.Builder> query) {
    Objects.requireNonNull(symbols, "symbols");
    Objects.requireNonNull(query, "query");
    List<OhlcvQuery> queries = new ArrayList<>();
    for (String symbol : symbols) {
      OhlcvQuery.Builder b = OhlcvQuery.builder();
      query.accept(b);
      queries.add(b.symbol(Objects.requireNonNull(symbol, "symbol")).build());
    }
    return fetchAll(queries);
  }

  /**
   * As {@link #fetchAll(Collection)}, without blocking. The future completes when every query has
   * ended, with their series and errors; cancelling it cancels the queries in flight and starts no
   * more. Duplicate symbols and a closed client fail the future.
   *
   * @param queries one query per symbol, in the order the results keep
   * @return the series and errors, once every query has ended
   */
  public CompletableFuture<FetchResults> fetchAllAsync(Collection<OhlcvQuery> queries) {
    List<OhlcvQuery> list;
    try {
      list = distinct(queries);
      checkOpen();
    } catch (OhlcvException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<BatchRun.Outcome> run =
        BatchRun.start(list, this::fetchAsync, fetchAllConcurrency, engine.listener());
    CompletableFuture<FetchResults> out = new CompletableFuture<>();
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            run.cancel(true);
          }
        });
    run.whenComplete(
        (o, e) -> {
          if (e != null) {
            out.completeExceptionally(BatchRun.cancelled(list.size(), e));
            return;
          }
          List<Symbol> symbols = new ArrayList<>();
          Map<Symbol, CandleSeries> series = new HashMap<>();
          Map<Symbol, OhlcvException> errors = new HashMap<>();
          for (int i = 0; i < o.queries().size(); i++) {
            Symbol sym = o.queries().get(i).symbol();
            symbols.add(sym);
            CandleSeries one = o.series().get(i);
            if (one != null) {
              series.put(sym, one);
            } else {
              errors.put(sym, Objects.requireNonNull(o.errors().get(i)));
            }
          }
          out.complete(new FetchResults(symbols, series, errors));
        });
    return out;
  }

  private static List<OhlcvQuery> distinct(Collection<OhlcvQuery> queries) {
    Objects.requireNonNull(queries, "queries");
    List<OhlcvQuery> list = new ArrayList<>(queries.size());
    Set<Symbol> seen = new HashSet<>();
    for (OhlcvQuery q : queries) {
      Objects.requireNonNull(q, "query");
      if (!seen.add(q.symbol())) {
        throw new InvalidQueryException(
            "fetchAll got two queries of "
                + q.symbol()
                + "; its results are by symbol, so give each symbol once (run another fetchAll"
                + " for a second interval of it).");
      }
      list.add(q);
    }
    return list;
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

  /**
   * A live subscription of {@code candles}, checked against the source (no I/O yet).
   *
   * @throws InvalidQueryException if the source cannot stream the query
   * @throws ClientClosedException if this client is closed
   */
  LiveRun prepareLive(LiveCandles candles, Receiver receiver) {
    checkOpen();
    OhlcvQuery q = candles.query();
    CandleSource source = sourceFor(q.symbol());
    engine.check(source, q);
    LiveFeed feed =
        source
            .live()
            .orElseThrow(
                () ->
                    new InvalidQueryException(
                        q
                            + ": "
                            + source.name()
                            + " has no live feed, so it cannot stream candles. Live candles come"
                            + " from sample:, bybit: and the other sources whose live() is not"
                            + " empty; fetch(...) reads this one.",
                        source.name(),
                        null,
                        null));
    if (q.interval().isCalendar() && !q.zone().normalized().equals(ZoneOffset.UTC)) {
      throw new InvalidQueryException(
          q
              + ": live "
              + q.interval()
              + " candles start at midnight UTC, not in "
              + q.zone()
              + ". Stream 1h candles and resample("
              + q.interval()
              + ") with zone("
              + q.zone()
              + ") instead.",
          source.name(),
          null,
          null);
    }
    Instant historyFrom = null;
    if (candles.hasHistory()) {
      Instant now = feed.clock().map(Clock::instant).orElseGet(clock::instant);
      historyFrom = q.from().orElseGet(() -> q.rangeAt(now).from());
    }
    return live.prepare(
        new LiveEngine.Spec(q, historyFrom, candles.keep(), candles.bufferSize()),
        source.name(),
        source instanceof SampleSource,
        feed,
        receiver);
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
    return router.sourceFor(symbol);
  }

  /** The clock for "now" where the venue's clock is unknown. */
  Clock clock() {
    return clock;
  }

  /** The client's timer: delays run on it without blocking a thread (virtual time in tests). */
  io.github.ohlcv4j.internal.GuardTimer timer() {
    return runtime.timer();
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
    return readThrough.computeIfAbsent(
        source, u -> new ReadThroughSource(s, u, clock, e, engine.listener(), recheck));
  }

  /** Closes the store (unless it is also a registered source) and its threads. */
  private void closeStore() {
    CandleStore s = store;
    if (s != null && (router == null || !router.sources().contains(s))) {
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
  }

  /** The daemon threads that read coverage and write candles back to the store. */
  private static java.util.concurrent.ThreadFactory storeThreads() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "ohlcv4j-store-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Opens the store a URI names; it must be a {@link CandleStore}. */
  private CandleStore openStore(String uri) {
    CandleSource opened;
    try {
      opened = CandleSources.open(uri, context);
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    if (opened instanceof CandleStore s) {
      return s;
    }
    try {
      opened.close();
    } finally {
      runtime.close();
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
   * The instruments {@code venue} lists ({@code "BYBIT"}, {@code "BINANCE"}, {@code "POLYGON"}),
   * from every source of this client that serves it: the one routed to the venue, else those
   * registered for it (Bybit spot and linear, say: their lists one after the other); a client with
   * discovery on and none registered opens the venue's spot and perpetual sources. Each source
   * keeps its list for its TTL (an hour by default), so calling this often costs nothing until
   * then. The way from a ccxt-style pair to the venue's code:
   *
   * <pre>{@code
   * Instrument perp = client.instruments("BYBIT")
   *     .find("BTC", "USDT", Instrument.Type.PERPETUAL).orElseThrow();
   * }</pre>
   *
   * <p>A venue that has paused or banned this client is not asked until the pause ends: the call
   * fails at once with a {@link RateLimitException} that says until when.
   *
   * @throws InvalidQueryException if no source of this client serves the venue, or one that does
   *     lists no instruments
   * @throws RateLimitException if the venue paused or banned this client, or refuses as too many
   * @throws OhlcvException what the venue refused, or a malformed answer ({@link
   *     DataFormatException})
   * @throws ClientClosedException if this client is closed
   */
  public Instruments instruments(String venue) {
    Objects.requireNonNull(venue, "venue");
    checkOpen();
    String v = venue.trim().toUpperCase(Locale.ROOT);
    if (v.isEmpty() || !v.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
      throw new InvalidQueryException(
          "instruments(\""
              + venue
              + "\"): give a venue alone, as symbols spell it: \"BYBIT\", \"BINANCE\", \"POLYGON\".");
    }
    List<CandleSource> serving = router.sourcesFor(v);
    if (serving.isEmpty()) {
      throw new InvalidQueryException(
          "No source of this client serves "
              + v
              + "; register one (OhlcvClient.builder().source(\""
              + v.toLowerCase(Locale.ROOT)
              + ":...\")) or route the venue to one with .route(\""
              + v
              + "\", source).");
    }
    List<Instruments> parts = new ArrayList<>();
    for (CandleSource s : serving) {
      Optional<RateLimitException> paused = guards.paused(s, v + " instruments");
      if (paused.isPresent()) {
        throw paused.get();
      }
      parts.add(s.instruments());
    }
    return Instruments.concat(parts);
  }

  /**
   * The sources this client uses so far: those registered and those opened for venues on demand.
   */
  public List<CandleSource> sources() {
    return router.sources();
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
              String.valueOf(
                  e instanceof OhlcvException
                      ? e.getMessage()
                      : Errors.wrap(e, s.name(), "while checking its health").getMessage()),
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
    if (latestCache != null) {
      latestCache.clear();
    }
    live.close();
    guards.close();
    router.close();
    closeStore();
    runtime.close();
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
    private RetryPolicy retryPolicy = RetryPolicy.ofDefaults();
    private CircuitBreakerPolicy circuitBreakerPolicy = CircuitBreakerPolicy.ofDefaults();
    private @Nullable RateLimitPolicy rateLimitPolicy;
    private final Map<String, RateLimitPolicy> groupRateLimits = new LinkedHashMap<>();
    private OhlcvEventListener listener = OhlcvEventListener.NONE;
    private java.util.concurrent.@Nullable Executor executor;
    private Clock clock = Clock.systemUTC();
    private @Nullable OkHttpClient okHttpClient;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration readTimeout;
    private @Nullable Duration callTimeout;
    private int fetchAllConcurrency = DEFAULT_FETCH_ALL_CONCURRENCY;
    private @Nullable CandleStore store;
    private @Nullable String storeUri;
    private io.github.ohlcv4j.internal.EmptyRecheck recheckEmpty =
        io.github.ohlcv4j.internal.EmptyRecheck.DEFAULT;
    private boolean latestCache = true;
    private Duration latestCacheLag = DEFAULT_LATEST_CACHE_LAG;

    Builder() {}

    /**
     * Answers repeated {@code latest(n)} queries of complete candles from memory, so that a
     * dashboard polling every second costs one request per candle rather than one per poll. On by
     * default, with a lag of {@link OhlcvClient#DEFAULT_LATEST_CACHE_LAG}.
     *
     * <p>It answers {@link #fetch}-es and {@link #fetchAsync}-es of queries built with {@link
     * OhlcvQuery.Builder#latest(int) latest(n)} and {@link OhlcvQuery.Builder#completeOnly()},
     * keyed by source and the whole query. An answer fetched at {@code t} (by this client's
     * {@linkplain #clock(Clock) clock}) is reused until {@code lag} after the end of the bucket (of
     * the {@link OhlcvQuery#outputInterval()}) that held {@code t - lag}: up to {@code lag} after a
     * boundary, a poll may still get the answer as of before it, never a candle the venue has not
     * closed. An answer whose newest candle is not the last one closed when it was fetched (a venue
     * slow to publish it, a quiet market, a venue whose clock is ahead) is reused for {@code lag}
     * at most. Queries that keep the forming candle are never cached: that candle changes with
     * every trade (use {@link LiveCandles} to follow it). Identical queries running at once share
     * one fetch; a failed fetch is not kept; cancelling a shared fetch cancels its request only
     * when nobody else waits for it. An answer from the cache fires no events: {@code fetchStart},
     * {@code fetchEnd} and the page events fire only for the fetch that went to the source. At most
     * {@value OhlcvClient#LATEST_CACHE_SIZE} answers are kept, the least recently used going first;
     * {@link OhlcvClient#close()} drops them. {@link OhlcvClient#stream} and {@link
     * OhlcvClient#pages} always go to the source.
     *
     * @param lag how long after a boundary the venue may take to publish the candle that closed
     * @throws IllegalArgumentException if {@code lag} is negative
     */
    public Builder latestCache(Duration lag) {
      Objects.requireNonNull(lag, "lag");
      if (lag.isNegative()) {
        throw new IllegalArgumentException("latestCache lag must not be negative: " + lag);
      }
      this.latestCacheLag = lag;
      this.latestCache = true;
      return this;
    }

    /**
     * Turns the {@linkplain #latestCache(Duration) latest-candles cache} on (with the lag set
     * before, {@link OhlcvClient#DEFAULT_LATEST_CACHE_LAG} by default) or off, so that every {@code
     * latest(n)} query goes to the source.
     */
    public Builder latestCache(boolean enabled) {
      this.latestCache = enabled;
      return this;
    }

    /**
     * How many queries one {@link OhlcvClient#fetchAll(Collection)} runs at once; {@value
     * OhlcvClient#DEFAULT_FETCH_ALL_CONCURRENCY} by default. The venues' rate limits apply whatever
     * this is; it bounds the requests and series held in flight by one call.
     *
     * @param queries how many queries may run at once, at least 1
     * @throws IllegalArgumentException if below 1
     */
    public Builder fetchAllConcurrency(int queries) {
      if (queries < 1) {
        throw new IllegalArgumentException("fetchAllConcurrency must be at least 1: " + queries);
      }
      this.fetchAllConcurrency = queries;
      return this;
    }

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
     * How a query read through the {@link #store(CandleStore) store} asks again for a range the
     * store recorded as empty (the venue had no candles there), because a venue can publish candles
     * late. A range that ended less than {@code recent} before now (by this client's {@link
     * #clock(Clock) clock}) is asked of the venue again at most {@code times} times: the first time
     * {@code spacing} after this client first saw it recorded empty, then each time twice as long
     * after the previous re-check; a query asks only the part of it in its own range. An older
     * range, or one asked {@code times} times, is final: not asked again. What a re-check finds is
     * written to the store like any venue page. The counts are kept per client, in memory. The
     * default is {@code recheckEmpty(Duration.ofHours(1), 3, Duration.ofMinutes(1))}; {@code times}
     * zero never asks an empty range again.
     *
     * @param recent how long after its end an empty range is recent
     * @param times the most re-checks of one recent empty range
     * @param spacing the least time before the first re-check; the later ones double it
     * @throws IllegalArgumentException if a duration or {@code times} is negative
     */
    public Builder recheckEmpty(Duration recent, int times, Duration spacing) {
      this.recheckEmpty = new io.github.ohlcv4j.internal.EmptyRecheck(recent, times, spacing);
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
     * Sends every symbol of {@code venue} ({@code "BINANCE"}, any case) to {@code source}, whatever
     * its capabilities say and without asking its {@link CandleSource#serves(Symbol)}: a route is
     * an order, for a source that does not know the venue by that name (a store holding a venue's
     * candles, a test server standing in for it). It wins over sources registered for the venue.
     * The source answers only that venue (register it with {@link #source(CandleSource)} too to
     * make it a default), and may still refuse a symbol it cannot read. The last route for a venue
     * wins. The client closes the source on {@link OhlcvClient#close()}.
     */
    public Builder route(String venue, CandleSource source) {
      Objects.requireNonNull(venue, "venue");
      Objects.requireNonNull(source, "source");
      if (venue.isBlank()) {
        throw new IllegalArgumentException(
            "route(venue, source) needs a venue name, such as BINANCE");
      }
      routes.put(venue.strip().toUpperCase(Locale.ROOT), source);
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

    /** The retry policy; {@link RetryPolicy#ofDefaults()} by default. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The circuit-breaker policy, applied per source; {@link CircuitBreakerPolicy#ofDefaults()} by
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
     * time and venue bans; the system UTC clock by default. (Waits and the timers of live streams
     * run on real time, unless the clock also keeps time for tasks, as the tests' virtual clock
     * does.)
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long the HTTP sources this client opens (by URI, or discovered for a venue) may take to
     * open a connection; {@link Duration#ZERO} for no limit. By default each source's own: {@value
     * SourceContext#DEFAULT_CONNECT_SECONDS} s for the exchange sources, 10 s for ClickHouse, or
     * that of the {@link #okHttpClient(OkHttpClient)}. A source built by the application takes its
     * timeouts from its own {@link SourceContext} instead.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = nonNegative(timeout, "connectTimeout");
      return this;
    }

    /**
     * The longest the HTTP sources this client opens wait between two bytes of an answer; {@link
     * Duration#ZERO} for no limit. By default each source's own: {@value
     * SourceContext#DEFAULT_READ_SECONDS} s for the exchange sources, 60 s for ClickHouse, or that
     * of the {@link #okHttpClient(OkHttpClient)}. A read that times out is retried like any
     * transient failure.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = nonNegative(timeout, "readTimeout");
      return this;
    }

    /**
     * The longest one HTTP request of the sources this client opens may take in all (connecting,
     * sending, reading the whole answer); {@link Duration#ZERO} for no limit. By default each
     * source's own: {@value SourceContext#DEFAULT_CALL_SECONDS} s for the exchange sources, 5
     * minutes for ClickHouse (its query timeout), or that of the {@link
     * #okHttpClient(OkHttpClient)}. Each attempt has its own; to bound a whole query, retries and
     * waits included, give the query a {@link OhlcvQuery.Builder#timeout(Duration) timeout}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = nonNegative(timeout, "callTimeout");
      return this;
    }

    private static Duration nonNegative(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            name + " must not be negative (zero means no limit): " + timeout);
      }
      return timeout;
    }

    /**
     * The HTTP client that sources opened by this client use, for proxies, TLS settings or
     * interceptors: the one place where an OkHttp type appears in the API. Its timeouts are kept,
     * except those set with {@link #connectTimeout}, {@link #readTimeout} and {@link #callTimeout}.
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

    /** See {@link OhlcvQuery.Builder#alignment(Alignment)}. */
    public QueryBuilder alignment(Alignment alignment) {
      query.alignment(alignment);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#badRows(BadRowPolicy)}. */
    public QueryBuilder badRows(BadRowPolicy policy) {
      query.badRows(policy);
      return this;
    }

    /** See {@link OhlcvQuery.Builder#timeout(Duration)}. */
    public QueryBuilder timeout(Duration timeout) {
      query.timeout(timeout);
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

    /**
     * Builds the query and returns its {@linkplain OhlcvClient#pages(OhlcvQuery) pages}: one series
     * per request, lazily, with bounded memory; close the stream to stop early.
     */
    public Stream<CandleSeries> pages() {
      return client.pages(build());
    }

    /**
     * The query as live candles: history from {@link #from(Instant)} (or the newest {@link
     * #latest(int)} candles, or none), then candles as they happen; see {@link LiveCandles}.
     * Nothing connects until someone subscribes.
     *
     * @throws InvalidQueryException if the query is impossible, or has an end ({@code to}, {@code
     *     between}), a {@code limit} or a {@code fill}, which a stream without end cannot honour
     */
    public LiveCandles live() {
      OhlcvQuery q = build();
      String not = null;
      if (q.to().isPresent()) {
        not = "an end (to or between): a live stream runs until it is closed; use from(...) alone";
      } else if (q.limit().isPresent()) {
        not = "a limit: a live stream has no last candle; close the subscription instead";
      } else if (q.fill() != GapFill.NONE) {
        not = "a gap fill: fill a series() snapshot instead";
      }
      if (not != null) {
        throw new InvalidQueryException(q + ": a live query cannot have " + not + ".");
      }
      return new LiveCandles(
          client,
          q,
          q.from().isPresent() || query.asksLatest(),
          LiveCandles.DEFAULT_KEEP,
          LiveCandles.DEFAULT_BUFFER_SIZE);
    }
  }
}
