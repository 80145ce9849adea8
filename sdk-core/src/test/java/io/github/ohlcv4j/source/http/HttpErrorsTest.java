package io.github.ohlcv4j.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.VenueLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The statuses every venue shares, mapped once by {@link HttpErrors}: what a venue's mapper gets
 * without writing a line, with the request's key masked in every message.
 */
@Timeout(30)
class HttpErrorsTest {
  private static final String KEY = "k3y-Zq8vR2xW7pL4k3yMn6t";
  private static final OhlcvQuery QUERY =
      OhlcvQuery.builder()
          .symbol("BTCUSDT")
          .interval(Interval.M1)
          .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-01T01:00:00Z"))
          .build();

  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient client = new OkHttpClient();
  private final List<String> pauses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    client.dispatcher().executorService().shutdown();
  }

  private OhlcvException failWith(MockResponse response) throws Exception {
    server.enqueue(response);
    VenueLimits limits =
        new VenueLimits() {
          @Override
          public void reportUsage(String group, long used, long limit, Instant resetAt) {}

          @Override
          public void pauseUntil(String group, Instant until) {
            pauses.add(group);
          }
        };
    KitTestSource s =
        KitTestSource.builder()
            .context(
                SourceContext.builder()
                    .component(OkHttpClient.class, client)
                    .venueLimits(limits)
                    .build())
            .build();
    String url =
        server.url("/v1/klines").newBuilder().addQueryParameter("apiKey", KEY).build().toString();
    HttpPageCursor<Page> c =
        new HttpPageCursor<>(s, QUERY, new HttpErrors(s, "BTCUSDT 1m candles")) {
          @Override
          protected boolean more() {
            return true;
          }

          @Override
          protected Request request() {
            return new Request.Builder().url(url).build();
          }

          @Override
          protected Page parse(Reply reply) {
            throw new AssertionError("only refusals here");
          }

          @Override
          protected Page advance(Page step) {
            return step;
          }
        };
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> c.next().get(10, TimeUnit.SECONDS));
    OhlcvException o = assertInstanceOf(OhlcvException.class, e.getCause());
    assertFalse(o.getMessage().contains(KEY.substring(4, 12)), o.getMessage());
    return o;
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  @Test
  void aRateLimitWaitsAsRetryAfterSaysAndPausesTheVenue() throws Exception {
    RateLimitException e =
        assertInstanceOf(
            RateLimitException.class,
            failWith(status(429, "slow down").newBuilder().setHeader("Retry-After", "7").build()));
    assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
    assertEquals("429", e.venueCode().orElseThrow());
    assertEquals(List.of("kit"), pauses);
  }

  @Test
  void serverErrorsAreRetryableAndAWrongPathSaysToCheckTheBaseUrl() throws Exception {
    OhlcvException down = failWith(status(503, "busy, echo apiKey=" + KEY));
    assertInstanceOf(SourceUnavailableException.class, down);
    assertTrue(down.isRetryable());
    assertTrue(down.getMessage().contains("HTTP 503"), down.getMessage());
    assertTrue(down.getMessage().contains("***"), down.getMessage());
    OhlcvException missing = failWith(status(404, ""));
    assertInstanceOf(SourceUnavailableException.class, missing);
    assertFalse(missing.isRetryable());
    assertTrue(
        missing.getMessage().contains("Check the baseUrl (Kit's is https://api.kit.invalid)"),
        missing.getMessage());
  }

  @Test
  void credentialsProxiesAndRefusedQueriesAreToldApart() throws Exception {
    assertInstanceOf(AuthenticationException.class, failWith(status(401, "who?")));
    assertInstanceOf(AuthenticationException.class, failWith(status(403, "no")));
    OhlcvException proxy = failWith(status(400, "<html><body>Bad request by proxy</body></html>"));
    assertInstanceOf(SourceUnavailableException.class, proxy);
    assertTrue(proxy.getMessage().contains("an HTML page answered"), proxy.getMessage());
    OhlcvException refused = failWith(status(400, "limit must be below 1000"));
    assertEquals(InvalidQueryException.class, refused.getClass());
    assertTrue(refused.getMessage().contains("limit must be below 1000"), refused.getMessage());
  }
}
