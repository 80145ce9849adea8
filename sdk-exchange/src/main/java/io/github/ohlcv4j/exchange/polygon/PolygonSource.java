package io.github.ohlcv4j.exchange.polygon;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.Instruments;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.exchange.internal.JsonBytes;
import io.github.ohlcv4j.exchange.internal.NextPages;
import io.github.ohlcv4j.exchange.internal.PagePlan;
import io.github.ohlcv4j.exchange.internal.PolygonAggs;
import io.github.ohlcv4j.exchange.internal.PolygonTickers;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.http.HttpCandleSource;
import io.github.ohlcv4j.source.http.HttpPageCursor;
import io.github.ohlcv4j.source.http.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Aggregate bars from Polygon ({@code GET
 * /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}}): US stocks ({@code
 * POLYGON:AAPL}), crypto ({@code POLYGON:X:BTCUSD}), currencies ({@code POLYGON:C:EURUSD}), indices
 * ({@code POLYGON:I:SPX}) and options, as Polygon spells the ticker. Open one with {@code
 * CandleSources.open("polygon:")}; it needs an API key, from the {@code POLYGON_API_KEY} setting
 * (system property or environment variable, see {@link SourceContext#env(String)}) or {@link
 * Builder#apiKey(String)}. The key is sent as Polygon's {@code apiKey} parameter and never appears
 * in a message, a log line or {@link #toString()}.
 *
 * <p><b>Intervals.</b> 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 and 30 seconds or minutes, 1h, 1d and 1M.
 * Day and month bars start at midnight in New York, as Polygon builds them: their series have the
 * zone {@code America/New_York} (a query in UTC or New York is accepted; other zones are refused).
 * Polygon's weeks start on Sunday, so weekly bars are not offered: fetch 1d and {@code
 * resample(Interval.W1)} for weeks from Monday. Multi-hour bars are left out too, since their
 * alignment is not documented; resample 1h.
 *
 * <p><b>Paging.</b> Polygon's {@code limit} (at most 50,000) counts the base aggregates a request
 * reads (seconds for second bars, minutes for minute and hour bars, days above), not the bars it
 * returns, and a request over more base aggregates than that has gaps. So the range is split into
 * windows of at most {@code pageSize} ({@link Builder#pageSize(int)}) base aggregates, oldest
 * first, and each window's {@code next_url} is followed. Bars come ascending ({@code sort=asc}).
 * Extra columns: {@code vw} as {@link io.github.ohlcv4j.ExtraColumn#VWAP}, {@code n} as {@link
 * io.github.ohlcv4j.ExtraColumn#TRADE_COUNT}. An unknown ticker gives an empty series (Polygon
 * answers it with no results, not an error).
 *
 * <p><b>Errors.</b> A missing key fails with an {@link AuthenticationException} before any request;
 * Polygon's {@code ERROR} "API Key was not provided"/"Unknown API Key" and {@code NOT_AUTHORIZED}
 * (the plan does not include the data) are {@link AuthenticationException}s; HTTP 429 is a {@link
 * io.github.ohlcv4j.RateLimitException} (the free plan allows 5 requests a minute), reported to the
 * client's venue budget {@code "polygon"}.
 *
 * <p>Built on the HTTP source kit ({@link HttpCandleSource}). Immutable and thread-safe; it owns no
 * threads or connections ({@link #close()} does nothing).
 */
public final class PolygonSource extends HttpCandleSource {

  /** Polygon's REST API. */
  public static final String DEFAULT_BASE_URL = "https://api.polygon.io";

  /**
   * Polygon's real-time stream host; the live feed appends the cluster's path ({@code /stocks}).
   */
  public static final String DEFAULT_WS_URL = "wss://socket.polygon.io";

  /** The most base aggregates one request may read: Polygon's maximum {@code limit}. */
  public static final int MAX_PAGE_SIZE = 50_000;

  /** The setting that holds the API key. */
  public static final String API_KEY_SETTING = "POLYGON_API_KEY";

  /** The venue budget. */
  public static final String RATE_LIMIT_GROUP = "polygon";

  /** The zone of Polygon's day and month bars. */
  public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static final int[] DIVISORS = {1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30};

  private final @Nullable String apiKey;
  private final boolean adjusted;
  private final int requestsPerMinute;
  private final SourceCapabilities capabilities;
  private final @Nullable String wsUrl;
  private final PolygonLive live;

  private PolygonSource(Builder b) {
    super(b, "polygon", "Polygon", DEFAULT_BASE_URL, MAX_PAGE_SIZE);
    this.apiKey = b.apiKey != null ? b.apiKey : context().env(API_KEY_SETTING).orElse(null);
    this.adjusted = b.adjusted;
    this.requestsPerMinute = b.requestsPerMinute;
    SourceCapabilities.Builder caps =
        SourceCapabilities.builder()
            .intervals(intervals())
            .calendarZones(Set.of(ZoneOffset.UTC, NEW_YORK))
            .maxRowsPerRequest(pageSize())
            .venues(Set.of("POLYGON"))
            .rateLimitGroup(RATE_LIMIT_GROUP);
    if (requestsPerMinute > 0) {
      caps.rateLimit(RateLimitPolicy.of(requestsPerMinute, Duration.ofMinutes(1)));
    }
    this.capabilities = caps.build();
    this.wsUrl = b.wsUrl;
    PolygonLive.Builder lb = PolygonLive.builder().context(context());
    if (apiKey != null) {
      lb.apiKey(apiKey);
    }
    if (wsUrl != null) {
      lb.wsUrl(wsUrl);
    }
    this.live = lb.build();
  }

  /**
   * Live minute bars over Polygon's stocks WebSocket ({@link PolygonLive}), with this source's API
   * key; nothing connects until used.
   */
  @Override
  public Optional<io.github.ohlcv4j.source.live.LiveFeed> live() {
    return Optional.of(live);
  }

  /** A source with the defaults, its key from {@value #API_KEY_SETTING}. */
  public static PolygonSource create() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this source's settings (its API key included, if it was given). */
  public Builder newBuilder() {
    Builder b = copyInto(new Builder());
    b.apiKey = apiKey;
    b.adjusted = adjusted;
    b.requestsPerMinute = requestsPerMinute;
    b.wsUrl = wsUrl;
    return b;
  }

  /** Whether bars are adjusted for splits. */
  public boolean adjusted() {
    return adjusted;
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  /** The requests per minute suggested to the client as its rate limit; 0 for none. */
  public int requestsPerMinute() {
    return requestsPerMinute;
  }

  /** Whether an API key is configured. */
  public boolean hasApiKey() {
    return apiKey != null;
  }

  /**
   * Plans the requests for {@code query}; no I/O. The query has passed {@link
   * SourceCapabilities#check}: Polygon serves its interval, its symbol is Polygon's, and its day or
   * month bars are asked for in UTC or New York (they start at midnight in New York either way).
   *
   * @throws AuthenticationException if no API key is configured
   * @throws InvalidQueryException for a perpetual symbol, or a code that is no Polygon ticker (one
   *     that would change the request's path, such as {@code ..} or {@code a/b})
   */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    checkTicker(query);
    if (query.symbol().marketType() == MarketType.PERPETUAL) {
      throw InvalidQueryException.of(
              "polygon",
              query.symbol()
                  + ": Polygon has no perpetual swaps; drop the .P (POLYGON:X:BTCUSD is the crypto"
                  + " pair).")
          .build();
    }
    String key = key(query.symbol() + " " + query.interval() + " bars");
    ZoneId zone = query.interval().isCalendar() ? NEW_YORK : query.zone();
    return new Cursor(query, PagePlan.of(query, clock().instant(), zone), zone, key);
  }

  /**
   * The API key.
   *
   * @throws AuthenticationException if none is configured, saying how to give one
   */
  private String key(String what) {
    String key = apiKey;
    if (key == null) {
      throw AuthenticationException.of(
              "polygon",
              "polygon: no API key for "
                  + what
                  + ". Set the "
                  + API_KEY_SETTING
                  + " environment variable or system property, or"
                  + " PolygonSource.builder().apiKey(..).")
          .build();
    }
    return key;
  }

  /** One page of tickers, added to the list once the whole page has been read. */
  private record TickerPage(PolygonTickers.Result result, List<Instrument> rows) {}

  /** The most tickers one {@code /v3/reference/tickers} request asks for: Polygon's maximum. */
  static final int TICKERS_PAGE = 1000;

  /** The most ticker pages followed: far more than Polygon lists for US stocks. */
  static final int MAX_TICKER_PAGES = 500;

  /**
   * Reads the US stock tickers Polygon lists as active from {@code GET
   * /v3/reference/tickers?market=stocks&active=true&limit=1000}, following {@code next_url} through
   * every page (a dozen or more, with the whole list of US stocks). Each page is a request of the
   * client's {@value #RATE_LIMIT_GROUP} budget and waits for it as a page of bars does; on the free
   * plan (5 requests a minute) the whole list takes minutes, so it is kept for {@link
   * #instrumentsTtl()}. A ticker is its own base asset, its {@code currency_name} the quote ({@code
   * USD}), {@code active} the status; Polygon publishes no tick or size step here, and a listing
   * date only where the answer has a {@code list_date}.
   *
   * @throws AuthenticationException if no API key is configured, or Polygon refuses it (the key
   *     never shows in the message)
   * @throws DataFormatException if a page is malformed or cut short (saying where), or the pages
   *     link back to one already read
   */
  @Override
  protected Instruments loadInstruments() {
    String what = "stock tickers";
    String key = key(what);
    Instant fetchedAt = clock().instant();
    PolygonErrors errors = new PolygonErrors(this, what, key);
    NextPages pages = new NextPages("polygon", what, MAX_TICKER_PAGES, "apiKey");
    List<Instrument> all = new ArrayList<>();
    HttpUrl url =
        url()
            .addPathSegments("v3/reference/tickers")
            .addQueryParameter("market", "stocks")
            .addQueryParameter("active", "true")
            .addQueryParameter("limit", Integer.toString(TICKERS_PAGE))
            .addQueryParameter("apiKey", key)
            .build();
    while (true) {
      HttpUrl asked = url;
      TickerPage page =
          get(
              new Request.Builder().url(asked).get().build(),
              errors,
              what,
              (response, body, now) -> {
                List<Instrument> rows = new ArrayList<>();
                PolygonTickers.Result res;
                try {
                  res = PolygonTickers.parse(new JsonBytes(body, name(), what), rows);
                } catch (DataFormatException e) {
                  throw errors.redacted(e);
                }
                String status = res.status().toUpperCase(Locale.ROOT);
                if (status.equals("ERROR") || status.equals("NOT_AUTHORIZED")) {
                  throw errors.map(response, body, now);
                }
                if (!res.hasResults() && status.isEmpty()) {
                  throw DataFormatException.of(
                          name(),
                          name()
                              + ": the response to "
                              + what
                              + " has neither \"results\" nor \"status\"; expected Polygon's"
                              + " {\"results\":[...],\"status\":\"OK\",...} (check baseUrl).")
                      .build();
                }
                return new TickerPage(res, rows);
              });
      all.addAll(page.rows());
      PolygonTickers.Result r = page.result();
      String next = r.nextUrl();
      if (next == null) {
        return Instruments.of(name(), fetchedAt, all);
      }
      url = follow(next, asked, what, pages).newBuilder().setQueryParameter("apiKey", key).build();
    }
  }

  /**
   * Refuses a ticker that would change the request's path: the ticker is a path segment, and a
   * segment {@code .} or {@code ..} is resolved away by the client, while {@code /}, {@code \},
   * {@code %}, {@code ?}, {@code #}, {@code ;} or white space may be read by a server or proxy as
   * something else than the ticker. Polygon's tickers are letters, digits, {@code :}, {@code .} and
   * {@code -} ({@code AAPL}, {@code BRK.A}, {@code X:BTCUSD}, {@code O:SPY251219C00650000}).
   */
  private static void checkTicker(OhlcvQuery query) {
    String code = query.symbol().code();
    boolean dots = true;
    int bad = -1;
    for (int i = 0; i < code.length() && bad < 0; i++) {
      char c = code.charAt(i);
      dots &= c == '.';
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == ':'
              || c == '.'
              || c == '-'
              || c == '_'
              || c == '~';
      if (!ok) {
        bad = i;
      }
    }
    if (bad < 0 && !dots) {
      return;
    }
    String why =
        dots
            ? "a ticker of dots would be resolved as a relative path"
            : String.format(
                Locale.ROOT,
                "the character U+%04X at index %d would change the request's path",
                (int) code.charAt(bad),
                bad);
    throw InvalidQueryException.of(
            "polygon",
            query.symbol()
                + ": not a Polygon ticker ("
                + why
                + "). Polygon's tickers are letters, digits, ':', '.' and '-', e.g. POLYGON:AAPL,"
                + " POLYGON:BRK.A, POLYGON:X:BTCUSD.")
        .build();
  }

  /**
   * Down without an API key; else asks Polygon for the market status, as {@link
   * HttpCandleSource#health()} says.
   */
  @Override
  public Health health() {
    if (apiKey == null) {
      return down("no API key (" + API_KEY_SETTING + ")", clock().instant());
    }
    return super.health();
  }

  /** Polygon's market status ({@code /v1/marketstatus/now}), with the key. */
  @Override
  protected Request healthRequest() {
    return new Request.Builder()
        .url(
            url()
                .addPathSegments("v1/marketstatus/now")
                .addQueryParameter("apiKey", Objects.requireNonNull(apiKey, "apiKey"))
                .build())
        .get()
        .build();
  }

  /** Says whether a key is set, never the key. */
  @Override
  protected String describe() {
    return ", apiKey=" + (apiKey != null ? "***" : "none") + ", adjusted=" + adjusted;
  }

  /**
   * The URL of a {@code next_url}, moved to the configured base URL if it names another host: the
   * key only ever goes where the user pointed the source.
   *
   * @throws DataFormatException if it is not a URL, or leads back to a page already fetched
   */
  private HttpUrl follow(String next, HttpUrl asked, String what, NextPages pages) {
    HttpUrl n = HttpUrl.parse(next);
    if (n == null) {
      n = httpUrl().resolve(next);
    }
    if (n == null) {
      throw DataFormatException.of(
              "polygon",
              "polygon: the response to "
                  + what
                  + " has a next_url that is not a URL ("
                  + next.length()
                  + " characters, not shown: it may carry credentials)")
          .build();
    }
    if (!n.scheme().equals(httpUrl().scheme())
        || !n.host().equals(httpUrl().host())
        || n.port() != httpUrl().port()) {
      String prefix = httpUrl().encodedPath();
      if (prefix.endsWith("/")) {
        prefix = prefix.substring(0, prefix.length() - 1);
      }
      n =
          httpUrl()
              .newBuilder()
              .encodedPath(prefix + n.encodedPath())
              .encodedQuery(n.encodedQuery())
              .build();
    }
    pages.check(asked, n); // a next_url back to a page already fetched is an error, not a loop
    return n;
  }

  private static Set<Interval> intervals() {
    Set<Interval> s = new HashSet<>();
    for (int d : DIVISORS) {
      s.add(Interval.of(d, Interval.Unit.SECOND));
      s.add(Interval.of(d, Interval.Unit.MINUTE));
    }
    s.add(Interval.H1);
    s.add(Interval.D1);
    s.add(Interval.MN1);
    return s;
  }

  private static String timespan(Interval i) {
    switch (i.unit()) {
      case SECOND:
        return "second";
      case MINUTE:
        return "minute";
      case HOUR:
        return "hour";
      case DAY:
        return "day";
      case WEEK:
        return "week";
      default:
        return "month";
    }
  }

  /** The length of the base aggregates Polygon's {@code limit} counts for bars of {@code i}. */
  private static long baseMillis(Interval i) {
    switch (i.unit()) {
      case SECOND:
        return 1000L;
      case MINUTE:
      case HOUR:
        return 60_000L;
      default:
        return 86_400_000L;
    }
  }

  /** What one response gave: the end of the window, the next page's URL if any, the rows. */
  private record Step(long windowEnd, @Nullable HttpUrl nextUrl, int rows, Page page) {}

  /** Walks the windows, following each window's {@code next_url}. */
  private final class Cursor extends HttpPageCursor<Step> {
    private final PagePlan plan;
    private final ZoneId zone;
    private final String key;
    private final int rowsPerWindow;
    private final String what;
    private final PolygonErrors errors;
    private final NextPages pages;
    private volatile long position;
    private volatile @Nullable HttpUrl nextUrl;
    private volatile long windowEnd;
    private volatile HttpUrl current = httpUrl();

    Cursor(OhlcvQuery query, PagePlan plan, ZoneId zone, String key) {
      this(query, plan, zone, key, query.symbol() + " " + query.interval() + " bars");
    }

    private Cursor(OhlcvQuery query, PagePlan plan, ZoneId zone, String key, String what) {
      this(query, plan, zone, key, what, new PolygonErrors(PolygonSource.this, what, key));
    }

    private Cursor(
        OhlcvQuery query,
        PagePlan plan,
        ZoneId zone,
        String key,
        String what,
        PolygonErrors errors) {
      super(PolygonSource.this, query, errors);
      this.plan = plan;
      this.zone = zone;
      this.key = key;
      this.what = what;
      this.errors = errors;
      this.position = plan.first();
      // The longest a bar can be: months have up to 31 days, so a window never reads more than
      // pageSize base aggregates.
      Interval i = query.interval();
      long longest =
          i.unit() == Interval.Unit.MONTH ? i.amount() * 31L * 86_400_000L : i.nominalMillis();
      long rows = (long) pageSize() * baseMillis(i) / longest;
      this.rowsPerWindow = (int) Math.max(1, Math.min(Integer.MAX_VALUE, rows));
      this.pages =
          new NextPages(
              "polygon", what, plan.count(plan.first(), plan.end(), Integer.MAX_VALUE), "apiKey");
    }

    @Override
    protected boolean more() {
      return nextUrl != null || position < plan.end();
    }

    @Override
    public int remainingEstimate() {
      int windows = plan.requestsLeft(position, rowsPerWindow);
      return nextUrl != null ? windows + 1 : windows;
    }

    @Override
    protected ZoneId seriesZone() {
      return zone;
    }

    @Override
    protected Request request() {
      HttpUrl next = nextUrl;
      HttpUrl url;
      if (next != null) {
        url = next.newBuilder().setQueryParameter("apiKey", key).build();
        windowEnd = position < plan.end() ? plan.windowEnd(position, rowsPerWindow) : position;
      } else {
        long end = plan.windowEnd(position, rowsPerWindow);
        windowEnd = end;
        Interval i = query().interval();
        url =
            url()
                .addPathSegments("v2/aggs/ticker")
                .addPathSegment(query().symbol().code())
                .addPathSegment("range")
                .addPathSegment(Integer.toString(i.amount()))
                .addPathSegment(timespan(i))
                .addPathSegment(Long.toString(position))
                .addPathSegment(Long.toString(end - 1)) // Polygon's "to" is inclusive
                .addQueryParameter("adjusted", Boolean.toString(adjusted))
                .addQueryParameter("sort", "asc")
                .addQueryParameter("limit", Integer.toString(pageSize()))
                .addQueryParameter("apiKey", key)
                .build();
      }
      current = url;
      return new Request.Builder().url(url).get().build();
    }

    @Override
    protected Step parse(Reply reply) {
      long start = position;
      long end = windowEnd;
      HttpUrl asked = current;
      PolygonAggs.Result r;
      try {
        r =
            PolygonAggs.parse(
                new JsonBytes(reply.body(), "polygon", what), reply.candles(), "polygon", what);
      } catch (DataFormatException e) {
        throw errors.redacted(e);
      }
      String status = r.status().toUpperCase(Locale.ROOT);
      if (status.equals("ERROR") || status.equals("NOT_AUTHORIZED")) {
        throw reply.error();
      }
      HttpUrl next =
          r.nextUrl() != null && r.rows() > 0 ? follow(r.nextUrl(), asked, what, pages) : null;
      return new Step(end, next, r.rows(), reply.page(start, end));
    }

    @Override
    protected Page advance(Step step) {
      if (step.nextUrl() != null) {
        nextUrl = step.nextUrl();
      } else {
        nextUrl = null;
        position = Math.max(position, step.windowEnd());
      }
      return step.page();
    }
  }

  /**
   * Builds a {@link PolygonSource}: the API key, adjustment and plan's rate, and the base URL (the
   * key is only ever sent there: a {@code next_url} naming another host is moved to it), page size
   * (the base aggregates one request reads at most, from 1 to {@value PolygonSource#MAX_PAGE_SIZE},
   * the default; Polygon's {@code limit}) and context (where the clock, the HTTP client, the venue
   * budget and the {@value PolygonSource#API_KEY_SETTING} setting come from) every HTTP source has.
   * Not thread-safe; {@link #build()} may be called more than once.
   */
  public static final class Builder extends HttpCandleSource.Builder<Builder> {
    private @Nullable String apiKey;
    private boolean adjusted = true;
    private int requestsPerMinute;
    private @Nullable String wsUrl;

    Builder() {
      super(MAX_PAGE_SIZE);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * The API key; read from the context's {@value PolygonSource#API_KEY_SETTING} setting unless
     * given.
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = apiKey.trim();
      return this;
    }

    /** Whether bars are adjusted for splits; true by default (Polygon's {@code adjusted}). */
    public Builder adjusted(boolean adjusted) {
      this.adjusted = adjusted;
      return this;
    }

    /**
     * The requests per minute the plan allows, suggested to the client as its rate limit for the
     * {@value PolygonSource#RATE_LIMIT_GROUP} group (5 for the free plan); none by default, since
     * plans differ.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder requestsPerMinute(int requestsPerMinute) {
      if (requestsPerMinute < 1) {
        throw new IllegalArgumentException(
            "requestsPerMinute must be positive, got " + requestsPerMinute);
      }
      this.requestsPerMinute = requestsPerMinute;
      return this;
    }

    /**
     * Where the live feed's WebSocket is: scheme, host, port and an optional base path, without
     * {@code /stocks} (the feed appends it); {@value PolygonSource#DEFAULT_WS_URL} unless given,
     * {@code wss://delayed.polygon.io} for the 15-minute delayed stream.
     *
     * @throws IllegalArgumentException if it is not such a URL
     */
    public Builder wsUrl(String wsUrl) {
      this.wsUrl = PolygonLive.Builder.normalise(Objects.requireNonNull(wsUrl, "wsUrl"));
      return this;
    }

    /** Builds the source. */
    public PolygonSource build() {
      return new PolygonSource(this);
    }
  }
}
