package io.github.ohlcv4j;

import io.github.ohlcv4j.internal.live.LiveRun;
import io.github.ohlcv4j.internal.live.Receiver;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Candles as they happen, joined to their history with no seam: a {@link Flow.Publisher} of {@link
 * CandleEvent}s, from {@code client.query(...).live()}. Nothing connects until someone subscribes;
 * each subscription is a {@link LiveSubscription} of its own.
 *
 * <pre>{@code
 * LiveCandles live = client.query("BYBIT:BTCUSDT.P").interval(Interval.M1)
 *     .from(Instant.now().minus(Duration.ofHours(6)))  // optional: history first
 *     .resample(Interval.H1)                           // optional: buckets built as candles come
 *     .live();
 * try (LiveSubscription sub = live.subscribe(event -> {
 *       switch (event.kind()) {
 *         case UPDATE -> {}   // the candle in progress changed (flagged in progress)
 *         case CLOSED -> {}   // final: every open time once, ascending
 *         case REVISED -> {}  // a closed candle was corrected
 *       }
 *     })) {
 *   CandleSeries soFar = sub.series();
 * }
 * }</pre>
 *
 * <p><b>What a subscriber gets.</b> With {@code from(t)}, the candles since {@code t} as {@code
 * CLOSED} events (fetched through the client, so its retries and rate limits apply), then the live
 * ones; with {@code latest(n)}, the newest {@code n} candles first; with neither, live candles
 * only. Every open time is {@code CLOSED} exactly once, in ascending order, across history, live
 * pushes, reconnects and closes that never came (fetched over REST at the candle's end plus the
 * venue's grace period). The candle in progress comes as {@code UPDATE}s, flagged {@linkplain
 * Candle#inProgress() in progress}; a consumer that is busy gets the latest one. A candle corrected
 * after it closed is {@code REVISED}. With {@code resample(target)} events carry the target
 * interval, and each candle equals what {@link CandleSeries#resample(Interval)} makes of the same
 * candles ({@link Candle#partial()} included). With {@code completeOnly()} there are no updates.
 * Whether a candle has closed is the venue's call (its messages' times, REST's {@code Date}); the
 * local clock only bounds it.
 *
 * <p><b>Threads and pace.</b> Events are delivered in order on the client's executor, one at a time
 * per subscription, never on the thread reading the venue's socket. A consumer that falls behind by
 * more than {@link #bufferSize(int)} closed or revised candles (history not counted) gets a {@link
 * SlowConsumerException} and the subscription ends: closes are never dropped in silence. A {@link
 * Flow.Subscriber} gets events only as it requests them; the same limit applies. An exception
 * thrown by a consumer is logged and the stream goes on.
 *
 * <p><b>Errors.</b> A query the source cannot stream fails at {@code subscribe} with an {@link
 * InvalidQueryException}, before any I/O (a {@link Flow.Subscriber} gets it in {@code onError}). A
 * symbol the venue refuses, a history fetch that fails after the client's retries, or a closing
 * client ends the subscription with that error ({@link LiveSubscription#error()}, {@code onError}).
 * Lost connections are not errors: the feed reconnects and the client fetches what was missed.
 *
 * <p>Immutable and thread-safe; {@link #keep(int)} and {@link #bufferSize(int)} return changed
 * copies.
 */
public final class LiveCandles implements Flow.Publisher<CandleEvent> {

  /**
   * How many closed candles past the history {@link LiveSubscription#series()} holds by default.
   */
  public static final int DEFAULT_KEEP = 10_000;

  /** How many closed or revised candles may wait for a consumer by default. */
  public static final int DEFAULT_BUFFER_SIZE = 10_000;

  private final OhlcvClient client;
  private final OhlcvQuery query;
  private final boolean history;
  private final int keep;
  private final int bufferSize;

  LiveCandles(OhlcvClient client, OhlcvQuery query, boolean history, int keep, int bufferSize) {
    this.client = client;
    this.query = query;
    this.history = history;
    this.keep = keep;
    this.bufferSize = bufferSize;
  }

  /** The query: symbol, interval, where the history starts, resample target, zone. */
  public OhlcvQuery query() {
    return query;
  }

  /** Whether subscribers get history before the live candles. */
  public boolean hasHistory() {
    return history;
  }

  /** How many closed candles past the history {@link LiveSubscription#series()} holds. */
  public int keep() {
    return keep;
  }

  /**
   * A copy whose subscriptions' {@link LiveSubscription#series()} hold {@code candles} closed
   * candles past the history ({@value #DEFAULT_KEEP} by default); older ones leave as new ones
   * close.
   *
   * @throws IllegalArgumentException if {@code candles} is negative
   */
  public LiveCandles keep(int candles) {
    if (candles < 0) {
      throw new IllegalArgumentException("keep(n) needs n >= 0, got " + candles);
    }
    return new LiveCandles(client, query, history, candles, bufferSize);
  }

  /** How many closed or revised candles may wait for a consumer. */
  public int bufferSize() {
    return bufferSize;
  }

  /**
   * A copy whose consumers may fall behind by {@code events} closed or revised candles ({@value
   * #DEFAULT_BUFFER_SIZE} by default) before their subscription ends with a {@link
   * SlowConsumerException}. History and backfills do not count.
   *
   * @throws IllegalArgumentException if {@code events} is below 1
   */
  public LiveCandles bufferSize(int events) {
    if (events < 1) {
      throw new IllegalArgumentException("bufferSize(n) needs n >= 1, got " + events);
    }
    return new LiveCandles(client, query, history, keep, events);
  }

  /**
   * Subscribes {@code consumer}: connects if needed and starts the history, then live events.
   * Errors that end the subscription are logged and kept in {@link LiveSubscription#error()}.
   *
   * @throws InvalidQueryException if the source cannot stream this query (before any I/O)
   * @throws ClientClosedException if the client is closed
   */
  public LiveSubscription subscribe(Consumer<? super CandleEvent> consumer) {
    return subscribe(consumer, null);
  }

  /**
   * Subscribes {@code consumer}, with {@code onError} told if an error ends the subscription.
   *
   * @throws InvalidQueryException if the source cannot stream this query (before any I/O)
   * @throws ClientClosedException if the client is closed
   */
  public LiveSubscription subscribe(
      Consumer<? super CandleEvent> consumer, @Nullable Consumer<? super OhlcvException> onError) {
    Objects.requireNonNull(consumer, "consumer");
    Receiver r =
        new Receiver() {
          @Override
          public void onNext(CandleEvent event) {
            consumer.accept(event);
          }

          @Override
          public void onError(OhlcvException error) {
            if (onError != null) {
              onError.accept(error);
            }
          }

          @Override
          public void onComplete() {}
        };
    LiveRun run = client.prepareLive(this, r);
    run.request(Long.MAX_VALUE);
    run.start(true);
    return run;
  }

  /**
   * Subscribes a {@link Flow.Subscriber}: it gets a {@link LiveSubscription} in {@code
   * onSubscribe}, events as it requests them, {@code onComplete} when the subscription is closed
   * and {@code onError} when an error ends it (also for a query the source cannot stream).
   */
  @Override
  public void subscribe(Flow.Subscriber<? super CandleEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Receiver r =
        new Receiver() {
          @Override
          public void onNext(CandleEvent event) {
            subscriber.onNext(event);
          }

          @Override
          public void onError(OhlcvException error) {
            subscriber.onError(error);
          }

          @Override
          public void onComplete() {
            subscriber.onComplete();
          }
        };
    LiveRun run;
    try {
      run = client.prepareLive(this, r);
    } catch (OhlcvException e) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(e);
      return;
    }
    subscriber.onSubscribe(run);
    run.start(false);
  }

  @Override
  public String toString() {
    return "LiveCandles{" + query + (history ? "" : ", no history") + "}";
  }
}
