package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.QueryTimeoutException;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.testing.HttpIdle;
import io.github.ohlcv4j.testing.RecordingListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlines through the whole client, on real time (kept short): a query's timeout ends it and
 * cancels its call; a future completed by its caller ({@code orTimeout}) stops the query too.
 */
@Timeout(60)
class QueryTimeoutTest {

  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient http =
      new OkHttpClient.Builder()
          .connectTimeout(10, TimeUnit.SECONDS)
          .readTimeout(30, TimeUnit.SECONDS)
          .callTimeout(60, TimeUnit.SECONDS)
          .build();
  private final RecordingListener events = new RecordingListener();

  @AfterEach
  void close() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private OhlcvClient stalledVenue() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
          }
        });
    server.start();
    return OhlcvClient.builder()
        .source("fake-venue://" + server.getHostName() + ":" + server.getPort() + "/?key=k")
        .okHttpClient(http)
        .eventListener(events)
        .build(); // every policy at its default
  }

  private static OhlcvQuery query() {
    Instant from = Instant.parse("2023-06-01T00:00:00Z");
    return OhlcvQuery.builder()
        .symbol("BTCUSDT")
        .interval(Interval.M1)
        .between(from, from.plus(Duration.ofHours(1)))
        .build();
  }

  @Test
  void aDefaultClientGivesUpAtTheQueryTimeoutNotMinutesLater() throws Exception {
    try (OhlcvClient client = stalledVenue()) {
      long t0 = System.nanoTime();
      QueryTimeoutException e =
          assertThrows(
              QueryTimeoutException.class,
              () -> client.fetch(query().newBuilder().timeout(Duration.ofMillis(300)).build()));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
      assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0, "took " + took);
      assertEquals(Duration.ofMillis(300), e.timeout());
      assertTrue(e.fetchId().isPresent());
      HttpIdle.await(http, Duration.ofSeconds(10));
      assertEquals(1, server.getRequestCount());
    }
  }

  @Test
  void theFluentBuilderCarriesTheTimeout() throws Exception {
    try (OhlcvClient client = stalledVenue()) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  client
                      .query("BTCUSDT")
                      .between(query().from().orElseThrow(), query().to().orElseThrow())
                      .timeout(Duration.ofMillis(200))
                      .fetchAsync()
                      .get(10, TimeUnit.SECONDS));
      assertInstanceOf(QueryTimeoutException.class, e.getCause());
      HttpIdle.await(http, Duration.ofSeconds(10));
    }
  }

  @Test
  void aFutureCompletedByItsCallerStopsTheQuery() throws Exception {
    try (OhlcvClient client = stalledVenue()) {
      CompletableFuture<CandleSeries> f = client.fetchAsync(query());
      server.takeRequest(10, TimeUnit.SECONDS);
      // what orTimeout(...) does when its time is up
      f.completeExceptionally(new TimeoutException());
      HttpIdle.await(http, Duration.ofSeconds(10)); // the call is cancelled, not left running
      assertEquals(1, events.fetchFailures().size());
      QueryCancelledException stopped =
          assertInstanceOf(QueryCancelledException.class, events.fetchFailures().get(0).error());
      assertTrue(stopped.getMessage().contains("timeout(Duration)"), stopped.getMessage());
      assertEquals(1, server.getRequestCount(), "no retry follows");
    }
  }

  @Test
  void aSourceFetchedDirectlyKeepsTheDeadlineToo() {
    List<CompletableFuture<Page>> handedOut = new CopyOnWriteArrayList<>();
    CandleSource hanging =
        new CandleSource() {
          @Override
          public String name() {
            return "hanging";
          }

          @Override
          public SourceCapabilities capabilities() {
            return SourceCapabilities.builder().anyMultipleOf(Interval.M1).build();
          }

          @Override
          public PageCursor cursor(OhlcvQuery query) {
            return new PageCursor() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public CompletableFuture<Page> next() {
                CompletableFuture<Page> f = new CompletableFuture<>();
                handedOut.add(f);
                return f;
              }

              @Override
              public void close() {}
            };
          }
        };
    QueryTimeoutException e =
        assertThrows(
            QueryTimeoutException.class,
            () -> hanging.fetch(query().newBuilder().timeout(Duration.ofMillis(100)).build()));
    assertEquals(0, e.pages());
    assertEquals(1, handedOut.size());
    // The timer thread completes the caller's error first and cancels the request right after.
    assertThrows(
        java.util.concurrent.CancellationException.class,
        () -> handedOut.get(0).get(10, TimeUnit.SECONDS));
  }
}
