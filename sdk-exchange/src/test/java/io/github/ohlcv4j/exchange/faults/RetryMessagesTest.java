package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Health;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A message never promises a retry: the source says what happened, and when the client's retries
 * give up the message ends with how many attempts were made and what to do, whatever the policy.
 * {@code health()} repeats only what is true.
 */
@Timeout(60)
class RetryMessagesTest extends VenueTest {

  private static final long DAY = ms("2024-05-01T00:00:00Z");
  private static final OhlcvQuery QUERY =
      OhlcvQuery.builder()
          .symbol("BYBIT:BTCUSDT.P")
          .interval(Interval.M1)
          .between(Instant.ofEpochMilli(DAY), Instant.ofEpochMilli(DAY + 60 * 60_000L))
          .build();

  private OhlcvClient client(RetryPolicy retries) {
    http = http.newBuilder().readTimeout(200, TimeUnit.MILLISECONDS).build();
    BybitSource bybit =
        BybitSource.builder(BybitSource.Category.LINEAR).baseUrl(base()).context(context()).build();
    return OhlcvClient.builder()
        .source(bybit)
        .retryPolicy(retries)
        .circuitBreakerPolicy(CircuitBreakerPolicy.none())
        .build();
  }

  private void noPromise(String message) {
    assertFalse(message.contains("will be retried"), message);
    assertFalse(message.contains("may be retried"), message);
  }

  @Test
  void aTimeoutWithoutRetriesSaysItWasNotRetried() {
    server.enqueue(response(200, "{}").newBuilder().headersDelay(2, TimeUnit.SECONDS).build());
    try (OhlcvClient c = client(RetryPolicy.none())) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
      assertInstanceOf(SourceUnavailableException.class, e);
      assertEquals(1, server.getRequestCount());
      String m = e.getMessage();
      noPromise(m);
      assertTrue(m.startsWith("Timed out waiting for bybit:linear"), m);
      assertTrue(m.contains("raise the read timeout"), m);
      assertTrue(m.contains("Not retried: the client's retry policy allows one attempt"), m);
    }
  }

  @Test
  void theDefaultPolicyGivesUpSayingHowManyAttemptsWereMade() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(response(503, "<html>Service Unavailable</html>"));
    }
    try (OhlcvClient c = client(RetryPolicy.ofDefaults())) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
      assertInstanceOf(SourceUnavailableException.class, e);
      assertEquals(4, server.getRequestCount());
      String m = e.getMessage();
      noPromise(m);
      assertTrue(m.contains("HTTP 503"), m);
      assertTrue(m.contains("a server error on Bybit's side, usually temporary."), m);
      assertTrue(m.contains(" Gave up on page 1 after 4 attempts in "), m);
      assertTrue(m.endsWith("or allow more attempts (RetryPolicy.withMaxAttempts)."), m);
    }
  }

  @Test
  void healthSaysWhatHappenedWithoutPromisingARetry() {
    server.enqueue(response(200, "{}").newBuilder().headersDelay(2, TimeUnit.SECONDS).build());
    try (OhlcvClient c = client(RetryPolicy.ofDefaults())) {
      Health h = c.health().get("bybit:linear");
      assertEquals(Health.Status.DOWN, h.status());
      noPromise(h.detail());
      assertTrue(h.detail().startsWith("Timed out waiting for bybit:linear"), h.detail());
      assertEquals(1, server.getRequestCount(), "a health check is one request");
    }
  }
}
