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
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads candles from a ClickHouse table over ClickHouse's HTTP interface, and keeps candles there
 * as a {@link CandleStore}. Build one with {@link #builder()}, or open one by URI: {@code
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
 * stay in the JVM. Limits are pushed down. Tables with a {@code ReplacingMergeTree} engine, and
 * {@code Distributed} tables over such tables, are read with {@code FINAL}, so candles written
 * twice are seen once. The SQL dialect follows the server version, read once on first use with the
 * table's column types ({@code SELECT version()}; ClickHouse 18.16 and 20.5+ are handled).
 *
 * <p><b>On a cluster</b> (a {@code Distributed} table, as {@link ClickHouseSchema.Builder#cluster}
 * makes one), reads and inserts carry the settings the cluster needs: synchronous inserts, replicas
 * picked in order so that a read through the same node sees what was written, unused shards skipped
 * where the server can; a shard that cannot be reached is a {@link SourceUnavailableException}. See
 * docs/scaling.md.
 *
 * <p><b>As a store</b>, {@link #write(CandleSeries, TimeRange)} keeps closed candles with their
 * extra columns and flags and records the range complete after them, and {@link #coverage} says
 * what is held; the table needs the columns of schema version 2 ({@link ClickHouseSchema}).
 *
 * <p><b>Safety.</b> Identifiers (database, table, columns, settings) must match {@code
 * [A-Za-z_][A-Za-z0-9_]*}; every value in a query, symbols included, is escaped by the SDK, as old
 * servers have no query parameters. The password goes in a request header, never in a URL, message
 * or log.
 *
 * <p><b>Errors.</b> A symbol the table holds nothing of — no row of its text form at any time, and
 * in a store no recorded range — gives a {@link io.github.ohlcv4j.SymbolNotFoundException}, looked
 * up with one small read only when a query's whole answer is empty; an empty range of a known
 * symbol is an empty series. A missing table or column gives a non-retryable {@link
 * SourceUnavailableException} that says how to create the schema; a wrong user or password an
 * {@link io.github.ohlcv4j.AuthenticationException}; timeouts, connection failures and server-side
 * failures a retryable {@link SourceUnavailableException}; a result the server broke off midway
 * (ClickHouse appends its error to a stream it has started) the error the server reported, and a
 * result cut short a retryable {@link DataFormatException} — never a shortened series.
 *
 * <p>Thread-safe; share one instance. {@link #close()} releases nothing shared with other sources.
 */
public final class ClickHouseSource implements CandleStore {

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

  private final SourceSettings settings;
  private final TableHandle table;
  private final Reads reads;
  private final Store store;

  private ClickHouseSource(Builder b) {
    this.settings = SourceSettings.of(b);
    this.table = new TableHandle(settings);
    this.reads = new Reads(this, table);
    this.store = new Store(this, table, reads.reader());
  }

  /** A builder; settings not given come from the environment, then from defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return settings.name();
  }

  /**
   * Any whole multiple of the stored interval, resampled on the server, at most {@link
   * Builder#pageSize(int)} rows a request.
   */
  @Override
  public SourceCapabilities capabilities() {
    return reads.capabilities();
  }

  /** The HTTP endpoint, without credentials. */
  public String url() {
    return settings.url().toString();
  }

  /** The database. */
  public String database() {
    return settings.database();
  }

  /** The table. */
  public String table() {
    return settings.table();
  }

  /** The user. */
  public String user() {
    return settings.user();
  }

  /** The column names. */
  public ColumnMapping columns() {
    return settings.columns();
  }

  /** The interval of the stored candles. */
  public Interval interval() {
    return settings.interval();
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
    return reads.cursor(query);
  }

  /**
   * Fetches several symbols with one request per window (instead of one per symbol), each answered
   * as {@link #fetch(OhlcvQuery)} would answer {@code query} for it: resampled, filled, trimmed and
   * limited per symbol. Runs in the calling thread, without retries.
   *
   * @param symbols the symbols; distinct, at least one
   * @param query the query; its own symbol is ignored
   * @return one series per symbol, in the order given (an empty series for a symbol without candles
   *     in the range, whether the table knows it or not)
   * @throws IllegalArgumentException if {@code symbols} is empty or two of them share a text form
   * @throws OhlcvException if any request fails; never returns part of the answer
   */
  public Map<Symbol, CandleSeries> fetchAll(Collection<Symbol> symbols, OhlcvQuery query) {
    Objects.requireNonNull(symbols, "symbols");
    Objects.requireNonNull(query, "query");
    return reads.fetchAll(symbols, query);
  }

  /**
   * Stores the closed candles of {@code candles} — with their extra columns and their partial and
   * suspect flags — without recording coverage; see {@link #write(CandleSeries, TimeRange)}.
   *
   * @throws IllegalArgumentException if the series' interval is not the table's, a calendar
   *     interval is aligned in another zone than UTC, an open time is off the interval grid or does
   *     not fit the time column
   * @throws io.github.ohlcv4j.source.StoreSchemaException if the table cannot keep candles as a
   *     store (run {@link ClickHouseSchema#migrate()}), or keeps every copy of a row. A table that
   *     does not exist is created, by {@link ClickHouseSchema#migrate()}, on the first write.
   * @throws OhlcvException if the server refuses a statement or cannot be reached
   */
  @Override
  public WriteResult write(CandleSeries candles) {
    Objects.requireNonNull(candles, "candles");
    return store.write(candles, null);
  }

  /**
   * Stores the closed candles of {@code candles} and records {@code covered} (aligned to the
   * interval, cut before the first candle that has not closed) as complete. Blocks.
   *
   * <p><b>Keys and values.</b> A candle is keyed by its symbol's text form and open time in this
   * table, which holds one interval (calendar candles aligned in UTC). A candle flagged in
   * progress, ending after the source's clock, or invented by gap filling is skipped and counted;
   * every other one is stored as it came, NaN prices of a suspect candle included, and read back
   * {@code equal}. A candle already stored is replaced (the table is a {@code ReplacingMergeTree},
   * read with {@code FINAL}); one already stored exactly so is not sent again.
   *
   * <p><b>Order, not a transaction.</b> ClickHouse has no transaction over two tables: the candles
   * are stored first (in one INSERT per million rows or 100 months, each of which the server stores
   * whole), and the range is recorded complete only after all of them. A failure or a crash in
   * between leaves candles without coverage — never coverage without candles — and writing the same
   * series again is safe. On a cluster the rows are on their shard when this returns.
   *
   * @throws IllegalArgumentException as {@link #write(CandleSeries)}
   * @throws io.github.ohlcv4j.source.StoreSchemaException as {@link #write(CandleSeries)}
   * @throws OhlcvException if the server refuses a statement or cannot be reached; the candles of
   *     batches before the failure are stored, the range is not recorded
   */
  @Override
  public WriteResult write(CandleSeries candles, TimeRange covered) {
    Objects.requireNonNull(candles, "candles");
    Objects.requireNonNull(covered, "covered");
    return store.write(candles, covered);
  }

  /**
   * The ranges recorded complete for {@code symbol}, and the open times in them with no stored
   * candle (ranges the venue had no candles for). {@link Coverage#none()} for another interval than
   * the table's, for calendar candles in another zone than UTC, and for a table without the
   * coverage table. Blocks; reads the recorded ranges and the stored open times in them.
   *
   * @throws OhlcvException if the server cannot be reached
   */
  @Override
  public Coverage coverage(Symbol symbol, Interval interval, ZoneId zone) {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(zone, "zone");
    return store.coverage(symbol, interval, zone, Long.MIN_VALUE);
  }

  /**
   * {@link #coverage(Symbol, Interval, ZoneId)}, with the empty ranges that end after {@code
   * emptyAfter} only: the stored open times are read from there on (an empty range reaching back
   * before it is given from its true start, with one more small read), not over the whole recorded
   * range. The recorded complete ranges still hold every empty range left out.
   *
   * @throws OhlcvException if the server cannot be reached
   */
  @Override
  public Coverage coverage(Symbol symbol, Interval interval, ZoneId zone, Instant emptyAfter) {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(emptyAfter, "emptyAfter");
    return store.coverage(symbol, interval, zone, Store.millis(emptyAfter));
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
    return table.health();
  }

  /** Nothing to release: connections belong to the shared HTTP client. Idempotent. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "ClickHouseSource{" + settings.describe() + "}";
  }

  /** The table this source reads, shared with its writers and schema. */
  TableHandle tableHandle() {
    return table;
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
    @Nullable String url;
    @Nullable String database;
    @Nullable String table;
    @Nullable String user;
    @Nullable String password;
    ColumnMapping columns = ColumnMapping.ofDefaults();
    Interval interval = Interval.M1;
    @Nullable TimeColumnType timeType;
    @Nullable Boolean useFinal;
    boolean compression;
    final Map<String, String> settings = new LinkedHashMap<>();
    @Nullable Duration connectTimeout;
    @Nullable Duration readTimeout;
    @Nullable Duration queryTimeout;
    int pageSize = 1_000_000;
    @Nullable String name;
    SourceContext context = SourceContext.ofDefaults();

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

    /** The column names; {@link ColumnMapping#ofDefaults()} by default. */
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
     * (the default), it is used exactly when the table's engine is a {@code ReplacingMergeTree}, or
     * the table is a {@code Distributed} table over such tables.
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

    /**
     * How long to wait for a connection; by default the context's {@link
     * SourceContext#connectTimeout()} if set (a client's {@code connectTimeout}), else 10 seconds.
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long to wait for the next bytes of a response; by default the context's {@link
     * SourceContext#readTimeout()} if set, else 60 seconds.
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * How long one request may take, from sending it to reading the last byte; by default the
     * context's {@link SourceContext#callTimeout()} if set, else 5 minutes; {@link Duration#ZERO}
     * for no limit. The HTTP call is cancelled when it runs out, which makes the server stop a
     * read. No setting is sent for it, as read-only users may not send any; to have the server
     * enforce a limit itself, add {@code setting("max_execution_time", "300")}.
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
     * The clock, environment and shared HTTP client to use; {@link SourceContext#ofDefaults()} by
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
