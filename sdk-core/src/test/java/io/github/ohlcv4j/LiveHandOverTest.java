package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import io.github.ohlcv4j.source.live.LiveSink;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The hand-over from a feed's thread to the consumer under real concurrency: a feed thread pushes
 * updates and closes as fast as it can, a {@link Flow.Subscriber} asks for one event at a time from
 * threads of its own, and the client delivers on a real pool. Whatever the interleaving, every
 * close arrives exactly once and in order, updates never go back in time, the last update of a
 * minute comes before its close, and nothing hangs.
 */
class LiveHandOverTest {

  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final long MIN = 60_000;

  @Test
  void everyCloseArrivesOnceAndInOrderWhateverTheThreadsDo() {
    PropertyCheck.of("live hand-over under concurrency", 12)
        .forAll(
            (r, size) -> new long[] {20 + r.nextInt(5 * size + 1), 1 + r.nextInt(4), r.nextLong()},
            c -> run((int) c[0], (int) c[1], c[2]));
  }

  private static void run(int minutes, int updatesPerMinute, long seed) {
    AtomicLong venueTime = new AtomicLong(T0);
    AtomicReference<@Nullable LiveSink> sink = new AtomicReference<>();
    CountDownLatch opened = new CountDownLatch(1);
    LiveFeed feed =
        new LiveFeed() {
          @Override
          public String name() {
            return "handover";
          }

          @Override
          public Duration closeGrace() {
            return Duration.ofHours(1); // no close is ever fetched over REST here
          }

          @Override
          public Optional<Clock> clock() {
            return Optional.of(new TickingClock(venueTime));
          }

          @Override
          public Handle open(Symbol symbol, Interval interval, LiveSink s, LiveEnvironment env) {
            sink.set(s);
            opened.countDown();
            return () -> {};
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    ExecutorService requester = Executors.newSingleThreadExecutor();
    ConcurrentLinkedQueue<CandleEvent> got = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Flow.@Nullable Subscription> subscriptionRef = new AtomicReference<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    Source source = new Source(feed);
    try (OhlcvClient client = OhlcvClient.builder().source(source).executor(pool).build()) {
      client
          .query("HANDOVER:X")
          .interval(Interval.M1)
          .live()
          .bufferSize(minutes + 10)
          .subscribe(
              new Flow.Subscriber<CandleEvent>() {
                private Flow.@Nullable Subscription s;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                  s = subscription;
                  subscriptionRef.set(subscription);
                  subscription.request(1);
                }

                @Override
                public void onNext(CandleEvent item) {
                  got.add(item);
                  if (item.kind() == CandleEvent.Kind.CLOSED
                      && item.candle().openTimeMillis() == T0 + (minutes - 1) * MIN) {
                    done.countDown();
                  }
                  Flow.Subscription sub = s;
                  if ((got.size() & 1) == 0) {
                    requester.execute(() -> sub.request(1)); // from another thread
                  } else {
                    sub.request(1);
                  }
                }

                @Override
                public void onError(Throwable throwable) {
                  errors.add(throwable);
                  done.countDown();
                }

                @Override
                public void onComplete() {}
              });
      await(opened);
      LiveSink s = sink.get();
      java.util.Random r = new java.util.Random(seed);
      for (int m = 0; m < minutes; m++) {
        long t = T0 + m * MIN;
        for (int u = 1; u <= updatesPerMinute; u++) {
          venueTime.set(t + u * 1000L);
          double p = 100 + m + u / 10.0;
          s.candle(t, 100 + m, p, 100 + m, p, u, false, venueTime.get());
          if (r.nextInt(8) == 0) {
            Thread.yield();
          }
        }
        venueTime.set(t + MIN);
        double close = 100 + m + updatesPerMinute / 10.0;
        s.candle(t, 100 + m, close, 100 + m, close, updatesPerMinute, true, t + MIN);
      }
      await(done);
      Flow.Subscription subscription = subscriptionRef.get();
      if (subscription != null) {
        subscription.cancel(); // before the client closes, which would end it with an error
      }
    } finally {
      requester.shutdownNow();
      pool.shutdownNow();
    }
    assertTrue(
        errors.isEmpty(),
        "no error: " + errors + " after " + got.size() + " events, the last " + got.peek());
    assertTrue(source.fetches.isEmpty(), "nothing fetched over REST: " + source.fetches);
    List<Long> closes = new ArrayList<>();
    long lastUpdate = Long.MIN_VALUE;
    double lastVolume = -1;
    for (CandleEvent e : got) {
      long t = e.candle().openTimeMillis();
      if (e.kind() == CandleEvent.Kind.CLOSED) {
        closes.add(t);
        assertEquals(updatesPerMinute, e.candle().volume(), "a close carries the final values");
      } else if (e.kind() == CandleEvent.Kind.UPDATE) {
        assertTrue(
            t > lastUpdate || (t == lastUpdate && e.candle().volume() > lastVolume),
            "updates never go back in time: " + e);
        assertTrue(
            closes.isEmpty() || t > closes.get(closes.size() - 1),
            "no update of a minute after its close: " + e);
        lastUpdate = t;
        lastVolume = e.candle().volume();
      } else {
        fail("nothing was revised here: " + e);
      }
    }
    List<Long> expected = new ArrayList<>();
    for (int m = 0; m < minutes; m++) {
      expected.add(T0 + m * MIN);
    }
    assertEquals(expected, closes, "every close once, in order");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        fail("the stream did not deliver everything in 20 s: the hand-over hangs");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The venue's clock: the time of the last push. */
  private static final class TickingClock extends Clock {
    private final AtomicLong millis;

    TickingClock(AtomicLong millis) {
      this.millis = millis;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }

  /** A source that only streams: a fetch over REST is a failure of this test. */
  private static final class Source implements CandleSource {
    private final LiveFeed feed;
    final List<OhlcvQuery> fetches = new java.util.concurrent.CopyOnWriteArrayList<>();

    Source(LiveFeed feed) {
      this.feed = feed;
    }

    @Override
    public String name() {
      return "handover";
    }

    @Override
    public SourceCapabilities capabilities() {
      return SourceCapabilities.builder().anyMultipleOf(Interval.M1).build();
    }

    @Override
    public boolean serves(Symbol symbol) {
      return symbol.venue().map("HANDOVER"::equals).orElse(false);
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      fetches.add(query);
      throw new AssertionError("no REST fetch expected, got " + query);
    }

    @Override
    public Optional<LiveFeed> live() {
      return Optional.of(feed);
    }
  }
}
