package io.github.ohlcv4j.clickhouse.cluster;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One {@code clickhouse-server} of the {@link ClickHouseCluster}: shard {@link #shard()}, replica
 * {@link #replica()}, listening on 127.0.0.1 only (HTTP, native TCP and interserver ports of its
 * own), with its own data directory. Tests talk to it over plain HTTP and may stop and start it.
 */
public final class ClusterNode {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  /** What a statement got back: the HTTP status and the body. */
  public record Reply(int status, String body) {

    /** Whether the server answered 200. */
    public boolean ok() {
      return status == 200;
    }

    /** The server's error code ({@code Code: N} at the start of the body), or -1. */
    public int code() {
      if (!body.startsWith("Code: ")) {
        return -1;
      }
      int end = 6;
      while (end < body.length() && Character.isDigit(body.charAt(end))) {
        end++;
      }
      return end == 6 ? -1 : Integer.parseInt(body.substring(6, end));
    }
  }

  private final int shard;
  private final int replica;
  private final int httpPort;
  private final int tcpPort;
  private final int interserverPort;
  private final Path dir;
  private final ChildProcess process;
  private volatile boolean stopped;

  ClusterNode(
      int shard,
      int replica,
      int httpPort,
      int tcpPort,
      int interserverPort,
      Path dir,
      ChildProcess process) {
    this.shard = shard;
    this.replica = replica;
    this.httpPort = httpPort;
    this.tcpPort = tcpPort;
    this.interserverPort = interserverPort;
    this.dir = dir;
    this.process = process;
  }

  /** The shard, from 1 (the {@code {shard}} macro and {@code system.clusters.shard_num}). */
  public int shard() {
    return shard;
  }

  /** The replica within the shard, from 1 ({@code system.clusters.replica_num}). */
  public int replica() {
    return replica;
  }

  /** The node's name and its {@code {replica}} macro: {@code s1r1}, {@code s1r2}, ... */
  public String name() {
    return name(shard, replica);
  }

  static String name(int shard, int replica) {
    return "s" + shard + "r" + replica;
  }

  /** The HTTP port. */
  public int httpPort() {
    return httpPort;
  }

  /** The native TCP port: the one {@code remote_servers} names, and ON CLUSTER DDL reports. */
  public int tcpPort() {
    return tcpPort;
  }

  /** The interserver HTTP port, which replicas fetch parts from. */
  public int interserverPort() {
    return interserverPort;
  }

  /** The HTTP endpoint, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The data directory (config, data, logs). */
  public Path dir() {
    return dir;
  }

  /** The process id of the running server. */
  public long pid() {
    return process.pid();
  }

  /** Whether the server process is running. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /** Resident memory in KiB, or -1 where /proc cannot tell. */
  public long rssKib() {
    return process.rssKib();
  }

  /** Proportional memory in KiB (the shared library counted in shares), or -1. */
  public long pssKib() {
    return process.pssKib();
  }

  /** Threads of the server process, or -1 where /proc cannot tell. */
  public long threads() {
    return process.threads();
  }

  /**
   * Runs a statement as user {@code default} and returns the body.
   *
   * @throws IllegalStateException with the status and the server's message if it is not 200
   */
  public String sql(String sql) {
    return sql(sql, Map.of());
  }

  /**
   * Runs a statement with settings passed as URL parameters (as the SDK passes them) and returns
   * the body.
   *
   * @throws IllegalStateException with the status and the server's message if it is not 200
   */
  public String sql(String sql, Map<String, String> settings) {
    Reply r = send(sql, settings);
    if (!r.ok()) {
      throw new IllegalStateException(
          name() + ": HTTP " + r.status() + " for " + sql + ": " + r.body());
    }
    return r.body();
  }

  /**
   * Runs a statement and returns whatever came back, errors included.
   *
   * @throws UncheckedIOException if the node cannot be reached at all
   */
  public Reply send(String sql, Map<String, String> settings) {
    StringBuilder path = new StringBuilder("/");
    char sep = '?';
    for (Map.Entry<String, String> e : settings.entrySet()) {
      path.append(sep)
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return request("POST", path.toString(), sql.getBytes(StandardCharsets.UTF_8), REQUEST_TIMEOUT);
  }

  /**
   * One HTTP/1.0 exchange on a connection of its own, closed by the server after the answer. No
   * connection stays open between requests: an idle keep-alive connection would hold a stopping
   * server for its {@code keep_alive_timeout}.
   */
  private Reply request(String method, String path, byte[] body, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), 5_000);
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.0\r\nHost: 127.0.0.1:"
                  + httpPort
                  + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      byte[] answer = socket.getInputStream().readAllBytes();
      String text = new String(answer, StandardCharsets.UTF_8);
      int headEnd = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.") || headEnd < 0 || text.length() < 12) {
        throw new IOException("not an HTTP answer: " + text);
      }
      return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(headEnd + 4));
    } catch (IOException e) {
      throw new UncheckedIOException(name() + " at " + url() + ": " + e, e);
    }
  }

  /**
   * Waits until {@code sql} (a {@code FORMAT TSV} query) answers {@code expected}, for something
   * the server does in the background (a DDL task, a replication fetch), polling every 50 ms.
   *
   * @throws IllegalStateException with the last answer if it does not within {@code timeout}
   */
  public void awaitAnswer(String sql, String expected, Duration timeout) {
    String[] last = {""};
    try {
      process.awaitReady(
          () -> {
            Reply r = send(sql, Map.of());
            last[0] = r.status() + " " + r.body().trim();
            return r.ok() && r.body().trim().equals(expected);
          },
          timeout,
          "answer '" + expected + "' to " + sql);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(name() + ": last answer was " + last[0], e);
    }
  }

  /**
   * Stops the server as an operator would (SIGTERM; SIGKILL after 20 s) and waits until it is gone.
   * Its data stays; {@link #start()} brings it back on the same ports.
   */
  public void stop() {
    terminate();
    awaitExit();
  }

  /**
   * Starts the stopped server again on the same ports with the same data, and waits until it
   * answers and its replicated tables are writable again (connected to ZooKeeper).
   */
  public void start() {
    launch();
    awaitUp();
  }

  void launch() {
    stopped = false;
    process.launch();
  }

  void terminate() {
    stopped = true;
    process.terminate();
  }

  /** Whether the server ended without being stopped: it crashed. */
  boolean crashed() {
    return !stopped && !process.isAlive();
  }

  void awaitExit() {
    process.awaitExit(STOP_GRACE);
  }

  void killNow() {
    process.killNow();
  }

  /** Waits for /ping, then for no replicated table to be read-only. */
  void awaitUp() {
    process.awaitReady(this::pings, START_TIMEOUT, "answer to /ping");
    process.awaitReady(this::replicasWritable, START_TIMEOUT, "writable replicated tables");
  }

  private boolean pings() {
    try {
      Reply r = request("GET", "/ping", new byte[0], Duration.ofSeconds(2));
      return r.ok() && r.body().startsWith("Ok.");
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  private boolean replicasWritable() {
    try {
      Reply r =
          send(
              "SELECT count() FROM system.replicas WHERE is_readonly OR is_session_expired"
                  + " FORMAT TSV",
              Map.of());
      return r.ok() && r.body().trim().equals("0");
    } catch (UncheckedIOException e) {
      return false;
    }
  }

  String tail() {
    return process.tail();
  }

  @Override
  public String toString() {
    return name() + "@" + url();
  }
}
