package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.CandleSource;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Answers {@code latest(n).completeOnly()} queries from memory until the newest candle of the
 * answer could have changed: until the end of the output bucket holding "now" plus a lag, by the
 * client's clock. Identical queries (same source, equal query) running at once share one fetch. An
 * error is not kept. Bounded: the least recently used answers go first.
 *
 * <p>An answer fetched at {@code t} is kept until {@code end(bucket(t - lag)) + lag}: the venue may
 * publish a closed candle up to {@code lag} after its bucket ends, so an answer fetched within
 * {@code lag} of a boundary is only trusted until {@code lag} after it. An answer whose newest
 * candle is not the last bucket closed at {@code t} (a venue that has not published it yet, a quiet
 * market, a venue whose clock is ahead) is kept for at most {@code lag}.
 *
 * <p>Queries that keep the forming candle are not cached: it changes with every trade.
 */
public final class LatestCache {

  private final Clock clock;
  private final long lagMillis;
  private final int maxEntries;
  private final LinkedHashMap<Key, Entry> entries;

  /**
   * A cache on {@code clock} that trusts an answer until {@code lag} after the next boundary, and
   * holds at most {@code maxEntries} answers.
   */
  public LatestCache(Clock clock, Duration lag, int maxEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (lag.isNegative()) {
      throw new IllegalArgumentException("the lag must not be negative: " + lag);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.lagMillis = lag.toMillis();
    this.maxEntries = maxEntries;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > LatestCache.this.maxEntries;
          }
        };
  }

  /** Whether {@code query} is answered from this cache: a {@code latest(n).completeOnly()} one. */
  public static boolean caches(OhlcvQuery query) {
    return query.latest().isPresent() && query.completeOnly();
  }

  /**
   * The answer to {@code query} on {@code source}: the kept one while it is valid, the one being
   * fetched if an identical query is in flight, else a new fetch by {@code fetcher}. Each caller
   * gets a future of its own: cancelling it cancels the shared fetch only when no other caller
   * waits for it.
   */
  public CompletableFuture<CandleSeries> fetch(
      CandleSource source,
      OhlcvQuery query,
      Function<OhlcvQuery, CompletableFuture<CandleSeries>> fetcher) {
    long now = clock.millis();
    Key key = new Key(source, query);
    Entry entry;
    boolean owner = false;
    synchronized (entries) {
      entry = entries.get(key);
      if (entry == null || !entry.validAt(now)) {
        entry = new Entry(now, expiry(query, now));
        entries.put(key, entry);
        owner = true;
      }
      entry.waiters++;
    }
    if (owner) {
      start(key, entry, query, fetcher);
    }
    return waitFor(key, entry);
  }

  private void start(
      Key key,
      Entry entry,
      OhlcvQuery query,
      Function<OhlcvQuery, CompletableFuture<CandleSeries>> fetcher) {
    CompletableFuture<CandleSeries> f;
    try {
      f = fetcher.apply(query);
    } catch (Throwable e) { // the fetcher fails its future rather than throw; in case it does not
      f = CompletableFuture.failedFuture(e);
    }
    boolean cancelNow;
    synchronized (entries) {
      entry.fetch = f;
      cancelNow = entry.cancelled;
    }
    f.whenComplete(
        (series, error) -> {
          synchronized (entries) {
            if (error != null || series == null) {
              entries.remove(key, entry);
            } else {
              entry.validUntil = Math.min(entry.validUntil, trustedUntil(query, entry, series));
            }
          }
          if (error != null) {
            entry.answer.completeExceptionally(error);
          } else {
            entry.answer.complete(series);
          }
        });
    if (cancelNow) {
      f.cancel(true);
    }
  }

  private CompletableFuture<CandleSeries> waitFor(Key key, Entry entry) {
    CompletableFuture<CandleSeries> out = new CompletableFuture<>();
    entry.answer.whenComplete(
        (series, error) -> {
          if (error != null) {
            out.completeExceptionally(error);
          } else {
            out.complete(series);
          }
        });
    out.whenComplete(
        (series, error) -> {
          boolean cancelFetch = false;
          CompletableFuture<CandleSeries> f;
          synchronized (entries) {
            entry.waiters--;
            f = entry.fetch;
            if (out.isCancelled() && entry.waiters == 0 && !entry.answer.isDone()) {
              // Nobody waits for it any more: stop the request rather than keep its answer.
              entries.remove(key, entry);
              entry.cancelled = true;
              cancelFetch = true;
            }
          }
          if (cancelFetch && f != null) {
            f.cancel(true);
          }
        });
    return out;
  }

  /** Until when an answer fetched at {@code now} can be the answer, before it is seen. */
  private long expiry(OhlcvQuery query, long now) {
    Interval out = query.outputInterval();
    Alignment a = alignment(query);
    long shifted = now - lagMillis;
    return out.bucketEnd(out.bucketStart(shifted, query.zone(), a), query.zone(), a) + lagMillis;
  }

  /**
   * Until when {@code series}, fetched at {@code entry.fetchedAt}, is trusted: for at most the lag
   * if its newest candle is not the last bucket closed by this clock when it was fetched (the venue
   * has not published it yet, the market was quiet, or the venue's clock is ahead and has closed
   * one more).
   */
  private long trustedUntil(OhlcvQuery query, Entry entry, CandleSeries series) {
    Interval out = query.outputInterval();
    Alignment a = alignment(query);
    long current = out.bucketStart(entry.fetchedAt, query.zone(), a);
    long lastClosed = out.plus(current, -1, query.zone(), a);
    if (series.isEmpty() || series.openTimeMillis(series.size() - 1) != lastClosed) {
      return entry.fetchedAt + lagMillis;
    }
    return Long.MAX_VALUE;
  }

  private static Alignment alignment(OhlcvQuery query) {
    // As OhlcvQuery.rangeAt: the source's own candles are always epoch-aligned.
    return query.resample().isPresent() ? query.alignment() : Alignment.EPOCH;
  }

  /** Forgets every answer (those in flight still reach their callers). */
  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }

  /** How many answers are kept or in flight. */
  public int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  private record Key(CandleSource source, OhlcvQuery query) {}

  /** One answer, fetched or in flight. Fields other than the futures are guarded by the map. */
  private static final class Entry {
    final long fetchedAt;
    final CompletableFuture<CandleSeries> answer = new CompletableFuture<>();
    long validUntil;
    int waiters;
    boolean cancelled;
    @Nullable CompletableFuture<CandleSeries> fetch;

    Entry(long fetchedAt, long validUntil) {
      this.fetchedAt = fetchedAt;
      this.validUntil = validUntil;
    }

    boolean validAt(long now) {
      return now >= fetchedAt && now < validUntil && !answer.isCompletedExceptionally();
    }
  }
}
