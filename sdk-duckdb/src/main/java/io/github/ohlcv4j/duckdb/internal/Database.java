package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.source.StoreLockedException;
import io.github.ohlcv4j.source.StoreSchemaException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.duckdb.DuckDBConnection;
import org.jspecify.annotations.Nullable;

/**
 * One open DuckDB database: a root connection, a pool of connections duplicated from it for
 * concurrent reads, and the lock that serializes writes to the file within this JVM. DuckDB lets
 * one process write a file at a time (it locks the file) and, within the process, resolves
 * concurrent writers optimistically by failing one of two conflicting transactions; writing under
 * one lock per file instead means a write never fails for a conflict. The lock is shared by every
 * {@code Database} of the same file in this JVM, as is the database instance (the driver's instance
 * cache, keyed by the canonical path this class passes it).
 *
 * <p>Thread-safe.
 */
public final class Database implements AutoCloseable {

  /** A unit of work on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    /** Runs on {@code c}. */
    T run(DuckDBConnection c) throws SQLException;
  }

  private static final Map<String, ReentrantLock> WRITE_LOCKS = new ConcurrentHashMap<>();

  private final String name;
  private final @Nullable Path file;
  private final boolean readOnly;
  private final DuckDBConnection root;
  private final ReentrantLock writeLock;
  private final ConcurrentLinkedDeque<DuckDBConnection> idle = new ConcurrentLinkedDeque<>();
  private final List<DuckDBConnection> all = new ArrayList<>();
  private volatile boolean closed;

  private Database(String name, @Nullable Path file, boolean readOnly, DuckDBConnection root) {
    this.name = name;
    this.file = file;
    this.readOnly = readOnly;
    this.root = root;
    this.writeLock =
        WRITE_LOCKS.computeIfAbsent(
            file == null ? "memory:" + System.identityHashCode(root) : file.toString(),
            k -> new ReentrantLock());
  }

  /**
   * Opens (and for a writable file, creates) the database.
   *
   * @param name the store's name, for errors
   * @param file the canonical path of the file, or null for an in-memory database
   * @param readOnly whether to open the file read-only
   * @throws StoreLockedException if another process holds the file
   * @throws StoreSchemaException if the file is not a DuckDB database this driver can read
   */
  public static Database open(String name, @Nullable Path file, boolean readOnly) {
    Properties props = new Properties();
    if (readOnly) {
      props.setProperty("duckdb.read_only", "true");
    }
    String url = "jdbc:duckdb:" + (file == null ? "" : file.toString());
    try {
      Connection c = DriverManager.getConnection(url, props);
      return new Database(name, file, readOnly, c.unwrap(DuckDBConnection.class));
    } catch (SQLException e) {
      throw map(name, file, e, "opening " + (file == null ? "an in-memory database" : file));
    }
  }

  /** The file, or empty for an in-memory database. */
  public java.util.Optional<Path> file() {
    return java.util.Optional.ofNullable(file);
  }

  /** Whether the database was opened read-only. */
  public boolean readOnly() {
    return readOnly;
  }

  /** Runs {@code work} on a pooled connection; maps SQL errors. */
  public <T> T read(String asked, Work<T> work) {
    DuckDBConnection c = borrow(asked);
    boolean ok = false;
    try {
      T t = work.run(c);
      ok = true;
      return t;
    } catch (SQLException e) {
      throw map(name, file, e, asked);
    } finally {
      giveBack(c, ok);
    }
  }

  /** A pooled connection; give it back with {@link #giveBack}. */
  public DuckDBConnection borrow(String asked) {
    if (closed) {
      throw SourceUnavailableException.permanent(name, name + " is closed; cannot go on " + asked)
          .build();
    }
    DuckDBConnection c = idle.pollFirst();
    if (c != null) {
      return c;
    }
    try {
      DuckDBConnection d = root.duplicate();
      synchronized (all) {
        all.add(d);
      }
      return d;
    } catch (SQLException e) {
      throw map(name, file, e, asked);
    }
  }

  /** Returns a connection to the pool, or closes it when it may be in a bad state. */
  public void giveBack(DuckDBConnection c, boolean healthy) {
    boolean keep = healthy && !closed;
    if (keep) {
      try {
        keep = c.getAutoCommit() && !c.isClosed();
      } catch (SQLException e) {
        keep = false;
      }
    }
    if (keep) {
      idle.addFirst(c);
      return;
    }
    synchronized (all) {
      all.remove(c);
    }
    closeQuietly(c);
  }

  /**
   * Runs {@code work} in one transaction under the file's write lock: committed when it returns,
   * rolled back when it throws. Maps SQL errors.
   */
  public <T> T write(String asked, Work<T> work) {
    if (readOnly) {
      throw SourceUnavailableException.permanent(
              name,
              name
                  + " was opened read-only; cannot go on "
                  + asked
                  + ". Open it without readOnly=true to write.")
          .build();
    }
    writeLock.lock();
    try {
      DuckDBConnection c = borrow(asked);
      boolean ok = false;
      try {
        c.setAutoCommit(false);
        T t = work.run(c);
        c.commit();
        c.setAutoCommit(true);
        ok = true;
        return t;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
          c.setAutoCommit(true);
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        if (e instanceof SQLException) {
          throw map(name, file, (SQLException) e, asked);
        }
        throw (RuntimeException) e;
      } finally {
        giveBack(c, ok);
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs one statement on a pooled connection. */
  public void execute(String sql, String asked) {
    read(
        asked,
        c -> {
          try (Statement s = c.createStatement()) {
            return s.execute(sql); // whether it had a result set: not needed
          }
        });
  }

  /** Closes every connection; the database closes with the last one. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    writeLock.lock();
    try {
      List<DuckDBConnection> copy;
      synchronized (all) {
        copy = new ArrayList<>(all);
        all.clear();
      }
      idle.clear();
      for (DuckDBConnection c : copy) {
        closeQuietly(c);
      }
      closeQuietly(root);
    } finally {
      writeLock.unlock();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing: nothing left to do
    }
  }

  /**
   * A typed error for a DuckDB error: a file locked by another process, a file that is not a
   * database or from a newer DuckDB, and everything else as a non-retryable {@link
   * SourceUnavailableException} that quotes DuckDB.
   */
  public static OhlcvException map(String name, @Nullable Path file, SQLException e, String asked) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    String where = file == null ? "the in-memory store" : "the store file " + file;
    if (m.contains("Could not set lock on file") || m.contains("Conflicting lock")) {
      return StoreLockedException.of(
              name,
              name
                  + ": "
                  + where
                  + " is held by another process, so it cannot be opened for "
                  + asked
                  + " (DuckDB: "
                  + firstLine(m)
                  + "). DuckDB lets one process write a file at a time: close the other process, use"
                  + " another file, or open this one with readOnly=true where it is only read.")
          .cause(e)
          .build();
    }
    if (m.contains("not a valid DuckDB database file")
        || m.contains("is not a valid DuckDB")
        || m.contains("Corrupt database file")
        || m.contains("database file with version number")
        || m.contains("storage version")
        || m.contains("checksum")) {
      return StoreSchemaException.of(
              name,
              name
                  + ": "
                  + where
                  + " is not a DuckDB database this version can read, or it is damaged (DuckDB: "
                  + firstLine(m)
                  + "). Nothing was written to it. Point the store at another file, or open this one"
                  + " with the DuckDB version that wrote it.")
          .cause(e)
          .build();
    }
    if (m.contains("INTERRUPT") || m.contains("Interrupted")) {
      return new OhlcvException(name + ": " + asked + " was cancelled", e);
    }
    return SourceUnavailableException.permanent(
            name, name + ": DuckDB failed " + asked + ": " + firstLine(m))
        .cause(e)
        .build();
  }

  private static String firstLine(String m) {
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
