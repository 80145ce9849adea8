package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SourceContext;
import java.time.Duration;
import java.time.Instant;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP timeouts set without OkHttp types, on the client or on a source opened alone, against a
 * venue that never answers: the request fails after the timeout set, not the default 30 s.
 */
@Timeout(60)
class HttpTimeoutTest {

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String uri() {
    return "fake-venue://" + server.getHostName() + ":" + server.getPort() + "/?key=k";
  }

  private static OhlcvQuery query() {
    Instant from = Instant.parse("2023-06-01T00:00:00Z");
    return OhlcvQuery.builder()
        .symbol("BTCUSDT")
        .interval(Interval.M1)
        .between(from, from.plus(Duration.ofHours(1)))
        .build();
  }

  private static Duration timed(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  @Test
  void theClientsReadTimeoutBoundsEachRequest() {
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source(uri())
            .readTimeout(Duration.ofMillis(200))
            .retryPolicy(RetryPolicy.none())
            .build()) {
      Duration took =
          timed(
              () -> {
                SourceUnavailableException e =
                    assertThrows(SourceUnavailableException.class, () -> client.fetch(query()));
                assertTrue(e.getMessage().startsWith("Timed out waiting for fake"), e.getMessage());
                assertTrue(e.isRetryable());
              });
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
      assertEquals(1, server.getRequestCount());
    }
  }

  @Test
  void theClientsCallTimeoutBoundsEachRequestToo() {
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source(uri())
            .callTimeout(Duration.ofMillis(200))
            .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(10), 2))
            .build()) {
      Duration took =
          timed(() -> assertThrows(SourceUnavailableException.class, () -> client.fetch(query())));
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
      assertEquals(2, server.getRequestCount(), "a timed-out request is retried");
    }
  }

  @Test
  void aSourceOpenedAloneTakesItsTimeoutsFromItsContext() {
    CandleSource source =
        CandleSources.open(
            uri(), SourceContext.builder().readTimeout(Duration.ofMillis(200)).build());
    Duration took =
        timed(() -> assertThrows(SourceUnavailableException.class, () -> source.fetch(query())));
    assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
  }

  @Test
  void negativeTimeoutsAreRefusedWhereTheyAreSet() {
    assertThrows(
        IllegalArgumentException.class,
        () -> OhlcvClient.builder().connectTimeout(Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> OhlcvClient.builder().callTimeout(Duration.ofMillis(-1)));
  }
}
