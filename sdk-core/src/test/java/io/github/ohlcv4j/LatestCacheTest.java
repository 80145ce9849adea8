package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.testing.PropertyCheck;
import io.github.ohlcv4j.testing.RecordingListener;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The latest-candles cache of {@link OhlcvClient}: {@link OhlcvClient.Builder#latestCache}. */
class LatestCacheTest {

  private static final Instant START = Instant.parse("2024-03-01T00:00:00Z");
  private static final Duration LAG = OhlcvClient.DEFAULT_LATEST_CACHE_LAG;

  private static OhlcvQuery latest(int n) {
    return OhlcvQuery.builder()
        .symbol("BTCUSDT")
        .interval(Interval.M1)
        .latest(n)
        .completeOnly()
        .build();
  }

  private static OhlcvClient client(Clock clock, CandleSource source) {
    return OhlcvClient.builder()
        .clock(clock)
        .source(source)
        .retryPolicy(RetryPolicy.none())
        .autoDiscover(false)
        .build();
  }

  @Test
  void aThousandPollsWithinOneCandleCostOneRequestAndTheNextBoundaryPlusLagOneMore() {
    VirtualTime time = new VirtualTime(START);
    TestSources.Counting venue =
        new TestSources.Counting(SampleSource.builder().clock(time).build(), Set.of());
    try (OhlcvClient c = client(time, venue)) {
      time.advance(Duration.ofMinutes(1).plus(LAG)); // 00:01:02, the first candle published
      CandleSeries first = c.fetch(latest(5));
      for (int i = 1; i < 1000; i++) {
        time.advance(Duration.ofMillis(60)); // the last poll at 00:02:01.940
        assertSame(first, c.fetch(latest(5)));
      }
      assertEquals(1, venue.requests.get());
      assertEquals(Instant.parse("2024-03-01T00:00:00Z"), first.get(first.size() - 1).openTime());

      time.advance(Duration.ofMillis(60)); // 00:02:02: the boundary of 00:02 plus the lag
      CandleSeries second = c.fetch(latest(5));
      assertEquals(2, venue.requests.get());
      assertEquals(Instant.parse("2024-03-01T00:01:00Z"), second.get(second.size() - 1).openTime());
      for (int i = 0; i < 59; i++) {
        time.advance(Duration.ofSeconds(1));
        assertSame(second, c.fetch(latest(5)));
      }
      assertEquals(2, venue.requests.get());
    }
  }

  @Test
  void aQueryKeepingTheFormingCandleAlwaysGoesToTheVenue() {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    TestSources.Counting venue =
        new TestSources.Counting(SampleSource.builder().clock(time).build(), Set.of());
    OhlcvQuery forming = OhlcvQuery.builder().symbol("BTCUSDT").latest(5).build();
    try (OhlcvClient c = client(time, venue)) {
      CandleSeries a = c.fetch(forming);
      time.advance(Duration.ofSeconds(10));
      CandleSeries b = c.fetch(forming);
      assertEquals(2, venue.requests.get());
      assertTrue(a.isInProgress(a.size() - 1));
      assertNotEquals(a, b, "the forming candle moved in ten seconds");
    }
  }

  @Test
  void differentQueriesAreKeptApart() {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    TestSources.Counting venue =
        new TestSources.Counting(SampleSource.builder().clock(time).build(), Set.of());
    try (OhlcvClient c = client(time, venue)) {
      assertEquals(5, c.fetch(latest(5)).size());
      assertEquals(3, c.fetch(latest(3)).size());
      assertEquals(
          1,
          c.fetch(latest(1).newBuilder().interval(Interval.M1).resample(Interval.M5).build())
              .size());
      assertEquals(3, venue.requests.get());
      c.fetch(latest(5));
      c.fetch(latest(3));
      assertEquals(3, venue.requests.get());
    }
  }

  @Test
  void turnedOffEveryPollGoesToTheVenue() {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    TestSources.Counting venue =
        new TestSources.Counting(SampleSource.builder().clock(time).build(), Set.of());
    try (OhlcvClient c =
        OhlcvClient.builder().clock(time).source(venue).latestCache(false).build()) {
      c.fetch(latest(5));
      c.fetch(latest(5));
      assertEquals(2, venue.requests.get());
    }
  }

  /**
   * Whatever the poll times, a cached answer is the answer a fresh fetch gives at the same clock,
   * except within the lag after a boundary, where it may still be the answer from before it.
   */
  @Test
  void aCachedAnswerIsAFreshFetchAtTheSameClockOrWithinTheLagTheOneBeforeTheBoundary() {
    record Case(Interval interval, Interval output, int n, Duration lag, List<Long> pollDeltas) {}
    PropertyCheck.of("latest cache equals a fresh fetch", 40)
        .forAll(
            (r, size) -> {
              Interval[][] shapes = {
                {Interval.M1, Interval.M1}, {Interval.M5, Interval.M5}, {Interval.M1, Interval.M15}
              };
              Interval[] shape = shapes[r.nextInt(shapes.length)];
              long bucket = shape[1].fixedMillis();
              List<Long> deltas = new ArrayList<>();
              for (int i = 0; i < 5 + size / 2; i++) {
                deltas.add(
                    r.nextInt(4) == 0
                        ? (long) (r.nextDouble() * 2 * bucket)
                        : (long) r.nextInt(3_000));
              }
              return new Case(
                  shape[0],
                  shape[1],
                  1 + r.nextInt(8),
                  Duration.ofMillis(r.nextInt(5_000)),
                  deltas);
            },
            k -> {
              VirtualTime time = new VirtualTime(START.plusMillis(k.pollDeltas.get(0)));
              TestSources.Counting venue =
                  new TestSources.Counting(SampleSource.builder().clock(time).build(), Set.of());
              SetClock refTime = new SetClock(time.instant());
              TestSources.Counting ref =
                  new TestSources.Counting(SampleSource.builder().clock(refTime).build(), Set.of());
              OhlcvQuery q =
                  OhlcvQuery.builder()
                      .symbol("BTCUSDT")
                      .interval(k.interval)
                      .resample(k.output)
                      .latest(k.n)
                      .completeOnly()
                      .build();
              try (OhlcvClient c =
                      OhlcvClient.builder()
                          .clock(time)
                          .source(venue)
                          .latestCache(k.lag)
                          .retryPolicy(RetryPolicy.none())
                          .build();
                  OhlcvClient fresh =
                      OhlcvClient.builder()
                          .clock(refTime)
                          .source(ref)
                          .latestCache(false)
                          .retryPolicy(RetryPolicy.none())
                          .build()) {
                for (int i = 0; i < k.pollDeltas.size(); i++) {
                  if (i > 0) {
                    time.advance(Duration.ofMillis(k.pollDeltas.get(i)));
                  }
                  Instant t = time.instant();
                  CandleSeries cached = c.fetch(q);
                  refTime.set(t);
                  CandleSeries now = fresh.fetch(q);
                  long sinceBoundary = t.toEpochMilli() % k.output.fixedMillis();
                  if (cached.equals(now)) {
                    continue;
                  }
                  assertTrue(
                      sinceBoundary < k.lag.toMillis(),
                      "at " + t + " the cache answered " + cached + " but a fetch gives " + now);
                  refTime.set(t.minus(k.lag));
                  assertEquals(fresh.fetch(q), cached, "at " + t + ", within the lag");
                }
                assertTrue(venue.requests.get() <= ref.requests.get());
              }
            });
  }

  @Test
  void aVenueBehindTheClockIsAskedAgainEveryLagUntilItHasTheClosedCandle() {
    VirtualTime time = new VirtualTime(START.plus(Duration.ofMinutes(1)).plus(LAG));
    // The venue's clock is 5 s behind the client's: at 00:01:02 it has not closed 00:00 yet.
    Clock behind = Clock.offset(time, Duration.ofSeconds(-5));
    TestSources.Counting venue =
        new TestSources.Counting(SampleSource.builder().clock(behind).build(), Set.of());
    try (OhlcvClient c = client(time, venue)) {
      CandleSeries early = c.fetch(latest(5));
      assertEquals(Instant.parse("2024-02-29T23:59:00Z"), early.get(4).openTime());
      time.advance(LAG.minusMillis(1));
      assertSame(early, c.fetch(latest(5)), "kept for the lag");
      assertEquals(1, venue.requests.get());
      time.advance(Duration.ofMillis(1)); // 00:01:04, the venue at 00:00:59
      c.fetch(latest(5));
      assertEquals(2, venue.requests.get());
      time.advance(LAG); // 00:01:06, the venue at 00:01:01: it has the candle now
      CandleSeries closed = c.fetch(latest(5));
      assertEquals(3, venue.requests.get());
      assertEquals(Instant.parse("2024-03-01T00:00:00Z"), closed.get(4).openTime());
      time.advance(Duration.ofSeconds(50));
      assertSame(closed, c.fetch(latest(5)));
      assertEquals(3, venue.requests.get());
    }
  }

  @Test
  void aVenueAheadOfTheClockIsTrustedForTheLagOnly() {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    // The venue's clock is a minute ahead: at 00:01:30 it has closed the 00:01 candle already,
    // which the client's clock would not expect before 00:02.
    Clock ahead = Clock.offset(time, Duration.ofMinutes(1));
    TestSources.Counting venue =
        new TestSources.Counting(SampleSource.builder().clock(ahead).build(), Set.of());
    try (OhlcvClient c = client(time, venue)) {
      CandleSeries first = c.fetch(latest(5));
      assertEquals(Instant.parse("2024-03-01T00:01:00Z"), first.get(4).openTime());
      time.advance(LAG.minusMillis(1));
      assertSame(first, c.fetch(latest(5)));
      time.advance(Duration.ofMillis(1));
      c.fetch(latest(5));
      assertEquals(2, venue.requests.get());
    }
  }

  @Test
  void concurrentPollsShareOneFetch() throws Exception {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    Gated venue = new Gated(SampleSource.builder().clock(time).build());
    try (OhlcvClient c = client(time, venue)) {
      CompletableFuture<CandleSeries> a = c.fetchAsync(latest(5));
      assertTrue(venue.requested.tryAcquire(10, TimeUnit.SECONDS));
      CompletableFuture<CandleSeries> b = c.fetchAsync(latest(5));
      List<CompletableFuture<CandleSeries>> blocking = new ArrayList<>();
      Thread t =
          new Thread(
              () -> blocking.add(CompletableFuture.completedFuture(c.fetch(latest(5)))), "poller");
      t.start();
      assertFalse(a.isDone());
      assertFalse(b.isDone());
      venue.release(p -> {});
      t.join(10_000);
      assertEquals(1, venue.cursors.get());
      assertEquals(1, venue.held.size());
      assertSame(a.get(), b.get());
      assertSame(a.get(), blocking.get(0).get());
      assertEquals(5, a.get().size());
    }
  }

  @Test
  void cancellingOneOfTwoWaitersKeepsTheFetchAndTheLastOneStopsIt() throws Exception {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    Gated venue = new Gated(SampleSource.builder().clock(time).build());
    try (OhlcvClient c = client(time, venue)) {
      CompletableFuture<CandleSeries> a = c.fetchAsync(latest(5));
      CompletableFuture<CandleSeries> b = c.fetchAsync(latest(5));
      assertTrue(venue.requested.tryAcquire(10, TimeUnit.SECONDS));
      a.cancel(true);
      assertFalse(venue.held.get(0).page.isCancelled());
      venue.release(p -> {});
      assertEquals(5, b.get(10, TimeUnit.SECONDS).size());

      CompletableFuture<CandleSeries> alone = c.fetchAsync(latest(4));
      assertTrue(venue.requested.tryAcquire(10, TimeUnit.SECONDS));
      alone.cancel(true);
      // Nobody waits any more: the request is cancelled (by the run, once it has sent it).
      CompletableFuture<Page> request = venue.held.get(1).page;
      assertThrows(CancellationException.class, () -> request.get(10, TimeUnit.SECONDS));
      CompletableFuture<CandleSeries> again = c.fetchAsync(latest(4));
      assertTrue(venue.requested.tryAcquire(10, TimeUnit.SECONDS), "a cancelled fetch is not kept");
      venue.release(p -> {});
      assertEquals(4, again.get(10, TimeUnit.SECONDS).size());
      assertEquals(3, venue.cursors.get());
    }
  }

  @Test
  void anErrorIsNotCached() throws Exception {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    Gated venue = new Gated(SampleSource.builder().clock(time).build());
    try (OhlcvClient c = client(time, venue)) {
      CompletableFuture<CandleSeries> a = c.fetchAsync(latest(5));
      CompletableFuture<CandleSeries> b = c.fetchAsync(latest(5));
      assertTrue(venue.requested.tryAcquire(10, TimeUnit.SECONDS));
      venue.release(
          p -> p.completeExceptionally(new SourceUnavailableException("down", "gated", null)));
      ExecutionException ea = assertThrows(ExecutionException.class, a::get);
      assertInstanceOf(SourceUnavailableException.class, ea.getCause());
      ExecutionException eb = assertThrows(ExecutionException.class, b::get);
      assertInstanceOf(SourceUnavailableException.class, eb.getCause());

      CompletableFuture<CandleSeries> retry = c.fetchAsync(latest(5));
      assertTrue(venue.requested.tryAcquire(10, TimeUnit.SECONDS), "asked again after the error");
      venue.release(p -> {});
      assertEquals(5, retry.get(10, TimeUnit.SECONDS).size());
      assertSame(retry.get(), c.fetch(latest(5)));
      assertEquals(2, venue.cursors.get());
    }
  }

  @Test
  void aCachedAnswerFiresNoEvents() {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    RecordingListener events = new RecordingListener();
    try (OhlcvClient c =
        OhlcvClient.builder()
            .clock(time)
            .source(SampleSource.builder().clock(time).build())
            .eventListener(events)
            .build()) {
      c.fetch(latest(5));
      List<String> once = List.copyOf(events.lines());
      assertTrue(once.stream().anyMatch(l -> l.startsWith("fetchStart")), once.toString());
      c.fetch(latest(5));
      c.fetchAsync(latest(5)).join();
      assertEquals(once, events.lines());
    }
  }

  @Test
  void aClosedClientRefusesEvenWhatItHasCached() {
    VirtualTime time = new VirtualTime(START.plusSeconds(90));
    TestSources.Counting venue =
        new TestSources.Counting(SampleSource.builder().clock(time).build(), Set.of());
    OhlcvClient c = client(time, venue);
    c.fetch(latest(5));
    c.close();
    assertThrows(ClientClosedException.class, () -> c.fetch(latest(5)));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> c.fetchAsync(latest(5)).get());
    assertInstanceOf(ClientClosedException.class, e.getCause());
    assertEquals(1, venue.requests.get());
  }

  @Test
  void aNegativeLagIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> OhlcvClient.builder().latestCache(Duration.ofSeconds(-1)));
  }

  /** A clock a test sets. */
  private static final class SetClock extends Clock {
    private volatile Instant now;

    SetClock(Instant now) {
      this.now = now;
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** The sample market, with every page held until the test releases it. */
  private static final class Gated implements CandleSource {
    record Held(CompletableFuture<Page> real, CompletableFuture<Page> page) {}

    final SampleSource sample;
    final AtomicInteger cursors = new AtomicInteger();
    final List<Held> held = new CopyOnWriteArrayList<>();
    final Semaphore requested = new Semaphore(0);
    private int released;

    Gated(SampleSource sample) {
      this.sample = sample;
    }

    @Override
    public String name() {
      return "gated";
    }

    @Override
    public SourceCapabilities capabilities() {
      return sample.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      cursors.incrementAndGet();
      PageCursor c = sample.cursor(query);
      return new PageCursor() {
        @Override
        public boolean hasNext() {
          return c.hasNext();
        }

        @Override
        public CompletableFuture<Page> next() {
          Held h = new Held(c.next(), new CompletableFuture<>());
          held.add(h);
          requested.release();
          return h.page;
        }

        @Override
        public void close() {
          c.close();
        }
      };
    }

    /** Lets {@code fail} end the pages held so far, then passes the real page to the rest. */
    void release(Consumer<CompletableFuture<Page>> fail) {
      for (; released < held.size(); released++) {
        Held h = held.get(released);
        fail.accept(h.page);
        h.real.whenComplete(
            (p, e) -> {
              if (e != null) {
                h.page.completeExceptionally(e);
              } else {
                h.page.complete(p);
              }
            });
      }
    }
  }
}
