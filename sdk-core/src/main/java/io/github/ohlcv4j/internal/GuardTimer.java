package io.github.ohlcv4j.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The time the guards live by: a wall clock (venue bans, the circuit breaker's open time), a
 * monotonic nanosecond counter (durations, rate-limit cycles, the retry budget) and a way to run a
 * task later without blocking a thread. Clients use their clock and scheduler ({@link #of}); tests
 * drive the same code in virtual time.
 */
public interface GuardTimer {

  /** The wall clock: compared with the instants venues send (ban ends) and used for "now". */
  Clock clock();

  /** A monotonic counter in nanoseconds, for durations; its origin is arbitrary. */
  long nanoTime();

  /**
   * Runs {@code task} once {@code delay} has passed, never blocking the calling thread. Cancelling
   * the returned future before the task starts stops it.
   */
  Future<?> schedule(Runnable task, Duration delay);

  /** {@code delay} in nanoseconds, from 0 up to {@link Long#MAX_VALUE} (no overflow). */
  static long nanos(Duration delay) {
    if (delay.isNegative()) {
      return 0;
    }
    return delay.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1
        ? Long.MAX_VALUE
        : delay.toNanos();
  }

  /**
   * A timer over a scheduler that only keeps time: when a delay ends the task is handed to {@code
   * executor}, so a slow task never holds up other timers. Durations use {@link System#nanoTime()}.
   */
  static GuardTimer of(Clock clock, ScheduledExecutorService scheduler, Executor executor) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(executor, "executor");
    return new GuardTimer() {
      @Override
      public Clock clock() {
        return clock;
      }

      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Future<?> schedule(Runnable task, Duration delay) {
        Runnable handOff =
            () -> {
              try {
                executor.execute(task);
              } catch (RejectedExecutionException e) {
                task.run(); // the executor is shutting down: finish here so the waiter learns it
              }
            };
        return scheduler.schedule(handOff, nanos(delay), TimeUnit.NANOSECONDS);
      }
    };
  }
}
