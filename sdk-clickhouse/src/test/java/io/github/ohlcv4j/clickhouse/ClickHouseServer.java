package io.github.ohlcv4j.clickhouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real ClickHouse server for the tests: started once per JVM on a free loopback port with a
 * temporary data directory, and stopped (only the process started here) when the test run ends.
 * Tests declare {@code @ExtendWith(ClickHouseServer.Extension.class)} and take a {@code
 * ClickHouseServer} or {@link SeededMarket} parameter.
 *
 * <p>The binary is {@code CH_SERVER_BIN}, else {@code clickhouse-server} on the PATH or in {@code
 * /usr/sbin} (Debian's package), else {@code clickhouse server}. Without one the tests are skipped
 * with a loud message, except under {@code CI=true}, where they fail.
 */
public final class ClickHouseServer
    implements ExtensionContext.Store.CloseableResource, AutoCloseable {

  /** A user with a password, for authentication tests. */
  public static final String USER = "ohlcv4j";

  /** Its password. */
  public static final String PASSWORD = "pw-Secr3t-ohlcv4j";

  /** A user whose password is not ASCII: it can only travel in HTTP Basic authentication. */
  public static final String UNICODE_USER = "unicode";

  /** Its password. */
  public static final String UNICODE_PASSWORD = "pässwörd-€-日本-\uD83D\uDE80";

  /** A user whose profile is read-only. */
  public static final String READONLY_USER = "reader";

  /**
   * A user whose profile returns at most {@value #LIMITED_ROWS} rows a query ({@code
   * max_result_rows}), in blocks of 8192 rows: a larger result fails after more than a megabyte was
   * sent with HTTP 200, so the server appends its error to the rows.
   */
  public static final String LIMITED_USER = "limited";

  /** The {@code max_result_rows} of {@link #LIMITED_USER}. */
  public static final int LIMITED_ROWS = 100_000;

  /** A user whose profile lets a query run for one second at most ({@code max_execution_time}). */
  public static final String HURRIED_USER = "hurried";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final Path dir;
  private final int port;
  private final List<String> command;
  private volatile Process process;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ClickHouseServer(Path dir, int port, List<String> command, Process process) {
    this.dir = dir;
    this.port = port;
    this.command = command;
    this.process = process;
  }

  /** The HTTP endpoint. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The HTTP port. */
  public int port() {
    return port;
  }

  /** A source builder for this server and the given table, as user {@code default}. */
  public ClickHouseSource.Builder source(String database, String table) {
    return ClickHouseSource.builder().url(url()).database(database).table(table);
  }

  /**
   * Runs a statement as user {@code default} and returns the body.
   *
   * @throws IllegalStateException with the server's message if it fails
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

  /** Stops the server: SIGTERM, then SIGKILL after 20 s; removes the data directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  /** Starts or finds the server of this JVM. */
  static ClickHouseServer get(ExtensionContext context) {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    Object s = store.getOrComputeIfAbsent(ClickHouseServer.class, k -> startOrSkip());
    if (s instanceof String) {
      Assumptions.abort((String) s);
    }
    return (ClickHouseServer) s;
  }

  /** The server, or the reason the tests are skipped. */
  private static Object startOrSkip() {
    Optional<List<String>> command = binary();
    if (command.isEmpty()) {
      String why =
          "clickhouse-server not found (CH_SERVER_BIN="
              + System.getenv().getOrDefault("CH_SERVER_BIN", "unset")
              + "; apt-get install clickhouse-server, or point CH_SERVER_BIN at the binary)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + "; the ClickHouse tests must run under CI=true");
      }
      System.err.println();
      System.err.println("*".repeat(100));
      System.err.println("*** SKIPPING the ClickHouse integration tests: " + why);
      System.err.println("*".repeat(100));
      System.err.println();
      return "SKIPPED: " + why;
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return start(command.get());
      } catch (IllegalStateException e) {
        last = e; // most likely the port was taken between choosing and binding; try another
      }
    }
    throw last;
  }

  /**
   * The command that runs a server, as the class comment says where it is looked for; empty if
   * there is none. Shared with the cluster of {@code cluster.ClickHouseCluster}.
   */
  public static Optional<List<String>> binary() {
    String env = System.getenv("CH_SERVER_BIN");
    if (env != null && !env.isBlank()) {
      return Files.isExecutable(Path.of(env)) ? Optional.of(List.of(env)) : Optional.empty();
    }
    List<Path> dirs = new ArrayList<>();
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!p.isEmpty()) {
        dirs.add(Path.of(p));
      }
    }
    dirs.add(Path.of("/usr/sbin"));
    dirs.add(Path.of("/usr/bin"));
    for (Path d : dirs) {
      Path server = d.resolve("clickhouse-server");
      if (Files.isExecutable(server)) {
        return Optional.of(List.of(server.toString()));
      }
    }
    for (Path d : dirs) {
      Path single = d.resolve("clickhouse");
      if (Files.isExecutable(single)) {
        return Optional.of(List.of(single.toString(), "server"));
      }
    }
    return Optional.empty();
  }

  private static ClickHouseServer start(List<String> binary) {
    Path dir;
    int port;
    try {
      dir = Files.createTempDirectory("ohlcv4j-clickhouse-");
      port = freePort();
      Files.writeString(dir.resolve("config.xml"), config(dir, port));
      Files.writeString(dir.resolve("users.xml"), USERS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // its own session: a Ctrl-C of the build does not reach it first
    }
    cmd.addAll(binary);
    cmd.add("--config-file=" + dir.resolve("config.xml"));
    Process process;
    try {
      process = launch(cmd, dir);
    } catch (IOException e) {
      deleteTree(dir);
      throw new UncheckedIOException(e);
    }
    ClickHouseServer server = new ClickHouseServer(dir, port, List.copyOf(cmd), process);
    try {
      server.awaitUp();
    } catch (IllegalStateException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static Process launch(List<String> cmd, Path dir) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()));
    pb.environment().put("TZ", "UTC");
    return pb.start();
  }

  /** Waits for the server to answer /ping. */
  private void awaitUp() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "clickhouse-server exited during startup (" + p.exitValue() + "):\n" + tail(dir));
      }
      if (pings()) {
        return;
      }
      try {
        p.onExit().get(50, TimeUnit.MILLISECONDS); // waits, or returns if it died
      } catch (TimeoutException | ExecutionException e) {
        // still starting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException(
        "clickhouse-server did not answer /ping within " + START_TIMEOUT + ":\n" + tail(dir));
  }

  /**
   * A server of the caller's own, apart from the one the tests share, for tests that stop it: the
   * caller closes it. Aborts the test (fails under {@code CI=true}) if there is no binary.
   */
  static ClickHouseServer startOwn() {
    Object s = startOrSkip();
    if (s instanceof String) {
      Assumptions.abort((String) s);
    }
    return (ClickHouseServer) s;
  }

  /**
   * Kills the server at once (SIGKILL, as a crash or an OOM killer would), keeping its data
   * directory, and waits until it is gone.
   */
  void kill() {
    Process p = process;
    p.destroyForcibly();
    try {
      p.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException("clickhouse-server did not die", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts the killed server again, on the same port with the same data, and waits until it is up.
   */
  void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("the server is running");
    }
    try {
      process = launch(command, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitUp();
  }

  private boolean pings() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url() + "/ping"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().startsWith("Ok.");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String tail(Path dir) {
    StringBuilder b = new StringBuilder();
    for (String f : new String[] {"stdout.log", "log/server.err.log"}) {
      Path p = dir.resolve(f);
      try {
        if (Files.exists(p)) {
          List<String> lines = Files.readAllLines(p);
          b.append("--- ").append(f).append('\n');
          lines
              .subList(Math.max(0, lines.size() - 30), lines.size())
              .forEach(l -> b.append(l).append('\n'));
        }
      } catch (IOException e) {
        b.append("(cannot read ").append(p).append(")\n");
      }
    }
    return b.toString();
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

  private static String config(Path dir, int port) {
    String d = dir.toAbsolutePath().toString();
    return "<?xml version=\"1.0\"?>\n"
        + "<yandex>\n"
        + "  <logger><level>warning</level><log>"
        + d
        + "/log/server.log</log><errorlog>"
        + d
        + "/log/server.err.log</errorlog><size>10M</size><count>1</count></logger>\n"
        + "  <http_port>"
        + port
        + "</http_port>\n"
        + "  <listen_host>127.0.0.1</listen_host>\n"
        + "  <max_connections>64</max_connections>\n"
        + "  <keep_alive_timeout>10</keep_alive_timeout>\n"
        + "  <max_concurrent_queries>32</max_concurrent_queries>\n"
        + "  <uncompressed_cache_size>67108864</uncompressed_cache_size>\n"
        + "  <mark_cache_size>67108864</mark_cache_size>\n"
        + "  <path>"
        + d
        + "/data/</path>\n"
        + "  <tmp_path>"
        + d
        + "/tmp/</tmp_path>\n"
        + "  <user_files_path>"
        + d
        + "/user_files/</user_files_path>\n"
        + "  <format_schema_path>"
        + d
        + "/format_schemas/</format_schema_path>\n"
        + "  <users_config>"
        + d
        + "/users.xml</users_config>\n"
        + "  <default_profile>default</default_profile>\n"
        + "  <default_database>default</default_database>\n"
        + "  <timezone>UTC</timezone>\n"
        + "  <mlock_executable>false</mlock_executable>\n"
        + "</yandex>\n";
  }

  private static final String LOCAL = "<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>";

  private static final String USERS =
      "<?xml version=\"1.0\"?>\n"
          + "<yandex>\n"
          + "  <profiles>\n"
          + "    <default><max_memory_usage>4000000000</max_memory_usage></default>\n"
          + "    <readonly><readonly>1</readonly></readonly>\n"
          + "    <limited><max_result_rows>"
          + LIMITED_ROWS
          + "</max_result_rows><max_block_size>8192</max_block_size></limited>\n"
          + "    <hurried><max_execution_time>1</max_execution_time></hurried>\n"
          + "  </profiles>\n"
          + "  <users>\n"
          + "    <default><password></password>"
          + LOCAL
          + "<profile>default</profile><quota>default</quota></default>\n"
          + "    <"
          + USER
          + "><password>"
          + PASSWORD
          + "</password>"
          + LOCAL
          + "<profile>default</profile><quota>default</quota></"
          + USER
          + ">\n"
          + "    <"
          + READONLY_USER
          + "><password></password>"
          + LOCAL
          + "<profile>readonly</profile><quota>default</quota></"
          + READONLY_USER
          + ">\n"
          + "    <"
          + UNICODE_USER
          + "><password>"
          + UNICODE_PASSWORD
          + "</password>"
          + LOCAL
          + "<profile>default</profile><quota>default</quota></"
          + UNICODE_USER
          + ">\n"
          + user(LIMITED_USER, "limited")
          + user(HURRIED_USER, "hurried")
          + "  </users>\n"
          + "  <quotas><default><interval><duration>3600</duration><queries>0</queries>"
          + "<errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows>"
          + "<execution_time>0</execution_time></interval></default></quotas>\n"
          + "</yandex>\n";

  private static String user(String name, String profile) {
    return "    <"
        + name
        + "><password></password>"
        + LOCAL
        + "<profile>"
        + profile
        + "</profile><quota>default</quota></"
        + name
        + ">\n";
  }

  /**
   * Starts the server once per JVM and hands it (or the seeded market) to test methods. Without a
   * server each test of the class is reported as skipped with the reason, so the build's summary
   * shows how many did not run (under {@code CI=true} they fail instead).
   */
  public static final class Extension implements ExecutionCondition, ParameterResolver {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (context.getTestMethod().isEmpty()) {
        return ConditionEvaluationResult.enabled("decided per test");
      }
      Object s =
          context
              .getRoot()
              .getStore(ExtensionContext.Namespace.GLOBAL)
              .getOrComputeIfAbsent(ClickHouseServer.class, k -> startOrSkip());
      return s instanceof String
          ? ConditionEvaluationResult.disabled((String) s)
          : ConditionEvaluationResult.enabled("ClickHouse is running");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
      Class<?> type = p.getParameter().getType();
      return type == ClickHouseServer.class || type == SeededMarket.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
      ClickHouseServer server = get(e);
      if (p.getParameter().getType() == SeededMarket.class) {
        return e.getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(
                SeededMarket.class, k -> SeededMarket.seed(server), SeededMarket.class);
      }
      return server;
    }
  }
}
