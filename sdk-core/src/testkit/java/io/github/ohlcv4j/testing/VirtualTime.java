package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.internal.GuardTimer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Time that moves only when a test says so: a {@link Clock}, a nanosecond counter and a scheduler
 * in one, to drive the guards deterministically. Scheduled tasks run on the test's thread, in time
 * order, during {@link #advance(Duration)} or {@link #runDue()}. Thread-safe, though meant for
 * single-threaded tests.
 */
public final class VirtualTime extends Clock implements GuardTimer {

  private final Instant origin;
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(
          Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq));
  private long nanos;
  private long sequence;
  private final List<Duration> scheduledDelays = new ArrayList<>();

  /** Virtual time starting at {@code origin}. */
  public VirtualTime(Instant origin) {
    this.origin = origin;
  }

  /** Virtual time starting at 2024-01-01T00:00:00Z. */
  public static VirtualTime start() {
    return new VirtualTime(Instant.parse("2024-01-01T00:00:00Z"));
  }

  @Override
  public Clock clock() {
    return this;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("virtual time is UTC");
  }

  @Override
  public synchronized Instant instant() {
    return origin.plusNanos(nanos);
  }

  /** The time elapsed since the start. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  @Override
  public synchronized Future<?> schedule(Runnable task, Duration delay) {
    long d =
        delay.isNegative()
            ? 0
            : delay.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1
                ? Long.MAX_VALUE
                : delay.toNanos();
    scheduledDelays.add(Duration.ofNanos(d));
    long due = nanos + d < nanos ? Long.MAX_VALUE : nanos + d;
    Task t = new Task(task, due, sequence++);
    queue.add(t);
    return t;
  }

  /** Every delay asked for so far, in order. */
  public synchronized List<Duration> scheduledDelays() {
    return List.copyOf(scheduledDelays);
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int pending() {
    return (int) queue.stream().filter(t -> !t.isDone()).count();
  }

  /** Runs the tasks that are due now (also those they schedule with no delay). */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves time forward by {@code d}, running each task when its time comes. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = nanos + d.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          nanos = target;
          return;
        }
        queue.poll();
        nanos = Math.max(nanos, next.due);
      }
      next.run();
    }
  }

  /** Moves time forward until no task is left, at most by {@code limit}; returns the time taken. */
  public Duration runAll(Duration limit) {
    long start;
    synchronized (this) {
      start = nanos;
    }
    while (true) {
      Task next;
      synchronized (this) {
        while (!queue.isEmpty() && queue.peek().isDone()) {
          queue.poll();
        }
        next = queue.peek();
        if (next == null || next.due - start > limit.toNanos()) {
          return Duration.ofNanos(nanos - start);
        }
      }
      advance(Duration.ofNanos(Math.max(0, next.due - nanoTime())));
    }
  }

  private static final class Task implements Future<Object> {
    final Runnable body;
    final long due;
    final long seq;
    private volatile boolean cancelled;
    private volatile boolean done;

    Task(Runnable body, long due, long seq) {
      this.body = body;
      this.due = due;
      this.seq = seq;
    }

    void run() {
      if (cancelled || done) {
        return;
      }
      done = true;
      body.run();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
