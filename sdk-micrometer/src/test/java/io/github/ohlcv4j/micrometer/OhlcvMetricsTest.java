package io.github.ohlcv4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.RecordingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link OhlcvMetrics} on real traffic: the fake venue over HTTP, and the sample market. */
@Timeout(60)
class OhlcvMetricsTest {

  private static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);
  private static final OhlcvQuery QUERY = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);

  private final FakeVenueServer server = new FakeVenueServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OhlcvMetrics metrics = OhlcvMetrics.create();

  @AfterEach
  void close() {
    server.close();
  }

  private OhlcvClient.Builder client(String uri) {
    metrics.bindTo(registry);
    return OhlcvClient.builder()
        .source(uri)
        .okHttpClient(server.http())
        .retryPolicy(FAST)
        .eventListener(metrics)
        .autoDiscover(false);
  }

  @Test
  void requestsAndFetchesAreTimedByOutcomeAndCandlesCounted() {
    server.venue().script(Fault.none(), Fault.status(503));
    RecordingListener mine = new RecordingListener();
    try (OhlcvClient c =
        client(server.uri("pageSize=100")).eventListener(metrics.plus(mine)).build()) {
      assertEquals(server.expected(QUERY), c.fetch(QUERY));
    }
    assertEquals(3, timer("ohlcv4j.requests", "SUCCESS", "none").count());
    Timer failed = timer("ohlcv4j.requests", "SERVER_ERROR", "SourceUnavailableException");
    assertEquals(1, failed.count());
    assertTrue(failed.totalTime(TimeUnit.NANOSECONDS) > 0);
    assertEquals(1, timer("ohlcv4j.fetches", "SUCCESS", "none").count());
    assertEquals(250, counter("ohlcv4j.candles.received").count());
    Counter bytes = counter("ohlcv4j.bytes.received");
    assertEquals(
        mine.pageEnds().stream().mapToLong(RecordingListener.PageEnd::bytes).sum(),
        (long) bytes.count());
    assertEquals("bytes", bytes.getId().getBaseUnit());
    Counter retries =
        registry
            .get("ohlcv4j.retries")
            .tags("source", "fake", "exception", "SourceUnavailableException")
            .counter();
    assertEquals(1, retries.count());
    assertEquals(11, mine.lines().size(), "the application's own listener saw every event too");
  }

  @Test
  void aFailedFetchIsTimedWithItsStatusClass() {
    String wrong = "Wr0ng-pa55-Qx81";
    try (OhlcvClient c =
        client(server.uri(FakeVenueServer.API_KEY, wrong, "pageSize=100")).build()) {
      assertThrows(AuthenticationException.class, () -> c.fetch(QUERY));
    }
    assertEquals(1, timer("ohlcv4j.fetches", "CLIENT_ERROR", "AuthenticationException").count());
    assertEquals(1, timer("ohlcv4j.requests", "CLIENT_ERROR", "AuthenticationException").count());
    assertNull(registry.find("ohlcv4j.fetches").tag("outcome", "SUCCESS").timer());
    for (Meter m : registry.getMeters()) {
      assertTrue(
          m.getId().getTags().stream().noneMatch(t -> t.getValue().contains(wrong)),
          m.getId().toString());
    }
  }

  @Test
  void rateLimitWaitsAndABanAreCounted() {
    server.venue().script(Fault.ban(1));
    try (OhlcvClient c =
        client(server.uri("pageSize=100&limit=1/500"))
            .retryPolicy(
                RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 3)
                    .withMaxElapsed(Duration.ofSeconds(10)))
            .build()) {
      assertEquals(server.expected(QUERY), c.fetch(QUERY));
    }
    Counter bans = registry.get("ohlcv4j.bans").tag("source", "fake").counter();
    assertEquals(1, bans.count(), "one ban, however many requests it held back");
    assertEquals(1, timer("ohlcv4j.requests", "CLIENT_ERROR", "RateLimitException").count());
    Timer waits = registry.get("ohlcv4j.ratelimit.waits").tag("source", "fake").timer();
    assertTrue(waits.count() >= 2, "the budget of 1 per 500 ms held requests back");
    assertTrue(waits.totalTime(TimeUnit.MILLISECONDS) > 0);
  }

  @Test
  void theCircuitStateIsAGaugePerStateAndItsChangesAreCounted() {
    server.venue().script(Fault.status(503), Fault.status(503));
    try (OhlcvClient c =
        client(server.uri("pageSize=100"))
            .retryPolicy(RetryPolicy.none())
            .circuitBreakerPolicy(CircuitBreakerPolicy.ofDefaults().withWindow(2, 2))
            .build()) {
      assertThrows(SourceUnavailableException.class, () -> c.fetch(QUERY));
      assertEquals(1.0, state("CLOSED"));
      assertEquals(0.0, state("OPEN"));
      assertThrows(SourceUnavailableException.class, () -> c.fetch(QUERY));
      assertEquals(0.0, state("CLOSED"));
      assertEquals(1.0, state("OPEN"));
      assertEquals(0.0, state("HALF_OPEN"));
      SourceUnavailableException fast =
          assertThrows(SourceUnavailableException.class, () -> c.fetch(QUERY));
      assertTrue(fast.getMessage().contains("circuit breaker is open"));
    }
    assertEquals(
        1,
        registry
            .get("ohlcv4j.circuit.transitions")
            .tags("source", "fake", "from", "CLOSED", "to", "OPEN")
            .counter()
            .count());
    assertEquals(3, timer("ohlcv4j.fetches", "SERVER_ERROR", "SourceUnavailableException").count());
    assertEquals(2, server.venue().requestCount(), "the third was refused by the open circuit");
  }

  @Test
  void theSampleMarketHasNoSymbolTagsAndNoPercentilesByDefault() {
    metrics.bindTo(registry);
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .interval(Interval.M1)
            .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"))
            .resample(Interval.H1)
            .build();
    try (OhlcvClient c = OhlcvClient.builder().source("sample:").eventListener(metrics).build()) {
      CandleSeries s = c.fetch(q);
      assertEquals(24, s.size());
      assertEquals(2, c.stream(q).count() / 12);
    }
    Timer fetches = registry.get("ohlcv4j.fetches").tag("source", "sample").timer();
    assertEquals(2, fetches.count(), "fetch and stream are runs alike");
    assertEquals(1440 * 2, counter("sample", "ohlcv4j.candles.received").count());
    for (Meter m : registry.getMeters()) {
      String name = m.getId().getName();
      assertTrue(name.matches("ohlcv4j(\\.[a-z]+)+"), name);
      assertNull(m.getId().getTag("symbol"), m.getId().toString());
      assertNull(m.getId().getTag("interval"), m.getId().toString());
      if (m instanceof Timer t) {
        HistogramSnapshot h = t.takeSnapshot();
        assertEquals(0, h.percentileValues().length, name + " publishes no percentile");
        assertEquals(0, h.histogramCounts().length, name + " publishes no histogram");
      }
    }
  }

  @Test
  void symbolTagsAreOptIn() {
    OhlcvMetrics tagged = OhlcvMetrics.builder().symbolTags(true).build();
    tagged.bindTo(registry);
    try (OhlcvClient c = OhlcvClient.builder().source("sample:").eventListener(tagged).build()) {
      c.fetch(FakeVenueServer.query("ETHUSDT", Duration.ZERO, 30));
    }
    Timer t =
        registry
            .get("ohlcv4j.fetches")
            .tags("source", "sample", "symbol", "ETHUSDT", "interval", "1m")
            .timer();
    assertEquals(1, t.count());
    assertEquals(
        30, registry.get("ohlcv4j.candles.received").tag("symbol", "ETHUSDT").counter().count());
  }

  @Test
  void eventsCountOnlyOnceBoundAndInEveryBoundRegistry() {
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    try (OhlcvClient c = OhlcvClient.builder().source("sample:").eventListener(metrics).build()) {
      c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 10));
      metrics.bindTo(registry);
      c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 10));
      metrics.bindTo(second);
      c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 10));
    }
    assertEquals(2, registry.get("ohlcv4j.fetches").timer().count());
    assertEquals(1, second.get("ohlcv4j.fetches").timer().count());
    assertEquals(1.0, second.get("ohlcv4j.circuit.state").tag("state", "CLOSED").gauge().value());
  }

  @Test
  void theMetersOfLiveCandlesStoresAndRecordersRecordWhatTheyAreTold() {
    metrics.bindTo(registry);
    metrics.liveConnected("bybit:linear");
    metrics.liveConnected("bybit:linear");
    metrics.liveDisconnected("bybit:linear");
    metrics.liveReconnect("bybit:linear", "closed");
    metrics.candlesBackfilled("bybit:linear", 12);
    metrics.candlesRevised("bybit:linear", 1);
    metrics.storeRead("duckdb:candles", OhlcvMetrics.StoreRead.HIT);
    metrics.storeRead("duckdb:candles", OhlcvMetrics.StoreRead.PARTIAL);
    metrics.storeRead("duckdb:candles", OhlcvMetrics.StoreRead.HIT);
    metrics.recorderLag(Symbol.parse("BYBIT:BTCUSDT.P"), Interval.M1, Duration.ofMillis(2500));
    metrics.recorderLag(Symbol.parse("BYBIT:BTCUSDT.P"), Interval.M1, Duration.ofMillis(1500));

    assertEquals(1.0, registry.get("ohlcv4j.live.connections").gauge().value());
    metrics.liveDisconnected("bybit:linear");
    metrics.liveDisconnected("bybit:linear");
    assertEquals(0.0, registry.get("ohlcv4j.live.connections").gauge().value(), "never negative");
    assertEquals(
        1, registry.get("ohlcv4j.live.reconnects").tag("reason", "closed").counter().count());
    assertEquals(12, registry.get("ohlcv4j.live.candles.backfilled").counter().count());
    assertEquals(1, registry.get("ohlcv4j.live.candles.revised").counter().count());
    assertEquals(2, registry.get("ohlcv4j.store.reads").tag("result", "hit").counter().count());
    assertEquals(1, registry.get("ohlcv4j.store.reads").tag("result", "partial").counter().count());
    assertEquals(
        1.5,
        registry
            .get("ohlcv4j.recorder.lag")
            .tags("symbol", "BYBIT:BTCUSDT.P", "interval", "1m")
            .timeGauge()
            .value(TimeUnit.SECONDS));
  }

  @Test
  void theExceptionTagNamesThePublicType() {
    RateLimitException e = new RateLimitException("x", "s", Duration.ofSeconds(1), null) {};
    assertNotNull(OhlcvMetrics.exception(e));
    assertEquals("CLIENT_ERROR", OhlcvMetrics.outcome(e));
    assertEquals("SUCCESS", OhlcvMetrics.outcome(null));
  }

  private double state(String state) {
    return registry
        .get("ohlcv4j.circuit.state")
        .tags("source", "fake", "state", state)
        .gauge()
        .value();
  }

  private Timer timer(String name, String outcome, String exception) {
    return registry
        .get(name)
        .tags("source", "fake", "outcome", outcome, "exception", exception)
        .timer();
  }

  private Counter counter(String name) {
    return counter("fake", name);
  }

  private Counter counter(String source, String name) {
    return registry.get(name).tag("source", source).counter();
  }

  @SuppressWarnings("unused")
  private static List<String> names(MeterRegistry r) {
    return r.getMeters().stream().map(m -> m.getId().getName()).sorted().toList();
  }

  @Test
  void liveEventsMoveTheLiveMeters() {
    metrics.bindTo(registry);
    Symbol btc = Symbol.parse("BYBIT:BTCUSDT");
    metrics.liveConnected("bybit:linear", 1, 3);
    metrics.liveConnected("bybit:linear", 2, 3);
    assertEquals(2.0, registry.get("ohlcv4j.live.connections").gauge().value());
    SourceUnavailableException lost =
        SourceUnavailableException.retryable("bybit:linear", "connection reset").build();
    metrics.liveReconnecting("bybit:linear", 3, 1, Duration.ofSeconds(1), lost);
    metrics.liveReconnecting("bybit:linear", 3, 2, Duration.ofSeconds(2), lost);
    assertEquals(1.0, registry.get("ohlcv4j.live.connections").gauge().value());
    assertEquals(
        2.0,
        registry
            .get("ohlcv4j.live.reconnects")
            .tag("source", "bybit:linear")
            .tag("reason", "unavailable")
            .counter()
            .count());
    metrics.liveGapBackfilled(
        "bybit:linear", btc, Interval.M1, Instant.EPOCH, Instant.EPOCH.plusSeconds(300), 5);
    assertEquals(5.0, registry.get("ohlcv4j.live.candles.backfilled").counter().count());
    metrics.liveRevised(
        "bybit:linear",
        btc,
        Interval.M1,
        new io.github.ohlcv4j.Candle(Instant.EPOCH, 1, 2, 0.5, 1.5, 10));
    assertEquals(1.0, registry.get("ohlcv4j.live.candles.revised").counter().count());
  }
}
