package io.github.ohlcv4j.exchange.bybit;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.internal.BodyBuffer;
import io.github.ohlcv4j.exchange.internal.BybitKlines;
import io.github.ohlcv4j.exchange.internal.ErrorBodies;
import io.github.ohlcv4j.exchange.internal.HttpPageCursor;
import io.github.ohlcv4j.exchange.internal.JsonBytes;
import io.github.ohlcv4j.exchange.internal.Markets;
import io.github.ohlcv4j.exchange.internal.PagePlan;
import io.github.ohlcv4j.exchange.internal.Probe;
import io.github.ohlcv4j.internal.QueryEngine;
import io.github.ohlcv4j.internal.SourceUris;
import io.github.ohlcv4j.internal.VenueLimits;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Candles from Bybit's v5 market data API ({@code GET /v5/market/kline}) for one product category:
 * spot pairs, linear (USDT- and USDC-margined) contracts or inverse (coin-margined) contracts. Open
 * one with {@code CandleSources.open("bybit:linear")}, or build one:
 *
 * <pre>{@code
 * CandleSource bybit = BybitSource.builder(BybitSource.Category.LINEAR).build();
 * CandleSeries s = bybit.fetch(OhlcvQuery.builder()
 *     .symbol("BYBIT:BTCUSDT.P").interval(Interval.M1)
 *     .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"))
 *     .build());
 * }</pre>
 *
 * <p><b>Symbols.</b> The code is Bybit's symbol name as it is ({@code BTCUSDT}). A category serves
 * the symbols that belong to it: {@code spot} serves {@code BYBIT:BTCUSDT}; {@code linear} serves
 * perpetuals such as {@code BYBIT:BTCUSDT.P} and {@code BYBIT:BTCPERP.P} and dated futures such as
 * {@code BYBIT:BTCUSDT-27DEC24}; {@code inverse} serves {@code BYBIT:BTCUSD.P} and dated futures
 * such as {@code BYBIT:BTCUSDH25}. Any other symbol fails with an {@link InvalidQueryException}
 * before any request. The venue part of the symbol is not checked.
 *
 * <p><b>Intervals.</b> 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 12h, 1d, 1w (from Monday) and 1M, in
 * UTC: day, week and month candles need a query in UTC; for other zones fetch 1h candles and
 * resample. Others fail with an {@link io.github.ohlcv4j.UnsupportedIntervalException} before any
 * request.
 *
 * <p><b>Paging.</b> The range is split into windows of at most {@link Builder#pageSize(int)} (1000
 * by default, Bybit's maximum) candles from its start; each window is one request whose answer
 * Bybit sends newest first and this source returns ascending. Extra columns: turnover as {@link
 * io.github.ohlcv4j.ExtraColumn#QUOTE_VOLUME} (for inverse contracts volume is in USD and turnover
 * in the coin, as Bybit reports them).
 *
 * <p><b>Errors and limits.</b> Bybit reports most errors with HTTP 200 and a non-zero {@code
 * retCode}: {@code 10001} becomes a {@link io.github.ohlcv4j.SymbolNotFoundException} when it is
 * about the symbol and an {@link InvalidQueryException} otherwise, {@code 10006} a retryable {@link
 * io.github.ohlcv4j.RateLimitException} that waits for {@code X-Bapi-Limit-Reset-Timestamp}, {@code
 * 10000} and {@code 10016} a retryable {@link io.github.ohlcv4j.SourceUnavailableException}. HTTP
 * 403 ("access too frequent") is an IP ban of at least ten minutes: a {@link
 * io.github.ohlcv4j.RateLimitException} with {@code bannedUntil}. Limit headers and bans are
 * reported to the client's shared venue budget {@code "bybit"}: all categories share Bybit's IP
 * limit of 600 requests in any 5 seconds. {@link SourceCapabilities#rateLimit()} suggests 50
 * requests per 500 ms to the client: at most 550 in any 5 seconds. (The client's budget is a fixed
 * window, so 600 per 5 seconds could let up to 1200 requests through in the 5 seconds around the
 * start of a window, and Bybit asks clients not to run at the edge of its limit.)
 *
 * <p>Immutable and thread-safe; it owns no threads or connections ({@link #close()} does nothing).
 */
public final class BybitSource implements CandleSource {

  /** Bybit's product categories served by {@code /v5/market/kline}. */
  public enum Category {
    /** Spot pairs: {@code bybit:spot}. */
    SPOT("spot"),
    /** USDT- and USDC-margined perpetuals and futures: {@code bybit:linear}. */
    LINEAR("linear"),
    /** Coin-margined perpetuals and futures: {@code bybit:inverse}. */
    INVERSE("inverse");

    private final String id;

    Category(String id) {
      this.id = id;
    }

    /**
     * The category as Bybit and the URI spell it: {@code spot}, {@code linear}, {@code inverse}.
     */
    public String id() {
      return id;
    }

    /**
     * The category with the given {@link #id()}, in any case.
     *
     * @throws IllegalArgumentException naming the categories if there is none
     */
    public static Category of(String id) {
      Objects.requireNonNull(id, "id");
      for (Category c : values()) {
        if (c.id.equals(id.toLowerCase(Locale.ROOT))) {
          return c;
        }
      }
      throw new IllegalArgumentException(
          "Unknown Bybit category \"" + id + "\"; expected spot, linear or inverse");
    }
  }

  /** Bybit's public API. */
  public static final String DEFAULT_BASE_URL = "https://api.bybit.com";

  /** The most candles one request returns. */
  public static final int MAX_PAGE_SIZE = 1000;

  /** The venue budget all Bybit categories share. */
  public static final String RATE_LIMIT_GROUP = "bybit";

  /**
   * The client budget suggested for Bybit's IP limit of 600 requests in any 5 seconds: a fixed
   * window of 50 per 500 ms, which lets at most 550 through in any 5 seconds.
   */
  private static final RateLimitPolicy SUGGESTED_BUDGET =
      RateLimitPolicy.of(50, Duration.ofMillis(500));

  private static final Map<Interval, String> INTERVALS = intervals();

  private final Category category;
  private final HttpUrl baseUrl;
  private final int pageSize;
  private final Http http;
  private final int maxBody;
  private final Clock clock;
  private final VenueLimits limits;
  private final String name;
  private final SourceCapabilities capabilities;
  private final BybitLive live;

  private BybitSource(Builder b) {
    this.category = b.category;
    this.baseUrl = b.baseUrl;
    this.pageSize = b.pageSize;
    this.name = "bybit:" + category.id();
    this.http = Http.of(b.context, name);
    this.maxBody = BodyBuffer.maxBody(b.context);
    this.clock = b.context.clock();
    this.limits = b.context.component(VenueLimits.class).orElse(VenueLimits.NONE);
    this.capabilities =
        SourceCapabilities.builder()
            .intervals(INTERVALS.keySet())
            .maxRowsPerRequest(pageSize)
            .newestFirst(true)
            .venues(Set.of("BYBIT"))
            .rateLimitGroup(RATE_LIMIT_GROUP)
            .rateLimit(SUGGESTED_BUDGET)
            .build();
    this.live = BybitLive.builder(category).wsUrl(b.wsUrl).context(b.context).build();
  }

  /** Live klines over Bybit's public WebSocket ({@link BybitLive}); nothing connects until used. */
  @Override
  public Optional<io.github.ohlcv4j.source.live.LiveFeed> live() {
    return Optional.of(live);
  }

  /** A source for {@code category} with the defaults. */
  public static BybitSource create(Category category) {
    return builder(category).build();
  }

  /** A builder for a source of {@code category}. */
  public static Builder builder(Category category) {
    return new Builder(category);
  }

  /** The product category. */
  public Category category() {
    return category;
  }

  /** The API's base URL. */
  public String baseUrl() {
    return baseUrl.toString();
  }

  /** Candles asked for per request. */
  public int pageSize() {
    return pageSize;
  }

  /** {@code bybit:spot}, {@code bybit:linear} or {@code bybit:inverse}. */
  @Override
  public String name() {
    return name;
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  /**
   * Whether this source answers {@code symbol}: a BYBIT symbol (or one without a venue) of this
   * source's market; a bare code such as {@code BTCUSDT} is served by every market.
   */
  @Override
  public boolean serves(Symbol symbol) {
    if (symbol.venue().isPresent() && !symbol.venue().get().equals("BYBIT")) {
      return false;
    }
    return Markets.unqualified(symbol) || Markets.bybitCategory(symbol).equals(category.id());
  }

  /**
   * Plans the requests for {@code query}; no I/O.
   *
   * @throws io.github.ohlcv4j.UnsupportedIntervalException if Bybit has no such candles
   * @throws InvalidQueryException if the symbol belongs to another category, or a day, week or
   *     month query is not in UTC
   */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    QueryEngine.check(this, query);
    String wanted = Markets.bybitCategory(query.symbol());
    Markets.requireVenue(query.symbol(), "BYBIT", name);
    if (!serves(query.symbol())) {
      throw new InvalidQueryException(
          query.symbol()
              + " is a Bybit "
              + wanted
              + " symbol, but "
              + name
              + " serves "
              + category.id()
              + " symbols ("
              + example(category)
              + "). Use bybit:"
              + wanted
              + (wanted.equals("spot") ? "" : ", or write perpetuals with .P (BYBIT:BTCUSDT.P)")
              + ".",
          name,
          null,
          null);
    }
    if (query.interval().isCalendar() && !Markets.isUtc(query.zone())) {
      throw new InvalidQueryException(
          query.symbol()
              + " "
              + query.interval()
              + ": Bybit's "
              + query.interval()
              + " candles start at midnight UTC, not in "
              + query.zone()
              + ". Query in UTC, or fetch 1h candles and resample("
              + query.interval()
              + ") with zone("
              + query.zone()
              + ").",
          name,
          null,
          null);
    }
    PagePlan plan = PagePlan.of(query, clock.instant(), ZoneOffset.UTC);
    return new Cursor(query, plan);
  }

  /** Asks Bybit for its server time ({@code /v5/market/time}), waiting at most 10 seconds. */
  @Override
  public Health health() {
    Request r =
        new Request.Builder()
            .url(baseUrl.newBuilder().addPathSegments("v5/market/time").build())
            .get()
            .build();
    return Probe.check(http, r, name, clock, Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return "BybitSource{" + name + ", " + baseUrl + ", pageSize=" + pageSize + "}";
  }

  private static String example(Category c) {
    switch (c) {
      case SPOT:
        return "BYBIT:BTCUSDT";
      case LINEAR:
        return "BYBIT:BTCUSDT.P, BYBIT:BTCUSDT-27DEC24";
      default:
        return "BYBIT:BTCUSD.P, BYBIT:BTCUSDH25";
    }
  }

  private static Map<Interval, String> intervals() {
    Map<Interval, String> m = new LinkedHashMap<>();
    m.put(Interval.M1, "1");
    m.put(Interval.M3, "3");
    m.put(Interval.M5, "5");
    m.put(Interval.M15, "15");
    m.put(Interval.M30, "30");
    m.put(Interval.H1, "60");
    m.put(Interval.H2, "120");
    m.put(Interval.H4, "240");
    m.put(Interval.H6, "360");
    m.put(Interval.H12, "720");
    m.put(Interval.D1, "D");
    m.put(Interval.W1, "W");
    m.put(Interval.MN1, "M");
    return Map.copyOf(m);
  }

  /** One request's window and what its response gave. */
  private static final class Step {
    final long windowEnd;
    final Page page;

    Step(long windowEnd, Page page) {
      this.windowEnd = windowEnd;
      this.page = page;
    }
  }

  /** The window of the request in flight. */
  private static final class Window {
    final long start;
    final long end;
    final int rows;

    Window(long start, long end, int rows) {
      this.start = start;
      this.end = end;
      this.rows = rows;
    }
  }

  /** Walks the plan window by window. */
  private final class Cursor extends HttpPageCursor<Step> {
    private final OhlcvQuery query;
    private final PagePlan plan;
    private final String what;
    private final BybitErrors errors;
    private volatile long position;
    private volatile Window window = new Window(0, 0, 0);

    Cursor(OhlcvQuery query, PagePlan plan) {
      super(http, name, query, maxBody);
      this.query = query;
      this.plan = plan;
      this.position = plan.first();
      this.what = query.symbol() + " " + query.interval() + " klines";
      this.errors = new BybitErrors(name, what, limits);
    }

    @Override
    protected boolean more() {
      return position < plan.end();
    }

    @Override
    public int remainingEstimate() {
      return plan.requestsLeft(position, pageSize);
    }

    @Override
    protected Request request() {
      long start = position;
      long end = plan.windowEnd(start, pageSize);
      int rows = plan.count(start, end, pageSize);
      window = new Window(start, end, rows);
      HttpUrl url =
          baseUrl
              .newBuilder()
              .addPathSegments("v5/market/kline")
              .addQueryParameter("category", category.id())
              .addQueryParameter("symbol", query.symbol().code())
              .addQueryParameter("interval", INTERVALS.get(query.interval()))
              .addQueryParameter("start", Long.toString(start))
              .addQueryParameter("end", Long.toString(end - 1)) // Bybit's end is inclusive
              .addQueryParameter("limit", Integer.toString(rows))
              .build();
      return new Request.Builder().url(url).get().build();
    }

    @Override
    protected Step read(Response response) throws IOException {
      Window w = window;
      Optional<Instant> date = Http.serverTime(response, clock);
      Instant serverNow = date.orElseGet(clock::instant);
      errors.reportUsage(response, serverNow);
      BodyBuffer.Body body = buffer.read(response);
      try {
        if (response.code() != 200) {
          throw errors.http(response, body, serverNow);
        }
        CandleSeries.Builder b =
            CandleSeries.builder(query.symbol(), query.interval())
                .zone(query.zone())
                .source(name)
                .badRows(query.badRows())
                .expectedSize(w.rows);
        JsonBytes in = new JsonBytes(body, name, what);
        BybitKlines.Result r;
        try {
          r = BybitKlines.parse(in, b);
        } catch (DataFormatException e) {
          // An error envelope with an unexpected shape still says what went wrong.
          Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
          Optional<Long> code = f.flatMap(x -> x.whole("retCode"));
          if (code.isPresent() && code.get() != 0) {
            throw errors.retCode(response, body, serverNow);
          }
          throw e;
        }
        if (r.retCode() != 0) {
          if (r.retCode() == BybitKlines.NO_CODE) {
            throw new DataFormatException(
                name
                    + ": the response to "
                    + what
                    + " has no retCode; expected Bybit's {\"retCode\":0,\"result\":{\"list\":[...]}}"
                    + " (check baseUrl). Body: "
                    + ErrorBodies.snippet(body, 200),
                name,
                null,
                null);
          }
          throw errors.retCode(response, body, serverNow);
        }
        if (!r.hasList()) {
          throw new DataFormatException(
              name
                  + ": the response to "
                  + what
                  + " has retCode 0 but no result.list. Body: "
                  + ErrorBodies.snippet(body, 200),
              name,
              null,
              null);
        }
        return new Step(w.end, new Page(b.build(), body.length(), date, w.start, w.end));
      } finally {
        body.release();
      }
    }

    @Override
    protected Page advance(Step step) {
      position = step.windowEnd;
      return step.page;
    }
  }

  /**
   * Builds a {@link BybitSource}. Not thread-safe; {@link #build()} may be called more than once.
   */
  public static final class Builder {
    private Category category;
    private HttpUrl baseUrl = HttpUrl.get(DEFAULT_BASE_URL);
    private int pageSize = MAX_PAGE_SIZE;
    private SourceContext context = SourceContext.defaults();
    private String wsUrl = BybitLive.DEFAULT_WS_URL;

    Builder(Category category) {
      this.category = Objects.requireNonNull(category, "category");
    }

    /** The product category. */
    public Builder category(Category category) {
      this.category = Objects.requireNonNull(category, "category");
      return this;
    }

    /**
     * The API's base URL: {@value BybitSource#DEFAULT_BASE_URL} by default; {@code
     * https://api-testnet.bybit.com} for the testnet, or a proxy.
     *
     * @throws IllegalArgumentException if it is not an http or https URL
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      HttpUrl u = HttpUrl.parse(baseUrl);
      if (u == null) {
        throw new IllegalArgumentException(
            "baseUrl \"" + SourceUris.redact(baseUrl) + "\" is not an http or https URL");
      }
      this.baseUrl = u;
      return this;
    }

    /**
     * Candles per request, from 1 to {@value BybitSource#MAX_PAGE_SIZE} (the default). Smaller
     * pages mean more requests.
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw new IllegalArgumentException(
            "pageSize must be between 1 and " + MAX_PAGE_SIZE + ", got " + pageSize);
      }
      this.pageSize = pageSize;
      return this;
    }

    /**
     * Where the clock, the HTTP client and the shared venue budget come from; {@link
     * SourceContext#defaults()} unless given. An {@link io.github.ohlcv4j.OhlcvClient} passes its
     * own.
     */
    public Builder context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Where the live feed connects: {@value BybitLive#DEFAULT_WS_URL} by default; see {@link
     * BybitLive.Builder#wsUrl(String)}.
     *
     * @throws IllegalArgumentException if it is not a ws, wss, http or https URL without a query
     */
    public Builder wsUrl(String wsUrl) {
      this.wsUrl = BybitLive.Builder.normalise(Objects.requireNonNull(wsUrl, "wsUrl"));
      return this;
    }

    /** Builds the source. */
    public BybitSource build() {
      return new BybitSource(this);
    }
  }
}
