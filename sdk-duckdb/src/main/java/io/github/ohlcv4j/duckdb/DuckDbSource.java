package io.github.ohlcv4j.duckdb;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.duckdb.internal.CoverageTable;
import io.github.ohlcv4j.duckdb.internal.Database;
import io.github.ohlcv4j.duckdb.internal.DuckDbSourceProvider;
import io.github.ohlcv4j.duckdb.internal.Extras;
import io.github.ohlcv4j.duckdb.internal.ReadPlan;
import io.github.ohlcv4j.duckdb.internal.Reader;
import io.github.ohlcv4j.duckdb.internal.Schema;
import io.github.ohlcv4j.duckdb.internal.SeriesKey;
import io.github.ohlcv4j.duckdb.internal.StoreWriter;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.StoreLockedException;
import io.github.ohlcv4j.source.StoreSchemaException;
import io.github.ohlcv4j.source.WriteResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.jspecify.annotations.Nullable;

/**
 * A candle store in one local DuckDB file (or in memory): a full {@link
 * io.github.ohlcv4j.source.CandleSource} — ranges, {@code latest(n)}, resampling done by DuckDB,
 * pages — that also keeps what it is given, and knows which ranges it holds complete. Open one by
 * URI ({@code CandleSources.open("duckdb:/data/candles.duckdb")}) or build one:
 *
 * <pre>{@code
 * try (DuckDbSource store = DuckDbSource.builder().path(Path.of("candles.duckdb")).build()) {
 *   store.write(minutes, new TimeRange(from, to));        // candles and the range they cover
 *   CandleSeries hourly = store.fetch(OhlcvQuery.builder()
 *       .symbol("BINANCE:BTCUSDT").between(from, to)
 *       .resample(Interval.H1)                              // done by DuckDB
 *       .build());
 *   store.export(query, Path.of("hourly.parquet"), ExportFormat.PARQUET);
 * }
 * }</pre>
 *
 * <p><b>What it keeps.</b> Candles keyed by the symbol's text form, interval and open time (and,
 * for days, weeks and months, the zone they are aligned in), with their extra columns and flags, as
 * {@link CandleStore} describes; a query reads the candles stored under its interval. Writes are
 * idempotent upserts of closed candles: in-progress candles are skipped, never stored as final.
 * Coverage records, per series, the ranges held complete and the ranges the venue had no candles
 * for. The tables ({@code ohlcv4j_candles}, {@code ohlcv4j_coverage}, {@code ohlcv4j_series},
 * {@code ohlcv4j_schema_migrations}) are created when missing and migrated when older (version
 * {@value #SCHEMA_VERSION}); other tables in the file are left alone.
 *
 * <p><b>Reading.</b> Each query becomes one SQL query per window of about {@link
 * Builder#pageSize(int)} rows, read straight into columns. Resampling runs in DuckDB with the
 * semantics of {@link CandleSeries#resample(Interval)} — the same candles, flags included — when
 * the range starts on a bucket boundary, and in the JVM otherwise; gap filling, dropping the candle
 * in progress and the final trimming are done by the same code as for every source. A query whose
 * whole answer is empty and whose symbol the store holds nothing of (no candle at any interval or
 * time, no recorded range) fails with a {@link SymbolNotFoundException}; an empty range of a known
 * symbol is an empty series. The lookup is one more query, made only for empty answers.
 *
 * <p><b>Crash safety and concurrency.</b> Every write is one DuckDB transaction (its write-ahead
 * log makes it durable when it commits): a process killed during a write leaves the store as it was
 * before that write, so coverage never claims candles that are not there. Writes to one file are
 * serialized within the JVM; reads run concurrently with them and see committed data only. DuckDB
 * lets one process open a file for writing: a second process gets a {@link StoreLockedException}
 * when it opens it. A file that is not a store this library can use — a newer schema version,
 * tables of these names made by another program, a damaged or foreign file — fails to open with a
 * {@link StoreSchemaException}, and nothing is changed.
 *
 * <p>Thread-safe; share one instance per file. {@link #close()} closes the database.
 */
public final class DuckDbSource implements CandleStore {

  /** The schema version this library creates and reads. */
  public static final int SCHEMA_VERSION = Schema.LATEST_VERSION;

  /**
   * Environment variable (or system property) with the file {@code duckdb:} alone opens; by default
   * {@code ~/.ohlcv4j/candles.duckdb}.
   */
  public static final String ENV_PATH = "OHLCV4J_DUCKDB_PATH";

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String name;
  private final @Nullable Path file;
  private final int pageSize;
  private final Clock clock;
  private final Database db;
  private final int schemaVersion;
  private final SourceCapabilities capabilities;
  private final ExecutorService executor;

  private DuckDbSource(Builder b) {
    this.file = b.inMemory ? null : resolve(b);
    this.name = b.name != null ? b.name : "duckdb:" + (file == null ? ":memory:" : file.toString());
    this.pageSize = b.pageSize;
    this.clock = b.context.clock();
    this.capabilities =
        SourceCapabilities.builder()
            .anyMultipleOf(Interval.of(1, Interval.Unit.SECOND))
            .maxRowsPerRequest(pageSize)
            .serverSideResample(true)
            .build();
    if (file != null && !b.readOnly) {
      try {
        Path parent = file.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
      } catch (IOException e) {
        throw SourceUnavailableException.permanent(
                name, name + ": cannot create the directory of " + file + ": " + e)
            .cause(e)
            .build();
      }
    }
    if (file != null && b.readOnly && !Files.exists(file)) {
      throw StoreSchemaException.of(
              name, name + ": " + file + " does not exist, and it was to be opened read-only")
          .build();
    }
    this.db = Database.open(name, file, b.readOnly);
    try {
      this.schemaVersion = Schema.migrate(db, name, clock.millis());
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ohlcv4j-duckdb-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** A builder; without {@link Builder#path} or {@link Builder#inMemory()}, the default file. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The file {@code duckdb:} alone opens: {@value #ENV_PATH} from {@code context}'s environment if
   * set, else {@code .ohlcv4j/candles.duckdb} in the user's home directory.
   */
  public static Path defaultPath(SourceContext context) {
    Objects.requireNonNull(context, "context");
    Optional<String> env = context.env(ENV_PATH);
    if (env.isPresent()) {
      return DuckDbSourceProvider.expandHome(env.get());
    }
    return Path.of(System.getProperty("user.home"), ".ohlcv4j", "candles.duckdb");
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Any interval (a whole number of seconds, or days, weeks and months), resampled by DuckDB, at
   * most {@link Builder#pageSize(int)} rows a query.
   */
  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  /** The file, or empty for an in-memory store. */
  public Optional<Path> path() {
    return Optional.ofNullable(file);
  }

  /** The schema version of the store's tables. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /**
   * The planned queries for {@code query}: one per window of about {@link Builder#pageSize(int)}
   * rows, in ascending time. No I/O happens until the first {@link PageCursor#next()}; each window
   * is read on the store's own threads, and cancelling a page's future cancels its query.
   */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    TimeRange range = query.rangeAt(clock.instant());
    ReadPlan plan = ReadPlan.of(query, range, pageSize);
    return new Cursor(query, plan);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The candles go through DuckDB's appender into a staging table, then replace the stored
   * candles with the same keys, in one transaction with the series' record.
   */
  @Override
  public WriteResult write(CandleSeries candles) {
    Objects.requireNonNull(candles, "candles");
    return StoreWriter.write(db, name, candles, null, clock.millis());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Candles and coverage are written in one DuckDB transaction.
   */
  @Override
  public WriteResult write(CandleSeries candles, TimeRange covered) {
    Objects.requireNonNull(candles, "candles");
    Objects.requireNonNull(covered, "covered");
    return StoreWriter.write(db, name, candles, covered, clock.millis());
  }

  @Override
  public Coverage coverage(Symbol symbol, Interval interval, ZoneId zone) {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(zone, "zone");
    SeriesKey key = SeriesKey.of(symbol, interval, zone);
    return db.read("reading the coverage of " + key, c -> CoverageTable.read(c, key));
  }

  /**
   * Writes the answer to {@code query} — exactly what {@link #fetch(OhlcvQuery)} returns, read a
   * page at a time — to {@code file} with DuckDB's {@code COPY}. Columns: {@code symbol}, {@code
   * interval}, {@code open_time} (a UTC timestamp), {@code open}, {@code high}, {@code low}, {@code
   * close}, {@code volume}, the extra columns the answer has (lower-case names, as in {@link
   * CandleSeries#toCsv(Appendable)}) and {@code flags}. The file appears whole or not at all: it is
   * written next to {@code file} and moved into place.
   *
   * @return the number of candles written
   * @throws UncheckedIOException if the file cannot be written
   * @throws OhlcvException if the query fails
   */
  public long export(OhlcvQuery query, Path file, ExportFormat format) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    try (Stream<CandleSeries> pages = pages(query)) {
      return export(pages.iterator(), file, format, "exporting " + query);
    }
  }

  /**
   * Writes {@code series} — from this store or any other source — to {@code file}, with the columns
   * of {@link #export(OhlcvQuery, Path, ExportFormat)}.
   *
   * @return the number of candles written
   */
  public long export(CandleSeries series, Path file, ExportFormat format) {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    return export(List.of(series).iterator(), file, format, "exporting " + series.symbol());
  }

  private long export(Iterator<CandleSeries> pages, Path file, ExportFormat format, String asked) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp;
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    }
    boolean moved = false;
    try {
      long rows =
          db.read(
              asked,
              c -> {
                String table = "ohlcv4j_export_" + Long.toHexString(System.nanoTime());
                try (Statement s = c.createStatement()) {
                  s.execute("SET TimeZone = 'UTC'");
                  StringBuilder ddl =
                      new StringBuilder("CREATE TEMP TABLE ")
                          .append(table)
                          .append(
                              " (symbol VARCHAR, \"interval\" VARCHAR, open_time TIMESTAMPTZ, open"
                                  + " DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE");
                  for (ExtraColumn x : Extras.ALL) {
                    ddl.append(", ").append(Extras.column(x)).append(" DOUBLE");
                  }
                  ddl.append(", flags UTINYINT)");
                  s.execute(ddl.toString());
                  try {
                    long n = 0;
                    int mask = 0;
                    try (DuckDBAppender a = c.createAppender("temp", "main", table)) {
                      while (pages.hasNext()) {
                        CandleSeries p = pages.next();
                        mask |= Extras.maskOf(p);
                        appendAll(a, p);
                        n += p.size();
                      }
                    }
                    StringBuilder select =
                        new StringBuilder(
                            "SELECT symbol, \"interval\", open_time, open, high, low, close,"
                                + " volume");
                    for (ExtraColumn x : Extras.of(mask)) {
                      select.append(", ").append(Extras.column(x));
                    }
                    select.append(", flags FROM ").append(table).append(" ORDER BY open_time");
                    String options =
                        format == ExportFormat.PARQUET
                            ? "(FORMAT parquet)"
                            : "(FORMAT csv, HEADER true)";
                    s.execute(
                        "COPY ("
                            + select
                            + ") TO '"
                            + tmp.toString().replace("'", "''")
                            + "' "
                            + options);
                    return n;
                  } finally {
                    s.execute("DROP TABLE IF EXISTS " + table);
                  }
                }
              });
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // nothing more to do
        }
      }
    }
  }

  private static void appendAll(DuckDBAppender a, CandleSeries p) throws SQLException {
    String symbol = p.symbol().toString();
    String interval = p.interval().toString();
    for (int i = 0; i < p.size(); i++) {
      a.beginRow()
          .append(symbol)
          .append(interval)
          .appendEpochMicros(p.openTimeMillis(i) * 1000)
          .append(p.open(i))
          .append(p.high(i))
          .append(p.low(i))
          .append(p.close(i))
          .append(p.volume(i));
      for (ExtraColumn x : Extras.ALL) {
        if (p.has(x)) {
          a.append(p.extra(x, i));
        } else {
          a.appendNull();
        }
      }
      a.append((byte) p.flags(i)).endRow();
    }
  }

  /**
   * Checks that the database answers: {@link Health.Status#UP} with DuckDB's version, {@link
   * Health.Status#DOWN} when the store is closed or the check fails.
   */
  @Override
  public Health health() {
    Instant at = clock.instant();
    long start = System.nanoTime();
    try {
      String version =
          db.read(
              "checking health",
              c -> {
                try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT version()")) {
                  r.next();
                  return "DuckDB " + r.getString(1);
                }
              });
      return new Health(
          name,
          Health.Status.UP,
          Optional.of(java.time.Duration.ofNanos(System.nanoTime() - start)),
          Optional.of(version),
          "",
          at);
    } catch (OhlcvException e) {
      return new Health(
          name,
          Health.Status.DOWN,
          Optional.empty(),
          Optional.empty(),
          e.getMessage() == null ? e.toString() : e.getMessage(),
          at);
    }
  }

  /** Closes the database (it checkpoints its log into the file). Idempotent. */
  @Override
  public void close() {
    executor.shutdownNow();
    db.close();
  }

  @Override
  public String toString() {
    return "DuckDbSource{" + (file == null ? ":memory:" : file.toString()) + "}";
  }

  private static Path resolve(Builder b) {
    Path p = b.path != null ? b.path : defaultPath(b.context);
    Path abs = p.toAbsolutePath().normalize();
    try {
      // The canonical path: the driver shares one database instance per path string, and the
      // write lock is per file.
      Path parent = abs.getParent();
      if (parent != null && Files.isDirectory(parent)) {
        return parent.toRealPath().resolve(abs.getFileName());
      }
    } catch (IOException e) {
      // keep the absolute path
    }
    return abs;
  }

  /** Walks the windows of one query. */
  private final class Cursor implements PageCursor {
    private final OhlcvQuery query;
    private final ReadPlan plan;
    private final SeriesKey key;
    private volatile long next;
    private volatile int extras = -1;
    private volatile boolean closed;
    private volatile boolean sawCandles;
    private final AtomicReference<@Nullable Statement> running = new AtomicReference<>();
    private volatile @Nullable CompletableFuture<Page> inflight;

    Cursor(OhlcvQuery query, ReadPlan plan) {
      this.query = query;
      this.plan = plan;
      this.key = SeriesKey.of(query.symbol(), query.interval(), query.zone());
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
      CompletableFuture<Page> page = new CompletableFuture<>();
      page.whenComplete(
          (p, e) -> {
            if (page.isCancelled()) {
              cancelRunning();
            }
          });
      inflight = page;
      try {
        executor.execute(
            () -> {
              if (page.isDone()) {
                return;
              }
              try {
                CandleSeries s = readWindow(start, end);
                if (!s.isEmpty()) {
                  sawCandles = true;
                } else if (!sawCandles && !plan.hasWindow(end) && !known()) {
                  throw unknown();
                }
                next = end;
                page.complete(Page.of(s));
              } catch (RuntimeException e) {
                page.completeExceptionally(OhlcvException.unwrap(e));
              }
            });
      } catch (RejectedExecutionException e) {
        page.completeExceptionally(
            SourceUnavailableException.permanent(name, name + " is closed; cannot read " + query)
                .cause(e)
                .build());
      }
      return page;
    }

    /**
     * Whether the store holds anything of the query's symbol: a candle of any interval and time, or
     * a recorded range. Asked only when the whole answer came back empty.
     */
    private boolean known() {
      return db.read(
          "looking up whether " + name + " holds " + query.symbol(),
          c -> {
            try (PreparedStatement p =
                c.prepareStatement(
                    "SELECT EXISTS (SELECT 1 FROM "
                        + Schema.CANDLES
                        + " WHERE symbol = ?) OR EXISTS (SELECT 1 FROM "
                        + Schema.COVERAGE
                        + " WHERE symbol = ?)")) {
              p.setString(1, key.symbol());
              p.setString(2, key.symbol());
              try (ResultSet r = p.executeQuery()) {
                return r.next() && r.getBoolean(1);
              }
            }
          });
    }

    private SymbolNotFoundException unknown() {
      return SymbolNotFoundException.of(
              name,
              name
                  + " holds no candle of "
                  + query.symbol()
                  + " (stored as \""
                  + key.symbol()
                  + "\") at any interval or time. Symbols are stored by their text form,"
                  + " VENUE:CODE; see what the store holds with SELECT DISTINCT symbol FROM "
                  + Schema.CANDLES
                  + ", or read the symbol through from a venue.")
          .build();
    }

    private CandleSeries readWindow(long start, long end) {
      String asked =
          "reading "
              + key
              + " "
              + plan.pageInterval()
              + " ["
              + Instant.ofEpochMilli(start)
              + ", "
              + Instant.ofEpochMilli(end)
              + ")";
      return db.read(
          asked,
          c -> {
            try {
              if (extras < 0) {
                extras = StoreWriter.extrasOf(c, key);
              }
              return Reader.read(c, key, extras, query, plan, start, end, name, running::set);
            } finally {
              running.set(null);
            }
          });
    }

    private void cancelRunning() {
      Statement s = running.get();
      if (s != null) {
        try {
          s.cancel();
        } catch (SQLException e) {
          // the query has finished
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      CompletableFuture<Page> f = inflight;
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  /**
   * Builds a {@link DuckDbSource}. Without {@link #path(Path)} or {@link #inMemory()} the store is
   * the default file ({@link #defaultPath(SourceContext)}). Not thread-safe.
   */
  public static final class Builder {
    private @Nullable Path path;
    private boolean inMemory;
    private boolean readOnly;
    private int pageSize = 1_000_000;
    private @Nullable String name;
    private SourceContext context = SourceContext.ofDefaults();

    Builder() {}

    /** The store's file; created, with its directories, when missing. */
    public Builder path(Path path) {
      this.path = Objects.requireNonNull(path, "path");
      this.inMemory = false;
      return this;
    }

    /** A store in memory, gone when closed. */
    public Builder inMemory() {
      this.inMemory = true;
      this.path = null;
      return this;
    }

    /**
     * Open the file read-only: writes fail, and other processes may read the file at the same time
     * (DuckDB lets several processes read a file no process writes). The file must exist and hold a
     * store of the current schema version. Off by default.
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * About how many rows one query returns; 1,000,000 by default. Smaller pages mean less memory
     * when streaming with {@code pages(query)}.
     */
    public Builder pageSize(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("pageSize must be positive: " + rows);
      }
      this.pageSize = rows;
      return this;
    }

    /** The store's name for logs, metrics and errors; {@code duckdb:PATH} by default. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The clock (which decides which candles have closed) and the environment ({@value
     * DuckDbSource#ENV_PATH}); {@link SourceContext#ofDefaults()} by default.
     */
    public Builder context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Opens the store: opens or creates the file and creates or migrates its tables.
     *
     * @throws StoreLockedException if another process holds the file
     * @throws StoreSchemaException if the file or its tables cannot be used (nothing is changed)
     * @throws SourceUnavailableException if the file cannot be created
     */
    public DuckDbSource build() {
      if (inMemory && readOnly) {
        throw new IllegalArgumentException("An in-memory store cannot be read-only");
      }
      return new DuckDbSource(this);
    }
  }
}
