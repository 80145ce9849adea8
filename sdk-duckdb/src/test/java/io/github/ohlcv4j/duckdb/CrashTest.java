package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.Coverage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill killed with SIGKILL in the middle of a large write, then run again: no holes, no
 * duplicates, and at every point coverage claims only candles that are stored.
 */
class CrashTest {

  @TempDir Path dir;

  @Test
  void aBackfillKilledMidWriteResumesWithoutHolesOrDuplicates() throws Exception {
    Path file = dir.resolve("crash.duckdb");
    Path wal = dir.resolve("crash.duckdb.wal");
    List<String> log = new ArrayList<>();

    // 1. Killed as soon as it has started writing chunk 1 (chunk 0 is committed).
    killDuring(file, "writing 1", null, log);
    int held1 = check(file, log);
    assertTrue(held1 >= 1, "chunk 0 was committed before the kill: " + log);

    // 2. Resumes, and is killed once its next large write has reached the disk (the database
    //    file or its log grew): DuckDB writes big transactions before they commit.
    killDuring(file, "writing " + held1, List.of(file, wal), log);
    int held2 = check(file, log);
    assertTrue(held2 >= held1, log.toString());

    // 3. Runs to the end.
    Process p = StoreChild.start("backfill", file.toString());
    List<String> out = readAll(p);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out.toString());
    assertTrue(out.contains("done"), out.toString());
    assertEquals(StoreChild.CHUNKS, check(file, log));
    System.out.println("crash test: " + log + ", then " + out);
    try (DuckDbSource store = DuckDbSource.builder().path(file).build()) {
      Coverage c = store.coverage(StoreChild.SYMBOL, Interval.M1);
      assertEquals(List.of(StoreChild.all()), c.complete());
      assertEquals(List.of(), c.empty());
      CandleSeries stored = store.fetch(query(StoreChild.all()));
      assertEquals(StoreChild.candles(StoreChild.all()), stored);
    }
  }

  /** Starts a backfill and kills it with SIGKILL after {@code line} (and a file change). */
  private static void killDuring(Path file, String line, List<Path> grows, List<String> log)
      throws Exception {
    Process p = StoreChild.start("backfill", file.toString());
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String l;
    while ((l = r.readLine()) != null) {
      log.add(l);
      if (l.equals(line)) {
        break;
      }
    }
    assertEquals(line, l, "the child ended before \"" + line + "\": " + log);
    if (grows != null) {
      long before = size(grows);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (size(grows) == before && p.isAlive() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    }
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    log.add("killed (exit " + p.exitValue() + ")");
  }

  private static long size(List<Path> files) throws IOException {
    long n = 0;
    for (Path f : files) {
      if (Files.exists(f)) {
        n += Files.size(f);
      }
    }
    return n;
  }

  /**
   * Opens the store after a kill and checks it: no candle twice, each chunk whole or absent, and
   * every range coverage calls complete holds exactly the candles of the market. Returns how many
   * chunks are held.
   */
  private static int check(Path file, List<String> log) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT (symbol, \"interval\", zone, open_time)) FROM"
                    + " ohlcv4j_candles")) {
      r.next();
      assertEquals(r.getLong(2), r.getLong(1), "duplicates after " + log);
    }
    int held = 0;
    try (DuckDbSource store = DuckDbSource.builder().path(file).build()) {
      Coverage cov = store.coverage(StoreChild.SYMBOL, Interval.M1);
      assertEquals(List.of(), cov.empty(), "the market has no gaps");
      for (TimeRange complete : cov.complete()) {
        assertEquals(
            StoreChild.candles(complete),
            store.fetch(query(complete)),
            "coverage claims " + complete + " after " + log);
      }
      boolean gap = false;
      for (int k = 0; k < StoreChild.CHUNKS; k++) {
        CandleSeries got = store.fetch(query(StoreChild.chunk(k)));
        if (got.isEmpty()) {
          gap = true;
          continue;
        }
        assertTrue(!gap, "chunk " + k + " is there after a missing one: " + log);
        assertEquals(StoreChild.candles(StoreChild.chunk(k)), got, "chunk " + k + " is partial");
        assertTrue(cov.isComplete(StoreChild.chunk(k)), "chunk " + k + " written, not covered");
        held++;
      }
    }
    return held;
  }

  static OhlcvQuery query(TimeRange r) {
    return OhlcvQuery.builder().symbol(StoreChild.SYMBOL).between(r.from(), r.to()).build();
  }

  static List<String> readAll(Process p) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        out.add(l);
      }
    }
    return out;
  }
}
