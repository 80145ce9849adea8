package io.github.ohlcv4j.exchange.bybit;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.Instruments;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.internal.BybitInstruments;
import io.github.ohlcv4j.exchange.internal.BybitKlines;
import io.github.ohlcv4j.exchange.internal.ErrorBodies;
import io.github.ohlcv4j.exchange.internal.JsonBytes;
import io.github.ohlcv4j.exchange.internal.Markets;
import io.github.ohlcv4j.exchange.internal.PagePlan;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.http.HttpCandleSource;
import io.github.ohlcv4j.source.http.HttpPageCursor;
import io.github.ohlcv4j.source.http.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Request;

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
 * such as {@code BYBIT:BTCUSDH25}. Any other symbol, and a symbol of another venue ({@code
 * BINANCE:BTCUSDT}), fails with an {@link InvalidQueryException} before any request.
 *
 * <p><b>Intervals.</b> 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 12h, 1d, 1w (from Monday) and 1M, in
 * UTC: day, week and month candles need a query in UTC; for other zones fetch 1h candles and
 * resample. Others fail with an {@link io.github.ohlcv4j.UnsupportedIntervalException} before any
 * request.
 *
 * <p><b>Paging.</b> The range is split into windows of at most {@code pageSize} (1000 by default,
 * Bybit's maximum; {@link Builder#pageSize(int)}) candles from its start; each window is one
 * request whose answer Bybit sends newest first and this source returns ascending. Extra columns:
 * turnover as {@link io.github.ohlcv4j.ExtraColumn#QUOTE_VOLUME} (for inverse contracts volume is
 * in USD and turnover in the coin, as Bybit reports them).
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
 * <p><b>Instruments.</b> {@link #instruments()} lists the category's instruments from {@code GET
 * /v5/market/instruments-info} (every page), kept for {@link #instrumentsTtl()} (an hour unless
 * {@link Builder#instrumentsTtl(Duration)} says otherwise).
 *
 * <p>{@code baseUrl} may point at {@code https://api-testnet.bybit.com} for the testnet, or at a
 * proxy. Built on the HTTP source kit ({@link HttpCandleSource}). Immutable and thread-safe; it
 * owns no threads or connections ({@link #close()} does nothing).
 */
public final class BybitSource extends HttpCandleSource {

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
     * The public REST API's base URL, the same for every category: {@value
     * BybitSource#DEFAULT_BASE_URL}.
     */
    public String defaultBaseUrl() {
      return DEFAULT_BASE_URL;
    }

    /**
     * The public stream host, the same for every category: {@value BybitSource#DEFAULT_WS_URL} (the
     * feed appends {@code /v5/public/} and the category).
     */
    public String defaultWsUrl() {
      return DEFAULT_WS_URL;
    }

    /**
     * The venue budget of this category: {@value BybitSource#RATE_LIMIT_GROUP}, shared by all of
     * them.
     */
    public String rateLimitGroup() {
      return RATE_LIMIT_GROUP;
    }

    /**
     * The category with the given {@link #id()}, in any case.
     *
     * @throws InvalidQueryException naming the categories if there is none
     */
    public static Category of(String id) {
      return Markets.byId(
          values(),
          Category::id,
          id,
          "Unknown Bybit category \"%s\"; expected spot, linear or inverse");
    }
  }

  /** Bybit's public REST API. */
  public static final String DEFAULT_BASE_URL = "https://api.bybit.com";

  /** Bybit's public stream host. */
  public static final String DEFAULT_WS_URL = "wss://stream.bybit.com";

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

  private static final Map<Interval, String> INTERVALS = BybitProtocol.intervals();

  private final Category category;
  private final SourceCapabilities capabilities;
  private final BybitLive live;

  private BybitSource(Builder b) {
    super(b, "bybit:" + b.category.id(), "Bybit", DEFAULT_BASE_URL, MAX_PAGE_SIZE);
    this.category = b.category;
    this.capabilities =
        SourceCapabilities.builder()
            .intervals(INTERVALS.keySet())
            .calendarZones(Set.of(ZoneOffset.UTC))
            .maxRowsPerRequest(pageSize())
            .newestFirst(true)
            .venues(Set.of("BYBIT"))
            .rateLimitGroup(RATE_LIMIT_GROUP)
            .rateLimit(SUGGESTED_BUDGET)
            .build();
    this.live = BybitLive.builder(category).wsUrl(b.wsUrl).context(context()).build();
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

  /** A builder holding this source's settings. */
  public Builder newBuilder() {
    return copyInto(new Builder(category));
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  /** The product category. */
  public Category category() {
    return category;
  }

  /**
   * Plans the requests for {@code query}; no I/O. The query has passed {@link
   * SourceCapabilities#check}: Bybit serves its interval, its symbol is Bybit's, and its calendar
   * candles are in UTC.
   *
   * @throws InvalidQueryException if the symbol belongs to another category
   */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    String wanted = Markets.bybitCategory(query.symbol());
    if (!Markets.unqualified(query.symbol()) && !wanted.equals(category.id())) {
      throw Markets.otherMarket(
          query.symbol(),
          name(),
          "a Bybit " + wanted + " symbol",
          category.id() + " symbols (" + example(category) + ")",
          "Use bybit:"
              + wanted
              + (wanted.equals("spot") ? "" : ", or write perpetuals with .P (BYBIT:BTCUSDT.P)")
              + ".");
    }
    return new Cursor(query, PagePlan.of(query, clock().instant(), ZoneOffset.UTC));
  }

  /**
   * Whether this source answers {@code symbol}: a BYBIT symbol (or one without a venue) of this
   * source's market; a bare code such as {@code BTCUSDT} is served by every market.
   */
  @Override
  public boolean serves(Symbol symbol) {
    return Markets.serves(symbol, "BYBIT", Markets::bybitCategory, category.id());
  }

  /** The most instruments one {@code instruments-info} request asks for: Bybit's maximum. */
  static final int INSTRUMENTS_PAGE = 1000;

  /** The most {@code instruments-info} pages followed: far more than Bybit lists. */
  static final int MAX_INSTRUMENT_PAGES = 50;

  /**
   * Reads the category's instruments from {@code GET /v5/market/instruments-info} ({@code
   * limit=1000} for derivatives; spot takes no paging), following {@code nextPageCursor} until it
   * is empty: symbol, contract type, status, base and quote coin, {@code priceFilter.tickSize},
   * {@code lotSizeFilter.qtyStep} (spot: {@code basePrecision}) and {@code launchTime}. Errors map
   * as a kline request's do (a non-zero {@code retCode}, 403 bans, limit headers to the venue
   * budget).
   *
   * @throws DataFormatException if a body is malformed (saying where), or the cursor repeats or
   *     runs past {@value #MAX_INSTRUMENT_PAGES} pages
   */
  @Override
  protected Instruments loadInstruments() {
    Instant fetchedAt = clock().instant();
    String what = category.id() + " instruments";
    BybitErrors errors = new BybitErrors(this, what);
    List<Instrument> all = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = "";
    for (int page = 0; ; page++) {
      if (page == MAX_INSTRUMENT_PAGES) {
        throw DataFormatException.of(
                name(),
                name()
                    + ": Bybit's "
                    + what
                    + " go on past "
                    + MAX_INSTRUMENT_PAGES
                    + " pages of "
                    + INSTRUMENTS_PAGE
                    + "; not following the cursor further.")
            .build();
      }
      HttpUrl.Builder u =
          url()
              .addPathSegments("v5/market/instruments-info")
              .addQueryParameter("category", category.id());
      if (category != Category.SPOT) { // spot answers everything at once and takes no paging
        u.addQueryParameter("limit", Integer.toString(INSTRUMENTS_PAGE));
      }
      if (!cursor.isEmpty()) {
        u.addQueryParameter("cursor", cursor);
      }
      Request request = new Request.Builder().url(u.build()).get().build();
      BybitInstruments.Result r =
          get(
              request,
              errors,
              what,
              (response, body, now) -> {
                List<Instrument> rows = new ArrayList<>();
                BybitInstruments.Result res;
                try {
                  res = BybitInstruments.parse(new JsonBytes(body, name(), what), rows);
                } catch (DataFormatException e) {
                  if (ErrorBodies.read(body.bytes(), body.length())
                      .flatMap(x -> x.whole("retCode"))
                      .filter(c -> c != 0)
                      .isPresent()) {
                    throw errors.map(response, body, now);
                  }
                  throw e;
                }
                if (res.retCode() != 0 && res.retCode() != BybitInstruments.NO_CODE) {
                  throw errors.map(response, body, now);
                }
                if (res.retCode() == BybitInstruments.NO_CODE || !res.hasList()) {
                  throw DataFormatException.of(
                          name(),
                          name()
                              + ": the response to "
                              + what
                              + " has no "
                              + (res.retCode() == BybitInstruments.NO_CODE
                                  ? "retCode"
                                  : "result.list")
                              + "; expected Bybit's {\"retCode\":0,\"result\":{\"list\":[...]}}"
                              + " (check baseUrl). Body: "
                              + body.snippet(200))
                      .build();
                }
                all.addAll(rows);
                return res;
              });
      cursor = r.nextCursor();
      if (cursor.isEmpty()) {
        return Instruments.of(name(), fetchedAt, all);
      }
      if (!cursors.add(cursor)) {
        throw DataFormatException.of(
                name(),
                name()
                    + ": Bybit's "
                    + what
                    + " sent the nextPageCursor \""
                    + cursor
                    + "\" twice; not following it round in circles.")
            .build();
      }
    }
  }

  /** Bybit's server time ({@code /v5/market/time}). */
  @Override
  protected Request healthRequest() {
    return new Request.Builder().url(url().addPathSegments("v5/market/time").build()).get().build();
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

  /** One request's window and what its response gave. */
  private record Step(long windowEnd, Page page) {}

  /** The window of the request in flight: {@code [start, end)}, {@code rows} candles. */
  private record Window(long start, long end, int rows) {}

  /** Walks the plan window by window. */
  private final class Cursor extends HttpPageCursor<Step> {
    private final PagePlan plan;
    private final String what;
    private volatile long position;
    private volatile Window window = new Window(0, 0, 0);

    Cursor(OhlcvQuery query, PagePlan plan) {
      this(query, plan, query.symbol() + " " + query.interval() + " klines");
    }

    private Cursor(OhlcvQuery query, PagePlan plan, String what) {
      super(BybitSource.this, query, new BybitErrors(BybitSource.this, what));
      this.plan = plan;
      this.position = plan.first();
      this.what = what;
    }

    @Override
    protected boolean more() {
      return position < plan.end();
    }

    @Override
    public int remainingEstimate() {
      return plan.requestsLeft(position, pageSize());
    }

    @Override
    protected int expectedRows() {
      return window.rows();
    }

    @Override
    protected Request request() {
      long start = position;
      long end = plan.windowEnd(start, pageSize());
      int rows = plan.count(start, end, pageSize());
      window = new Window(start, end, rows);
      OhlcvQuery q = query();
      return new Request.Builder()
          .url(
              url()
                  .addPathSegments("v5/market/kline")
                  .addQueryParameter("category", category.id())
                  .addQueryParameter("symbol", q.symbol().code())
                  .addQueryParameter("interval", INTERVALS.get(q.interval()))
                  .addQueryParameter("start", Long.toString(start))
                  .addQueryParameter("end", Long.toString(end - 1)) // Bybit's end is inclusive
                  .addQueryParameter("limit", Integer.toString(rows))
                  .build())
          .get()
          .build();
    }

    @Override
    protected Step parse(Reply reply) {
      Window w = window;
      BybitKlines.Result r;
      try {
        r = BybitKlines.parse(new JsonBytes(reply.body(), name(), what), reply.candles());
      } catch (DataFormatException e) {
        // An error envelope with an unexpected shape still says what went wrong.
        if (ErrorBodies.read(reply.body().bytes(), reply.body().length())
            .flatMap(x -> x.whole("retCode"))
            .filter(c -> c != 0)
            .isPresent()) {
          throw reply.error();
        }
        throw e;
      }
      if (r.retCode() == BybitKlines.NO_CODE) {
        throw malformed(
            reply,
            "has no retCode; expected Bybit's {\"retCode\":0,\"result\":{\"list\":[...]}} (check baseUrl)");
      }
      if (r.retCode() != 0) {
        throw reply.error();
      }
      if (!r.hasList()) {
        throw malformed(reply, "has retCode 0 but no result.list");
      }
      return new Step(w.end(), reply.page(w.start(), w.end()));
    }

    private DataFormatException malformed(Reply reply, String what) {
      return DataFormatException.of(
              name(),
              name()
                  + ": the response to "
                  + this.what
                  + " "
                  + what
                  + ". Body: "
                  + reply.body().snippet(200))
          .build();
    }

    @Override
    protected Page advance(Step step) {
      position = step.windowEnd();
      return step.page();
    }
  }

  /**
   * Builds a {@link BybitSource}: the category, and the base URL, page size (1 to {@value
   * BybitSource#MAX_PAGE_SIZE}, the default) and context every HTTP source has. Not thread-safe;
   * {@link #build()} may be called more than once.
   */
  public static final class Builder extends HttpCandleSource.Builder<Builder> {
    private Category category;
    private String wsUrl = DEFAULT_WS_URL;

    @Override
    protected Builder self() {
      return this;
    }

    Builder(Category category) {
      super(MAX_PAGE_SIZE);
      this.category = Objects.requireNonNull(category, "category");
    }

    /** The product category. */
    public Builder category(Category category) {
      this.category = Objects.requireNonNull(category, "category");
      return this;
    }

    /**
     * Where the live feed connects: {@value BybitSource#DEFAULT_WS_URL} by default; see {@link
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
