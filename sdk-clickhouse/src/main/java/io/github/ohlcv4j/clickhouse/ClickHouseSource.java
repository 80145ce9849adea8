package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.clickhouse.internal.Connection;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryReader;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.internal.SeriesProcessor;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.http.Redact;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Reads candles from a ClickHouse table over ClickHouse's HTTP interface. Build one with {@link
 * #builder()}, or open one by URI: {@code
 * CandleSources.open("clickhouse://user:password@host:8123/market?table=ohlcv")}.
 *
 * <pre>{@code
 * try (ClickHouseSource ch = ClickHouseSource.builder()
 *     .url("http://localhost:8123")
 *     .database("market")
 *     .table("ohlcv_1m")
 *     .build()) {
 *   CandleSeries hourly = ch.fetch(OhlcvQuery.builder()
 *       .symbol("BINANCE:BTCUSDT")
 *       .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-02-01T00:00:00Z"))
 *       .resample(Interval.H1)   // done by the server
 *       .build());
 * }
 * }</pre>
 *
 * <p><b>The table.</b> One row per candle: the symbol's text form ({@link Symbol#toString()}, e.g.
 * {@code BINANCE:BTCUSDT}), the open time (UTC), open, high, low, close and volume; column names as
 * {@link ColumnMapping} says, all candles of one {@link Builder#interval(Interval) interval}.
 * {@link ClickHouseSchema} creates such a table and {@link ClickHouseWriter} fills it. The source
 * serves any whole multiple of the stored interval.
 *
 * <p><b>Queries.</b> Each query becomes one or more {@code SELECT ... FORMAT RowBinary} statements
 * over windows of about {@link Builder#pageSize(int)} rows, streamed straight into columns.
 * Resampling runs on the server with the semantics of {@link CandleSeries#resample(Interval)} —
 * clock-aligned buckets, calendar days, weeks and months in the query's zone, partial flags — so
 * only the resampled candles cross the network; gap filling and dropping the candle in progress
 * stay in the JVM. Limits are pushed down. Tables with a {@code ReplacingMergeTree} engine are read
 * with {@code FINAL}, so candles written twice are seen once. The SQL dialect follows the server
 * version, read once on first use with the table's column types ({@code SELECT version()};
 * ClickHouse 18.16 and 20.5+ are handled).
 *
 * <p><b>Safety.</b> Identifiers (database, table, columns, settings) must match {@code
 * [A-Za-z_][A-Za-z0-9_]*}; every value in a query, symbols included, is escaped by the SDK, as old
 * servers have no query parameters. The password goes in a request header, never in a URL, message
 * or log.
 *
 * <p><b>Errors.</b> A missing table or column gives a non-retryable {@link
 * SourceUnavailableException} that says how to create the schema; a wrong user or password an
 * {@link io.github.ohlcv4j.AuthenticationException}; timeouts, connection failures and server-side
 * failures a retryable {@link SourceUnavailableException}; a result the server broke off midway
 * (ClickHouse appends its error to a stream it has started) the error the server reported, and a
 * result cut short a retryable {@link DataFormatException} — never a shortened series.
 *
 * <p>Thread-safe; share one instance. {@link #close()} releases nothing shared with other sources.
 */
public final class ClickHouseSource implements CandleSource {

  /**
   * Environment variable (or system property) with the HTTP endpoint, e.g. {@code http://ch:8123}.
   */
  public static final String ENV_URL = "OHLCV4J_CLICKHOUSE_URL";

  /** Environment variable (or system property) with the user. */
  public static final String ENV_USER = "OHLCV4J_CLICKHOUSE_USER";

  /** Environment variable (or system property) with the password. */
  public static final String ENV_PASSWORD = "OHLCV4J_CLICKHOUSE_PASSWORD";

  /** Environment variable (or system property) with the database. */
  public static final String ENV_DATABASE = "OHLCV4J_CLICKHOUSE_DATABASE";

  /** Environment variable (or system property) with the table. */
  public static final String ENV_TABLE = "OHLCV4J_CLICKHOUSE_TABLE";

  private final String name;
  private final HttpUrl url;
  private final String database;
  private final String table;
  private final String user;
  private final @Nullable String password;
  private final ColumnMapping columns;
  private final Interval interval;
  private final @Nullable TimeColumnType timeType;
  private final @Nullable Boolean useFinal;
  private final int pageSize;
  private final boolean compression;
  private final Clock clock;
  private final Connection connection;
  private final SourceCapabilities capabilities;
  private final AtomicReference<@Nullable CompletableFuture<Resolved>> resolved =
      new AtomicReference<>();

  private ClickHouseSource(Builder b) {
    SourceContext ctx = b.context;
    String rawUrl = first(b.url, ctx.env(ENV_URL).orElse(null), "http://localhost:8123");
    HttpUrl parsed = parseUrl(rawUrl);
    String urlUser = parsed.username().isEmpty() ? null : parsed.username();
    String urlPassword = parsed.password().isEmpty() ? null : parsed.password();
    this.url = parsed.newBuilder().username("").password("").build();
    this.user = first(b.user, ctx.env(ENV_USER).orElse(null), urlUser, "default");
    this.password = firstOrNull(b.password, ctx.env(ENV_PASSWORD).orElse(null), urlPassword);
    this.database =
        Sql.checkIdentifier(
            first(b.database, ctx.env(ENV_DATABASE).orElse(null), "default"), "database");
    this.table =
        Sql.checkIdentifier(first(b.table, ctx.env(ENV_TABLE).orElse(null), "ohlcv"), "table");
    this.columns = b.columns;
    this.interval = b.interval;
    this.timeType = b.timeType;
    this.useFinal = b.useFinal;
    this.pageSize = b.pageSize;
    this.compression = b.compression;
    this.clock = ctx.clock();
    this.name = b.name != null ? b.name : "clickhouse:" + database + "." + table;
    Map<String, String> settings = new LinkedHashMap<>(b.settings);
    if (b.compression) {
      // OkHttp asks for gzip and unpacks it; the server only compresses when told to.
      settings.put("enable_http_compression", "1");
    }
    OkHttpClient client =
        Http.client(ctx)
            .newBuilder()
            .connectTimeout(b.connectTimeout)
            .readTimeout(b.readTimeout)
            .writeTimeout(b.readTimeout)
            .callTimeout(b.queryTimeout)
            .build();
    this.connection =
        new Connection(client, url, user, password, settings, name, Sql.qualified(database, table));
    this.capabilities =
        SourceCapabilities.builder()
            .anyMultipleOf(interval)
            .maxRowsPerRequest(pageSize)
            .serverSideResample(true)
            .build();
  }

  /** A builder; settings not given come from the environment, then from defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Any whole multiple of the stored interval, resampled on the server, at most {@link
   * Builder#pageSize(int)} rows a request.
   */
  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  /** The HTTP endpoint, without credentials. */
  public String url() {
    return url.toString();
  }

  /** The database. */
  public String database() {
    return database;
  }

  /** The table. */
  public String table() {
    return table;
  }

  /** The user. */
  public String user() {
    return user;
  }

  /** The column names. */
  public ColumnMapping columns() {
    return columns;
  }

  /** The interval of the stored candles. */
  public Interval interval() {
    return interval;
  }

  /**
   * The planned requests for {@code query}: one per window of about {@link Builder#pageSize(int)}
   * rows, in ascending time. No I/O happens until the first {@link PageCursor#next()}, which also
   * reads the server version and the table's columns if this source has not yet.
   *
   * @throws UnsupportedIntervalException if the interval is not a whole multiple of the stored one
   * @throws io.github.ohlcv4j.InvalidQueryException if the query needs calendar buckets in a zone
   *     ClickHouse has no name for (a fixed offset that is not whole hours)
   */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    checkInterval(query);
    TimeRange range = query.rangeAt(clock.instant());
    FetchPlan plan = FetchPlan.of(query, interval, range, pageSize, 1);
    return new Cursor(query, plan);
  }

  /**
   * Fetches several symbols with one request per window (instead of one per symbol), each answered
   * as {@link #fetch(OhlcvQuery)} would answer {@code query} for it: resampled, filled, trimmed and
   * limited per symbol. Runs in the calling thread, without retries.
   *
   * @param symbols the symbols; distinct, at least one
   * @param query the query; its own symbol is ignored
   * @return one series per symbol, in the order given (empty series for symbols without data)
   * @throws IllegalArgumentException if {@code symbols} is empty or two of them share a text form
   * @throws OhlcvException if any request fails; never returns part of the answer
   */
  public Map<Symbol, CandleSeries> fetchAll(Collection<Symbol> symbols, OhlcvQuery query) {
    Objects.requireNonNull(symbols, "symbols");
    Objects.requireNonNull(query, "query");
    List<Symbol> list = new ArrayList<>(new java.util.LinkedHashSet<>(symbols));
    if (list.isEmpty()) {
      throw new IllegalArgumentException("fetchAll needs at least one symbol");
    }
    List<String> texts = new ArrayList<>();
    for (Symbol s : list) {
      String text = s.toString();
      if (texts.contains(text)) {
        throw new IllegalArgumentException(
            "Two symbols are stored as \"" + text + "\"; fetch them one at a time");
      }
      texts.add(text);
    }
    checkInterval(query);
    TimeRange range = query.rangeAt(clock.instant());
    FetchPlan plan = FetchPlan.of(query, interval, range, pageSize, list.size());
    List<SeriesProcessor> processors = new ArrayList<>();
    List<List<CandleSeries>> outputs = new ArrayList<>();
    for (Symbol s : list) {
      processors.add(new SeriesProcessor(query.toBuilder().symbol(s).build()));
      outputs.add(new ArrayList<>());
    }
    Instant serverNow = null;
    long start = plan.from();
    while (plan.hasWindow(start) && !allDone(processors)) {
      long end = plan.windowEnd(start);
      Window w = await(window(list, query, plan, start, end), query);
      if (w.serverTime.isPresent()) {
        serverNow = w.serverTime.get();
      }
      for (int i = 0; i < list.size(); i++) {
        outputs.get(i).add(processors.get(i).accept(w.series.get(i)));
      }
      start = end;
    }
    Instant now = serverNow != null ? serverNow : clock.instant();
    Map<Symbol, CandleSeries> result = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      List<CandleSeries> parts = outputs.get(i);
      parts.add(processors.get(i).finish(now));
      result.put(list.get(i), join(parts));
    }
    return result;
  }

  /**
   * Pings the server ({@code GET /ping}, whose time is the latency), reads its version and checks
   * the table: {@link Health.Status#UP} when all is well, {@link Health.Status#DEGRADED} when the
   * server answers but the table is missing or unusable (the detail says why), {@link
   * Health.Status#DOWN} when the server does not answer or refuses the credentials. Blocks for at
   * most the connect and read timeouts.
   */
  @Override
  public Health health() {
    Instant at = clock.instant();
    Duration latency;
    try {
      latency = await(connection.ping(), null);
    } catch (OhlcvException e) {
      return new Health(name, Health.Status.DOWN, Optional.empty(), Optional.empty(), msg(e), at);
    }
    TableInfo info;
    try {
      info = await(describe(), null);
    } catch (OhlcvException e) {
      return new Health(
          name, Health.Status.DOWN, Optional.of(latency), Optional.empty(), msg(e), at);
    }
    String version = info.version().text();
    try {
      check(info);
    } catch (OhlcvException e) {
      return new Health(
          name, Health.Status.DEGRADED, Optional.of(latency), Optional.of(version), msg(e), at);
    }
    return new Health(name, Health.Status.UP, Optional.of(latency), Optional.of(version), "", at);
  }

  /** Nothing to release: connections belong to the shared HTTP client. Idempotent. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "ClickHouseSource{"
        + Redact.url(url)
        + ", "
        + database
        + "."
        + table
        + ", "
        + interval
        + ", user="
        + user
        + "}";
  }

  // ---------------------------------------------------------------- shared with writer and schema

  Connection connection() {
    return connection;
  }

  Clock clock() {
    return clock;
  }

  @Nullable TimeColumnType configuredTimeType() {
    return timeType;
  }

  boolean compression() {
    return compression;
  }

  /** Reads version, engine and columns now, without caching. */
  CompletableFuture<TableInfo> describe() {
    return connection
        .text(TableInfo.query(database, table), "describing " + Sql.qualified(database, table))
        .thenApply(
            tsv -> {
              try {
                return TableInfo.parse(tsv);
              } catch (IllegalArgumentException e) {
                throw new DataFormatException(
                    "Unexpected answer from " + name + " describing the table: " + e.getMessage(),
                    name,
                    null,
                    e);
              }
            });
  }

  /** The server and table as first seen; looked up again after a failure. */
  CompletableFuture<Resolved> resolve() {
    while (true) {
      CompletableFuture<Resolved> f = resolved.get();
      if (f != null && !f.isCompletedExceptionally()) {
        return f;
      }
      CompletableFuture<Resolved> mine = new CompletableFuture<>();
      if (!resolved.compareAndSet(f, mine)) {
        continue;
      }
      describe()
          .whenComplete(
              (info, error) -> {
                if (error == null) {
                  try {
                    mine.complete(check(info));
                    return;
                  } catch (RuntimeException e) {
                    error = e;
                  }
                }
                resolved.compareAndSet(mine, null);
                mine.completeExceptionally(Errors.unwrap(error));
              });
      return mine;
    }
  }

  /** Forgets what {@link #resolve()} learned, after the schema changed. */
  void forget() {
    resolved.set(null);
  }

  private Resolved check(TableInfo info) {
    String qualified = database + "." + table;
    if (!info.exists()) {
      throw new SourceUnavailableException(
          name
              + ": the table "
              + qualified
              + " does not exist on "
              + Redact.url(url)
              + " (ClickHouse "
              + info.version()
              + "). Create it with ClickHouseSchema.builder(source).build().migrate(), or point"
              + " the source at an existing table with database(..) and table(..).",
          name,
          false,
          null,
          "60",
          null);
    }
    Optional<String> problems = info.problems(columns);
    if (problems.isPresent()) {
      throw new SourceUnavailableException(
          name
              + ": the table "
              + qualified
              + " does not fit the column mapping "
              + columns.all()
              + ": "
              + problems.get()
              + ". Map the columns with columns(ColumnMapping.builder()...), or create a table"
              + " with ClickHouseSchema.",
          name,
          false,
          null,
          null,
          null);
    }
    TimeColumnType actual = info.timeType(columns);
    if (timeType != null && timeType != actual) {
      throw new SourceUnavailableException(
          name
              + ": timeColumnType("
              + timeType
              + ") was set, but "
              + qualified
              + "."
              + columns.time()
              + " is "
              + info.type(columns.time()).orElse("?")
              + "; set "
              + actual
              + " or leave it unset to use the table's type.",
          name,
          false,
          null,
          null,
          null);
    }
    if (actual == TimeColumnType.DATE_TIME64_3 && !info.dialect().hasDateTime64()) {
      throw new SourceUnavailableException(
          name + ": ClickHouse " + info.version() + " cannot read DateTime64 columns",
          name,
          false,
          null,
          null,
          null);
    }
    boolean fin = useFinal != null ? useFinal : info.isReplacing();
    QueryCompiler compiler =
        new QueryCompiler(database, table, columns, info.dialect(), actual, fin, info);
    return new Resolved(info, actual, fin, compiler);
  }

  private void checkInterval(OhlcvQuery query) {
    if (!capabilities.supports(query.interval())) {
      throw new UnsupportedIntervalException(
          query.symbol()
              + ": "
              + name
              + " stores "
              + interval
              + " candles and serves whole multiples of it, not "
              + query.interval()
              + ". Ask for a multiple of "
              + interval
              + " and resample, or read a table of finer candles.",
          name,
          null,
          null);
    }
  }

  /** The candles of one window, one series per symbol. */
  private static final class Window {
    final List<CandleSeries> series;
    final long bytes;
    final Optional<Instant> serverTime;

    Window(List<CandleSeries> series, long bytes, Optional<Instant> serverTime) {
      this.series = series;
      this.bytes = bytes;
      this.serverTime = serverTime;
    }
  }

  /**
   * Reads one window. The returned future cancels the HTTP call when cancelled; {@code inflight}
   * receives that call.
   */
  private CompletableFuture<Window> window(
      List<Symbol> symbols, OhlcvQuery query, FetchPlan plan, long start, long end) {
    CompletableFuture<Window> result = new CompletableFuture<>();
    AtomicReference<@Nullable CompletableFuture<?>> call = new AtomicReference<>();
    result.whenComplete(
        (w, e) -> {
          CompletableFuture<?> c = call.get();
          if (result.isCancelled() && c != null) {
            c.cancel(true);
          }
        });
    resolve()
        .whenComplete(
            (r, error) -> {
              if (error != null) {
                result.completeExceptionally(Errors.unwrap(error));
                return;
              }
              if (result.isDone()) {
                return;
              }
              CompletableFuture<Window> http;
              try {
                http = read(r, symbols, query, plan, start, end);
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
              }
              call.set(http);
              if (result.isCancelled()) {
                http.cancel(true);
              }
              http.whenComplete(
                  (w, e) -> {
                    if (e != null) {
                      result.completeExceptionally(Errors.unwrap(e));
                    } else {
                      result.complete(w);
                    }
                  });
            });
    return result;
  }

  private CompletableFuture<Window> read(
      Resolved r, List<Symbol> symbols, OhlcvQuery query, FetchPlan plan, long start, long end) {
    List<String> texts = new ArrayList<>(symbols.size());
    for (Symbol s : symbols) {
      texts.add(s.toString());
    }
    QueryCompiler.Compiled sql = plan.compile(r.compiler(), texts, start, end);
    String asked =
        "reading "
            + (symbols.size() == 1 ? symbols.get(0).toString() : symbols.size() + " symbols")
            + " "
            + plan.pageInterval()
            + " ["
            + Instant.ofEpochMilli(start)
            + ", "
            + Instant.ofEpochMilli(end)
            + ") from "
            + database
            + "."
            + table;
    int hint = plan.sizeHint(start, end);
    return connection.stream(
        sql.sql(),
        asked,
        (in, serverTime) -> {
          List<RowBinaryReader.Target> targets = new ArrayList<>(symbols.size());
          for (int i = 0; i < symbols.size(); i++) {
            targets.add(
                new RowBinaryReader.Target(
                    texts.get(i),
                    CandleSeries.builder(symbols.get(i), plan.pageInterval())
                        .zone(query.zone())
                        .source(name)
                        .badRows(query.badRows())
                        .expectedSize(hint)));
          }
          RowBinaryReader reader =
              new RowBinaryReader(
                  sql.layout(),
                  targets,
                  query.zone(),
                  plan.minTime(start),
                  end,
                  plan.fullCount(),
                  name,
                  name + " " + asked);
          long bytes = reader.read(in);
          List<CandleSeries> out = new ArrayList<>(targets.size());
          for (RowBinaryReader.Target t : targets) {
            out.add(t.builder().build());
          }
          return new Window(out, bytes, serverTime);
        });
  }

  /** Walks the windows of one query. */
  private final class Cursor implements PageCursor {
    private final OhlcvQuery query;
    private final FetchPlan plan;
    private final List<Symbol> symbols;
    private volatile long next;
    private volatile boolean closed;
    private volatile @Nullable CompletableFuture<Window> inflight;

    Cursor(OhlcvQuery query, FetchPlan plan) {
      this.query = query;
      this.plan = plan;
      this.symbols = List.of(query.symbol());
      this.next = plan.from();
    }

    @Override
    public boolean hasNext() {
      return !closed && plan.hasWindow(next);
    }

    @Override
    public int remainingEstimate() {
      return closed ? 0 : plan.remainingWindows(next);
    }

    @Override
    public CompletableFuture<Page> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("No more windows for " + query);
      }
      long start = next;
      long end = plan.windowEnd(start);
      CompletableFuture<Window> w = window(symbols, query, plan, start, end);
      inflight = w;
      CompletableFuture<Page> page = new CompletableFuture<>();
      page.whenComplete(
          (p, e) -> {
            if (page.isCancelled()) {
              w.cancel(true);
            }
          });
      w.whenComplete(
          (win, e) -> {
            if (e != null) {
              page.completeExceptionally(Errors.unwrap(e));
              return;
            }
            next = end;
            page.complete(new Page(win.series.get(0), win.bytes, win.serverTime));
          });
      return page;
    }

    @Override
    public void close() {
      closed = true;
      CompletableFuture<Window> w = inflight;
      if (w != null) {
        w.cancel(true);
      }
    }
  }

  private static boolean allDone(List<SeriesProcessor> processors) {
    for (SeriesProcessor p : processors) {
      if (!p.isDone()) {
        return false;
      }
    }
    return true;
  }

  private static CandleSeries join(List<CandleSeries> parts) {
    List<CandleSeries> nonEmpty = new ArrayList<>();
    for (CandleSeries p : parts) {
      if (!p.isEmpty()) {
        nonEmpty.add(p);
      }
    }
    if (nonEmpty.isEmpty()) {
      return parts.get(parts.size() - 1);
    }
    return nonEmpty.size() == 1 ? nonEmpty.get(0) : CandleSeries.concat(nonEmpty);
  }

  /** Waits for a future of this source's; {@code query} names the cause if interrupted. */
  <T> T await(CompletableFuture<T> f, @Nullable OhlcvQuery query) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new OhlcvException(
          "Interrupted while " + (query != null ? "fetching " + query : "talking to") + " " + name,
          e);
    } catch (ExecutionException | CancellationException e) {
      Throwable c = Errors.unwrap(e);
      if (c instanceof OhlcvException) {
        OhlcvException x = (OhlcvException) c;
        x.addSuppressed(new IllegalStateException("the caller waited here"));
        throw x;
      }
      throw new OhlcvException("Unexpected error from " + name + ": " + c, c);
    }
  }

  private static String msg(OhlcvException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static HttpUrl parseUrl(String raw) {
    HttpUrl u = HttpUrl.parse(raw.trim());
    if (u == null) {
      throw new IllegalArgumentException(
          "Invalid ClickHouse URL \""
              + Redact.text(raw, passwordOf(raw))
              + "\": expected http://host:8123 or https://host:8443");
    }
    return u;
  }

  private static @Nullable String passwordOf(String raw) {
    int at = raw.indexOf('@');
    int colon = raw.indexOf(':', raw.indexOf("//") + 2);
    return at > 0 && colon > 0 && colon < at ? raw.substring(colon + 1, at) : null;
  }

  @SafeVarargs
  private static <T> T first(@Nullable T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    throw new IllegalStateException("no default");
  }

  @SafeVarargs
  private static <T> @Nullable T firstOrNull(@Nullable T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /**
   * Builds a {@link ClickHouseSource}. URL, user, password, database and table not set here are
   * read from the {@link #context(SourceContext) context}'s environment ({@value #ENV_URL}, {@value
   * #ENV_USER}, {@value #ENV_PASSWORD}, {@value #ENV_DATABASE}, {@value #ENV_TABLE}: system
   * properties, then environment variables), and otherwise default to {@code
   * http://localhost:8123}, user {@code default} without a password, database {@code default} and
   * table {@code ohlcv}. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String url;
    private @Nullable String database;
    private @Nullable String table;
    private @Nullable String user;
    private @Nullable String password;
    private ColumnMapping columns = ColumnMapping.defaults();
    private Interval interval = Interval.M1;
    private @Nullable TimeColumnType timeType;
    private @Nullable Boolean useFinal;
    private boolean compression;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration queryTimeout = Duration.ofMinutes(5);
    private int pageSize = 1_000_000;
    private @Nullable String name;
    private SourceContext context = SourceContext.defaults();

    Builder() {}

    /**
     * The HTTP endpoint: {@code http://host:8123} or {@code https://host:8443}, optionally with a
     * path (behind a proxy) and {@code user:password@} (used when user and password are not set
     * otherwise).
     */
    public Builder url(String url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /** The database holding the table. */
    public Builder database(String database) {
      this.database = Sql.checkIdentifier(database, "database");
      return this;
    }

    /** The candle table. */
    public Builder table(String table) {
      this.table = Sql.checkIdentifier(table, "table");
      return this;
    }

    /** The user; sent in the {@code X-ClickHouse-User} header. */
    public Builder user(String user) {
      this.user = Objects.requireNonNull(user, "user");
      return this;
    }

    /**
     * The password; sent in the {@code X-ClickHouse-Key} header, never shown in messages or logs.
     */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** The interval of the stored candles; {@link Interval#M1} by default. */
    public Builder interval(Interval interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** The column names; {@link ColumnMapping#defaults()} by default. */
    public Builder columns(ColumnMapping columns) {
      this.columns = Objects.requireNonNull(columns, "columns");
      return this;
    }

    /**
     * The type of the time column. Unset (the default), the table's type is used; set, the table
     * must have it. Also the type {@link ClickHouseSchema} gives new tables (unset: {@code
     * DateTime64(3)} on servers that have it, else {@code DateTime}).
     */
    public Builder timeColumnType(TimeColumnType type) {
      this.timeType = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * Whether to read with {@code FINAL}, which collapses candles written more than once. Unset
     * (the default), it is used exactly when the table's engine is a {@code ReplacingMergeTree};
     * set it for a {@code Distributed} table over such tables.
     */
    public Builder useFinal(boolean useFinal) {
      this.useFinal = useFinal;
      return this;
    }

    /**
     * Whether the server gzips responses ({@code enable_http_compression=1}); off by default, as
     * compression costs more than it saves on a fast network. Turn it on over slow links. Like any
     * setting, it needs a user who may change settings ({@code readonly} 0 or 2).
     */
    public Builder compression(boolean compression) {
      this.compression = compression;
      return this;
    }

    /**
     * A ClickHouse setting sent with every request, such as {@code max_threads} or {@code
     * max_execution_time}. The server refuses names it does not know, and any setting from a user
     * whose profile has {@code readonly=1}; by default none is sent.
     *
     * @throws IllegalArgumentException if the name is not an identifier
     */
    public Builder setting(String name, String value) {
      Objects.requireNonNull(value, "value");
      settings.put(Sql.checkIdentifier(name, "setting"), value);
      return this;
    }

    /** How long to wait for a connection; 10 seconds by default. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long to wait for the next bytes of a response; 60 seconds by default. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * How long one request may take, from sending it to reading the last byte; 5 minutes by
     * default, {@link Duration#ZERO} for no limit. The HTTP call is cancelled when it runs out,
     * which makes the server stop a read. No setting is sent for it, as read-only users may not
     * send any; to have the server enforce a limit itself, add {@code setting("max_execution_time",
     * "300")}.
     */
    public Builder queryTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("queryTimeout must not be negative: " + timeout);
      }
      this.queryTimeout = timeout;
      return this;
    }

    /**
     * About how many rows one request returns (over all symbols of a {@link #fetchAll}); 1,000,000
     * by default. Larger pages mean fewer requests; smaller ones less memory when streaming with
     * {@code pages(query)}.
     */
    public Builder pageSize(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("pageSize must be positive: " + rows);
      }
      this.pageSize = rows;
      return this;
    }

    /**
     * The source's name for logs, metrics and errors; {@code clickhouse:database.table} by default.
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The clock, environment and shared HTTP client to use; {@link SourceContext#defaults()} by
     * default.
     */
    public Builder context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Builds the source. No I/O happens here.
     *
     * @throws IllegalArgumentException if the URL or a name is invalid
     */
    public ClickHouseSource build() {
      return new ClickHouseSource(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }
  }
}
