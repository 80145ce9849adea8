package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.RecordingListener;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancelling a future, closing a stream or closing the client stops what is in flight and what
 * waits, and leaves no call, connection or thread behind.
 */
@Timeout(60)
class CancellationTest {

  private static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);

  private final FakeVenueServer server = new FakeVenueServer();
  private final RecordingListener events = new RecordingListener();
  private final CountDownLatch retryScheduled = new CountDownLatch(1);

  @AfterEach
  void close() {
    server.close();
  }

  private OhlcvClient client() {
    RecordingListener recorder = events;
    OhlcvEventListener listener =
        new OhlcvEventListener() {
          @Override
          public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
            recorder.retry(fetch, attempt, cause, wait);
            retryScheduled.countDown();
          }

          @Override
          public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
            recorder.fetchFailed(fetch, error, duration);
          }
        };
    return OhlcvClient.builder()
        .source(server.uri("pageSize=100"))
        .okHttpClient(server.http())
        .retryPolicy(FAST)
        .eventListener(listener)
        .autoDiscover(false)
        .build();
  }

  /** A fault that holds the response back for a long time, and says when it was asked. */
  private static Fault stall(CountDownLatch asked) {
    return new Fault(
        "stall",
        r -> {
          asked.countDown();
          return r.newBuilder().headersDelay(30, TimeUnit.SECONDS).build();
        });
  }

  @Test
  void cancellingAFetchCancelsTheHttpCall() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    server.venue().script(stall(asked));
    try (OhlcvClient c = client()) {
      CompletableFuture<CandleSeries> f =
          c.fetchAsync(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250));
      assertTrue(asked.await(10, TimeUnit.SECONDS));

      assertTrue(f.cancel(true));

      server.assertIdle(); // the call was cancelled, not left to time out
      assertEquals(1, server.venue().requestCount());
      assertTrue(events.retries().isEmpty());
      assertEquals(1, events.fetchFailures().size());
    }
  }

  @Test
  void cancellingDuringARetryWaitStopsTheRetry() throws Exception {
    server.venue().script(Fault.none(), Fault.tooManyRequests(30));
    try (OhlcvClient c = client()) {
      CompletableFuture<CandleSeries> f =
          c.fetchAsync(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250));
      assertTrue(retryScheduled.await(10, TimeUnit.SECONDS));

      assertTrue(f.cancel(true));

      server.assertIdle();
      assertEquals(2, server.venue().requestCount());
      assertEquals(1, events.fetchFailures().size());
    }
    assertEquals(2, server.venue().requestCount());
  }

  @Test
  void closingAStreamStopsItsRequests() {
    OhlcvQuery q = FakeVenueServer.query("ETHUSDT", Duration.ZERO, 1000); // 10 pages
    List<Candle> read;
    try (OhlcvClient c = client()) {
      try (Stream<Candle> s = c.stream(q)) {
        Iterator<Candle> it = s.iterator();
        read = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
          read.add(it.next());
        }
      }
      server.assertIdle();
      // Two pages read and one fetched ahead at most. The one fetched ahead may have left the
      // client just before the
      // stream was closed and reach the server a moment later, so the count is an upper bound, read
      // after the check
      // that the client is idle: no request may start once the stream is closed.
      assertEquals(server.expected(q).toList().subList(0, 150), read);
      int sent = server.venue().requestCount();
      assertTrue(sent <= 3, "two pages read, one fetched ahead at most: " + sent);
    }
  }

  @Test
  void closingTheClientFailsQueriesWaitingToRetryAndStopsItsThreads() throws Exception {
    Set<Thread> before = ohlcvThreads();
    server.venue().script(Fault.none(), Fault.tooManyRequests(30));
    CompletableFuture<CandleSeries> f;
    OhlcvClient c = client();
    f = c.fetchAsync(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250));
    assertTrue(retryScheduled.await(10, TimeUnit.SECONDS));
    Set<Thread> started = ohlcvThreads();
    started.removeAll(before);
    assertFalse(started.isEmpty());

    c.close();

    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(OhlcvException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    for (Thread t : started) {
      t.join(5000);
      assertFalse(t.isAlive(), t.getName() + " still runs");
    }
    server.assertIdle();
    assertEquals(2, server.venue().requestCount());
  }

  private static Set<Thread> ohlcvThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("ohlcv4j-"))
        .collect(Collectors.toSet());
  }
}
