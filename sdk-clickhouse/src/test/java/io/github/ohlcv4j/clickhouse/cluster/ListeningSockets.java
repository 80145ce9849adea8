package io.github.ohlcv4j.clickhouse.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP sockets a process listens on, read from Linux's /proc: the socket inodes among its file
 * descriptors, matched against the LISTEN entries of {@code /proc/net/tcp} and {@code tcp6}.
 */
final class ListeningSockets {

  private ListeningSockets() {}

  /** Whether this system has the /proc files needed. */
  static boolean available() {
    return Files.isReadable(Path.of("/proc/net/tcp"))
        && Files.isDirectory(Path.of("/proc/self/fd"));
  }

  /** Every address and port {@code pid} listens on, sorted by port. */
  static Set<InetSocketAddress> of(long pid) {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid + "", "fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<InetSocketAddress> listening =
        new TreeSet<>(
            (a, b) ->
                a.getPort() != b.getPort()
                    ? Integer.compare(a.getPort(), b.getPort())
                    : a.toString().compareTo(b.toString()));
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      try {
        List<String> lines = Files.readAllLines(p);
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
            listening.add(address(f[1]));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return listening;
  }

  /** {@code 0100007F:1F90} (IPv4) or 32 hex digits of IPv6, each 32-bit word in host order. */
  private static InetSocketAddress address(String hexAddressAndPort) {
    String[] parts = hexAddressAndPort.split(":");
    String hex = parts[0];
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int from = word * 8 + (3 - i) * 2; // little-endian words
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(from, from + 2), 16);
      }
    }
    try {
      // an IPv4-mapped IPv6 address comes back as the IPv4 address
      return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(parts[1], 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
