package io.github.ohlcv4j.testing;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Checks that an {@code OhlcvClient} leaves no thread behind: the {@code ohlcv4j-*} threads that
 * were not running when the snapshot was taken must end once the client is closed.
 *
 * <pre>{@code
 * ClientThreads threads = ClientThreads.snapshot();
 * try (OhlcvClient client = ...) { ... }
 * threads.assertEnded(Duration.ofSeconds(5));
 * }</pre>
 */
public final class ClientThreads {

  /** The prefix of the threads a client starts. */
  public static final String PREFIX = "ohlcv4j-";

  /**
   * The prefix of the threads of pools every client shares (the default HTTP client's): daemon
   * threads that outlive a client by design (they end after a minute idle), left aside here.
   */
  public static final String SHARED_PREFIX = "ohlcv4j-shared-";

  private final Set<Thread> before;

  private ClientThreads(Set<Thread> before) {
    this.before = before;
  }

  /** The {@code ohlcv4j-*} threads running now, which later checks leave aside. */
  public static ClientThreads snapshot() {
    return new ClientThreads(Set.copyOf(running()));
  }

  private static List<Thread> running() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(
            t ->
                t.isAlive()
                    && t.getName().startsWith(PREFIX)
                    && !t.getName().startsWith(SHARED_PREFIX))
        .collect(Collectors.toList());
  }

  /**
   * Waits up to {@code limit} for every {@code ohlcv4j-*} thread started since the snapshot to end.
   *
   * @throws AssertionError naming the threads still alive after {@code limit}
   */
  public void assertEnded(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread t : running()) {
      if (before.contains(t)) {
        continue;
      }
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    List<String> alive =
        running().stream()
            .filter(t -> !before.contains(t))
            .map(t -> t.getName() + " (" + t.getState() + ")")
            .collect(Collectors.toList());
    if (!alive.isEmpty()) {
      throw new AssertionError("threads still running after close: " + alive);
    }
  }
}
