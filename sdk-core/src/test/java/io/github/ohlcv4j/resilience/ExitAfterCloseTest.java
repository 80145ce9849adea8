package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.testing.FakeVenueServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@link OhlcvClient#close()}, nothing the library started keeps the JVM alive: a program
 * that fetched once from an HTTP source (through the shared default OkHttp client) and closed its
 * client exits at once, not a minute later when idle HTTP threads time out. Checked on a real child
 * JVM, the only place where "the JVM exits" can be observed.
 */
@Timeout(120)
class ExitAfterCloseTest {

  /** How long the child may take to exit after it closed its client. */
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(15);

  /** The child: fetches 250 candles from the fake venue at {@code args[0]}, closes, returns. */
  public static final class FetchOnce {
    private FetchOnce() {}

    /** Runs the child. */
    public static void main(String[] args) {
      OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);
      try (OhlcvClient client = OhlcvClient.builder().source(args[0]).build()) {
        CandleSeries s = client.fetch(q);
        System.out.println("rows=" + s.size());
      }
      System.out.println("closed=" + System.currentTimeMillis());
    }
  }

  @Test
  void aProgramThatFetchedOverHttpAndClosedItsClientExitsAtOnce(@TempDir Path dir)
      throws Exception {
    try (FakeVenueServer server = new FakeVenueServer()) {
      String classpath =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Path out = dir.resolve("out.txt");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-cp");
      cmd.add(classpath);
      cmd.add(FetchOnce.class.getName());
      cmd.add(server.uri("pageSize=100"));
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .directory(new File(System.getProperty("user.dir")))
              .start();
      boolean exited = p.waitFor(90, TimeUnit.SECONDS);
      long exitedAt = System.currentTimeMillis();
      if (!exited) {
        p.destroyForcibly();
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertTrue(exited, "the child was still running after 90 s:\n" + output);
      assertEquals(0, p.exitValue(), output);
      assertTrue(output.contains("rows=250"), output);
      long closedAt = closedAt(output);
      assertTrue(
          exitedAt - closedAt < EXIT_WITHIN.toMillis(),
          "the child exited "
              + (exitedAt - closedAt)
              + " ms after it closed its client: a thread kept the JVM alive\n"
              + output);
      assertEquals(3, server.venue().requestCount());
    }
  }

  @Test
  void aClosedClientSendsNothingNotEvenAHealthCheck() {
    try (FakeVenueServer server = new FakeVenueServer()) {
      OhlcvClient c =
          OhlcvClient.builder().source(server.uri("")).okHttpClient(server.http()).build();
      c.close();
      assertThrows(ClientClosedException.class, c::health);
      OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 10);
      assertThrows(ClientClosedException.class, () -> c.fetch(q));
      assertThrows(ClientClosedException.class, () -> c.stream(q));
      assertTrue(c.fetchAsync(q).isCompletedExceptionally());
      assertEquals(0, server.venue().requestCount());
    }
  }

  private static long closedAt(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith("closed=")) {
        return Long.parseLong(line.substring("closed=".length()).trim());
      }
    }
    throw new AssertionError("the child never closed its client:\n" + output);
  }
}
