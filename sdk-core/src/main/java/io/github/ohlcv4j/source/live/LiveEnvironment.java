package io.github.ohlcv4j.source.live;

import io.github.ohlcv4j.OhlcvEventListener;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link LiveFeed} gets from the client that opens a stream: the clock, a timer, an executor
 * for work that must leave the WebSocket thread, the event listener and a source of jitter. Feeds
 * keep no threads of their own; in tests all of it runs in virtual time. Immutable and thread-safe.
 */
public final class LiveEnvironment {

  /** Runs a task later without blocking a thread. */
  @FunctionalInterface
  public interface Scheduler {
    /**
     * Runs {@code task} once {@code delay} has passed; cancelling the returned future before then
     * stops it.
     */
    Future<?> schedule(Runnable task, Duration delay);
  }

  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Scheduler scheduler;
  private final Executor executor;
  private final OhlcvEventListener listener;
  private final DoubleSupplier random;

  private LiveEnvironment(Builder b) {
    this.clock = b.clock;
    this.nanoTime = b.nanoTime;
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
    this.executor = b.executor;
    this.listener = b.listener;
    this.random = b.random;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The local clock. */
  public Clock clock() {
    return clock;
  }

  /** A monotonic counter in nanoseconds, for durations (silence, rates). */
  public long nanoTime() {
    return nanoTime.getAsLong();
  }

  /** Runs {@code task} after {@code delay}; see {@link Scheduler}. */
  public Future<?> schedule(Runnable task, Duration delay) {
    return scheduler.schedule(Objects.requireNonNull(task, "task"), delay);
  }

  /** Runs work that must not hold up the caller (a WebSocket reader thread). */
  public Executor executor() {
    return executor;
  }

  /** The client's event listener (its exceptions are already caught and logged). */
  public OhlcvEventListener listener() {
    return listener;
  }

  /** A number in {@code [0, 1)}, for jitter. */
  public double random() {
    return random.getAsDouble();
  }

  /** Builds a {@link LiveEnvironment}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;
    private @Nullable Scheduler scheduler;
    private Executor executor = Runnable::run;
    private OhlcvEventListener listener = OhlcvEventListener.NONE;
    private DoubleSupplier random = Math::random;

    Builder() {}

    /** The local clock; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The monotonic counter; {@link System#nanoTime()} by default. */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** The timer; required. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The executor; runs tasks in the calling thread by default. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The event listener; none by default. */
    public Builder listener(OhlcvEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The source of jitter; {@link Math#random()} by default. */
    public Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the environment.
     *
     * @throws NullPointerException if no scheduler was given
     */
    public LiveEnvironment build() {
      return new LiveEnvironment(this);
    }
  }
}
