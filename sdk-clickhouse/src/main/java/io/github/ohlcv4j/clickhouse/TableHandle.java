package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.clickhouse.internal.ClusterSettings;
import io.github.ohlcv4j.clickhouse.internal.ClusterTopology;
import io.github.ohlcv4j.clickhouse.internal.Connection;
import io.github.ohlcv4j.clickhouse.internal.DistributedEngine;
import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.internal.http.Redact;
import io.github.ohlcv4j.source.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candle table of one source, shared by the source, its writers and its schema: the connection
 * to the server, and what the server says about the table — its version, engine and columns — read
 * once and checked against the column mapping ({@link #resolve()}). Thread-safe.
 */
final class TableHandle {

  private static final Logger LOG = LoggerFactory.getLogger("io.github.ohlcv4j.clickhouse");

  private final SourceSettings settings;
  private final AtomicBoolean warnedShardingKey = new AtomicBoolean();
  private final Connection connection;
  private final AtomicReference<@Nullable CompletableFuture<Resolved>> resolved =
      new AtomicReference<>();

  TableHandle(SourceSettings settings) {
    this.settings = settings;
    this.connection =
        new Connection(
            settings.client(),
            settings.url(),
            settings.credentials(),
            settings.httpSettings(),
            settings.name(),
            Sql.qualified(settings.database(), settings.table()));
  }

  SourceSettings settings() {
    return settings;
  }

  Connection connection() {
    return connection;
  }

  /** The source's name, for messages. */
  String name() {
    return settings.name();
  }

  /** Reads version, engine and columns now, without caching. */
  CompletableFuture<TableInfo> describe() {
    return describe(settings.table());
  }

  /**
   * Reads the server version and the engine and columns of {@code table} in the source's database.
   * An answer that is not a description fails with a {@link DataFormatException} whose message
   * shows what came, with the password masked (a proxy may echo the request).
   */
  CompletableFuture<TableInfo> describe(String table) {
    String asked = "describing " + settings.database() + "." + table;
    return connection
        .text(TableInfo.query(settings.database(), table), asked)
        .thenApply(
            tsv -> {
              try {
                return TableInfo.parse(tsv);
              } catch (IllegalArgumentException e) {
                throw new DataFormatException(
                    "Unexpected answer from "
                        + name()
                        + " "
                        + asked
                        + ": "
                        + connection.credentials().redact(String.valueOf(e.getMessage()))
                        + ". Is the URL a ClickHouse HTTP endpoint?",
                    name(),
                    null,
                    null);
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
      CompletableFuture<Resolved> checked;
      try {
        checked = describe().thenCompose(this::withCluster);
      } catch (RuntimeException e) {
        checked = CompletableFuture.failedFuture(e);
      }
      checked.whenComplete(
          (r, error) -> {
            if (error == null) {
              mine.complete(r);
              return;
            }
            resolved.compareAndSet(mine, null);
            mine.completeExceptionally(Errors.unwrap(error));
          });
      return mine;
    }
  }

  /**
   * Checks a description; for a {@code Distributed} table first asks the server about the cluster
   * behind it (the local table's engine, the user's {@code readonly}, the shards and replicas).
   */
  private CompletableFuture<Resolved> withCluster(TableInfo info) {
    if (!info.exists() || !"Distributed".equals(info.engine())) {
      return CompletableFuture.completedFuture(check(info));
    }
    DistributedEngine engine =
        info.distributed()
            .orElseThrow(
                () ->
                    unfit(
                        settings.qualifiedName()
                            + " is a Distributed table whose engine cannot be read: "
                            + Sql.printable(info.engineFull())));
    String asked =
        "describing the cluster " + engine.cluster() + " behind " + settings.qualifiedName();
    return connection
        .text(ClusterTopology.query(engine), asked)
        .thenApply(tsv -> parseTopology(tsv, asked))
        .thenCompose(
            topology -> {
              if (topology.localEngine().isPresent() || settings.useFinal() != null) {
                return CompletableFuture.completedFuture(topology);
              }
              // This node holds no local table: ask the shards (needs table functions, which a
              // user with readonly=1 may not use).
              String onShards =
                  "reading the engine of "
                      + engine.database()
                      + "."
                      + engine.table()
                      + " on the shards of "
                      + engine.cluster();
              return connection
                  .text(ClusterTopology.enginesOnShards(engine), onShards)
                  .handle(
                      (tsv, error) -> {
                        Optional<String> found =
                            tsv == null ? Optional.empty() : ClusterTopology.firstEngine(tsv);
                        if (error != null || found.isEmpty()) {
                          SourceUnavailableException e =
                              unfit(
                                  settings.qualifiedName()
                                      + " is a Distributed table over "
                                      + engine.database()
                                      + "."
                                      + engine.table()
                                      + ", which this node does not hold and whose engine could not"
                                      + " be read on the shards"
                                      + (error == null
                                          ? ""
                                          : " (" + Errors.unwrap(error).getMessage() + ")")
                                      + "; set useFinal(true) if the local tables are"
                                      + " ReplacingMergeTrees, else useFinal(false)");
                          throw e;
                        }
                        return topology.withLocalEngine(found.get());
                      });
            })
        .thenApply(topology -> check(info, new Resolved.Cluster(engine, topology)));
  }

  private ClusterTopology parseTopology(String tsv, String asked) {
    try {
      return ClusterTopology.parse(tsv);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(
          "Unexpected answer from "
              + name()
              + " "
              + asked
              + ": "
              + connection.credentials().redact(String.valueOf(e.getMessage())),
          name(),
          null,
          null);
    }
  }

  /** Forgets what {@link #resolve()} learned, after the schema changed. */
  void forget() {
    resolved.set(null);
  }

  /**
   * Checks the table against the column mapping and the configured time type.
   *
   * @throws SourceUnavailableException (not retryable) saying what does not fit
   */
  Resolved check(TableInfo info) {
    return check(info, null);
  }

  private Resolved check(TableInfo info, Resolved.@Nullable Cluster cluster) {
    String qualified = settings.qualifiedName();
    ColumnMapping columns = settings.columns();
    if (!info.exists()) {
      throw new SourceUnavailableException(
          name()
              + ": the table "
              + qualified
              + " does not exist on "
              + Redact.url(settings.url())
              + " (ClickHouse "
              + info.version()
              + "). Create it with ClickHouseSchema.builder(source).build().migrate(), or point"
              + " the source at an existing table with database(..) and table(..).",
          name(),
          false,
          null,
          "60",
          null);
    }
    Optional<String> problems = info.problems(columns);
    if (problems.isPresent()) {
      throw unfit(
          "the table "
              + qualified
              + " does not fit the column mapping "
              + columns.all()
              + ": "
              + problems.get()
              + ". Map the columns with columns(ColumnMapping.builder()...), or create a table"
              + " with ClickHouseSchema.");
    }
    TimeColumnType actual = info.timeType(columns);
    TimeColumnType configured = settings.timeType();
    if (configured != null && configured != actual) {
      throw unfit(
          "timeColumnType("
              + configured
              + ") was set, but "
              + qualified
              + "."
              + columns.time()
              + " is "
              + info.type(columns.time()).orElse("?")
              + "; set "
              + actual
              + " or leave it unset to use the table's type.");
    }
    if (actual == TimeColumnType.DATE_TIME64_3 && !info.dialect().hasDateTime64()) {
      throw unfit("ClickHouse " + info.version() + " cannot read DateTime64 columns");
    }
    boolean replacing = info.isReplacing();
    Map<String, String> reads = Map.of();
    Map<String, String> inserts = Map.of();
    if (cluster != null) {
      DistributedEngine engine = cluster.engine();
      ClusterTopology topology = cluster.topology();
      if (topology.shards() == 0) {
        throw unfit(
            qualified
                + " is a Distributed table over the cluster "
                + engine.cluster()
                + ", which this server does not define (system.clusters); point the source at a"
                + " node of that cluster");
      }
      replacing = topology.localEngine().map(TableInfo::isReplacing).orElse(false);
      boolean bySymbol = engine.shardsBy(columns.symbol());
      if (!bySymbol && topology.shards() > 1 && warnedShardingKey.compareAndSet(false, true)) {
        LOG.warn(
            "{}: the Distributed table {} is sharded by {}, not by the symbol column {}: the"
                + " candles of one symbol are spread over shards, so FINAL cannot collapse a"
                + " candle written twice to two shards, and every read asks every shard. Shard by"
                + " cityHash64({}) (ClickHouseSchema.builder(source).cluster(..) does).",
            name(),
            qualified,
            engine.shardingKey().orElse("nothing"),
            columns.symbol(),
            columns.symbol());
      }
      reads = ClusterSettings.reads(info.version(), topology, bySymbol);
      inserts = ClusterSettings.inserts(info.version(), topology);
    }
    boolean fin = settings.useFinal() != null ? settings.useFinal() : replacing;
    QueryCompiler compiler =
        new QueryCompiler(
            settings.database(), settings.table(), columns, info.dialect(), actual, fin, info);
    return new Resolved(
        info,
        actual,
        fin,
        compiler,
        Optional.ofNullable(cluster),
        withoutUserSettings(reads),
        withoutUserSettings(inserts));
  }

  /** The SDK's settings the user did not set otherwise (the user's win). */
  private Map<String, String> withoutUserSettings(Map<String, String> sdk) {
    Map<String, String> out = new LinkedHashMap<>(sdk);
    out.keySet().removeAll(settings.httpSettings().keySet());
    return Map.copyOf(out);
  }

  /** A non-retryable error about the table, naming the source. */
  SourceUnavailableException unfit(String what) {
    return new SourceUnavailableException(name() + ": " + what, name(), false, null, null, null);
  }

  /**
   * Waits for a future of this table's, for the blocking calls of the source, the writer and the
   * schema. Its error is rethrown with the waiting caller's stack added.
   *
   * @param doing what the caller waits for, for the message if it is interrupted
   */
  <T> T await(CompletableFuture<T> f, String doing) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new OhlcvException("Interrupted while " + doing + " (" + name() + ")", e);
    } catch (ExecutionException | CancellationException e) {
      Throwable c = Errors.unwrap(e);
      OhlcvException x =
          c instanceof OhlcvException
              ? (OhlcvException) c
              : new SourceUnavailableException(
                  "Unexpected error from " + name() + " while " + doing + ": " + c,
                  name(),
                  false,
                  null,
                  null,
                  c);
      x.addSuppressed(new IllegalStateException("the caller waited here"));
      throw x;
    }
  }

  /**
   * Pings the server, reads its version and checks the table: up when all is well, degraded when
   * the server answers but the table is missing or unusable, down when the server does not answer
   * or refuses the credentials. Blocks.
   */
  Health health() {
    Instant at = settings.clock().instant();
    String name = name();
    Duration latency;
    try {
      latency = await(connection.ping(), "pinging the server");
    } catch (OhlcvException e) {
      return new Health(name, Health.Status.DOWN, Optional.empty(), Optional.empty(), msg(e), at);
    }
    TableInfo info;
    try {
      info = await(describe(), "describing the table");
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

  private static String msg(OhlcvException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
