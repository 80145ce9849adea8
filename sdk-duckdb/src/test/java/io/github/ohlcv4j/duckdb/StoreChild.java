package io.github.ohlcv4j.duckdb;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.Coverage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A second JVM for the crash and lock tests, started with {@link #start(String...)}.
 *
 * <ul>
 *   <li>{@code backfill FILE}: fills {@link #CHUNKS} chunks of one-minute candles, each written
 *       with its range in one write, skipping chunks the store's coverage holds complete — a
 *       backfill that resumes where it stopped. Prints {@code writing K} before and {@code written
 *       K} after each write, then {@code done}.
 *   <li>{@code hold FILE}: opens the store, prints {@code open}, and keeps it open until its
 *       standard input ends.
 * </ul>
 */
public final class StoreChild {

  static final Symbol SYMBOL = Symbol.parse("BINANCE:BTCUSDT");
  static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  static final int CHUNKS = 6;
  static final Duration CHUNK = Duration.ofMinutes(60_000);

  static TimeRange chunk(int k) {
    Instant from = START.plus(CHUNK.multipliedBy(k));
    return new TimeRange(from, from.plus(CHUNK));
  }

  static TimeRange all() {
    return new TimeRange(START, chunk(CHUNKS - 1).to());
  }

  static CandleSeries candles(TimeRange r) {
    return Market.sample(SYMBOL, Interval.M1, r.from(), r.to());
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[1]);
    switch (args[0]) {
      case "backfill":
        try (DuckDbSource store = DuckDbSource.builder().path(file).build()) {
          for (int k = 0; k < CHUNKS; k++) {
            Coverage c = store.coverage(SYMBOL, Interval.M1);
            if (c.isComplete(chunk(k))) {
              continue;
            }
            CandleSeries s = candles(chunk(k));
            System.out.println("writing " + k);
            System.out.flush();
            store.write(s, chunk(k));
            System.out.println("written " + k);
            System.out.flush();
          }
        }
        System.out.println("done");
        break;
      case "hold":
        try (DuckDbSource store = DuckDbSource.builder().path(file).build()) {
          System.out.println("open");
          System.out.flush();
          InputStream in = System.in;
          while (in.read() >= 0) {
            // wait for the end of standard input
          }
        }
        System.out.println("closed");
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }

  /** Starts this class in a new JVM with the test's class path; stderr goes to stdout. */
  static Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(StoreChild.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /**
   * The test's class path; Surefire may pass it in a manifest-only jar, whose Class-Path is
   * expanded here.
   */
  static String classPath() throws IOException {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      out.add(e);
      if (e.endsWith(".jar")) {
        try (JarFile jar = new JarFile(e)) {
          Manifest m = jar.getManifest();
          String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
          if (cp != null) {
            for (String u : cp.trim().split("\\s+")) {
              out.add(Path.of(URI.create(u.startsWith("file:") ? u : "file:" + u)).toString());
            }
          }
        }
      }
    }
    return String.join(File.pathSeparator, out);
  }
}
