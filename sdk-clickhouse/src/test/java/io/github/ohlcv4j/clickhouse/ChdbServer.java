package io.github.ohlcv4j.clickhouse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A modern ClickHouse engine for the tests: ClickHouse 26.x as the in-process library chDB (npm
 * {@code chdb}), behind the test-only HTTP shim {@code src/test/node/chdb-shim.js}. The engine is
 * real — SQL, types, functions, table engines and errors are ClickHouse's own — while the HTTP
 * envelope (status codes, headers, authentication) is the shim's. Started once per JVM on a free
 * loopback port with a temporary data directory, stopped (only the process started here) when the
 * test run ends.
 *
 * <p>Needs {@code node} (on the PATH, or {@code OHLCV4J_NODE}) and a folder holding {@code
 * node_modules/chdb}: the system property {@code ohlcv4j.chdb.dir}, else the environment variable
 * {@code OHLCV4J_CHDB_DIR}, else {@code ~/.cache/ohlcv4j/chdb} (where {@code .ci/run} installs it).
 * Without them the tests are skipped with a loud message, except under {@code CI=true}, where they
 * fail.
 */
public final class ChdbServer implements ExtensionContext.Store.CloseableResource, AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final Process process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ChdbServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** The HTTP endpoint. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** A source builder for this engine and the given table. */
  public ClickHouseSource.Builder source(String database, String table) {
    return ClickHouseSource.builder().url(url()).database(database).table(table);
  }

  /**
   * Runs a statement and returns the body.
   *
   * @throws IllegalStateException with the engine's message if it fails
   */
  public String sql(String sql) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url() + "/"))
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<String> r =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (r.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + r.statusCode() + " for " + sql + ": " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the shim (SIGTERM, then SIGKILL after 10 s) and removes the data directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      process.onExit().get(10, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  /** The engine, or the reason the tests are skipped. */
  private static Object startOrSkip() {
    Optional<String> node = node();
    Path chdb = chdbDir();
    Path shim = shim();
    String why = null;
    if (node.isEmpty()) {
      why = "node not found (on the PATH, or OHLCV4J_NODE)";
    } else if (!Files.isDirectory(chdb.resolve("node_modules/chdb"))) {
      why =
          "chdb not installed in "
              + chdb
              + " (npm install --prefix "
              + chdb
              + " chdb; or point ohlcv4j.chdb.dir / OHLCV4J_CHDB_DIR at such a folder)";
    } else if (!Files.isRegularFile(shim)) {
      why = "the shim " + shim + " is missing";
    }
    if (why != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + "; the modern-engine tests must run under CI=true");
      }
      System.err.println();
      System.err.println("*".repeat(100));
      System.err.println("*** SKIPPING the modern-engine (chDB) tests: " + why);
      System.err.println("*".repeat(100));
      System.err.println();
      return "SKIPPED: " + why;
    }
    return start(node.get(), chdb, shim);
  }

  private static ChdbServer start(String node, Path chdb, Path shim) {
    Path dir;
    try {
      dir = Files.createTempDirectory("ohlcv4j-chdb-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(node, shim.toAbsolutePath().toString(), dir.toString(), "0")
            .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("shim.log").toFile()));
    pb.environment().put("CHDB_MODULE", chdb.resolve("node_modules/chdb").toString());
    pb.environment().put("TZ", "UTC");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      deleteTree(dir);
      throw new UncheckedIOException(e);
    }
    // The shim prints "LISTENING <port>" once chDB is loaded and the port is bound.
    CompletableFuture<Integer> listening =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  if (line.startsWith("LISTENING ")) {
                    return Integer.parseInt(line.substring("LISTENING ".length()).trim());
                  }
                }
                return -1;
              } catch (IOException e) {
                return -1;
              }
            });
    int port;
    try {
      port = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      port = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      port = -1;
    }
    ChdbServer server = new ChdbServer(dir, Math.max(port, 0), p);
    if (port <= 0) {
      String log = tail(dir.resolve("shim.log"));
      server.close();
      throw new IllegalStateException(
          "The chDB shim did not start within " + START_TIMEOUT + ":\n" + log);
    }
    return server;
  }

  private static Optional<String> node() {
    String env = System.getenv("OHLCV4J_NODE");
    if (env != null && !env.isBlank()) {
      return Files.isExecutable(Path.of(env)) ? Optional.of(env) : Optional.empty();
    }
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, "node"))) {
        return Optional.of(Path.of(p, "node").toString());
      }
    }
    return Optional.empty();
  }

  private static Path chdbDir() {
    String prop = System.getProperty("ohlcv4j.chdb.dir");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    String env = System.getenv("OHLCV4J_CHDB_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "ohlcv4j", "chdb");
  }

  private static Path shim() {
    String prop = System.getProperty("ohlcv4j.chdb.shim");
    return prop != null && !prop.isBlank()
        ? Path.of(prop)
        : Path.of("src", "test", "node", "chdb-shim.js");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ")";
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is a temporary directory
    }
  }

  /**
   * Starts the engine once per JVM and hands it to test methods; without node or chDB each test is
   * reported as skipped with the reason (under {@code CI=true} they fail instead).
   */
  public static final class Extension implements ExecutionCondition, ParameterResolver {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (context.getTestMethod().isEmpty()) {
        return ConditionEvaluationResult.enabled("decided per test");
      }
      Object s = get(context);
      return s instanceof String
          ? ConditionEvaluationResult.disabled((String) s)
          : ConditionEvaluationResult.enabled("chDB is running");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
      return p.getParameter().getType() == ChdbServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
      return get(e);
    }

    private static Object get(ExtensionContext context) {
      return context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .getOrComputeIfAbsent(ChdbServer.class, k -> startOrSkip());
    }
  }
}
