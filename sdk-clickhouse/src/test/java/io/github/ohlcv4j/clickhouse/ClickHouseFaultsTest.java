package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.ClientThreads;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.HttpIdle;
import io.github.ohlcv4j.testing.LogCapture;
import io.github.ohlcv4j.testing.RecordingListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix through the client on the real ClickHouse server: bodies cut short and proxy
 * errors (a proxy on a MockWebServer in front of the server), an error the server appends to a 200
 * result, timeouts, refused credentials. Each row ends with the fault-free series or the expected
 * typed error, leaves the OkHttp client idle and stops the client's threads.
 */
@ExtendWith(ClickHouseServer.Extension.class)
@Timeout(60)
class ClickHouseFaultsTest {

  static final Symbol BTC = SeededMarket.SYMBOLS.get(0);
  static final Instant FROM = SeededMarket.START.plus(Duration.ofDays(3));

  /** 60,000 one-minute candles, read in three windows of 20,000. */
  static final OhlcvQuery QUERY =
      OhlcvQuery.builder().symbol(BTC).between(FROM, FROM.plus(Duration.ofMinutes(60_000))).build();

  static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);

  final RecordingListener events = new RecordingListener();
  final OkHttpClient http = new OkHttpClient.Builder().build();
  private final ClientThreads threads = ClientThreads.snapshot();

  @AfterEach
  void nothingLeftBehind() {
    try {
      HttpIdle.await(http, Duration.ofSeconds(10));
      threads.assertEnded(Duration.ofSeconds(10));
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  static String uri(String hostPort, String params) {
    return "clickhouse://"
        + hostPort
        + "/"
        + SeededMarket.DATABASE
        + "?table="
        + SeededMarket.TABLE
        + "&pageSize=20000"
        + (params.isEmpty() ? "" : "&" + params);
  }

  static String hostPort(ClickHouseServer server) {
    return "127.0.0.1:" + server.port();
  }

  OhlcvClient.Builder client(String uri) {
    return OhlcvClient.builder()
        .source(uri)
        .okHttpClient(http)
        .eventListener(events)
        .retryPolicy(FAST)
        .autoDiscover(false);
  }

  static CandleSeries expected(SeededMarket m) {
    return m.written.get(BTC).between(QUERY.from().orElseThrow(), QUERY.to().orElseThrow());
  }

  static Stream<Arguments> healed() {
    return Stream.of(
        Arguments.of(ClickHouseProxy.cutTo("cut inside a row", n -> n - 20)),
        Arguments.of(Fault.resetMidBody()),
        Arguments.of(Fault.slowBody(64 * 1024, Duration.ofSeconds(3))),
        Arguments.of(Fault.status(503)),
        Arguments.of(Fault.htmlPage(502)));
  }

  /** The second window's answer fails; the retry gets it whole. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("healed")
  void aRetryHealsIt(Fault fault, SeededMarket m) {
    try (ClickHouseProxy proxy = new ClickHouseProxy(m.server.url())) {
      proxy.faults(Fault.none(), fault);
      // A query may take 2 s: the slow body times out.
      try (OhlcvClient client = client(uri(proxy.hostPort(), "queryTimeout=2")).build()) {
        assertEquals(expected(m), client.fetch(QUERY));
      }
      List<ClickHouseProxy.Hit> hits = proxy.hits();
      assertEquals(4, hits.size(), hits.toString());
      assertEquals(1, events.retries().size());
      assertTrue(events.retries().get(0).cause().isRetryable());
    }
  }

  static Stream<Arguments> notRows() {
    return Stream.of(
        Arguments.of(Fault.htmlPage(200), "text/html"),
        Arguments.of(Fault.wrongContentType(), "application/json"));
  }

  /** A proxy's page with HTTP 200 is not decoded as rows, and no retry changes it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("notRows")
  void anAnswerThatIsNotRowBinaryFailsAtOnceSayingWhatCame(
      Fault fault, String type, SeededMarket m) {
    try (ClickHouseProxy proxy = new ClickHouseProxy(m.server.url())) {
      proxy.faults(Fault.none(), fault);
      try (OhlcvClient client = client(uri(proxy.hostPort(), "")).build()) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> client.fetch(QUERY));
        assertFalse(e.isRetryable());
        assertTrue(e.getMessage().contains(type), e.getMessage());
        assertTrue(e.getMessage().contains("not RowBinary"), e.getMessage());
        assertEquals(2, proxy.hits().size());
        assertTrue(events.retries().isEmpty());
        assertTrue(events.fetchEnds().isEmpty());
      }
    }
  }

  @Test
  void anErrorTheServerAppendsToA200ResultFailsTheQueryWithNoSeries(SeededMarket m) {
    // One window of 150,000 rows for a user limited to 100,000: the server has sent more than a
    // megabyte of rows with HTTP 200 when it stops, so it appends its error to them.
    OhlcvQuery big = QUERY.newBuilder().to(FROM.plus(Duration.ofMinutes(150_000))).build();
    String uri =
        "clickhouse://"
            + ClickHouseServer.LIMITED_USER
            + "@"
            + hostPort(m.server)
            + "/"
            + SeededMarket.DATABASE
            + "?table="
            + SeededMarket.TABLE
            + "&pageSize=200000";
    try (OhlcvClient client = client(uri).build()) {
      InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> client.fetch(big));
      assertEquals("396", e.venueCode().orElseThrow());
      assertTrue(e.getMessage().contains("Limit for result exceeded"), e.getMessage());
      assertFalse(e.isRetryable());
      assertEquals(1, events.pageStarts().size(), "a refusal is not retried");
      assertTrue(events.pageEnds().isEmpty(), "no page of it was taken");
      assertTrue(events.fetchEnds().isEmpty());
    }
  }

  @Test
  void aQueryThatKeepsOutrunningTheServersTimeLimitEndsWithTheTypedErrorAndNoSeries(
      SeededMarket m) {
    // A view that reads the candles slowly, and a user whose queries may run for one second: the
    // server stops each attempt ("Timeout exceeded", code 159, a failure that may pass), and the
    // client gives up after its attempts.
    m.server.sql(
        "CREATE VIEW IF NOT EXISTS "
            + SeededMarket.DATABASE
            + ".candles_slow AS SELECT * FROM "
            + SeededMarket.DATABASE
            + "."
            + SeededMarket.TABLE
            + " WHERE sleepEachRow(0.00003) = 0");
    OhlcvQuery q = QUERY.newBuilder().to(FROM.plus(Duration.ofMinutes(40_000))).build();
    String uri =
        "clickhouse://"
            + ClickHouseServer.HURRIED_USER
            + "@"
            + hostPort(m.server)
            + "/"
            + SeededMarket.DATABASE
            + "?table=candles_slow&pageSize=100000";
    try (OhlcvClient client =
        client(uri).retryPolicy(RetryPolicy.fixed(Duration.ofMillis(10), 2)).build()) {
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, () -> client.fetch(q));
      assertEquals("159", e.venueCode().orElseThrow());
      assertTrue(e.getMessage().contains("Timeout exceeded"), e.getMessage());
      assertTrue(e.isRetryable());
      assertEquals(2, events.pageStarts().size());
      assertEquals(1, events.retries().size());
      assertTrue(events.pageEnds().isEmpty());
      assertTrue(events.fetchEnds().isEmpty());
    }
  }

  @Test
  void wrongCredentialsFailAtOnceAndTheirPasswordIsNowhere(SeededMarket m) {
    String wrong = "not-" + ClickHouseServer.PASSWORD;
    String uri =
        "clickhouse://"
            + ClickHouseServer.USER
            + ":"
            + wrong
            + "@"
            + hostPort(m.server)
            + "/"
            + SeededMarket.DATABASE
            + "?table="
            + SeededMarket.TABLE;
    try (LogCapture logs = LogCapture.start();
        OhlcvClient client = client(uri).build()) {
      AuthenticationException e =
          assertThrows(AuthenticationException.class, () -> client.fetch(QUERY));
      assertEquals("193", e.venueCode().orElseThrow());
      assertFalse(e.isRetryable());
      assertTrue(events.retries().isEmpty());
      assertFalse(ErrorsTest.everything(e).contains(wrong), ErrorsTest.everything(e));
      assertFalse(logs.events().isEmpty());
      for (LogCapture.Event event : logs.events()) {
        assertFalse(event.fullText().contains(wrong), event.fullText());
        assertFalse(event.mdc().toString().contains(wrong), event.mdc().toString());
      }
      assertFalse(client.toString().contains(wrong));
      assertFalse(client.health().toString().contains(wrong));
    }
  }

  @Test
  void anUnknownHostFailsAtOnceSayingWhatToCheck() {
    try (OhlcvClient client = client(uri("no-such-host.invalid:8123", "")).build()) {
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, () -> client.fetch(QUERY));
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
      assertTrue(e.getMessage().contains("DNS"), e.getMessage());
      assertTrue(events.retries().isEmpty());
    }
  }
}
