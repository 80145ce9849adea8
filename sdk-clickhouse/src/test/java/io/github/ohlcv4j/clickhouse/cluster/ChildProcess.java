package io.github.ohlcv4j.clickhouse.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One server process the tests started: launched in a session of its own ({@code setsid}, so that a
 * Ctrl-C of the build does not reach it first) with its output appended to a log file, stopped with
 * SIGTERM and, after a grace period, SIGKILL. Only this process is ever signalled.
 */
final class ChildProcess {

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final String name;
  private final List<String> command;
  private final Path dir;
  private final Path log;
  private final Map<String, String> env;
  private volatile Process process;

  ChildProcess(String name, List<String> command, Path dir, Path log, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      cmd.add(SETSID.toString()); // the child is no group leader, so setsid execs in place
    }
    cmd.addAll(command);
    this.name = name;
    this.command = List.copyOf(cmd);
    this.dir = dir;
    this.log = log;
    this.env = Map.copyOf(env);
  }

  /** Starts the process (again, after {@link #stop}). */
  void launch() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is running");
    }
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  long pid() {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException(name + " was never started");
    }
    return p.pid();
  }

  /**
   * Waits until {@code ready} holds, polling every 50 ms for at most {@code timeout}.
   *
   * @throws IllegalStateException with the log's tail if the process exits or time runs out
   */
  void awaitReady(BooleanSupplier ready, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Process p = process;
      if (!p.isAlive()) {
        throw new IllegalStateException(
            name + " exited (" + p.exitValue() + ") before " + what + ":\n" + tail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + ": no " + what + " within " + timeout + ":\n" + tail());
      }
      try {
        p.onExit().get(50, TimeUnit.MILLISECONDS); // waits, or returns at once if it died
      } catch (TimeoutException | ExecutionException e) {
        // still running
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
  }

  /** Sends SIGTERM, without waiting. */
  void terminate() {
    Process p = process;
    if (p != null) {
      p.destroy();
    }
  }

  /** Waits for the process to end, sending SIGKILL once {@code grace} has passed. */
  void awaitExit(Duration grace) {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      p.destroyForcibly();
      p.onExit().join();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; returns when the process is gone. */
  void stop(Duration grace) {
    terminate();
    awaitExit(grace);
  }

  /** SIGKILL at once, without waiting (for a shutdown hook). */
  void killNow() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
    }
  }

  /** Resident memory in KiB ({@code VmRSS} of /proc), or -1 where it cannot be read. */
  long rssKib() {
    return procStatus("VmRSS:");
  }

  /**
   * Proportional memory in KiB ({@code Pss} of /proc's smaps_rollup: pages shared with other
   * processes, such as the four servers' common library, counted in shares), or -1.
   */
  long pssKib() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return -1;
    }
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process just ended
    }
    return -1;
  }

  /** Threads of the process, or -1 where it cannot be read. */
  long threads() {
    return procStatus("Threads:");
  }

  private long procStatus(String key) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process just ended
    }
    return -1;
  }

  /** The last lines of the log and of the error log next to it, for a failure message. */
  String tail() {
    StringBuilder b = new StringBuilder();
    for (Path p : List.of(log, dir.resolve("log/server.err.log"))) {
      try {
        if (Files.exists(p)) {
          List<String> lines = Files.readAllLines(p);
          b.append("--- ").append(p).append('\n');
          lines
              .subList(Math.max(0, lines.size() - 30), lines.size())
              .forEach(l -> b.append(l).append('\n'));
        }
      } catch (IOException | UncheckedIOException e) {
        b.append("(cannot read ").append(p).append(")\n");
      }
    }
    return b.toString();
  }

  /** Removes a directory tree, best effort. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: it is a temporary directory
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
