package io.github.ohlcv4j.clickhouse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ZooKeeper of the test's own (not the cluster's): it serves on the one loopback port it was
 * given and nowhere else, answers only the four-letter words its config allows, and is gone with
 * its port closed once stopped.
 */
@Timeout(60)
class ZooKeeperServerTest {

  @Test
  void servesOnItsLoopbackPortOnlyAndStopsWhatItStarted(@TempDir Path dir) throws IOException {
    requireZooKeeper();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    long pid;
    try (ZooKeeperServer zk = ZooKeeperServer.start(dir, port)) {
      pid = zk.pid();
      assertEquals("imok", zk.fourLetterWord("ruok"));
      String srvr = zk.fourLetterWord("srvr");
      assertTrue(srvr.contains("Mode: standalone"), srvr);
      assertTrue(srvr.startsWith("Zookeeper version: 3."), srvr);
      // Not in the config's whitelist: proves the config written is the one in force.
      String conf = zk.fourLetterWord("conf");
      assertTrue(conf.contains("not in the whitelist"), conf);

      if (ListeningSockets.available()) {
        // One listening socket: the client port on 127.0.0.1; no admin server, no JMX port.
        assertEquals(
            Set.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)),
            Set.copyOf(ListeningSockets.of(pid)));
      }
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertThrows(
        IOException.class,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
          }
        });
  }

  @Test
  void aPortInUseIsReportedWithTheLog(@TempDir Path dir) throws IOException {
    requireZooKeeper();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> ZooKeeperServer.start(dir, taken.getLocalPort()).close());
      assertTrue(e.getMessage().contains("exited"), e.getMessage());
      assertTrue(e.getMessage().contains("zookeeper.log"), e.getMessage());
      assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
    }
  }

  /** Skips the test without ZooKeeper, except under {@code CI=true}, where it fails. */
  private static void requireZooKeeper() {
    if (ZooKeeperServer.jar().isEmpty()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(ZooKeeperServer.missing() + "; it must run under CI=true");
      }
      Assumptions.abort("SKIPPED: " + ZooKeeperServer.missing());
    }
  }
}
