package io.github.ohlcv4j.exchange.binance;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.internal.BinanceKlines;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Candles from Binance: spot ({@code GET /api/v3/klines}) or USD-M futures ({@code GET
 * /fapi/v1/klines}). Open one with {@code CandleSources.open("binance:spot")} or {@code
 * "binance:usdm"}, or build one:
 *
 * <pre>{@code
 * CandleSource binance = BinanceSource.builder(BinanceSource.Market.SPOT).build();
 * }</pre>
 *
 * <p><b>Symbols.</b> The code is Binance's symbol as it is ({@code BTCUSDT}). {@code binance:spot}
 * serves spot symbols ({@code BINANCE:BTCUSDT}); {@code binance:usdm} serves perpetuals written
 * with {@code .P} ({@code BINANCE:BTCUSDT.P}) and dated futures ({@code BINANCE:BTCUSDT_250328}).
 * Another market's symbol fails with an {@link InvalidQueryException} before any request.
 *
 * <p><b>Intervals.</b> 1s (spot only), 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 1w (from
 * Monday) and 1M. Day, week and month candles are in UTC; spot also serves them at a fixed offset
 * from UTC between -12:00 and +14:00 (a query with {@code zone(ZoneOffset.ofHours(8))}), through
 * Binance's {@code timeZone} parameter. Others fail with an {@link
 * io.github.ohlcv4j.UnsupportedIntervalException} before any request.
 *
 * <p><b>Paging.</b> Each request asks for the candles from the current position to the end of the
 * range; Binance answers oldest first, and the next request starts after the last candle received,
 * so a range that starts before a symbol's listing costs no empty requests. Page sizes: spot 1000
 * (a request weighs 2 whatever its size); USD-M 499 by default, because a futures request weighs 1
 * below 100 candles, 2 below 500, 5 up to 1000 and 10 above, so 499 candles per request fetch the
 * most candles per unit of weight. Extra columns: close time, quote volume, trade count, taker buy
 * base and quote volume.
 *
 * <p><b>Errors and limits.</b> {@code -1121} becomes a {@link
 * io.github.ohlcv4j.SymbolNotFoundException}, {@code -1120} an {@link
 * io.github.ohlcv4j.UnsupportedIntervalException}, HTTP 429 a {@link
 * io.github.ohlcv4j.RateLimitException} that waits for {@code Retry-After}, and HTTP 418 an IP ban
 * until the time Binance states. {@code X-MBX-USED-WEIGHT-1M} and bans are reported to the client's
 * shared venue budget ({@code binance:spot} or {@code binance:usdm}; the two markets have separate
 * limits of 6000 and 2400 weight a minute, suggested to the client by {@link
 * SourceCapabilities#rateLimit()}), and each request's weight is given by the cursor.
 *
 * <p>{@code baseUrl} may point at {@code https://testnet.binance.vision} for the spot testnet, or
 * at a proxy. Built on the HTTP source kit ({@link HttpCandleSource}). Immutable and thread-safe;
 * it owns no threads or connections ({@link #close()} does nothing).
 */
public final class BinanceSource extends HttpCandleSource {

  /** Binance's markets. */
  public enum Market {
    /** Spot: {@code binance:spot}, {@code https://api.binance.com/api/v3/klines}. */
    SPOT(
        "spot",
        "https://api.binance.com",
        "wss://stream.binance.com:9443",
        "api/v3/klines",
        "api/v3/ping",
        1000,
        1000,
        6000),
    /** USD-M futures: {@code binance:usdm}, {@code https://fapi.binance.com/fapi/v1/klines}. */
    USDM(
        "usdm",
        "https://fapi.binance.com",
        "wss://fstream.binance.com",
        "fapi/v1/klines",
        "fapi/v1/ping",
        1500,
        499,
        2400);

    private final String id;
    private final String baseUrl;
    private final String wsUrl;
    private final String path;
    private final String ping;
    private final int maxPageSize;
    private final int defaultPageSize;
    private final int weightLimit;

    Market(
        String id,
        String baseUrl,
        String wsUrl,
        String path,
        String ping,
        int maxPageSize,
        int defaultPageSize,
        int weightLimit) {
      this.id = id;
      this.baseUrl = baseUrl;
      this.wsUrl = wsUrl;
      this.path = path;
      this.ping = ping;
      this.maxPageSize = maxPageSize;
      this.defaultPageSize = defaultPageSize;
      this.weightLimit = weightLimit;
    }

    /** The market as the URI spells it: {@code spot} or {@code usdm}. */
    public String id() {
      return id;
    }

    /**
     * The public REST API's base URL: {@code https://api.binance.com} for spot, {@code
     * https://fapi.binance.com} for USD-M.
     */
    public String defaultBaseUrl() {
      return baseUrl;
    }

    /**
     * The public stream host: {@code wss://stream.binance.com:9443} for spot, {@code
     * wss://fstream.binance.com} for USD-M.
     */
    public String defaultWsUrl() {
      return wsUrl;
    }

    /** The most candles one request may ask for: 1000 for spot, 1500 for USD-M. */
    public int maxPageSize() {
      return maxPageSize;
    }

    /** The candles asked for per request unless told otherwise: 1000 for spot, 499 for USD-M. */
    public int defaultPageSize() {
      return defaultPageSize;
    }

    /**
     * Binance's default request-weight limit per minute for one IP: 6000 for spot, 2400 for USD-M.
     */
    public int defaultWeightLimit() {
      return weightLimit;
    }

    /** The venue budget of this market: {@code binance:spot} or {@code binance:usdm}. */
    public String rateLimitGroup() {
      return "binance:" + id;
    }

    /**
     * The weight of a klines request asking for {@code limit} candles: 2 for spot; for USD-M 1
     * below 100, 2 below 500, 5 up to 1000 and 10 above.
     */
    public int weight(int limit) {
      if (this == SPOT) {
        return 2;
      }
      if (limit < 100) {
        return 1;
      }
      if (limit < 500) {
        return 2;
      }
      return limit <= 1000 ? 5 : 10;
    }

    /**
     * The market with the given {@link #id()}, in any case.
     *
     * @throws InvalidQueryException naming the markets if there is none
     */
    public static Market of(String id) {
      return Markets.byId(
          values(), Market::id, id, "Unknown Binance market \"%s\"; expected spot or usdm");
    }
  }

  private final Market market;
  private final int weightLimit;
  private final Map<Interval, String> intervals;
  private final SourceCapabilities capabilities;
  private final BinanceLive live;

  private BinanceSource(Builder b) {
    super(b, "binance:" + b.market.id(), "Binance", b.market.baseUrl, b.market.defaultPageSize);
    this.market = b.market;
    if (pageSize() > market.maxPageSize) {
      throw new IllegalArgumentException(
          "pageSize "
              + pageSize()
              + " is above binance:"
              + market.id
              + "'s maximum of "
              + market.maxPageSize);
    }
    this.weightLimit = b.weightLimit > 0 ? b.weightLimit : market.weightLimit;
    this.intervals = intervals(market);
    SourceCapabilities.Builder caps =
        SourceCapabilities.builder()
            .intervals(intervals.keySet())
            .calendarZones(Set.of(ZoneOffset.UTC))
            .maxRowsPerRequest(pageSize())
            .venues(Set.of("BINANCE"))
            .rateLimitGroup(market.rateLimitGroup())
            .rateLimit(RateLimitPolicy.of(weightLimit, Duration.ofMinutes(1)));
    if (market == Market.SPOT) {
      // Binance's timeZone parameter: days, weeks and months at a fixed offset from UTC.
      caps.calendarOffsets(ZoneOffset.ofHours(-12), ZoneOffset.ofHours(14));
    }
    this.capabilities = caps.build();
    BinanceLive.Builder lb = BinanceLive.builder(market).context(context());
    if (b.wsUrl != null) {
      lb.wsUrl(b.wsUrl);
    }
    this.live = lb.build();
  }

  /**
   * Live klines over Binance's market streams ({@link BinanceLive}); nothing connects until used.
   */
  @Override
  public Optional<io.github.ohlcv4j.source.live.LiveFeed> live() {
    return Optional.of(live);
  }

  /** A source for {@code market} with the defaults. */
  public static BinanceSource create(Market market) {
    return builder(market).build();
  }

  /** A builder for a source of {@code market}. */
  public static Builder builder(Market market) {
    return new Builder(market);
  }

  /** A builder holding this source's settings. */
  public Builder newBuilder() {
    Builder b = copyInto(new Builder(market));
    b.weightLimit = weightLimit;
    b.wsUrl = live.wsUrl().equals(market.defaultWsUrl()) ? null : live.wsUrl();
    return b;
  }

  /** The market. */
  public Market market() {
    return market;
  }

  /** The request-weight limit per minute reported to the venue budget. */
  public int weightLimit() {
    return weightLimit;
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  /**
   * Whether this source answers {@code symbol}: a BINANCE symbol (or one without a venue) of this
   * source's market; a bare code such as {@code BTCUSDT} is served by every market.
   */
  @Override
  public boolean serves(Symbol symbol) {
    return Markets.serves(symbol, "BINANCE", Markets::binanceMarket, market.id());
  }

  /**
   * Plans the requests for {@code query}; no I/O. The query has passed {@link
   * SourceCapabilities#check}: Binance serves its interval, its symbol is Binance's, and its
   * calendar candles are in a zone Binance serves.
   *
   * @throws InvalidQueryException if the symbol belongs to the other market
   */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    if (!Markets.servesMarket(query.symbol(), Markets::binanceMarket, market.id())) {
      String wanted = Markets.binanceMarket(query.symbol());
      throw Markets.otherMarket(
          query.symbol(),
          name(),
          "a Binance " + (wanted.equals("spot") ? "spot" : "USD-M futures") + " symbol",
          market == Market.SPOT
              ? "spot symbols (BINANCE:BTCUSDT)"
              : "USD-M perpetuals written with .P (BINANCE:BTCUSDT.P) and dated futures"
                  + " (BINANCE:BTCUSDT_250328)",
          "Use binance:" + wanted + ".");
    }
    ZoneId zone = ZoneOffset.UTC;
    String timeZone = null;
    if (query.interval().isCalendar() && !Markets.isUtc(query.zone())) {
      ZoneOffset offset = fixedOffset(query.zone());
      if (offset == null) { // the capabilities let no such zone through
        throw new IllegalStateException("no fixed offset: " + query.zone());
      }
      zone = offset;
      timeZone = binanceOffset(offset);
    }
    return new Cursor(query, PagePlan.of(query, clock().instant(), zone), timeZone);
  }

  /**
   * Reads the market's symbols from {@code GET /api/v3/exchangeInfo} (spot) or {@code GET
   * /fapi/v1/exchangeInfo} (USD-M), one request: symbol, status, base and quote asset, {@code
   * PRICE_FILTER tickSize}, {@code LOT_SIZE stepSize}, and on USD-M the contract type and {@code
   * onboardDate}. Errors map as a kline request's do (418 and 429 bans and waits, the used-weight
   * header to the venue budget). Kept for {@link #instrumentsTtl()}: the request weighs 20 (spot)
   * or 1 (USD-M) of the minute's budget, and spot's answer runs to megabytes.
   *
   * @throws io.github.ohlcv4j.DataFormatException if the body is malformed (saying where)
   */
  @Override
  protected io.github.ohlcv4j.Instruments loadInstruments() {
    Instant fetchedAt = clock().instant();
    String what = market.id() + " instruments (exchangeInfo)";
    BinanceErrors errors = new BinanceErrors(this, what);
    String path = market == Market.SPOT ? "api/v3/exchangeInfo" : "fapi/v1/exchangeInfo";
    Request request = new Request.Builder().url(url().addPathSegments(path).build()).get().build();
    java.util.List<io.github.ohlcv4j.Instrument> list =
        get(
            request,
            market == Market.SPOT ? 20 : 1,
            errors,
            what,
            (response, body, now) -> {
              java.util.List<io.github.ohlcv4j.Instrument> rows = new java.util.ArrayList<>();
              boolean symbols =
                  io.github.ohlcv4j.exchange.internal.BinanceInstruments.parse(
                      new JsonBytes(body, name(), what), market == Market.USDM, rows);
              if (!symbols) {
                throw io.github.ohlcv4j.DataFormatException.of(
                        name(),
                        name()
                            + ": the response to "
                            + what
                            + " has no \"symbols\" array; expected Binance's"
                            + " {\"timezone\":\"UTC\",...,\"symbols\":[...]} (check baseUrl). Body: "
                            + body.snippet(200))
                    .build();
              }
              return rows;
            });
    return io.github.ohlcv4j.Instruments.of(name(), fetchedAt, list);
  }

  /** Binance's ping ({@code /api/v3/ping} or {@code /fapi/v1/ping}). */
  @Override
  protected Request healthRequest() {
    return new Request.Builder().url(url().addPathSegments(market.ping).build()).get().build();
  }

  private static @Nullable ZoneOffset fixedOffset(ZoneId zone) {
    if (!zone.getRules().isFixedOffset()) {
      return null;
    }
    ZoneOffset o = zone.getRules().getOffset(Instant.EPOCH);
    int s = o.getTotalSeconds();
    if (s % 60 != 0 || s < -12 * 3600 || s > 14 * 3600) {
      return null;
    }
    return o;
  }

  /** Binance's spelling of an offset: {@code 8}, {@code -1}, {@code 5:45}, {@code -3:30}. */
  static String binanceOffset(ZoneOffset o) {
    int s = o.getTotalSeconds();
    int a = Math.abs(s);
    String t = Integer.toString(a / 3600);
    if (a % 3600 != 0) {
      t += String.format(Locale.ROOT, ":%02d", (a % 3600) / 60);
    }
    return s < 0 ? "-" + t : t;
  }

  private static Map<Interval, String> intervals(Market market) {
    Map<Interval, String> m = new LinkedHashMap<>();
    if (market == Market.SPOT) {
      m.put(Interval.of(1, Interval.Unit.SECOND), "1s");
    }
    for (Interval i :
        new Interval[] {
          Interval.M1,
          Interval.M3,
          Interval.M5,
          Interval.M15,
          Interval.M30,
          Interval.H1,
          Interval.H2,
          Interval.H4,
          Interval.H6,
          Interval.of(8, Interval.Unit.HOUR),
          Interval.H12,
          Interval.D1,
          Interval.W1,
          Interval.MN1
        }) {
      m.put(i, i.toString());
    }
    return Map.copyOf(m);
  }

  /** What one response gave: the candles asked for, the rows read, the page. */
  private record Step(int limit, int rows, Page page) {}

  /** Pages through the range by start time, each request starting after the last candle. */
  private final class Cursor extends HttpPageCursor<Step> {
    private final PagePlan plan;
    private final @Nullable String timeZone;
    private final String what;
    private volatile long position;
    private volatile boolean done;
    private volatile int limit;

    Cursor(OhlcvQuery query, PagePlan plan, @Nullable String timeZone) {
      this(query, plan, timeZone, query.symbol() + " " + query.interval() + " klines");
    }

    private Cursor(OhlcvQuery query, PagePlan plan, @Nullable String timeZone, String what) {
      super(BinanceSource.this, query, new BinanceErrors(BinanceSource.this, what));
      this.plan = plan;
      this.timeZone = timeZone;
      this.position = plan.first();
      this.what = what;
    }

    @Override
    protected boolean more() {
      return !done && position < plan.end();
    }

    @Override
    public int nextWeight() {
      return market.weight(nextLimit());
    }

    @Override
    public int remainingEstimate() {
      return done ? 0 : plan.requestsLeft(position, pageSize());
    }

    @Override
    protected int expectedRows() {
      return limit;
    }

    private int nextLimit() {
      return Math.max(1, plan.count(position, plan.end(), pageSize()));
    }

    @Override
    protected Request request() {
      int n = nextLimit();
      limit = n;
      OhlcvQuery q = query();
      HttpUrl.Builder url =
          url()
              .addPathSegments(market.path)
              .addQueryParameter("symbol", q.symbol().code())
              .addQueryParameter("interval", intervals.get(q.interval()))
              .addQueryParameter("startTime", Long.toString(position))
              .addQueryParameter("endTime", Long.toString(plan.end() - 1))
              .addQueryParameter("limit", Integer.toString(n));
      if (timeZone != null) {
        url.addQueryParameter("timeZone", timeZone);
      }
      return new Request.Builder().url(url.build()).get().build();
    }

    @Override
    protected Step parse(Reply reply) {
      int asked = limit;
      long from = position;
      int rows;
      try {
        rows = BinanceKlines.parse(new JsonBytes(reply.body(), name(), what), reply.candles());
      } catch (DataFormatException e) {
        if (ErrorBodies.read(reply.body().bytes(), reply.body().length())
            .flatMap(x -> x.whole("code"))
            .isPresent()) {
          throw reply.error();
        }
        throw e;
      }
      return new Step(asked, rows, reply.page(from, plan.end()));
    }

    @Override
    protected Page advance(Step step) {
      CandleSeries c = step.page().candles();
      if (step.rows() == 0 || c.isEmpty()) {
        done = true;
        return step.page();
      }
      // Only a candle inside the window asked for, [position, end), moves the cursor: one from
      // after the query's end (which the engine drops) must not make it skip the candles between.
      int last = c.indexOf(plan.end());
      last = (last >= 0 ? last : -last - 1) - 1;
      if (last < 0 || c.openTimeMillis(last) < position) {
        if (step.rows() < step.limit()) {
          done = true; // Binance has no candle from startTime to endTime
          return step.page();
        }
        throw DataFormatException.of(
                name(),
                name()
                    + ": the response to "
                    + what
                    + " from "
                    + Instant.ofEpochMilli(position)
                    + " holds no candle at or after that time and before "
                    + Instant.ofEpochMilli(plan.end())
                    + " (it holds "
                    + c.size()
                    + " from "
                    + c.openTime(0)
                    + " to "
                    + c.openTime(c.size() - 1)
                    + "); Binance should answer with candles from startTime on.")
            .build();
      }
      long next = plan.candleEnd(c.openTimeMillis(last));
      position = next;
      if (step.rows() < step.limit()) {
        done = true; // Binance sent every candle up to endTime
      }
      return step.page();
    }
  }

  /**
   * Builds a {@link BinanceSource}: the market, the weight limit, and the base URL (the market's
   * {@link Market#defaultBaseUrl()} unless given), page size (the market's {@link
   * Market#defaultPageSize()} unless given, at most its {@link Market#maxPageSize()}, checked at
   * {@link #build()}) and context every HTTP source has. Not thread-safe; {@link #build()} may be
   * called more than once.
   */
  public static final class Builder extends HttpCandleSource.Builder<Builder> {
    private Market market;
    private int weightLimit;
    private @Nullable String wsUrl;

    Builder(Market market) {
      super(Market.USDM.maxPageSize);
      this.market = Objects.requireNonNull(market, "market");
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The market. */
    public Builder market(Market market) {
      this.market = Objects.requireNonNull(market, "market");
      return this;
    }

    /**
     * The request-weight limit per minute reported to the shared venue budget and suggested to the
     * client as its rate limit; the market's {@link Market#defaultWeightLimit()} unless given
     * (Binance may grant other limits; its {@code exchangeInfo} lists them).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder weightLimit(int weightLimit) {
      if (weightLimit < 1) {
        throw new IllegalArgumentException("weightLimit must be positive, got " + weightLimit);
      }
      this.weightLimit = weightLimit;
      return this;
    }

    /**
     * Where the live feed connects: the market's {@link Market#defaultWsUrl()} unless given; see
     * {@link BinanceLive.Builder#wsUrl(String)}.
     *
     * @throws IllegalArgumentException if it is not a ws, wss, http or https URL without a query
     */
    public Builder wsUrl(String wsUrl) {
      this.wsUrl = BinanceLive.Builder.normalise(Objects.requireNonNull(wsUrl, "wsUrl"));
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws IllegalArgumentException if the page size is above the market's maximum
     */
    public BinanceSource build() {
      return new BinanceSource(this);
    }
  }
}
