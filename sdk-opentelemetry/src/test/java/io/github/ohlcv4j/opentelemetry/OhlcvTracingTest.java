package io.github.ohlcv4j.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.RecordingListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link OhlcvTracing} on real traffic from the fake venue, checked in the SDK's span exporter. */
@Timeout(60)
class OhlcvTracingTest {

  private static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);
  private static final OhlcvQuery QUERY = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);

  private final FakeVenueServer server = new FakeVenueServer();
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder().setTracerProvider(provider).build();
  private final Tracer app = otel.getTracer("the-application");
  private final RecordingListener events = new RecordingListener();

  @AfterEach
  void close() {
    server.close();
    provider.close();
  }

  private OhlcvClient client(String uri) {
    return OhlcvClient.builder()
        .source(uri)
        .okHttpClient(server.http())
        .retryPolicy(FAST)
        .eventListener(OhlcvTracing.create(otel).plus(events))
        .autoDiscover(false)
        .build();
  }

  @Test
  void aFetchIsASpanWithAChildPerPageRequestAndRetriesAsEvents() {
    server.venue().script(Fault.none(), Fault.status(503));
    Span parent = app.spanBuilder("handle request").startSpan();
    try (OhlcvClient c = client(server.uri("pageSize=100"));
        Scope s = parent.makeCurrent()) {
      assertEquals(server.expected(QUERY), c.fetch(QUERY));
    } finally {
      parent.end();
    }
    SpanData fetch = single(OhlcvTracing.FETCH_SPAN);
    assertEquals(parent.getSpanContext().getSpanId(), fetch.getParentSpanId());
    assertEquals(parent.getSpanContext().getTraceId(), fetch.getTraceId());
    assertEquals(SpanKind.INTERNAL, fetch.getKind());
    assertEquals("fake", fetch.getAttributes().get(OhlcvTracing.SOURCE));
    assertEquals("BTCUSDT", fetch.getAttributes().get(OhlcvTracing.SYMBOL));
    assertEquals("1m", fetch.getAttributes().get(OhlcvTracing.INTERVAL));
    assertEquals(250L, fetch.getAttributes().get(OhlcvTracing.ROWS));
    assertEquals(events.fetches().get(0).id(), fetch.getAttributes().get(OhlcvTracing.FETCH_ID));
    assertEquals(StatusCode.UNSET, fetch.getStatus().getStatusCode());

    List<SpanData> pages = spans(OhlcvTracing.PAGE_SPAN);
    assertEquals(
        List.of("1.1 ok", "2.1 error", "2.2 ok", "3.1 ok"),
        pages.stream()
            .map(
                p ->
                    p.getAttributes().get(OhlcvTracing.PAGE)
                        + "."
                        + p.getAttributes().get(OhlcvTracing.ATTEMPT)
                        + (p.getStatus().getStatusCode() == StatusCode.ERROR ? " error" : " ok"))
            .toList());
    for (SpanData p : pages) {
      assertEquals(fetch.getSpanId(), p.getParentSpanId(), "a child of the fetch's span");
      assertEquals(SpanKind.CLIENT, p.getKind());
      assertEquals("BTCUSDT", p.getAttributes().get(OhlcvTracing.SYMBOL));
    }
    SpanData first = pages.get(0);
    assertEquals(100L, first.getAttributes().get(OhlcvTracing.ROWS));
    assertEquals(events.pageEnds().get(0).bytes(), first.getAttributes().get(OhlcvTracing.BYTES));
    SpanData failed = pages.get(1);
    assertEquals(
        "io.github.ohlcv4j.SourceUnavailableException",
        failed.getAttributes().get(OhlcvTracing.ERROR_TYPE));
    assertTrue(failed.getEvents().stream().anyMatch(e -> e.getName().equals("exception")));

    EventData retry = event(fetch, "retry");
    assertEquals(2L, retry.getAttributes().get(OhlcvTracing.ATTEMPT));
    assertTrue(retry.getAttributes().get(OhlcvTracing.WAIT_MS) >= 16);
  }

  @Test
  void fetchAsyncCarriesEachCallersContextAcrossThreads() {
    OhlcvQuery eth = FakeVenueServer.query("ETHUSDT", Duration.ZERO, 350);
    Span a = app.spanBuilder("a").startSpan();
    Span b = app.spanBuilder("b").startSpan();
    try (OhlcvClient c = client(server.uri("pageSize=100"))) {
      CompletableFuture<CandleSeries> fa;
      CompletableFuture<CandleSeries> fb;
      try (Scope s = a.makeCurrent()) {
        fa = c.fetchAsync(QUERY);
      }
      try (Scope s = b.makeCurrent()) {
        fb = c.fetchAsync(eth);
      }
      fa.join();
      fb.join();
    } finally {
      a.end();
      b.end();
    }
    List<SpanData> fetches = spans(OhlcvTracing.FETCH_SPAN);
    assertEquals(2, fetches.size());
    for (SpanData f : fetches) {
      boolean btc = "BTCUSDT".equals(f.getAttributes().get(OhlcvTracing.SYMBOL));
      Span parent = btc ? a : b;
      assertEquals(parent.getSpanContext().getSpanId(), f.getParentSpanId());
      assertEquals(parent.getSpanContext().getTraceId(), f.getTraceId());
      long children =
          spans(OhlcvTracing.PAGE_SPAN).stream()
              .filter(p -> p.getParentSpanId().equals(f.getSpanId()))
              .peek(p -> assertEquals(f.getTraceId(), p.getTraceId()))
              .count();
      assertEquals(btc ? 3 : 4, children);
    }
    assertNotEquals(fetches.get(0).getTraceId(), fetches.get(1).getTraceId());
  }

  @Test
  void aStreamIsOneSpanThatEndsWithTheStream() {
    Span parent = app.spanBuilder("stream").startSpan();
    try (OhlcvClient c = client(server.uri("pageSize=100"))) {
      try (Scope s = parent.makeCurrent();
          Stream<Candle> all = c.stream(QUERY)) {
        assertEquals(250, all.count());
      }
      Stream<Candle> part;
      try (Scope s = parent.makeCurrent()) {
        part = c.stream(QUERY);
      }
      Iterator<Candle> it = part.iterator();
      for (int i = 0; i < 150; i++) {
        it.next(); // consumed on this thread, outside the parent's scope
      }
      part.close();
    } finally {
      parent.end();
    }
    List<SpanData> fetches = spans(OhlcvTracing.FETCH_SPAN);
    assertEquals(2, fetches.size());
    fetches.forEach(f -> assertEquals(parent.getSpanContext().getSpanId(), f.getParentSpanId()));
    assertEquals(StatusCode.UNSET, fetches.get(0).getStatus().getStatusCode());
    assertEquals(250L, fetches.get(0).getAttributes().get(OhlcvTracing.ROWS));
    SpanData closed = fetches.get(1);
    assertEquals(StatusCode.ERROR, closed.getStatus().getStatusCode());
    assertEquals(
        QueryCancelledException.class.getName(),
        closed.getAttributes().get(OhlcvTracing.ERROR_TYPE));
    long pagesOfClosed =
        spans(OhlcvTracing.PAGE_SPAN).stream()
            .filter(p -> p.getParentSpanId().equals(closed.getSpanId()))
            .count();
    assertTrue(pagesOfClosed >= 2 && pagesOfClosed <= 3, "pages read, and one ahead at most");
  }

  @Test
  void aFailedFetchRecordsItsError() {
    try (OhlcvClient c =
        client(server.uri(FakeVenueServer.API_KEY, "Wr0ng-pa55-Qx81", "pageSize=100"))) {
      OhlcvException e = assertThrows(AuthenticationException.class, () -> c.fetch(QUERY));
      SpanData fetch = single(OhlcvTracing.FETCH_SPAN);
      assertEquals(StatusCode.ERROR, fetch.getStatus().getStatusCode());
      assertEquals(
          AuthenticationException.class.getName(),
          fetch.getAttributes().get(OhlcvTracing.ERROR_TYPE));
      EventData ex = event(fetch, "exception");
      assertEquals(
          e.getMessage(), ex.getAttributes().get(AttributeKey.stringKey("exception.message")));
      assertEquals(e.fetchId().orElseThrow(), fetch.getAttributes().get(OhlcvTracing.FETCH_ID));
      for (SpanData s : exporter.getFinishedSpanItems()) {
        assertTrue(!s.toString().contains("Wr0ng-pa55-Qx81"), "no password in a span");
      }
    }
  }

  @Test
  void rateLimitWaitsAreEventsOfTheFetch() {
    try (OhlcvClient c = client(server.uri("pageSize=100&limit=1/500"))) { // 1 request per 500 ms
      c.fetch(QUERY);
    }
    SpanData fetch = single(OhlcvTracing.FETCH_SPAN);
    List<EventData> waits =
        fetch.getEvents().stream().filter(e -> e.getName().equals("rate_limit_wait")).toList();
    assertTrue(waits.size() >= 2, fetch.getEvents().toString());
    assertTrue(waits.stream().allMatch(w -> w.getAttributes().get(OhlcvTracing.WAIT_MS) > 0));
  }

  @Test
  void theSampleMarketIsTracedToo() {
    try (OhlcvClient c =
        OhlcvClient.builder().source("sample:").eventListener(OhlcvTracing.create(otel)).build()) {
      c.fetch(FakeVenueServer.query("ETHUSDT", Duration.ZERO, 30));
    }
    SpanData fetch = single(OhlcvTracing.FETCH_SPAN);
    assertEquals("sample", fetch.getAttributes().get(OhlcvTracing.SOURCE));
    assertEquals(30L, fetch.getAttributes().get(OhlcvTracing.ROWS));
    assertEquals(1, spans(OhlcvTracing.PAGE_SPAN).size());
  }

  private List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .toList();
  }

  private SpanData single(String name) {
    List<SpanData> found = spans(name);
    assertEquals(1, found.size(), exporter.getFinishedSpanItems().toString());
    return found.get(0);
  }

  private static EventData event(SpanData span, String name) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " event in " + span.getEvents()));
  }
}
