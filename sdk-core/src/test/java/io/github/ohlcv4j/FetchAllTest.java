package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.OhlcvEventListener.Batch;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/** {@link OhlcvClient#fetchAll}: several symbols, concurrently, each to its series or its error. */
@Timeout(60)
class FetchAllTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-06-01T12:34:56Z"), ZoneOffset.UTC);
  static final Instant A = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant B = Instant.parse("2024-01-02T00:00:00Z");

  static SampleSource sample() {
    return SampleSource.builder().clock(CLOCK).pageSize(500).build();
  }

  static OhlcvClient.Builder builder() {
    return OhlcvClient.builder().clock(CLOCK).retryPolicy(RetryPolicy.none());
  }

  static OhlcvQuery day(String symbol) {
    return OhlcvQuery.builder().symbol(symbol).between(A, B).resample(Interval.H1).build();
  }

  /** Refuses one symbol as a venue would, before any page. */
  static final class Refusing extends TestSources.Counting {
    Refusing() {
      super(sample(), Set.of());
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      if (query.symbol().code().equals("NOPE")) {
        throw new SymbolNotFoundException("NOPE is not listed", "sample", "-1121", null);
      }
      return super.cursor(query);
    }
  }

  @Test
  void everySymbolGetsItsSeriesOrItsOwnError() {
    try (OhlcvClient c = builder().source(new Refusing()).build()) {
      FetchResults r =
          c.fetchAll(
              List.of("ETHUSDT", "NOPE", "BTCUSDT"),
              q -> q.interval(Interval.M1).between(A, B).resample(Interval.H1));
      assertEquals(
          List.of(Symbol.parse("ETHUSDT"), Symbol.parse("NOPE"), Symbol.parse("BTCUSDT")),
          r.symbols());
      assertEquals(
          List.of(Symbol.parse("ETHUSDT"), Symbol.parse("BTCUSDT")),
          List.copyOf(r.series().keySet()));
      assertEquals(c.fetch(day("ETHUSDT")), r.get("ETHUSDT"));
      assertEquals(c.fetch(day("BTCUSDT")), r.get(Symbol.parse("BTCUSDT")));
      SymbolNotFoundException e =
          assertInstanceOf(SymbolNotFoundException.class, r.errors().get(Symbol.parse("NOPE")));
      assertSame(e, assertThrows(SymbolNotFoundException.class, () -> r.get("NOPE")));
      assertEquals(false, r.isComplete());
      assertEquals(
          "FetchResults{2 of 3 fetched; failed: NOPE SymbolNotFoundException}", r.toString());
      assertThrows(IllegalArgumentException.class, () -> r.get("SOLUSDT"));
      assertEquals(2, r.table().symbols().size());
    }
  }

  @Test
  void queriesOfDifferentSourcesAndSettingsRunTogether() {
    TestSources.Counting bybit = new TestSources.Counting(sample(), Set.of("BYBIT"));
    TestSources.Counting any = new TestSources.Counting(sample(), Set.of());
    try (OhlcvClient c = builder().source(bybit).source(any).build()) {
      OhlcvQuery q1 = OhlcvQuery.builder().symbol("BYBIT:BTCUSDT").latest(10).build();
      OhlcvQuery q2 =
          OhlcvQuery.builder().symbol("ETHUSDT").interval(Interval.H1).latest(5).build();
      FetchResults r = c.fetchAll(List.of(q1, q2));
      assertTrue(r.isComplete());
      assertEquals(10, r.get("BYBIT:BTCUSDT").size());
      assertEquals(Interval.H1, r.get("ETHUSDT").interval());
      assertEquals(1, bybit.cursors.get());
      assertEquals(1, any.cursors.get());
    }
  }

  @Test
  void noMoreThanTheConcurrencyRunAtOnceAndAllFinish() throws Exception {
    ManualSource source = new ManualSource();
    try (OhlcvClient c = builder().source(source).fetchAllConcurrency(3).build()) {
      List<OhlcvQuery> queries = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        queries.add(OhlcvQuery.builder().symbol("S" + i).between(A, A.plusSeconds(60)).build());
      }
      CompletableFuture<FetchResults> f = c.fetchAllAsync(queries);
      java.util.ArrayDeque<ManualSource.Request> waiting = new java.util.ArrayDeque<>();
      for (int i = 0; i < 3; i++) {
        waiting.add(source.pending.poll(10, TimeUnit.SECONDS));
      }
      assertEquals(3, source.started.get(), "three started, the others wait for room");
      int answered = 0;
      while (answered < 10) {
        ManualSource.Request next = waiting.poll();
        next.answer()
            .complete(Page.of(CandleSeries.builder(next.query().symbol(), Interval.M1).build()));
        answered++;
        if (answered + waiting.size() < 10) {
          waiting.add(source.pending.poll(10, TimeUnit.SECONDS)); // the query that took its room
        }
        assertTrue(source.started.get() <= answered + 3, "started " + source.started.get());
      }
      FetchResults r = f.get(10, TimeUnit.SECONDS);
      assertEquals(10, r.series().size());
      assertEquals(
          queries.stream().map(OhlcvQuery::symbol).toList(), List.copyOf(r.series().keySet()));
    }
  }

  @Test
  void cancellingStopsTheQueriesInFlightAndStartsNoMore() throws Exception {
    ManualSource source = new ManualSource();
    try (OhlcvClient c = builder().source(source).fetchAllConcurrency(2).build()) {
      List<OhlcvQuery> queries = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queries.add(OhlcvQuery.builder().symbol("S" + i).between(A, A.plusSeconds(60)).build());
      }
      CompletableFuture<FetchResults> f = c.fetchAllAsync(queries);
      CompletableFuture<Page> first = source.pending.poll(10, TimeUnit.SECONDS).answer();
      CompletableFuture<Page> second = source.pending.poll(10, TimeUnit.SECONDS).answer();
      assertTrue(f.cancel(true));
      // the cancel reaches each request on the thread that runs its query
      assertThrows(CancellationException.class, () -> first.get(10, TimeUnit.SECONDS));
      assertThrows(CancellationException.class, () -> second.get(10, TimeUnit.SECONDS));
      assertEquals(2, source.started.get(), "no query started after the cancel");
    }
  }

  @Test
  void progressIsReportedAndEachRunCarriesTheBatchIdInItsMdc() {
    List<String> progress = new CopyOnWriteArrayList<>();
    Map<String, String> batchOfRun = new ConcurrentHashMap<>();
    List<Batch> batches = new CopyOnWriteArrayList<>();
    OhlcvEventListener listener =
        new OhlcvEventListener() {
          @Override
          public void fetchStart(Fetch fetch) {
            batchOfRun.put(fetch.query().symbol().toString(), MDC.get(Batch.MDC_KEY));
          }

          @Override
          public void batchProgress(Batch batch, int succeeded, int failed) {
            batches.add(batch);
            progress.add(succeeded + "/" + failed);
          }
        };
    try (OhlcvClient c = builder().source(new Refusing()).eventListener(listener).build()) {
      c.fetchAll(List.of("A1", "NOPE", "A2"), q -> q.between(A, B));
      assertEquals(3, progress.size());
      assertEquals("2/1", progress.get(2));
      Batch batch = batches.get(0);
      assertEquals(3, batch.size());
      assertEquals(Set.of(batch.id()), Set.copyOf(batchOfRun.values()));
      assertEquals(Set.of("A1", "A2"), batchOfRun.keySet(), "NOPE was refused before its run");
    }
  }

  @Test
  void badInputFailsBeforeAnyRequest() {
    TestSources.Counting src = new TestSources.Counting(sample(), Set.of());
    try (OhlcvClient c = builder().source(src).build()) {
      InvalidQueryException twice =
          assertThrows(
              InvalidQueryException.class, () -> c.fetchAll(List.of(day("X"), day("Y"), day("X"))));
      assertTrue(twice.getMessage().contains("two queries of X"), twice.getMessage());
      assertThrows(InvalidQueryException.class, () -> c.fetchAll(List.of("X", ""), q -> {}));
      assertThrows(
          InvalidQueryException.class, () -> c.fetchAll(List.of("X"), q -> q.between(B, A)));
      assertEquals(0, src.cursors.get());
      assertTrue(c.fetchAll(List.of()).symbols().isEmpty());
    }
    OhlcvClient closed = builder().source(sample()).build();
    closed.close();
    assertThrows(ClientClosedException.class, () -> closed.fetchAll(List.of(day("X"))));
  }

  @Test
  void thousandsOfQueriesRefusedAtOnceDoNotDeepenTheStack() {
    TestSources.HourlyOnly hourly = new TestSources.HourlyOnly();
    try (OhlcvClient c = builder().source(hourly).executor(Runnable::run).build()) {
      List<String> symbols = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        symbols.add("S" + i);
      }
      FetchResults r = c.fetchAll(symbols, q -> q.interval(Interval.H4));
      assertEquals(20_000, r.errors().size());
      assertInstanceOf(UnsupportedIntervalException.class, r.errors().get(Symbol.parse("S19999")));
    }
  }

  /** Hands out page futures for the test to complete; counts what is outstanding. */
  static final class ManualSource implements CandleSource {
    record Request(OhlcvQuery query, CompletableFuture<Page> answer) {}

    final java.util.concurrent.BlockingQueue<Request> pending =
        new java.util.concurrent.LinkedBlockingQueue<>();
    final AtomicInteger started = new AtomicInteger();

    @Override
    public String name() {
      return "manual";
    }

    @Override
    public SourceCapabilities capabilities() {
      return SourceCapabilities.builder().anyMultipleOf(Interval.M1).build();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      started.incrementAndGet();
      return new PageCursor() {
        boolean done;

        @Override
        public boolean hasNext() {
          return !done;
        }

        @Override
        public CompletableFuture<Page> next() {
          CompletableFuture<Page> f = new CompletableFuture<>();
          done = true; // one page a query
          pending.add(new Request(query, f));
          return f;
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void aDeadlinePerQueryStillHolds() {
    ManualSource source = new ManualSource();
    try (OhlcvClient c = builder().source(source).build()) {
      FetchResults r =
          c.fetchAll(List.of("S1", "S2"), q -> q.between(A, B).timeout(Duration.ofMillis(50)));
      assertEquals(2, r.errors().size());
      assertInstanceOf(QueryTimeoutException.class, r.errors().get(Symbol.parse("S1")));
    }
  }
}
