package io.github.ohlcv4j.clickhouse.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A standalone ZooKeeper for the tests, from Debian's {@code zookeeper} package (3.8): run as a
 * child JVM of {@code org.apache.zookeeper.server.ZooKeeperServerMain} with a config of its own,
 * listening on one loopback port only (no admin server, no quorum ports), with its data in a
 * directory the caller gives. It is not the {@code zookeeperd} service, which listens on every
 * interface.
 *
 * <p>The classpath is {@code ZOOKEEPER_JAR} if set, else {@code /usr/share/java/zookeeper.jar}
 * (whose manifest names the libraries it needs); the JVM is {@code /usr/bin/java}, as in the
 * package's {@code zkEnv.sh}, else the one running the tests. It gets a small heap and serial GC.
 */
public final class ZooKeeperServer implements AutoCloseable {

  /** Debian's jar; its manifest's {@code Class-Path} brings the rest. */
  private static final Path DEBIAN_JAR = Path.of("/usr/share/java/zookeeper.jar");

  /** slf4j's simple binding from the same packages, so that warnings reach the log file. */
  private static final Path SLF4J_SIMPLE = Path.of("/usr/share/java/slf4j-simple.jar");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private final ChildProcess process;

  private ZooKeeperServer(Path dir, int port, ChildProcess process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** The ZooKeeper jar to run, or empty if none is installed. */
  static Optional<Path> jar() {
    String env = System.getenv("ZOOKEEPER_JAR");
    if (env != null && !env.isBlank()) {
      return Files.isReadable(Path.of(env)) ? Optional.of(Path.of(env)) : Optional.empty();
    }
    return Files.isReadable(DEBIAN_JAR) ? Optional.of(DEBIAN_JAR) : Optional.empty();
  }

  /** The JVM the package's own scripts use ({@code /usr/bin/java}), else the one running here. */
  private static Path java() {
    Path system = Path.of("/usr/bin/java");
    return Files.isExecutable(system)
        ? system
        : Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Why ZooKeeper cannot be started here, for a skip or failure message. */
  static String missing() {
    return "ZooKeeper not found (ZOOKEEPER_JAR="
        + System.getenv().getOrDefault("ZOOKEEPER_JAR", "unset")
        + "; apt-get install zookeeper, or point ZOOKEEPER_JAR at zookeeper.jar)";
  }

  /**
   * Starts ZooKeeper on {@code port} (127.0.0.1 only) with its config, data and log in {@code dir},
   * and waits until it serves requests.
   *
   * @throws IllegalStateException if there is no ZooKeeper, or it does not come up (with its log)
   */
  public static ZooKeeperServer start(Path dir, int port) {
    Path jar = jar().orElseThrow(() -> new IllegalStateException(missing()));
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(dir.resolve("zoo.cfg"), config(dir, port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String classpath = jar.toString();
    if (Files.isReadable(SLF4J_SIMPLE)) {
      classpath += ":" + SLF4J_SIMPLE;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(java().toString());
    cmd.addAll(
        List.of(
            "-Xms16m",
            "-Xmx96m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dzookeeper.admin.enableServer=false",
            "-Dzookeeper.jmx.log4j.disable=true",
            "-cp",
            classpath,
            "org.apache.zookeeper.server.ZooKeeperServerMain",
            dir.resolve("zoo.cfg").toAbsolutePath().toString()));
    ChildProcess process =
        new ChildProcess("zookeeper:" + port, cmd, dir, dir.resolve("zookeeper.log"), Map.of());
    process.launch();
    ZooKeeperServer zk = new ZooKeeperServer(dir, port, process);
    try {
      process.awaitReady(zk::serving, START_TIMEOUT, "answer to 'srvr'");
    } catch (RuntimeException e) {
      process.stop(STOP_GRACE);
      throw e;
    }
    return zk;
  }

  /** The client port, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the process is running. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Its directory (config, data, log). */
  public Path dir() {
    return dir;
  }

  /** Resident memory in KiB, or -1 where /proc cannot tell. */
  public long rssKib() {
    return process.rssKib();
  }

  /**
   * Sends one of the four-letter words the config allows ({@code ruok}, {@code srvr}, {@code stat})
   * and returns the answer.
   *
   * @throws UncheckedIOException if it cannot connect
   */
  public String fourLetterWord(String word) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write(word.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean serving() {
    try {
      return fourLetterWord("srvr").contains("Mode: standalone");
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s). The directory is the caller's. */
  @Override
  public void close() {
    process.stop(STOP_GRACE);
  }

  void terminate() {
    process.terminate();
  }

  void awaitExit() {
    process.awaitExit(STOP_GRACE);
  }

  void killNow() {
    process.killNow();
  }

  private static String config(Path dir, int port) {
    return String.join(
        "\n",
        "# Written by the tests: one standalone server on loopback.",
        "tickTime=1000",
        "dataDir=" + dir.resolve("data").toAbsolutePath(),
        "clientPort=" + port,
        "clientPortAddress=127.0.0.1",
        "maxClientCnxns=0",
        "minSessionTimeout=2000",
        "maxSessionTimeout=30000",
        "admin.enableServer=false",
        "4lw.commands.whitelist=ruok,srvr,stat",
        // Test data: no fsync per transaction, a small preallocated log.
        "forceSync=no",
        "preAllocSize=4096",
        "autopurge.purgeInterval=0",
        "");
  }
}
