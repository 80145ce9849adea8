package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.LogCapture;
import io.github.ohlcv4j.testing.RecordingListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

/** Events, logs and what never appears in them. */
@Timeout(60)
class ObservabilityTest {

  private static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);
  private static final OhlcvQuery QUERY = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);

  private final FakeVenueServer server = new FakeVenueServer();
  private final RecordingListener events = new RecordingListener();

  @AfterEach
  void close() {
    server.close();
  }

  private OhlcvClient.Builder client(String uri) {
    return OhlcvClient.builder()
        .source(uri)
        .okHttpClient(server.http())
        .retryPolicy(FAST)
        .eventListener(events)
        .autoDiscover(false);
  }

  @Test
  void eventsFollowEachRequestRetryAndPage() {
    server.venue().script(Fault.none(), Fault.status(503));
    try (OhlcvClient c = client(server.uri("pageSize=100")).build()) {
      c.fetch(QUERY);
    }
    List<String> lines = new ArrayList<>();
    for (String l : events.lines()) {
      lines.add(l.replaceAll("wait=\\d+ms", "wait=*"));
    }
    assertEquals(
        List.of(
            "fetchStart fake",
            "pageStart 1.1",
            "pageEnd 1 rows=100",
            "pageStart 2.1",
            "pageFailed 2 SourceUnavailableException",
            "retry 2 wait=*",
            "pageStart 2.2",
            "pageEnd 2 rows=100",
            "pageStart 3.1",
            "pageEnd 3 rows=50",
            "fetchEnd rows=250"),
        lines);
    RecordingListener.PageEnd first = events.pageEnds().get(0);
    assertTrue(first.bytes() > 100 * 20, "bytes of the body: " + first.bytes());
    assertTrue(first.duration().toNanos() > 0);
    RecordingListener.Retry retry = events.retries().get(0);
    assertTrue(retry.cause().getMessage().contains("HTTP 503"));
    assertTrue(retry.delay().toMillis() >= 16 && retry.delay().toMillis() <= 24, "20 ms ± 20%");
  }

  @Test
  void rateLimitWaitsAreReported() {
    long t0 = System.nanoTime();
    try (OhlcvClient c =
        client(server.uri("pageSize=100&limit=1/500")).build()) { // 1 request per 500 ms
      assertEquals(server.expected(QUERY), c.fetch(QUERY));
    }
    assertFalse(events.waits().isEmpty(), events.lines().toString());
    for (RecordingListener.Wait w : events.waits()) {
      assertEquals("fake", w.source());
      assertTrue(w.delay().toMillis() > 0 && w.delay().toMillis() <= 500, w.toString());
    }
    List<io.github.ohlcv4j.testing.FakeVenue.Hit> hits = server.venue().hits();
    for (int k = 0; k < hits.size(); k++) {
      long since = hits.get(k).nanoTime() - t0;
      assertTrue(since >= k * 500_000_000L, "request " + k + " came after " + since + " ns");
    }
  }

  @Test
  void circuitChangesAreReportedAndLoggedAtWarn() {
    server.venue().script(Fault.status(503), Fault.status(503));
    CircuitBreakerPolicy tight = CircuitBreakerPolicy.ofDefaults().withWindow(2, 2);
    try (LogCapture logs = LogCapture.start();
        OhlcvClient c =
            client(server.uri("pageSize=100"))
                .retryPolicy(RetryPolicy.none())
                .circuitBreakerPolicy(tight)
                .build()) {
      assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
      assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
      OhlcvException fast = assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
      assertTrue(fast.getMessage().contains("circuit breaker is open"), fast.getMessage());
      assertEquals(2, server.venue().requestCount());

      assertEquals(1, events.circuitChanges().size());
      assertEquals(CircuitState.OPEN, events.circuitChanges().get(0).to());
      LogCapture.Event e =
          single(logs, ev -> ev.level() == Level.WARN && ev.message().startsWith("circuit "));
      assertQueryFields(e);
      assertTrue(e.message().contains("to=OPEN"), e.message());
    }
  }

  @Test
  void logsCarryTheQueryInTheMessageAndTheMdc() {
    server.venue().script(Fault.none(), Fault.status(503));
    try (LogCapture logs = LogCapture.start();
        OhlcvClient c = client(server.uri("pageSize=100")).build()) {
      c.fetch(QUERY);

      LogCapture.Event retry =
          single(logs, e -> e.level() == Level.WARN && e.message().startsWith("retry "));
      assertEquals("io.github.ohlcv4j.resilience", retry.logger());
      assertQueryFields(retry);
      assertTrue(retry.message().contains("attempt=2"), retry.message());

      LogCapture.Event done =
          single(
              logs, e -> e.level() == Level.DEBUG && e.message().startsWith("fetched source=fake"));
      assertQueryFields(done);
      assertTrue(done.message().contains("rows=250"), done.message());
      assertEquals("250", done.mdc().get("rows"));
    }
  }

  @Test
  void aFailingAuthenticatedRequestLogsNoSecret() {
    String wrongPassword = "Wr0ng-pa55-Qx81";
    List<String> secrets =
        List.of(
            FakeVenueServer.API_KEY,
            FakeVenueServer.PASSWORD,
            wrongPassword,
            basic(FakeVenueServer.PASSWORD),
            basic(wrongPassword));
    List<String> texts = new ArrayList<>();
    try (LogCapture logs = LogCapture.start()) {
      // retries log the failing URL at WARN; the last error is logged at DEBUG
      server
          .venue()
          .script(Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(503));
      try (OhlcvClient c = client(server.uri("pageSize=100")).build()) {
        OhlcvException e = assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
        texts.add(fullText(e));
      }
      // refused credentials
      try (OhlcvClient c =
          client(server.uri(FakeVenueServer.API_KEY, wrongPassword, "pageSize=100")).build()) {
        OhlcvException e = assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
        assertInstanceOf(AuthenticationException.class, e);
        texts.add(fullText(e));
      }
      List<LogCapture.Event> all = logs.events(e -> e.logger().startsWith("io.github"));
      assertTrue(all.size() >= 5, "something was logged: " + all.size());
      assertTrue(all.stream().anyMatch(e -> e.fullText().contains("HTTP 503")));
      assertTrue(
          all.stream().anyMatch(e -> e.fullText().contains("HTTP 401")),
          all.stream()
              .map(LogCapture.Event::fullText)
              .collect(java.util.stream.Collectors.joining("\n")));
      for (LogCapture.Event e : all) {
        texts.add(e.fullText());
        texts.add(e.mdc().toString());
      }
    }
    for (String text : texts) {
      for (String secret : secrets) {
        assertFalse(text.contains(secret), "a secret leaked into: " + text);
      }
    }
    assertTrue(texts.stream().anyMatch(t -> t.contains("apiKey=***")), "URLs are shown redacted");
  }

  private static String basic(String password) {
    return Base64.getEncoder()
        .encodeToString(("user:" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String fullText(Throwable t) {
    return new LogCapture.Event("", Level.ERROR, "", Map.of(), t).fullText();
  }

  private static LogCapture.Event single(
      LogCapture logs, java.util.function.Predicate<LogCapture.Event> filter) {
    List<LogCapture.Event> found = logs.events(filter);
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }

  private static void assertQueryFields(LogCapture.Event e) {
    for (String field : List.of("source=fake", "symbol=BTCUSDT", "interval=1m", "duration_ms=")) {
      assertTrue(e.message().contains(field), field + " in " + e.message());
    }
    assertEquals("fake", e.mdc().get("source"), e.mdc().toString());
    assertEquals("BTCUSDT", e.mdc().get("symbol"));
    assertEquals("1m", e.mdc().get("interval"));
    assertTrue(e.mdc().get("duration_ms").matches("\\d+"), e.mdc().toString());
  }
}
