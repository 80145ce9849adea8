package io.github.ohlcv4j.internal;

import static io.github.ohlcv4j.internal.GuardHarness.error;
import static io.github.ohlcv4j.internal.GuardHarness.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.QueryTimeoutException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.testing.HttpIdle;
import io.github.ohlcv4j.testing.HttpTestSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * A venue that accepts the connection and never answers, behind a client with every default
 * (retries, circuit breaker, HTTP timeouts of 10 s, 30 s and 60 s): without a deadline such a query
 * waits about two minutes; with one, it ends at the deadline and its HTTP call is cancelled. The
 * guards and the deadline run in virtual time; the HTTP call is real.
 */
@Timeout(60)
class DeadlineHttpTest {

  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient http =
      new OkHttpClient.Builder()
          .connectTimeout(10, TimeUnit.SECONDS)
          .readTimeout(30, TimeUnit.SECONDS)
          .callTimeout(60, TimeUnit.SECONDS)
          .build();

  @AfterEach
  void close() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void aVenueThatNeverAnswersEndsAtTheDeadlineAndTheCallIsCancelled() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
          }
        });
    server.start();
    GuardHarness h =
        new GuardHarness(
            RetryPolicy.ofDefaults(), CircuitBreakerPolicy.ofDefaults(), null, Map.of());
    HttpTestSource source =
        HttpTestSource.builder()
            .base(server.url("/"))
            .context(SourceContext.builder().component(OkHttpClient.class, http).build())
            .build();

    CompletableFuture<CandleSeries> f =
        h.start(source, query(250).newBuilder().timeout(Duration.ofSeconds(2)).build());
    server.takeRequest(10, TimeUnit.SECONDS); // the request reached the venue
    assertEquals(1, http.dispatcher().runningCallsCount());
    h.time.advance(Duration.ofMillis(1999));
    assertFalse(f.isDone());
    h.time.advance(Duration.ofMillis(1));

    QueryTimeoutException e = assertInstanceOf(QueryTimeoutException.class, error(f));
    assertEquals(0, e.pages());
    assertEquals(1, e.attempts());
    assertTrue(e.getMessage().contains("within its timeout of 2000 ms"), e.getMessage());
    HttpIdle.await(http, Duration.ofSeconds(10)); // the call was cancelled, not left to time out
    assertEquals(0, h.time.pending(), "no retry, no wait, no deadline left");
    assertEquals(1, server.getRequestCount());
  }
}
