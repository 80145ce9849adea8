package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.internal.GuardTimer;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The live subscriptions of one client: starts them with the client's timer, executor, listener and
 * fetch (so backfills get the client's retries and limits), and ends them all when the client
 * closes. Thread-safe.
 */
public final class LiveEngine {

  /** What a subscription asks for. */
  public record Spec(OhlcvQuery query, @Nullable Instant historyFrom, int keep, int bufferSize) {}

  private final LiveEnvironment env;
  private final Function<OhlcvQuery, CompletableFuture<CandleSeries>> fetch;
  private final Set<LiveRun> runs = ConcurrentHashMap.newKeySet();
  private final Set<LiveFeed> feeds = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param timer the client's timer
   * @param executor runs deliveries and backfill steps
   * @param listener the client's listener (already safe)
   * @param fetch the client's asynchronous fetch
   */
  public LiveEngine(
      GuardTimer timer,
      Executor executor,
      OhlcvEventListener listener,
      Function<OhlcvQuery, CompletableFuture<CandleSeries>> fetch) {
    this.env =
        LiveEnvironment.builder()
            .clock(timer.clock())
            .nanoTime(timer::nanoTime)
            .scheduler(timer::schedule)
            .executor(executor)
            .listener(listener)
            .random(() -> ThreadLocalRandom.current().nextDouble())
            .build();
    this.fetch = fetch;
  }

  /** The environment feeds get. */
  public LiveEnvironment environment() {
    return env;
  }

  /**
   * A subscription ready to {@link LiveRun#start(boolean)}.
   *
   * @param source the source's name
   * @param synthetic whether its candles are sample data
   */
  public LiveRun prepare(
      Spec spec, String source, boolean synthetic, LiveFeed feed, Receiver receiver) {
    if (closed) {
      throw closedError();
    }
    feeds.add(feed);
    return new LiveRun(this, spec, source, synthetic, feed, receiver);
  }

  CompletableFuture<CandleSeries> fetch(OhlcvQuery q) {
    return fetch.apply(q);
  }

  LiveEnvironment env() {
    return env;
  }

  void started(LiveRun run) {
    runs.add(run);
    if (closed) {
      run.terminate(closedError(), false);
    }
  }

  void ended(LiveRun run) {
    runs.remove(run);
  }

  /** Ends every subscription with a {@link ClientClosedException} and drops every connection. */
  public void close() {
    closed = true;
    List<LiveRun> all = new ArrayList<>(runs);
    for (LiveRun r : all) {
      r.terminate(closedError(), false);
    }
    for (LiveFeed f : feeds) {
      try {
        f.close();
      } catch (Throwable e) {
        org.slf4j.LoggerFactory.getLogger("io.github.ohlcv4j.live")
            .warn("Closing the live feed {} failed", f.name(), e);
      }
    }
  }

  private static ClientClosedException closedError() {
    return new ClientClosedException(
        "The OhlcvClient was closed, and its live subscriptions with it. Build a new client to"
            + " subscribe again.",
        null,
        null);
  }
}
