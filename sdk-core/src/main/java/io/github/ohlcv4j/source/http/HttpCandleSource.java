package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.Instruments;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.internal.RequestGate;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skeleton of a source that reads a venue's REST API: what every such source has (a name, a
 * base URL, a page size, the {@link SourceContext} with the client's HTTP pool, clock and venue
 * budgets, a cap on response bodies) and does (the {@link #health()} probe), so that a venue's
 * source is its request plan, its parser and its error codes. Its cursors extend {@link
 * HttpPageCursor}, its error mapper {@link HttpErrors}, its builder {@link Builder}.
 *
 * <p>The query a cursor gets has been checked against {@link #capabilities()} already ({@link
 * io.github.ohlcv4j.source.SourceCapabilities#check(String, io.github.ohlcv4j.OhlcvQuery)}: the
 * interval, the zone of calendar candles, the symbol's venue), once, by whoever runs the query; a
 * source refuses in {@code cursor(query)} only what its capabilities cannot say (a symbol of
 * another market of the venue).
 *
 * <p>Subclasses are immutable and thread-safe; they own no threads or connections ({@link #close()}
 * does nothing): the HTTP pool is the client's.
 */
public abstract class HttpCandleSource implements CandleSource {

  /** How long {@link #health()} waits for the venue: 10 seconds. */
  public static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);

  /** How long {@link #instruments()} keeps a venue's list unless told otherwise: one hour. */
  public static final Duration DEFAULT_INSTRUMENTS_TTL = Duration.ofHours(1);

  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j.source.http");

  private final String name;
  private final String venue;
  private final String defaultBaseUrl;
  private final HttpUrl baseUrl;
  private final int pageSize;
  private final SourceContext context;
  private final Http http;
  private final int maxBodyBytes;
  private final Duration instrumentsTtl;
  private final Object instrumentsLock = new Object();
  private volatile @Nullable Instruments instruments;

  /**
   * A source from what {@code builder} holds.
   *
   * @param builder the base URL, page size and context the user set
   * @param name the source's name: {@code "bybit:linear"}
   * @param venue the venue's name for messages: {@code "Bybit"}
   * @param defaultBaseUrl the venue's base URL, used unless the builder has another
   * @param defaultPageSize the page size used unless the builder has another
   * @throws IllegalArgumentException if the body cap setting ({@value BodyBuffer#MAX_BODY_SETTING})
   *     is malformed
   */
  protected HttpCandleSource(
      Builder<?> builder, String name, String venue, String defaultBaseUrl, int defaultPageSize) {
    Objects.requireNonNull(builder, "builder");
    this.name = Objects.requireNonNull(name, "name");
    this.venue = Objects.requireNonNull(venue, "venue");
    this.defaultBaseUrl = Objects.requireNonNull(defaultBaseUrl, "defaultBaseUrl");
    this.baseUrl = builder.baseUrl != null ? builder.baseUrl : HttpUrl.get(defaultBaseUrl);
    this.pageSize = builder.pageSize > 0 ? builder.pageSize : defaultPageSize;
    this.context = builder.context;
    this.http = Http.of(context, name);
    this.maxBodyBytes = BodyBuffer.maxBody(context);
    this.instrumentsTtl = builder.instrumentsTtl;
  }

  @Override
  public final String name() {
    return name;
  }

  /** The venue's name as messages say it: {@code "Bybit"}. */
  public final String venue() {
    return venue;
  }

  /** The API's base URL. */
  public final String baseUrl() {
    return baseUrl.toString();
  }

  /** The venue's own base URL, for messages that say where a source should point. */
  public final String defaultBaseUrl() {
    return defaultBaseUrl;
  }

  /** Rows asked for per full request. */
  public final int pageSize() {
    return pageSize;
  }

  /** Where the clock, the HTTP client and the venue budgets come from. */
  public final SourceContext context() {
    return context;
  }

  /** The HTTP component. */
  protected final Http http() {
    return http;
  }

  /** The largest response body read, in bytes ({@link BodyBuffer#maxBody(SourceContext)}). */
  protected int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** A builder for a URL under the base URL. */
  protected final HttpUrl.Builder url() {
    return baseUrl.newBuilder();
  }

  /** The base URL as OkHttp holds it. */
  protected final HttpUrl httpUrl() {
    return baseUrl;
  }

  /** The clock for "now" when the venue's clock is unknown. */
  protected final Clock clock() {
    return context.clock();
  }

  /**
   * The light request {@link #health()} sends: a ping or server-time endpoint that costs the venue
   * little.
   */
  protected abstract Request healthRequest();

  /**
   * Sends {@link #healthRequest()} and waits at most {@link #HEALTH_TIMEOUT}: up if the venue
   * answers 2xx, degraded if it answers with a rate-limit or ban status (429, 418, 403), down
   * otherwise.
   */
  @Override
  public Health health() {
    Instant at = clock().instant();
    long t0 = System.nanoTime();
    CompletableFuture<Integer> f = http.send(healthRequest(), r -> r.code());
    try {
      int code = f.get(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Optional<Duration> latency = Optional.of(Duration.ofNanos(System.nanoTime() - t0));
      if (code >= 200 && code < 300) {
        return new Health(name, Health.Status.UP, latency, Optional.empty(), "", at);
      }
      Health.Status status =
          code == 429 || code == 418 || code == 403 ? Health.Status.DEGRADED : Health.Status.DOWN;
      return new Health(
          name,
          status,
          latency,
          Optional.empty(),
          "HTTP " + code + (status == Health.Status.DEGRADED ? " (rate limit or ban)" : ""),
          at);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      return down("interrupted", at);
    } catch (TimeoutException e) {
      f.cancel(true);
      return down("no answer within " + HEALTH_TIMEOUT.toMillis() + " ms", at);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      return down(String.valueOf(c instanceof OhlcvException ? c.getMessage() : c), at);
    }
  }

  /** How long {@link #instruments()} keeps the venue's list ({@link Builder#instrumentsTtl}). */
  public final Duration instrumentsTtl() {
    return instrumentsTtl;
  }

  /**
   * The venue's instruments: the list read last if it is younger than {@link #instrumentsTtl()} by
   * the context's clock, else a new one from {@link #loadInstruments()}. Callers at the same time
   * share one load; a failed load is not kept, so the next call asks again.
   *
   * @throws io.github.ohlcv4j.InvalidQueryException if the source does not list instruments
   * @throws OhlcvException if the venue refuses or fails; see {@link #loadInstruments()}
   */
  @Override
  public Instruments instruments() {
    Instruments kept = instruments;
    if (kept != null && fresh(kept)) {
      return kept;
    }
    synchronized (instrumentsLock) {
      kept = instruments;
      if (kept != null && fresh(kept)) {
        return kept;
      }
      Instruments loaded = loadInstruments();
      if (!instrumentsTtl.isZero()) {
        instruments = loaded;
      }
      return loaded;
    }
  }

  private boolean fresh(Instruments kept) {
    return clock().instant().isBefore(kept.fetchedAt().plus(instrumentsTtl));
  }

  /**
   * Asks the venue for its instruments, every page of them, blocking until done; {@link
   * #instruments()} calls it when its list is missing or too old. The list's {@link
   * Instruments#fetchedAt()} should be the context clock's time before the first request. By
   * default the source lists nothing ({@link io.github.ohlcv4j.InvalidQueryException}); venue
   * sources override it, usually with {@link #get(Request, HttpErrors, String, BodyReader)}.
   *
   * @throws OhlcvException if the venue refuses, fails or answers with a malformed body
   */
  protected Instruments loadInstruments() {
    return CandleSource.super.instruments();
  }

  /**
   * Reads an accepted response's body into a value; runs on OkHttp's callback thread.
   *
   * @param <T> what the body gives
   */
  @FunctionalInterface
  public interface BodyReader<T> {
    /**
     * Reads {@code body}, which is valid only during this call.
     *
     * @param now the venue's clock if its {@code Date} is trusted, else the local clock
     * @throws OhlcvException for what the body says: a venue error in an envelope, a malformed body
     *     (a {@link io.github.ohlcv4j.DataFormatException} that says where)
     * @throws java.io.IOException if reading fails
     */
    T read(Response response, BodyBuffer.Body body, Instant now) throws java.io.IOException;
  }

  /** How often {@link #get} sends a request again after the venue answered it "too many". */
  private static final int RATE_LIMIT_RETRIES = 3;

  /**
   * Sends one request that is not a page of candles (reference data such as the venue's
   * instruments) and waits for its answer, as {@link #get(Request, int, HttpErrors, String,
   * BodyReader)} does, at weight 1.
   *
   * @throws OhlcvException as {@link #get(Request, int, HttpErrors, String, BodyReader)}
   */
  protected final <T> T get(Request request, HttpErrors errors, String what, BodyReader<T> reader) {
    return get(request, 1, errors, what, reader);
  }

  /**
   * Sends one request that is not a page of candles (reference data such as the venue's
   * instruments) and waits for its answer, read the way a cursor reads a page: the venue's clock
   * from {@code Date}, the usage headers to the venue's budget, the body into a bounded buffer (the
   * source's cap), a status other than 200 to {@code errors}' typed error (rate limits and bans
   * reported to the venue's budget), then {@code reader}. Logs the redacted URL at DEBUG.
   *
   * <p>In a client, the request first waits for the client's rate limits as a page request does:
   * the venue's pause or spent budget, then the client's own budget for this source's group, which
   * it spends {@code weight} of; a request that would wait longer than the group's {@code maxWait}
   * fails with a {@link io.github.ohlcv4j.RateLimitException}. If the venue answers it "too many"
   * with a wait (not a ban), it is sent again once the venue's pause is over, up to three times. A
   * source opened on its own sends at once and fails on the first such answer.
   *
   * @param weight what the request costs of the client's budget, in the units the source's
   *     suggested {@link io.github.ohlcv4j.source.SourceCapabilities#rateLimit()} counts
   * @param what what was asked, for messages about the body: {@code "instruments (linear)"}
   * @throws OhlcvException what the venue refused or the body's error, as {@code errors} and {@code
   *     reader} say; a {@link io.github.ohlcv4j.RateLimitException} if the client's rate limits
   *     would hold it back too long; a {@link QueryCancelledException} if the waiting thread is
   *     interrupted (the call is cancelled)
   */
  protected final <T> T get(
      Request request, int weight, HttpErrors errors, String what, BodyReader<T> reader) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(errors, "errors");
    Objects.requireNonNull(reader, "reader");
    Optional<RequestGate> gate = context.component(RequestGate.class);
    for (int attempt = 0; ; attempt++) {
      if (gate.isPresent()) {
        await(gate.get().admit(this, weight, what), what);
      }
      try {
        return await(send(request, errors, what, reader), what);
      } catch (io.github.ohlcv4j.RateLimitException e) {
        if (gate.isEmpty()
            || e.isBan()
            || e.retryAfter().isEmpty()
            || attempt == RATE_LIMIT_RETRIES) {
          throw e;
        }
        // The venue's pause is with the client's budget (the error mapper reported it): the next
        // admission waits it out. Reported here too, for a mapper that gave a wait without it.
        Instant now = clock().instant();
        context
            .venueLimits()
            .pauseUntil(
                io.github.ohlcv4j.internal.RateLimitGuard.group(this),
                io.github.ohlcv4j.internal.VenueWaits.after(now, e.retryAfter().get()));
        log.debug(
            "rate-limited source={} request=\"{}\" attempt={}: waiting", name, what, attempt + 1);
      }
    }
  }

  private <T> CompletableFuture<T> send(
      Request request, HttpErrors errors, String what, BodyReader<T> reader) {
    if (log.isDebugEnabled()) {
      log.debug("request source={} url={}", name, Redact.url(request.url()));
    }
    BodyBuffer buffer = new BodyBuffer(64 * 1024, maxBodyBytes, name, what);
    return http.send(
        request,
        response -> {
          Instant now = Http.serverTime(response, clock()).orElseGet(clock()::instant);
          errors.reportUsage(response, now);
          BodyBuffer.Body body = buffer.read(response);
          try {
            if (response.code() != 200) {
              throw errors.map(response, body, now);
            }
            return reader.read(response, body, now);
          } finally {
            body.release();
          }
        });
  }

  /** {@code f}'s value, waited for; its failure as the typed error it is. */
  private <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw QueryCancelledException.of(name, name + ": interrupted while waiting for " + what)
          .cause(e)
          .build();
    } catch (ExecutionException e) {
      Throwable c = OhlcvException.unwrap(e);
      if (c instanceof OhlcvException) {
        throw (OhlcvException) c;
      }
      throw io.github.ohlcv4j.internal.Errors.wrap(c, name, "while asking for " + what);
    }
  }

  /** A down source's health, checked at {@code at}. */
  protected final Health down(String detail, Instant at) {
    return new Health(name, Health.Status.DOWN, Optional.empty(), Optional.empty(), detail, at);
  }

  /**
   * {@code builder} with this source's base URL (unless it is the venue's own), page size and
   * context: for a venue source's {@code newBuilder()}.
   */
  protected final <B extends Builder<B>> B copyInto(B builder) {
    Builder<?> b = builder;
    b.baseUrl = baseUrl.equals(HttpUrl.get(defaultBaseUrl)) ? null : baseUrl;
    b.pageSize = pageSize;
    b.context = context;
    b.instrumentsTtl = instrumentsTtl;
    return builder;
  }

  /** What {@link #toString()} adds after the page size (never a secret); nothing by default. */
  protected String describe() {
    return "";
  }

  /** The class, name, base URL (redacted) and page size; never a secret. */
  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "{"
        + name
        + ", "
        + Redact.url(baseUrl)
        + ", pageSize="
        + pageSize
        + describe()
        + "}";
  }

  /**
   * What every HTTP source's builder has: the base URL, the page size and the context. A venue's
   * builder extends it with its own settings and {@code build()}. Not thread-safe.
   *
   * @param <B> the venue's builder, so that the methods here return it
   */
  public abstract static class Builder<B extends Builder<B>> {
    private final int maxPageSize;
    private @Nullable HttpUrl baseUrl;
    private int pageSize;
    private SourceContext context = SourceContext.ofDefaults();
    private Duration instrumentsTtl = DEFAULT_INSTRUMENTS_TTL;

    /**
     * A builder whose page size may be set from 1 to {@code maxPageSize}.
     *
     * @param maxPageSize the most rows one request may ask for at this venue
     */
    protected Builder(int maxPageSize) {
      if (maxPageSize < 1) {
        throw new IllegalArgumentException("maxPageSize must be positive, got " + maxPageSize);
      }
      this.maxPageSize = maxPageSize;
    }

    /** This builder, as the venue's type. */
    protected abstract B self();

    /**
     * The API's base URL, for a testnet, a proxy or a test server; the venue's own unless given.
     *
     * @throws IllegalArgumentException if it is not an http or https URL
     */
    public B baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      HttpUrl u = HttpUrl.parse(baseUrl);
      if (u == null) {
        throw new IllegalArgumentException(
            "baseUrl \"" + SourceUris.redact(baseUrl) + "\" is not an http or https URL");
      }
      this.baseUrl = u;
      return self();
    }

    /**
     * Rows per request, from 1 to the venue's maximum; the venue's default unless given. Smaller
     * pages mean more requests.
     *
     * @throws IllegalArgumentException if out of range
     */
    public B pageSize(int pageSize) {
      if (pageSize < 1 || pageSize > maxPageSize) {
        throw new IllegalArgumentException(
            "pageSize must be between 1 and " + maxPageSize + ", got " + pageSize);
      }
      this.pageSize = pageSize;
      return self();
    }

    /**
     * Where the clock, the HTTP client, the venue budgets and settings come from; {@link
     * SourceContext#ofDefaults()} unless given. An {@link io.github.ohlcv4j.OhlcvClient} passes its
     * own.
     */
    public B context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return self();
    }

    /**
     * How long {@link HttpCandleSource#instruments()} keeps the venue's list before asking again:
     * {@link HttpCandleSource#DEFAULT_INSTRUMENTS_TTL} (one hour) unless given; {@link
     * Duration#ZERO} asks every time.
     *
     * @throws IllegalArgumentException if negative
     */
    public B instrumentsTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("instrumentsTtl must not be negative, got " + ttl);
      }
      this.instrumentsTtl = ttl;
      return self();
    }

    /** The page size set, or 0 if none was. */
    protected final int pageSize() {
      return pageSize;
    }

    /** The context set, or the default one. */
    protected final SourceContext context() {
      return context;
    }
  }
}
