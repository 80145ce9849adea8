package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvEventListener.Fetch;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.LogCapture;
import io.github.ohlcv4j.testing.RecordingListener;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Every run of a query has an id: on each of its events, in the MDC of each of its log lines on
 * whatever thread, and on the error that ended it.
 */
@Timeout(60)
class FetchIdTest {

  private static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);

  private final FakeVenueServer server = new FakeVenueServer();
  private final RecordingListener events = new RecordingListener();

  @AfterEach
  void close() {
    server.close();
  }

  private OhlcvClient client() {
    return OhlcvClient.builder()
        .source(server.uri("pageSize=100"))
        .okHttpClient(server.http())
        .retryPolicy(FAST)
        .eventListener(events)
        .autoDiscover(false)
        .build();
  }

  @Test
  void concurrentRunsKeepTheirOwnIdOnEveryEvent() {
    server.venue().script(Fault.status(503), Fault.none(), Fault.status(502));
    OhlcvQuery btc = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 450);
    OhlcvQuery eth = FakeVenueServer.query("ETHUSDT", Duration.ZERO, 350);
    try (OhlcvClient c = client()) {
      CompletableFuture<CandleSeries> a = c.fetchAsync(btc);
      CompletableFuture<CandleSeries> b = c.fetchAsync(eth);
      assertEquals(server.expected(btc), a.join());
      assertEquals(server.expected(eth), b.join());
    }
    List<Fetch> runs = events.fetches();
    assertEquals(2, runs.size());
    assertNotEquals(runs.get(0).id(), runs.get(1).id());
    for (Fetch f : runs) {
      assertTrue(f.id().matches("[0-9a-z]{5}-[0-9a-z]+"), f.id());
    }
    // Each event names its run, and a run's events all name its query.
    for (Fetch f : events.fetchOfEachEvent()) {
      assertTrue(runs.contains(f), f + " is one of the two runs");
    }
    Map<String, Set<String>> symbolsById =
        events.fetchOfEachEvent().stream()
            .collect(
                Collectors.groupingBy(
                    Fetch::id,
                    Collectors.mapping(f -> f.query().symbol().toString(), Collectors.toSet())));
    assertEquals(2, symbolsById.size());
    symbolsById.values().forEach(s -> assertEquals(1, s.size(), s.toString()));
    assertEquals(2, events.retries().size(), events.lines().toString());
  }

  @Test
  void idsAreUniqueAcrossManyRuns() {
    Set<String> ids = new HashSet<>();
    try (OhlcvClient c =
        OhlcvClient.builder().source("sample:").eventListener(events).autoDiscover(false).build()) {
      for (int i = 0; i < 200; i++) {
        c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(i), 5));
      }
    }
    events.fetches().forEach(f -> ids.add(f.id()));
    assertEquals(200, ids.size());
  }

  @Test
  void theErrorThatEndedARunCarriesItsId() {
    for (int i = 0; i < 8; i++) { // four attempts of each of two runs
      server.venue().script(Fault.status(503));
    }
    OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 50);
    try (OhlcvClient c = client()) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> c.fetch(q));
      String id = e.fetchId().orElseThrow();
      assertEquals(events.fetches().get(0).id(), id);
      assertEquals(id, events.fetchFailures().get(0).error().fetchId().orElseThrow());

      CompletionException async =
          assertThrows(CompletionException.class, () -> c.fetchAsync(q).join());
      OhlcvException second = (OhlcvException) async.getCause();
      assertEquals(events.fetches().get(1).id(), second.fetchId().orElseThrow());
    }
  }

  @Test
  void anErrorBeforeAnyRunHasNoId() {
    try (OhlcvClient c = client()) {
      InvalidQueryException e =
          assertThrows(
              InvalidQueryException.class,
              () ->
                  c.fetch(
                      FakeVenueServer.query("BTCUSDT", Duration.ZERO, 5)
                          .newBuilder()
                          .interval("30s")
                          .build()));
      assertTrue(e.fetchId().isEmpty());
    }
    assertTrue(events.fetches().isEmpty());
  }

  @Test
  void everyLogLineOfARunCarriesItsIdAndTheCallersMdcOnEveryThread() {
    server.venue().script(Fault.none(), Fault.status(503));
    OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);
    try (LogCapture logs = LogCapture.start();
        OhlcvClient c = client()) {
      MDC.put("request_id", "req-42");
      CandleSeries s;
      try {
        s = c.fetchAsync(q).join();
      } finally {
        MDC.remove("request_id");
      }
      assertEquals(server.expected(q), s);
      String id = events.fetches().get(0).id();
      List<LogCapture.Event> lines =
          logs.events(
              e ->
                  e.logger().startsWith("io.github.ohlcv4j")
                      && "fake".equals(e.mdc().get("source")));
      assertTrue(
          lines.stream().anyMatch(e -> e.level() == Level.WARN && e.message().startsWith("retry ")),
          "the retry is logged");
      assertTrue(lines.size() >= 5, lines.toString()); // pages, retry, fetched
      for (LogCapture.Event e : lines) {
        assertEquals(id, e.mdc().get("fetch_id"), e.message());
        assertEquals("req-42", e.mdc().get("request_id"), e.message());
      }
    }
    assertEquals(null, MDC.get("fetch_id"), "the caller's thread keeps its own MDC");
  }

  @Test
  void aStreamIsOneRunWithOneId() {
    OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);
    try (LogCapture logs = LogCapture.start();
        OhlcvClient c = client();
        Stream<io.github.ohlcv4j.Candle> candles = c.stream(q)) {
      assertEquals(250, candles.count());
      assertEquals(250, events.fetchEnds().get(0).rows(), "the rows of every page, not the last");
      Fetch run = events.fetches().get(0);
      assertEquals(1, events.fetches().size());
      assertTrue(events.fetchOfEachEvent().stream().allMatch(run::equals));
      List<LogCapture.Event> pages = logs.events(e -> e.message().startsWith("page source=fake"));
      assertEquals(3, pages.size());
      pages.forEach(e -> assertEquals(run.id(), e.mdc().get("fetch_id")));
    }
  }

  @Test
  void plusSendsEveryEventToBothListenersEvenWhenTheFirstThrows() {
    List<String> second = new CopyOnWriteArrayList<>();
    OhlcvEventListener broken =
        new OhlcvEventListener() {
          @Override
          public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
            throw new AssertionError("broken");
          }
        };
    OhlcvEventListener counting =
        new OhlcvEventListener() {
          @Override
          public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
            second.add(fetch.id() + " " + page);
          }

          @Override
          public void fetchEnd(Fetch fetch, int rows, Duration duration) {
            second.add(fetch.id() + " end " + rows);
          }
        };
    OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(server.uri("pageSize=100"))
            .okHttpClient(server.http())
            .eventListener(broken.plus(events).plus(counting))
            .autoDiscover(false)
            .build()) {
      assertEquals(server.expected(q), c.fetch(q));
    }
    String id = events.fetches().get(0).id();
    assertEquals(List.of(id + " 1", id + " 2", id + " 3", id + " end 250"), second);
    assertEquals(3, events.pageEnds().size());
    assertEquals(OhlcvEventListener.NONE, OhlcvEventListener.NONE.plus(OhlcvEventListener.NONE));
    assertEquals(events, OhlcvEventListener.NONE.plus(events), "NONE adds nothing");
  }
}
