package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.CandleSource;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs a query straight against a source: no retries, no events; the default of {@link
 * CandleSource#fetch}. A query's timeout holds here too.
 */
public final class DirectRunner {
  private DirectRunner() {}

  /** Fetches the whole answer; see {@link CandleSource#fetch(OhlcvQuery)}. */
  public static CandleSeries fetch(CandleSource source, OhlcvQuery query, Clock clock) {
    Objects.requireNonNull(query, "query");
    return engine(clock).fetch(source, query);
  }

  /** Streams the answer; see {@link CandleSource#pages(OhlcvQuery)}. */
  public static Stream<CandleSeries> pages(CandleSource source, OhlcvQuery query, Clock clock) {
    Objects.requireNonNull(query, "query");
    return engine(clock).pages(source, query);
  }

  private static QueryEngine engine(Clock clock) {
    return new QueryEngine(
        clock,
        Deadlines.TIMER,
        OhlcvEventListener.NONE,
        PageGuard.NONE,
        Runnable::run,
        () -> false);
  }

  /**
   * The timer of queries run directly that have a {@link OhlcvQuery#timeout()}: one daemon thread,
   * started on first use, that ends when idle for a while, so a program that ran such a query still
   * exits at once.
   */
  private static final class Deadlines {
    static final GuardTimer TIMER = timer();

    private static GuardTimer timer() {
      AtomicInteger n = new AtomicInteger();
      ScheduledThreadPoolExecutor scheduler =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "ohlcv4j-deadline-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      scheduler.setRemoveOnCancelPolicy(true);
      scheduler.setKeepAliveTime(10, TimeUnit.SECONDS);
      scheduler.allowCoreThreadTimeOut(true);
      // A deadline only cancels and completes futures: it runs on the scheduler's thread.
      return GuardTimer.of(Clock.systemUTC(), scheduler, Runnable::run);
    }
  }
}
