package io.github.ohlcv4j.micrometer;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.resilience.CircuitState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters for an {@link io.github.ohlcv4j.OhlcvClient}: install it as the client's event
 * listener and bind it to a registry.
 *
 * <pre>{@code
 * OhlcvMetrics metrics = OhlcvMetrics.create();
 * metrics.bindTo(meterRegistry);                      // or let Spring Boot bind the MeterBinder
 * OhlcvClient client = OhlcvClient.builder()
 *     .source("bybit:linear")
 *     .eventListener(metrics.plus(myOwnListener))     // composable with the application's listener
 *     .build();
 * }</pre>
 *
 * <p>Every meter is named {@code ohlcv4j.*}, lowercase and dot-separated (registries translate:
 * Prometheus shows {@code ohlcv4j_requests_seconds_count}), and tagged with bounded values only:
 * the source name, an outcome, an exception class name, a circuit state. The symbol and interval of
 * a query are tags only when asked for ({@link Builder#symbolTags(boolean)}), since an application
 * that queries many symbols would otherwise make a time series per symbol. No percentile or
 * histogram is turned on: as Micrometer advises for libraries, that is the application's choice,
 * with a {@code MeterFilter} (or Spring Boot's {@code management.metrics.distribution.*}). The
 * meters, their tags and the feature each comes with are listed in {@code docs/observability.md}.
 *
 * <p>The tag {@code outcome} classes a request or a fetch as HTTP status classes would, from the
 * typed error every source maps its answers to (not every source speaks HTTP): {@code SUCCESS};
 * {@code CLIENT_ERROR} for an invalid query, refused credentials or a rate limit; {@code
 * SERVER_ERROR} for a source unavailable (5xx, I/O, timeouts, an open circuit) or a malformed
 * answer; {@code CANCELLED} for a cancel or a closed client; {@code UNKNOWN} for an unexpected
 * failure. The tag {@code exception} names the error's class ({@code SourceUnavailableException}),
 * or {@code none}.
 *
 * <p>Meters are created on first use. Events that arrive before {@link #bindTo} is called are not
 * counted, but states are kept (a circuit's, the number of live connections) and shown once bound;
 * binding to several registries counts in each. Thread-safe; one instance per client, or one for
 * several clients (their meters then add up, told apart by source).
 *
 * <p>Besides the client's events, the public {@code live*}, {@code candles*}, {@code storeRead} and
 * {@code recorderLag} methods record what the live candles, the read-through store and the recorder
 * report; each says what calls it.
 */
public final class OhlcvMetrics implements MeterBinder, OhlcvEventListener {

  /** The common prefix of every meter name: {@value}. */
  public static final String PREFIX = "ohlcv4j";

  /** Value of the {@code exception} tag when there was none: {@value}. */
  public static final String NONE = "none";

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final boolean symbolTags;
  private final ConcurrentHashMap<String, AtomicReference<CircuitState>> circuits =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Instant> bans = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> liveConnections =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Tags, AtomicLong> recorderLags = new ConcurrentHashMap<>();

  private OhlcvMetrics(Builder b) {
    this.symbolTags = b.symbolTags;
  }

  /** Metrics with the defaults: no symbol or interval tags. */
  public static OhlcvMetrics create() {
    return builder().build();
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Records into {@code registry} from now on (as well as into any registry bound before). Spring
   * Boot calls it for every {@link MeterBinder} bean.
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    this.registry.add(registry);
    // State kept before binding (a circuit, a connection count) is shown from now on.
    circuits.forEach(this::circuitGauges);
    liveConnections.forEach(this::liveConnectionsGauge);
    recorderLags.forEach(this::recorderLagGauge);
  }

  // ---------------------------------------------------------------- the client's events

  @Override
  public void fetchStart(Fetch fetch) {
    circuit(fetch.source());
  }

  @Override
  public void fetchEnd(Fetch fetch, int rows, Duration duration) {
    if (unbound()) {
      return;
    }
    timer("fetches", "Runs of a query: fetch, fetchAsync or stream, from start to end", fetch, null)
        .record(duration);
  }

  @Override
  public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
    if (unbound()) {
      return;
    }
    timer(
            "fetches",
            "Runs of a query: fetch, fetchAsync or stream, from start to end",
            fetch,
            error)
        .record(duration);
  }

  @Override
  public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
    if (unbound()) {
      return;
    }
    timer("requests", REQUESTS, fetch, null).record(duration);
    Counter.builder(PREFIX + ".candles.received")
        .description("Candles received from sources, before clipping and resampling")
        .tags(queryTags(fetch))
        .register(registry)
        .increment(rows);
    Counter.builder(PREFIX + ".bytes.received")
        .description("Bytes of the answers received from sources")
        .baseUnit(BaseUnits.BYTES)
        .tags(queryTags(fetch))
        .register(registry)
        .increment(bytes);
  }

  @Override
  public void pageFailed(Fetch fetch, int page, OhlcvException error, Duration duration) {
    if (unbound()) {
      return;
    }
    timer("requests", REQUESTS, fetch, error).record(duration);
    if (error instanceof RateLimitException) {
      Optional<Instant> until = ((RateLimitException) error).bannedUntil();
      if (until.isPresent() && isNewBan(fetch.source(), until.get())) {
        Counter.builder(PREFIX + ".bans")
            .description("Bans a venue put on this client (each ban once, whatever it refused)")
            .tag("source", fetch.source())
            .register(registry)
            .increment();
      }
    }
  }

  @Override
  public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
    if (unbound()) {
      return;
    }
    Counter.builder(PREFIX + ".retries")
        .description("Requests tried again after a retryable error")
        .tags(queryTags(fetch))
        .tag("exception", exception(cause))
        .register(registry)
        .increment();
  }

  @Override
  public void rateLimitWait(Fetch fetch, Duration wait) {
    if (unbound()) {
      return;
    }
    Timer.builder(PREFIX + ".ratelimit.waits")
        .description(
            "Waits of requests for the client's rate budget or a venue's pause, before sending")
        .tag("source", fetch.source())
        .register(registry)
        .record(wait);
  }

  @Override
  public void circuitStateChanged(
      String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {
    circuit(source).set(to);
    if (unbound()) {
      return;
    }
    Counter.builder(PREFIX + ".circuit.transitions")
        .description("Changes of a source's circuit breaker")
        .tag("source", source)
        .tag("from", from.name())
        .tag("to", to.name())
        .register(registry)
        .increment();
  }

  // ---------------------------------------------------------------- live candles' events

  /** A live connection opened and subscribed: counted in {@code ohlcv4j.live.connections}. */
  @Override
  public void liveConnected(String source, int connection, int streams) {
    liveConnected(source);
  }

  /**
   * A live connection broke and is opened again: {@code ohlcv4j.live.connections} goes down until
   * it is back, and {@code ohlcv4j.live.reconnects} counts it, tagged with the kind of failure
   * ({@code timeout}, {@code unavailable}, {@code refused} or {@code error}).
   */
  @Override
  public void liveReconnecting(
      String source, int connection, int attempt, Duration wait, OhlcvException cause) {
    if (attempt == 1) {
      liveDisconnected(source);
    }
    liveReconnect(source, reconnectReason(cause));
  }

  private static String reconnectReason(OhlcvException cause) {
    if (cause instanceof io.github.ohlcv4j.QueryTimeoutException) {
      return "timeout";
    }
    if (cause instanceof io.github.ohlcv4j.SourceUnavailableException) {
      return "unavailable";
    }
    if (cause instanceof io.github.ohlcv4j.RateLimitException
        || cause instanceof io.github.ohlcv4j.AuthenticationException) {
      return "refused";
    }
    return "error";
  }

  /**
   * Candles a live stream fetched over REST to close a gap: {@code
   * ohlcv4j.live.candles.backfilled}.
   */
  @Override
  public void liveGapBackfilled(
      String source,
      Symbol symbol,
      Interval interval,
      java.time.Instant from,
      java.time.Instant to,
      int candles) {
    candlesBackfilled(source, candles);
  }

  /** A closed candle a live stream revised: {@code ohlcv4j.live.candles.revised}. */
  @Override
  public void liveRevised(
      String source, Symbol symbol, Interval interval, io.github.ohlcv4j.Candle candle) {
    candlesRevised(source, 1);
  }

  // ---------------------------------------------------------------- other features

  /**
   * A live connection to {@code source}'s venue opened: {@code ohlcv4j.live.connections} goes up.
   * Called from the live candles' connection events.
   */
  public void liveConnected(String source) {
    liveConnections(source).incrementAndGet();
  }

  /**
   * A live connection to {@code source}'s venue closed, whatever the reason: {@code
   * ohlcv4j.live.connections} goes down. Called from the live candles' connection events.
   */
  public void liveDisconnected(String source) {
    liveConnections(source).updateAndGet(n -> Math.max(0, n - 1));
  }

  /**
   * A live connection to {@code source} is opened again after it broke: {@code
   * ohlcv4j.live.reconnects}, tagged with {@code reason}, which must come from a small fixed set
   * (such as {@code closed}, {@code error}, {@code silent}, {@code server_shutdown}).
   */
  public void liveReconnect(String source, String reason) {
    if (unbound()) {
      return;
    }
    Counter.builder(PREFIX + ".live.reconnects")
        .description("Live connections opened again after they broke")
        .tag("source", Objects.requireNonNull(source, "source"))
        .tag("reason", Objects.requireNonNull(reason, "reason"))
        .register(registry)
        .increment();
  }

  /**
   * {@code candles} closed candles a live subscription fetched over REST to fill the gap a
   * reconnect left: {@code ohlcv4j.live.candles.backfilled}.
   */
  public void candlesBackfilled(String source, long candles) {
    if (unbound()) {
      return;
    }
    Counter.builder(PREFIX + ".live.candles.backfilled")
        .description("Closed candles fetched to fill the gap of a live reconnect")
        .tag("source", Objects.requireNonNull(source, "source"))
        .register(registry)
        .increment(candles);
  }

  /**
   * {@code candles} candles already closed that a live subscription revised (the venue re-sent
   * them, or the backfill disagreed): {@code ohlcv4j.live.candles.revised}.
   */
  public void candlesRevised(String source, long candles) {
    if (unbound()) {
      return;
    }
    Counter.builder(PREFIX + ".live.candles.revised")
        .description("Closed candles revised by a live subscription")
        .tag("source", Objects.requireNonNull(source, "source"))
        .register(registry)
        .increment(candles);
  }

  /** A query read through the client's store: counted in {@code ohlcv4j.store.reads}. */
  @Override
  public void storeRead(
      String store, String source, Symbol symbol, Interval interval, StoreRead result) {
    storeRead(store, result);
  }

  /**
   * A query read through the store named {@code store}: {@code ohlcv4j.store.reads}, tagged {@code
   * result} ({@code hit}, {@code partial}, {@code miss}).
   */
  public void storeRead(String store, StoreRead result) {
    if (unbound()) {
      return;
    }
    Counter.builder(PREFIX + ".store.reads")
        .description("Queries read through a candle store, by how much the store held")
        .tag("store", Objects.requireNonNull(store, "store"))
        .tag("result", result.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /**
   * How far a recorder's newest stored candle of {@code symbol} and {@code interval} is behind the
   * venue: the gauge {@code ohlcv4j.recorder.lag}, tagged by symbol and interval (a recorder
   * records the few symbols it was given, so these tags stay bounded).
   */
  public void recorderLag(Symbol symbol, Interval interval, Duration lag) {
    Tags tags = Tags.of("symbol", symbol.toString(), "interval", interval.toString());
    recorderLags
        .computeIfAbsent(
            tags,
            t -> {
              AtomicLong v = new AtomicLong();
              recorderLagGauge(t, v);
              return v;
            })
        .set(lag.toMillis());
  }

  private void recorderLagGauge(Tags tags, AtomicLong millis) {
    if (unbound()) {
      return;
    }
    TimeGauge.builder(
            PREFIX + ".recorder.lag", millis, TimeUnit.MILLISECONDS, AtomicLong::doubleValue)
        .description("How far a recorder's newest stored candle is behind the venue's clock")
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * Whether no registry is bound yet: then events are not recorded at all, so that binding later
   * does not find meters made before it (which Micrometer warns about).
   */
  private boolean unbound() {
    return registry.getRegistries().isEmpty();
  }

  private static final String REQUESTS =
      "Page requests to sources (one per attempt), from sending to parsed; refusals by the"
          + " circuit breaker or the rate limit included";

  private Timer timer(
      String name, String description, Fetch fetch, @Nullable OhlcvException error) {
    return Timer.builder(PREFIX + "." + name)
        .description(description)
        .tags(queryTags(fetch))
        .tag("outcome", outcome(error))
        .tag("exception", error == null ? NONE : exception(error))
        .register(registry);
  }

  private Tags queryTags(Fetch fetch) {
    Tags tags = Tags.of("source", fetch.source());
    if (symbolTags) {
      tags =
          tags.and(
              Tag.of("symbol", fetch.query().symbol().toString()),
              Tag.of("interval", fetch.query().interval().toString()));
    }
    return tags;
  }

  /** The status class of an outcome, from the error's type. */
  static String outcome(@Nullable OhlcvException e) {
    if (e == null) {
      return "SUCCESS";
    }
    if (e instanceof QueryCancelledException || e instanceof ClientClosedException) {
      return "CANCELLED";
    }
    if (e instanceof InvalidQueryException
        || e instanceof AuthenticationException
        || e instanceof RateLimitException) {
      return "CLIENT_ERROR";
    }
    if (e instanceof SourceUnavailableException || e instanceof DataFormatException) {
      return "SERVER_ERROR";
    }
    return "UNKNOWN";
  }

  /** The simple name of the error's nearest public class (not one of an internal package). */
  static String exception(Throwable e) {
    Class<?> c = e.getClass();
    while (c.getSuperclass() != null && c.getName().contains(".internal.")) {
      c = c.getSuperclass();
    }
    return c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName();
  }

  private AtomicReference<CircuitState> circuit(String source) {
    return circuits.computeIfAbsent(
        source,
        s -> {
          AtomicReference<CircuitState> state = new AtomicReference<>(CircuitState.CLOSED);
          circuitGauges(s, state);
          return state;
        });
  }

  private void circuitGauges(String source, AtomicReference<CircuitState> state) {
    if (unbound()) {
      return;
    }
    for (CircuitState each : CircuitState.values()) {
      Gauge.builder(PREFIX + ".circuit.state", state, r -> r.get() == each ? 1 : 0)
          .description("1 for a source's current circuit-breaker state, 0 for the others")
          .tag("source", source)
          .tag("state", each.name())
          .strongReference(true)
          .register(registry);
    }
  }

  private boolean isNewBan(String source, Instant until) {
    List<Boolean> added = new ArrayList<>(1);
    bans.compute(
        source,
        (s, last) -> {
          if (last == null || until.isAfter(last)) {
            added.add(Boolean.TRUE);
            return until;
          }
          return last;
        });
    return !added.isEmpty();
  }

  private AtomicInteger liveConnections(String source) {
    return liveConnections.computeIfAbsent(
        Objects.requireNonNull(source, "source"),
        s -> {
          AtomicInteger n = new AtomicInteger();
          liveConnectionsGauge(s, n);
          return n;
        });
  }

  private void liveConnectionsGauge(String source, AtomicInteger n) {
    if (unbound()) {
      return;
    }
    Gauge.builder(PREFIX + ".live.connections", n, AtomicInteger::get)
        .description("Open live connections to a venue")
        .tag("source", source)
        .strongReference(true)
        .register(registry);
  }

  @Override
  public String toString() {
    return "OhlcvMetrics{symbolTags="
        + symbolTags
        + ", registries="
        + registry.getRegistries()
        + "}";
  }

  /** Configures {@link OhlcvMetrics}. Not thread-safe. */
  public static final class Builder {
    private boolean symbolTags;

    Builder() {}

    /**
     * Whether the fetch and request timers, the candle and byte counters and the retry counter also
     * carry the query's {@code symbol} and {@code interval} tags; off by default. Turn it on only
     * for a bounded set of symbols: each symbol makes its own time series.
     */
    public Builder symbolTags(boolean symbolTags) {
      this.symbolTags = symbolTags;
      return this;
    }

    /** Builds the metrics. */
    public OhlcvMetrics build() {
      return new OhlcvMetrics(this);
    }
  }
}
