package io.github.ohlcv4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every example as its documented command does ({@code exec:java} runs the main class on the
 * module's runtime class path), each in a JVM of its own, aimed at a stand-in venue that answers
 * with an error. Each must stop on its own, with a non-zero exit code and the venue's message: not
 * hang, and not fail for a class missing at run time.
 */
class ExampleCommandsTest {

  /** The most one command may take; they take a second or two. */
  private static final long TIMEOUT_SECONDS = 90;

  private static final String BYBIT_SAYS = "params error: symbol invalid";
  private static final String CLICKHOUSE_SAYS =
      "default: Authentication failed: password is incorrect";

  private final MockWebServer venue = new MockWebServer();

  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    venue.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            if (r.getUrl().encodedPath().startsWith("/v5/")) {
              // Bybit answers an unknown symbol with HTTP 200 and retCode 10001.
              return new MockResponse.Builder()
                  .setHeader("Content-Type", "application/json")
                  .body(
                      "{\"retCode\":10001,\"retMsg\":\""
                          + BYBIT_SAYS
                          + "\",\"result\":{},\"retExtInfo\":{},\"time\":1704067200000}")
                  .build();
            }
            // Anything else is the ClickHouse server, refusing the password.
            return new MockResponse.Builder()
                .code(516)
                .setHeader("Content-Type", "text/plain; charset=UTF-8")
                .setHeader("X-ClickHouse-Exception-Code", "516")
                .body(
                    "Code: 516. DB::Exception: "
                        + CLICKHOUSE_SAYS
                        + ", or there is no user with such name. (AUTHENTICATION_FAILED)"
                        + " (version 24.3.1.2672 (official build))\n")
                .build();
          }
        });
    venue.start();
  }

  @AfterEach
  void stop() {
    venue.close();
  }

  private String bybit() {
    return "bybit:linear?baseUrl=" + venue.url("/");
  }

  @Test
  void quickstart() throws Exception {
    Run r = run("Quickstart", bybit(), "BTCUSDT");
    r.failedSaying(BYBIT_SAYS);
  }

  @Test
  void resampleAndChart() throws Exception {
    Path png = dir.resolve("chart.png");
    Run r = run("ResampleAndChart", bybit(), "BTCUSDT", png.toString());
    r.failedSaying(BYBIT_SAYS);
    assertFalse(Files.exists(png), "no chart for a failed fetch");
  }

  @Test
  void backfillToClickHouse() throws Exception {
    Run r = run("BackfillToClickHouse", bybit(), "BYBIT:BTCUSDT.P", "2024-01-01", "2024-01-02");
    r.failedSaying(CLICKHOUSE_SAYS);
  }

  @Test
  void resilienceAndEventsWhenTheRetriesAreNotEnough() throws Exception {
    // Its source is built in (the sample market behind failures it injects); the documented
    // command with 0.8 opens the circuit.
    Run r = run("ResilienceAndEvents", "0.8");
    r.failedSaying("The query failed for good");
  }

  @Test
  void csvFilesReadsWhatTheQuickstartWroteAndABinanceDump() throws Exception {
    // One day of a Binance spot dump in its published form: twelve columns, no header, and since
    // 2025 the times in microseconds.
    StringBuilder rows = new StringBuilder();
    long day = 1_735_689_600_000L; // 2025-01-01T00:00:00Z
    for (int i = 0; i < 1440; i++) {
      long t = day + i * 60_000L;
      double open = 94_000 + i;
      rows.append(t * 1000)
          .append(',')
          .append(open)
          .append(',')
          .append(open + 12.5)
          .append(',')
          .append(open - 7.25)
          .append(',')
          .append(open + 1)
          .append(",1.5,")
          .append((t + 60_000) * 1000 - 1)
          .append(',')
          .append(1.5 * (open + 1))
          .append(',')
          .append(20 + i % 7)
          .append(",0.75,")
          .append(0.75 * (open + 1))
          .append(",0\n");
    }
    Path dump = dir.resolve("BTCUSDT-1m-2025-01-01.zip");
    try (java.util.zip.ZipOutputStream z =
        new java.util.zip.ZipOutputStream(Files.newOutputStream(dump))) {
      z.putNextEntry(new java.util.zip.ZipEntry("BTCUSDT-1m-2025-01-01.csv"));
      z.write(rows.toString().getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    Path folder = dir.resolve("csv files");
    Run r = run("CsvFiles", folder.toString(), dump.toString());
    String all = r.out() + "\n" + r.err();
    assertEquals(0, r.exit(), all);
    assertTrue(Files.exists(folder.resolve("BTCUSDT-1m-2024-01-01.csv")), all);
    assertTrue(r.out().contains("1440 candles, the same as written: true"), all);
    assertTrue(r.out().contains("Resampled to 1h"), all);
    assertTrue(r.out().contains("BTCUSDT 1m · 1,440 candles · 2025-01-01 00:00"), all);
  }

  @Test
  void streamLiveCandlesFromTheSampleMarketStopsOnItsOwn() throws Exception {
    // The documented command: sample:?speed=60, three candles of history, then three live closes.
    Run r = run("StreamLiveCandles");
    String all = r.out() + "\n" + r.err();
    assertEquals(0, r.exit(), all);
    long closes = r.out().lines().filter(l -> l.startsWith("CLOSED ")).count();
    assertTrue(closes >= 6, "three history closes and three live ones: " + all);
    assertTrue(r.out().contains("What the subscription holds now"), all);
    assertFalse(all.contains("\tat "), all);
  }

  @Test
  void quickstartOnTheSampleMarketShowsTheCache() throws Exception {
    Run r = run("Quickstart");
    String all = r.out() + "\n" + r.err();
    assertEquals(0, r.exit(), all);
    // What .ci/run checks in the README's first command, and the second run through a store.
    assertTrue(r.out().contains("SYNTHETIC sample data"), all);
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("quality ")), all);
    assertTrue(r.out().contains("the first fetch stored 1440 candles"), all);
    assertTrue(r.out().contains("so the second fetch asked the venue nothing"), all);
    assertTrue(r.out().contains("the same answer: true"), all);
    assertFalse(all.contains("\tat "), all);
  }

  @Test
  void recordToDuckDbRecordsReadsBackAndStopsOnItsOwn() throws Exception {
    // The documented command: the sample market at 120x, ten minutes of history, five live closes.
    long started = System.nanoTime();
    Run r = run("RecordToDuckDb");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    String all = r.out() + "\n" + r.err();
    assertEquals(0, r.exit(), all);
    assertTrue(seconds < 30, "it took " + seconds + " s: " + all);
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Stored ")), all);
    assertFalse(r.out().contains("last error"), all);
    assertTrue(r.out().contains("resampled to 5m"), all);
    assertTrue(Files.exists(dir.resolve("recorded.duckdb")), all);
    // Three or four five-minute rows (ten minutes of history, five live), none still forming:
    // only closed candles are stored.
    long rows = r.out().lines().filter(l -> l.matches("^20\\d\\d-.*")).count();
    assertTrue(rows >= 3 && rows <= 4, all);
    assertFalse(all.contains("in_progress"), all);
    assertFalse(all.contains("\tat "), all);
  }

  @Test
  void streamLiveCandlesWhenTheVenueRefusesTheSymbol() throws Exception {
    String ws = venue.url("/").toString().replaceFirst("/$", "");
    Run r = run("StreamLiveCandles", bybit() + "&wsUrl=" + ws, "BYBIT:BTCUSDT.P", "1");
    r.failedSaying(BYBIT_SAYS);
  }

  /** What a command did. */
  private record Run(String main, int exit, String out, String err) {
    void failedSaying(String message) {
      String all = main + " printed:\n" + out + "\nand on stderr:\n" + err;
      assertNotEquals(0, exit, all);
      assertTrue(err.contains(message), all);
      assertFalse(all.contains("NoClassDefFoundError"), all);
      assertFalse(all.contains("ClassNotFoundException"), all);
      assertFalse(all.contains("\tat "), "a message, not a stack trace: " + all);
    }
  }

  /** Runs an example's main in a JVM of its own, as exec:java would, with the stand-in venue. */
  private Run run(String example, String... args) throws Exception {
    String classes = System.getProperty("ohlcv4j.examples.classes");
    String deps = System.getProperty("ohlcv4j.examples.runtimeClassPath");
    assertNotNull(classes, "set by the pom: the programs' classes");
    assertNotNull(deps, "set by the pom: the runtime class path (maven-dependency-plugin)");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(classes + File.pathSeparator + deps);
    command.add("-Djava.awt.headless=true");
    command.add("-Dohlcv4j.examples.outputDir=" + dir);
    command.add("io.github.ohlcv4j.examples." + example);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("OHLCV4J_CLICKHOUSE_URL", venue.url("/").toString());
    env.put("OHLCV4J_CLICKHOUSE_USER", "default");
    env.put("OHLCV4J_CLICKHOUSE_PASSWORD", "wrong-password");
    env.remove("POLYGON_API_KEY");
    Path out = dir.resolve(example + ".out");
    Path err = dir.resolve(example + ".err");
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        fail(
            example
                + " still runs after "
                + TIMEOUT_SECONDS
                + " s: it hangs. It printed:\n"
                + Files.readString(out, StandardCharsets.UTF_8)
                + "\n"
                + Files.readString(err, StandardCharsets.UTF_8));
      }
    } finally {
      p.destroyForcibly();
    }
    Run r =
        new Run(
            example,
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    assertEquals(r.exit(), p.exitValue());
    return r;
  }
}
