package io.github.ohlcv4j.internal;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The threads of one client: a scheduler thread that only keeps time (retry backoffs, rate-limit
 * waits, deadlines) and the executor that runs the steps of asynchronous queries, its own pool of
 * daemon threads unless the application gave one. {@link #close()} stops what it started and leaves
 * an application's executor alone. Thread-safe.
 */
public final class ClientRuntime implements AutoCloseable {

  private final ScheduledThreadPoolExecutor scheduler;
  private final @Nullable ExecutorService ownExecutor;
  private final Executor executor;
  private final GuardTimer timer;

  private ClientRuntime(Clock clock, @Nullable Executor given) {
    this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("ohlcv4j-scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    if (given != null) {
      this.ownExecutor = null;
      this.executor = given;
    } else {
      this.ownExecutor = Executors.newCachedThreadPool(daemon("ohlcv4j-worker"));
      this.executor = ownExecutor;
    }
    // A clock that keeps time for tasks too (the test kit's virtual time) drives every wait.
    this.timer =
        clock instanceof GuardTimer
            ? (GuardTimer) clock
            : GuardTimer.of(clock, scheduler, executor);
  }

  /**
   * Starts the threads.
   *
   * @param clock the wall clock of the timer
   * @param executor the application's executor, or null for the runtime's own pool
   */
  public static ClientRuntime start(Clock clock, @Nullable Executor executor) {
    return new ClientRuntime(Objects.requireNonNull(clock, "clock"), executor);
  }

  /** Runs the steps of asynchronous queries; never blocked on I/O. */
  public Executor executor() {
    return executor;
  }

  /** Keeps time for waits on the scheduler thread and hands the work to {@link #executor()}. */
  public GuardTimer timer() {
    return timer;
  }

  /** Stops the scheduler and the runtime's own pool (not an executor it was given). Idempotent. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
