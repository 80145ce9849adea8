package io.github.ohlcv4j.clickhouse.cluster;

import io.github.ohlcv4j.clickhouse.ClickHouseServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real ClickHouse cluster for the tests: two shards of two replicas, four Debian 18.16 {@code
 * clickhouse-server} processes on 127.0.0.1 (each with free HTTP, native TCP and interserver ports
 * and a data directory of its own) and one ZooKeeper 3.8 ({@link ZooKeeperServer}) for replication
 * and {@code ON CLUSTER} DDL. Started once per test JVM, stopped (only the processes started here)
 * when the test run ends; its files live in a temporary directory under {@code target}, removed
 * then unless {@code CH_CLUSTER_KEEP=1} (or a node crashed).
 *
 * <p>Every node defines the cluster {@value #NAME} (shards 1 and 2, {@code
 * internal_replication=true}: a write goes to one replica of a shard, which replicates it), the
 * cluster {@value #UNREPLICATED} (the first replica of each shard only), the macros {@code
 * {shard}}, {@code {replica}} ({@code s1r1} ... {@code s2r2}) and {@code {cluster}}, and the
 * distributed DDL queue. Tests declare {@code @ExtendWith(ClickHouseCluster.Extension.class)} and
 * take a {@code ClickHouseCluster} parameter; a node a test stopped is started again after it.
 *
 * <p>Nodes keep idle HTTP connections for 3 s ({@code keep_alive_timeout}, Debian's default): a
 * node stopped while a client holds one open (OkHttp's pool does) takes up to that long to stop.
 * {@link ClusterNode}'s own requests close their connection.
 *
 * <p>The server binary is found as for {@link ClickHouseServer}; ZooKeeper as {@link
 * ZooKeeperServer} says. Without either the tests are skipped with a loud message, except under
 * {@code CI=true}, where they fail.
 */
public final class ClickHouseCluster
    implements ExtensionContext.Store.CloseableResource, AutoCloseable {

  /** The cluster of two shards with two replicas each. */
  public static final String NAME = "ohlcv4j";

  /** The same two shards without their second replicas (nodes {@code s1r1} and {@code s2r1}). */
  public static final String UNREPLICATED = "ohlcv4j_unreplicated";

  /** Shards in {@value #NAME}. */
  public static final int SHARDS = 2;

  /** Replicas of each shard in {@value #NAME}. */
  public static final int REPLICAS = 2;

  /** Where the distributed DDL queue lives in ZooKeeper. */
  public static final String DDL_QUEUE = "/clickhouse/task_queue/ddl";

  private final Path dir;
  private final ZooKeeperServer zooKeeper;
  private final List<ClusterNode> nodes;
  private final Duration zooKeeperStart;
  private final Duration nodesStart;
  private final Thread shutdownHook;
  private volatile boolean keepFiles = "1".equals(System.getenv("CH_CLUSTER_KEEP"));

  private ClickHouseCluster(
      Path dir,
      ZooKeeperServer zooKeeper,
      List<ClusterNode> nodes,
      Duration zooKeeperStart,
      Duration nodesStart) {
    this.dir = dir;
    this.zooKeeper = zooKeeper;
    this.nodes = List.copyOf(nodes);
    this.zooKeeperStart = zooKeeperStart;
    this.nodesStart = nodesStart;
    this.shutdownHook = new Thread(this::killNow, "ohlcv4j-cluster-kill");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** All four nodes, shard by shard: {@code s1r1, s1r2, s2r1, s2r2}. */
  public List<ClusterNode> nodes() {
    return nodes;
  }

  /** One node, by shard and replica (both from 1). */
  public ClusterNode node(int shard, int replica) {
    if (shard < 1 || shard > SHARDS || replica < 1 || replica > REPLICAS) {
      throw new IllegalArgumentException("no node s" + shard + "r" + replica);
    }
    return nodes.get((shard - 1) * REPLICAS + replica - 1);
  }

  /** The replicas of one shard. */
  public List<ClusterNode> shard(int shard) {
    return List.of(node(shard, 1), node(shard, 2));
  }

  /** The cluster's ZooKeeper. */
  public ZooKeeperServer zooKeeper() {
    return zooKeeper;
  }

  /** The cluster's name in {@code remote_servers}: {@value #NAME}. */
  public String name() {
    return NAME;
  }

  /** The directory holding every node's and ZooKeeper's files. */
  public Path dir() {
    return dir;
  }

  /** How long ZooKeeper took to serve, and then all four nodes to be up. */
  public Duration startTime() {
    return zooKeeperStart.plus(nodesStart);
  }

  /**
   * Stops several nodes together (SIGTERM to all, then waiting for all), for a shard that goes down
   * as a whole.
   */
  public void stop(ClusterNode... stopping) {
    for (ClusterNode n : stopping) {
      n.terminate();
    }
    for (ClusterNode n : stopping) {
      n.awaitExit();
    }
  }

  /** Starts several stopped nodes together, and waits until they are all up. */
  public void start(ClusterNode... starting) {
    for (ClusterNode n : starting) {
      n.launch();
    }
    for (ClusterNode n : starting) {
      n.awaitUp();
    }
  }

  /**
   * Starts every node a test stopped, and waits until they are up.
   *
   * @throws IllegalStateException with its log if a node ended without being stopped (it crashed);
   *     it is started again all the same, and the cluster's files are kept for a look
   */
  public void startStopped() {
    StringBuilder crashes = new StringBuilder();
    for (ClusterNode n : nodes) {
      if (n.crashed()) {
        crashes.append(n.name()).append(" crashed:\n").append(n.tail());
      }
    }
    start(nodes.stream().filter(n -> !n.isRunning()).toArray(ClusterNode[]::new));
    if (crashes.length() > 0) {
      keepFiles = true;
      throw new IllegalStateException(crashes + "(files kept in " + dir.toAbsolutePath() + ")");
    }
  }

  /** A one-line summary of start time and memory, for the test output. */
  public String describe() {
    return "ClickHouse test cluster "
        + NAME
        + ": ZooKeeper 127.0.0.1:"
        + zooKeeper.port()
        + " up in "
        + zooKeeperStart.toMillis()
        + " ms, four nodes in "
        + nodesStart.toMillis()
        + " ms; "
        + memory();
  }

  /** Memory and threads of every process, in MiB as RSS/PSS. */
  public String memory() {
    StringBuilder b =
        new StringBuilder("zookeeper RSS ").append(zooKeeper.rssKib() / 1024).append(" MiB");
    long pss = 0;
    for (ClusterNode n : nodes) {
      pss += Math.max(0, n.pssKib());
      b.append(", ")
          .append(n.name())
          .append(" RSS/PSS ")
          .append(n.rssKib() / 1024)
          .append('/')
          .append(n.pssKib() / 1024)
          .append(" MiB ")
          .append(n.threads())
          .append(" threads");
    }
    return b.append("; four nodes PSS ").append(pss / 1024).append(" MiB").toString();
  }

  /**
   * Stops the four nodes together (SIGTERM; SIGKILL after 20 s), then ZooKeeper, and removes the
   * directory.
   */
  @Override
  public void close() {
    System.err.println("ClickHouse test cluster before stopping: " + memory());
    long t0 = System.nanoTime();
    nodes.forEach(ClusterNode::terminate);
    nodes.forEach(ClusterNode::awaitExit);
    long t1 = System.nanoTime();
    zooKeeper.close();
    long t2 = System.nanoTime();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already
    }
    if (keepFiles) {
      System.err.println("ClickHouse test cluster files kept in " + dir.toAbsolutePath());
    } else {
      ChildProcess.deleteTree(dir);
    }
    System.err.println(
        "ClickHouse test cluster stopped: four nodes in "
            + (t1 - t0) / 1_000_000
            + " ms, ZooKeeper in "
            + (t2 - t1) / 1_000_000
            + " ms");
  }

  private void killNow() {
    nodes.forEach(ClusterNode::killNow);
    zooKeeper.killNow();
  }

  /** Starts or finds the cluster of this JVM; aborts the test (fails under CI) without binaries. */
  public static ClickHouseCluster get(ExtensionContext context) {
    Object c = store(context).getOrComputeIfAbsent(ClickHouseCluster.class, k -> startOrSkip());
    if (c instanceof String) {
      Assumptions.abort((String) c);
    }
    return (ClickHouseCluster) c;
  }

  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
  }

  /** The cluster, or the reason the tests are skipped. */
  private static Object startOrSkip() {
    Optional<List<String>> binary = ClickHouseServer.binary();
    String why = null;
    if (binary.isEmpty()) {
      why =
          "clickhouse-server not found (CH_SERVER_BIN="
              + System.getenv().getOrDefault("CH_SERVER_BIN", "unset")
              + "; apt-get install clickhouse-server, or point CH_SERVER_BIN at the binary)";
    } else if (ZooKeeperServer.jar().isEmpty()) {
      why = ZooKeeperServer.missing();
    }
    if (why != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(
            why + "; the ClickHouse cluster tests must run under CI=true");
      }
      System.err.println();
      System.err.println("*".repeat(100));
      System.err.println("*** SKIPPING the ClickHouse cluster tests: " + why);
      System.err.println("*".repeat(100));
      System.err.println();
      return "SKIPPED: " + why;
    }
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        ClickHouseCluster cluster = start(binary.get());
        System.err.println(cluster.describe());
        return cluster;
      } catch (RuntimeException e) {
        last = e; // most likely a port was taken between choosing and binding; try others
      }
    }
    throw last;
  }

  private static ClickHouseCluster start(List<String> binary) {
    Path dir;
    int[] ports;
    try {
      Path target = Path.of("target");
      dir =
          Files.isDirectory(target)
              ? Files.createTempDirectory(target, "ohlcv4j-cluster-")
              : Files.createTempDirectory("ohlcv4j-cluster-");
      ports = freePorts(1 + SHARDS * REPLICAS * 3);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long t0 = System.nanoTime();
    ZooKeeperServer zk;
    try {
      zk = ZooKeeperServer.start(dir.resolve("zookeeper"), ports[0]);
    } catch (RuntimeException e) {
      ChildProcess.deleteTree(dir);
      throw e;
    }
    long t1 = System.nanoTime();
    List<ClusterNode> nodes = new ArrayList<>();
    try {
      int p = 1;
      int[][] tcp = new int[SHARDS + 1][REPLICAS + 1];
      int[][][] assigned = new int[SHARDS + 1][REPLICAS + 1][];
      for (int s = 1; s <= SHARDS; s++) {
        for (int r = 1; r <= REPLICAS; r++) {
          assigned[s][r] = new int[] {ports[p], ports[p + 1], ports[p + 2]};
          tcp[s][r] = ports[p + 1];
          p += 3;
        }
      }
      String remoteServers = remoteServers(tcp);
      for (int s = 1; s <= SHARDS; s++) {
        for (int r = 1; r <= REPLICAS; r++) {
          int[] np = assigned[s][r];
          Path nodeDir = dir.resolve(ClusterNode.name(s, r));
          Files.createDirectories(nodeDir);
          Files.writeString(
              nodeDir.resolve("config.xml"),
              config(nodeDir, s, r, np[0], np[1], np[2], zk.port(), remoteServers));
          Files.writeString(nodeDir.resolve("users.xml"), USERS);
          List<String> cmd = new ArrayList<>(binary);
          cmd.add("--config-file=" + nodeDir.resolve("config.xml").toAbsolutePath());
          ChildProcess process =
              new ChildProcess(
                  "clickhouse-server " + ClusterNode.name(s, r),
                  cmd,
                  nodeDir,
                  nodeDir.resolve("stdout.log"),
                  Map.of("TZ", "UTC"));
          nodes.add(new ClusterNode(s, r, np[0], np[1], np[2], nodeDir, process));
        }
      }
      nodes.forEach(ClusterNode::launch);
      nodes.forEach(ClusterNode::awaitUp);
    } catch (IOException | RuntimeException e) {
      nodes.forEach(ClusterNode::killNow);
      nodes.forEach(ClusterNode::awaitExit);
      zk.close();
      ChildProcess.deleteTree(dir);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    long t2 = System.nanoTime();
    return new ClickHouseCluster(
        dir, zk, nodes, Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1));
  }

  /** Distinct free loopback ports: all are held open together while they are chosen. */
  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private static String remoteServers(int[][] tcp) {
    StringBuilder b = new StringBuilder("  <remote_servers>\n    <" + NAME + ">\n");
    for (int s = 1; s <= SHARDS; s++) {
      b.append("      <shard><internal_replication>true</internal_replication>\n");
      for (int r = 1; r <= REPLICAS; r++) {
        b.append("        ").append(replica(tcp[s][r])).append('\n');
      }
      b.append("      </shard>\n");
    }
    b.append("    </" + NAME + ">\n    <" + UNREPLICATED + ">\n");
    for (int s = 1; s <= SHARDS; s++) {
      b.append("      <shard>").append(replica(tcp[s][1])).append("</shard>\n");
    }
    return b.append("    </" + UNREPLICATED + ">\n  </remote_servers>\n").toString();
  }

  private static String replica(int tcpPort) {
    return "<replica><host>127.0.0.1</host><port>" + tcpPort + "</port></replica>";
  }

  private static String config(
      Path dir,
      int shard,
      int replica,
      int http,
      int tcp,
      int interserver,
      int zooKeeper,
      String remoteServers) {
    String d = dir.toAbsolutePath().toString();
    return "<?xml version=\"1.0\"?>\n"
        + "<yandex>\n"
        + "  <logger><level>warning</level><log>"
        + d
        + "/log/server.log</log><errorlog>"
        + d
        + "/log/server.err.log</errorlog><size>10M</size><count>1</count></logger>\n"
        + "  <listen_host>127.0.0.1</listen_host>\n"
        + "  <http_port>"
        + http
        + "</http_port>\n"
        + "  <tcp_port>"
        + tcp
        + "</tcp_port>\n"
        + "  <interserver_http_port>"
        + interserver
        + "</interserver_http_port>\n"
        + "  <interserver_http_host>127.0.0.1</interserver_http_host>\n"
        + "  <max_connections>64</max_connections>\n"
        + "  <keep_alive_timeout>3</keep_alive_timeout>\n"
        + "  <max_concurrent_queries>32</max_concurrent_queries>\n"
        + "  <uncompressed_cache_size>0</uncompressed_cache_size>\n"
        + "  <mark_cache_size>16777216</mark_cache_size>\n"
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
        + "  <zookeeper>\n"
        + "    <node><host>127.0.0.1</host><port>"
        + zooKeeper
        + "</port></node>\n"
        + "    <session_timeout_ms>10000</session_timeout_ms>\n"
        + "  </zookeeper>\n"
        + "  <macros><shard>"
        + shard
        + "</shard><replica>"
        + ClusterNode.name(shard, replica)
        + "</replica><cluster>"
        + NAME
        + "</cluster></macros>\n"
        + "  <distributed_ddl><path>"
        + DDL_QUEUE
        + "</path></distributed_ddl>\n"
        + remoteServers
        + "</yandex>\n";
  }

  /**
   * User {@code default} from loopback only. Its profile keeps the servers small (four background
   * threads instead of sixteen), bounds how long {@code ON CLUSTER} DDL waits for a node that is
   * down (30 s instead of 180 s), and has idle native connections check for a shutdown every second
   * instead of every ten ({@code poll_interval}): other nodes keep pooled connections to each node,
   * which would otherwise hold a stopping node for up to ten seconds. Everything else is as a
   * user's server has it.
   */
  private static final String USERS =
      "<?xml version=\"1.0\"?>\n"
          + "<yandex>\n"
          + "  <profiles>\n"
          + "    <default>\n"
          + "      <max_memory_usage>2000000000</max_memory_usage>\n"
          + "      <background_pool_size>4</background_pool_size>\n"
          + "      <background_schedule_pool_size>4</background_schedule_pool_size>\n"
          + "      <distributed_ddl_task_timeout>30</distributed_ddl_task_timeout>\n"
          + "      <poll_interval>1</poll_interval>\n"
          + "    </default>\n"
          + "  </profiles>\n"
          + "  <users>\n"
          + "    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>"
          + "<profile>default</profile><quota>default</quota></default>\n"
          + "  </users>\n"
          + "  <quotas><default><interval><duration>3600</duration><queries>0</queries>"
          + "<errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows>"
          + "<execution_time>0</execution_time></interval></default></quotas>\n"
          + "</yandex>\n";

  /**
   * Starts the cluster once per JVM and hands it to test methods; after each test, starts again any
   * node the test stopped. Without binaries each test of the class is reported as skipped with the
   * reason (under {@code CI=true} they fail instead).
   */
  public static final class Extension
      implements ExecutionCondition, ParameterResolver, AfterEachCallback {

    /** For JUnit. */
    public Extension() {}

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (context.getTestMethod().isEmpty()) {
        return ConditionEvaluationResult.enabled("decided per test");
      }
      Object c = store(context).getOrComputeIfAbsent(ClickHouseCluster.class, k -> startOrSkip());
      return c instanceof String
          ? ConditionEvaluationResult.disabled((String) c)
          : ConditionEvaluationResult.enabled("the ClickHouse cluster is running");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
      return p.getParameter().getType() == ClickHouseCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
      return get(e);
    }

    @Override
    public void afterEach(ExtensionContext context) {
      Object c = store(context).get(ClickHouseCluster.class);
      if (c instanceof ClickHouseCluster cluster) {
        cluster.startStopped();
      }
    }
  }
}
