package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.clickhouse.internal.Connection;
import io.github.ohlcv4j.clickhouse.internal.QueryCompiler;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.clickhouse.internal.TableInfo;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.internal.http.Redact;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The candle table of one source, shared by the source, its writers and its schema: the connection
 * to the server, and what the server says about the table — its version, engine and columns — read
 * once and checked against the column mapping ({@link #resolve()}). Thread-safe.
 */
final class TableHandle {

  private final SourceSettings settings;
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
      CompletableFuture<TableInfo> described;
      try {
        described = describe();
      } catch (RuntimeException e) {
        described = CompletableFuture.failedFuture(e);
      }
      described.whenComplete(
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

  /**
   * Checks the table against the column mapping and the configured time type.
   *
   * @throws SourceUnavailableException (not retryable) saying what does not fit
   */
  Resolved check(TableInfo info) {
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
    boolean fin = settings.useFinal() != null ? settings.useFinal() : info.isReplacing();
    QueryCompiler compiler =
        new QueryCompiler(
            settings.database(), settings.table(), columns, info.dialect(), actual, fin, info);
    return new Resolved(info, actual, fin, compiler);
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
}
