package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.StoreLockedException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers at the same time: threads of one JVM on one file, and a second process. */
class ConcurrencyTest {

  @TempDir Path dir;

  static final Instant T0 = Instant.parse("2024-02-01T00:00:00Z");

  static TimeRange hours(long from, long to) {
    return new TimeRange(T0.plus(Duration.ofHours(from)), T0.plus(Duration.ofHours(to)));
  }

  /**
   * Two writers fill overlapping ranges at the same time, in pieces, each through its own store
   * object on the same file (and the same object, in a second round): one copy of every candle.
   */
  @Test
  void twoWritersFillingOverlappingRangesLeaveOneCorrectCopy() throws Exception {
    Path file = dir.resolve("shared.duckdb");
    TimeRange all = hours(0, 24 * 40);
    CandleSeries expected = StoreChild.candles(all);
    for (boolean sameObject : List.of(false, true)) {
      Path f = sameObject ? dir.resolve("same.duckdb") : file;
      try (DuckDbSource a = DuckDbSource.builder().path(f).build();
          DuckDbSource b = sameObject ? a : DuckDbSource.builder().path(f).build()) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier start = new CyclicBarrier(2);
        try {
          // A: hours 0..600 in 50-hour pieces, forwards; B: hours 360..960, backwards.
          Future<?> fa =
              pool.submit(
                  () -> {
                    start.await();
                    for (long h = 0; h < 600; h += 50) {
                      TimeRange r = hours(h, h + 50);
                      a.write(StoreChild.candles(r), r);
                    }
                    return null;
                  });
          Future<?> fb =
              pool.submit(
                  () -> {
                    start.await();
                    for (long h = 960; h > 360; h -= 40) {
                      TimeRange r = hours(h - 40, h);
                      b.write(StoreChild.candles(r), r);
                    }
                    return null;
                  });
          fa.get(120, TimeUnit.SECONDS);
          fb.get(120, TimeUnit.SECONDS);
        } finally {
          pool.shutdownNow();
        }
        CandleSeries stored =
            a.fetch(
                OhlcvQuery.builder()
                    .symbol(StoreChild.SYMBOL)
                    .between(all.from(), all.to())
                    .build());
        assertEquals(expected, stored);
        assertEquals(List.of(all), b.coverage(StoreChild.SYMBOL, Interval.M1).complete());
        assertEquals(List.of(), a.coverage(StoreChild.SYMBOL, Interval.M1).empty());
      }
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + f);
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT count(*), count(DISTINCT open_time), (SELECT count(*) FROM"
                      + " ohlcv4j_coverage) FROM ohlcv4j_candles")) {
        r.next();
        assertEquals(expected.size(), r.getLong(1), "rows");
        assertEquals(expected.size(), r.getLong(2), "distinct open times");
        assertEquals(1, r.getLong(3), "one merged coverage row");
      }
    }
  }

  /** DuckDB locks a file for its writer: another process gets a typed error, then its turn. */
  @Test
  void aSecondProcessGetsATypedErrorWhileTheFileIsHeld() throws Exception {
    Path file = dir.resolve("held.duckdb");
    Process p = StoreChild.start("hold", file.toString());
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> out = new ArrayList<>();
      String l;
      while ((l = r.readLine()) != null && !l.equals("open")) {
        out.add(l);
      }
      assertEquals("open", l, "the child did not open the store: " + out);
      StoreLockedException e =
          assertThrows(StoreLockedException.class, () -> DuckDbSource.builder().path(file).build());
      assertTrue(e.isRetryable());
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("another process"), e.getMessage());
      assertTrue(e.getMessage().contains("PID " + p.pid()), e.getMessage());
      // The other process closes the store: now it opens.
      p.getOutputStream().close();
      assertEquals("closed", r.readLine());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      try (DuckDbSource store = DuckDbSource.builder().path(file).build()) {
        assertEquals(1, store.schemaVersion());
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
