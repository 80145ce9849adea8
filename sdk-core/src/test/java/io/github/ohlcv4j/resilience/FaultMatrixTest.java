package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.testing.FakeVenue;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix over HTTP: a real {@link OhlcvClient} against a {@code MockWebServer} venue that
 * fails the second request of a three-page query in one way or another. Each row ends with the
 * complete, correct series or the expected typed error, never part of a series, and leaves the
 * OkHttp client idle.
 */
@Timeout(60)
class FaultMatrixTest {

  private static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);
  private static final OhlcvQuery QUERY = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);

  private final FakeVenueServer server = new FakeVenueServer();
  private final RecordingListener events = new RecordingListener();

  @AfterEach
  void close() {
    server.close();
  }

  private OhlcvClient client(String uri) {
    return OhlcvClient.builder()
        .source(uri)
        .okHttpClient(server.http())
        .retryPolicy(FAST)
        .eventListener(events)
        .autoDiscover(false)
        .build();
  }

  /** Rows that a retry heals: the series comes back whole. */
  static Stream<Arguments> healed() {
    return Stream.of(
        Arguments.of(Fault.tooManyRequests(0)),
        Arguments.of(Fault.status(500)),
        Arguments.of(Fault.status(502)),
        Arguments.of(Fault.status(503)),
        Arguments.of(Fault.htmlPage(502)),
        Arguments.of(Fault.resetMidBody()),
        Arguments.of(Fault.slowBody(64, FakeVenueServer.READ_TIMEOUT.multipliedBy(2))),
        Arguments.of(Fault.truncatedBody()),
        Arguments.of(Fault.emptyBody()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("healed")
  void aRetryHealsIt(Fault fault) {
    server.venue().script(Fault.none(), fault);
    try (OhlcvClient client = client(server.uri("pageSize=100"))) {
      CandleSeries s = client.fetch(QUERY);

      assertEquals(server.expected(QUERY), s);
      assertEquals(250, s.size());
      assertEquals(1, events.retries().size());
      assertEquals(4, server.venue().requestCount());
      assertTrue(events.retries().get(0).cause().isRetryable());
    }
    server.assertIdle();
  }

  @Test
  void aBodySlowerThanTheCallTimeoutIsATimeoutAndRetried() {
    // OkHttp cancels a call whose call timeout fires: that is not the caller cancelling.
    server.venue().script(Fault.none(), Fault.slowBody(64, Duration.ofMillis(100)));
    OkHttpClient hurried =
        server
            .http()
            .newBuilder()
            .readTimeout(5, TimeUnit.SECONDS)
            .callTimeout(700, TimeUnit.MILLISECONDS)
            .build();
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source(server.uri("pageSize=100"))
            .okHttpClient(hurried)
            .retryPolicy(FAST)
            .eventListener(events)
            .autoDiscover(false)
            .build()) {
      assertEquals(server.expected(QUERY), client.fetch(QUERY));
      assertEquals(1, events.retries().size());
      OhlcvException cause = events.retries().get(0).cause();
      assertInstanceOf(SourceUnavailableException.class, cause);
      assertTrue(cause.getMessage().contains("Timed out"), cause.getMessage());
    }
    server.assertIdle();
  }

  @Test
  void aBurstOfServerErrorsIsRiddenOut() {
    server.venue().script(Fault.none(), Fault.status(500), Fault.status(502), Fault.status(503));
    try (OhlcvClient client = client(server.uri("pageSize=100"))) {
      assertEquals(server.expected(QUERY), client.fetch(QUERY));
      assertEquals(3, events.retries().size());
      assertEquals(List.of(2, 3, 4), events.retries().stream().map(r -> r.attempt()).toList());
    }
    server.assertIdle();
  }

  @Test
  void aBurstLongerThanTheAttemptsFailsWithTheLastErrorAndNoPartialSeries() {
    server
        .venue()
        .script(
            Fault.none(),
            Fault.status(503),
            Fault.status(503),
            Fault.status(503),
            Fault.status(502));
    try (OhlcvClient client = client(server.uri("pageSize=100"))) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> client.fetch(QUERY));
      assertInstanceOf(SourceUnavailableException.class, e);
      assertTrue(e.getMessage().contains("HTTP 502"), e.getMessage());
      assertEquals(5, server.venue().requestCount());
      assertEquals(1, events.fetchFailures().size());
      assertTrue(events.fetchEnds().isEmpty());
    }
    server.assertIdle();
  }

  @Test
  void tooManyRequestsWaitsAsLongAsTheVenueSays() {
    server.venue().script(Fault.none(), Fault.tooManyRequests(1));
    try (OhlcvClient client = client(server.uri("pageSize=100"))) {
      assertEquals(server.expected(QUERY), client.fetch(QUERY));
    }
    List<FakeVenue.Hit> hits = server.venue().hits();
    assertEquals(Duration.ofSeconds(1), events.retries().get(0).delay());
    long waited = hits.get(2).nanoTime() - hits.get(1).nanoTime();
    assertTrue(waited >= Duration.ofSeconds(1).toNanos(), "waited " + waited + " ns");
    server.assertIdle();
  }

  @Test
  void aBanIsWaitedOutBeforeTheNextRequest() {
    server.venue().script(Fault.none(), Fault.ban(1));
    try (OhlcvClient client = client(server.uri("pageSize=100"))) {
      assertEquals(server.expected(QUERY), client.fetch(QUERY));
      RateLimitException cause = (RateLimitException) events.retries().get(0).cause();
      assertTrue(cause.isBan());
    }
    List<FakeVenue.Hit> hits = server.venue().hits();
    long waited = hits.get(2).nanoTime() - hits.get(1).nanoTime();
    assertTrue(waited >= Duration.ofSeconds(1).toNanos(), "waited " + waited + " ns");
    server.assertIdle();
  }

  /** Rows no retry can heal: the typed error at once, after one try. */
  static Stream<Arguments> notRetried() {
    return Stream.of(
        Arguments.of(Fault.htmlPage(200), DataFormatException.class, "text/html"),
        Arguments.of(Fault.wrongContentType(), DataFormatException.class, "application/json"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notRetried")
  void aFaultNoRetryHealsFailsAtOnce(
      Fault fault, Class<? extends OhlcvException> type, String saying) {
    server.venue().script(Fault.none(), fault);
    try (OhlcvClient client = client(server.uri("pageSize=100"))) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> client.fetch(QUERY));
      assertInstanceOf(type, e);
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains(saying), e.getMessage());
      assertEquals(2, server.venue().requestCount());
      assertTrue(events.retries().isEmpty());
    }
    server.assertIdle();
  }

  @Test
  void wrongCredentialsFailWithAnAuthenticationErrorThatHidesThem() {
    String wrong = "wrong-Pw-771";
    try (OhlcvClient client = client(server.uri(FakeVenueServer.API_KEY, wrong, ""))) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> client.fetch(QUERY));
      assertInstanceOf(AuthenticationException.class, e);
      assertEquals(1, server.venue().requestCount());
      assertFalse(e.getMessage().contains(FakeVenueServer.API_KEY), e.getMessage());
      assertFalse(e.getMessage().contains(wrong), e.getMessage());
    }
    server.assertIdle();
  }

  @Test
  void anUnknownHostFailsAtOnceSayingWhatToCheck() {
    String uri = "fake-venue://no-such-host.invalid:80/?key=k&password=p";
    try (OhlcvClient client = client(uri)) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> client.fetch(QUERY));
      assertInstanceOf(SourceUnavailableException.class, e);
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
      assertTrue(e.getMessage().contains("DNS"), e.getMessage());
      assertTrue(events.retries().isEmpty());
    }
    server.assertIdle();
  }
}
