package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OhlcvClientTest {
  static final Instant NOW = Instant.parse("2024-06-01T12:34:56Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Instant A = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant B = Instant.parse("2024-01-03T00:00:00Z");

  static SampleSource sample(int pageSize) {
    return SampleSource.builder().clock(CLOCK).pageSize(pageSize).build();
  }

  static OhlcvClient client(CandleSource... sources) {
    OhlcvClient.Builder b =
        OhlcvClient.builder().clock(CLOCK).retryPolicy(RetryPolicy.none()).autoDiscover(false);
    for (CandleSource s : sources) {
      b.source(s);
    }
    return b.build();
  }

  @Test
  void fetchesThroughTheFluentShortcut() {
    try (OhlcvClient c = client(sample(5000))) {
      CandleSeries s =
          c.query("BTCUSDT").interval(Interval.M1).between(A, B).resample(Interval.H1).fetch();
      assertEquals(48, s.size());
      assertEquals(Interval.H1, s.interval());
      assertEquals(
          sample(5000)
              .fetch(OhlcvQuery.builder().symbol("BTCUSDT").between(A, B).build())
              .resample(Interval.H1),
          s);
    }
  }

  @Test
  void theFluentBuilderGivesPagesAndZoneMidnightAlignment() {
    try (OhlcvClient c = client(sample(500))) {
      List<CandleSeries> pages =
          c.query("BTCUSDT")
              .interval(Interval.M1)
              .between(A, B)
              .pages()
              .collect(java.util.stream.Collectors.toList());
      assertEquals(6, pages.size(), "2880 minutes in pages of 500");
      assertEquals(
          c.query("BTCUSDT").interval(Interval.M1).between(A, B).fetch().size(),
          pages.stream().mapToInt(CandleSeries::size).sum());
      ZoneId ny = ZoneId.of("America/New_York");
      CandleSeries h4 =
          c.query("BTCUSDT")
              .interval(Interval.M1)
              .between(A, B)
              .resample(Interval.H4)
              .zone(ny)
              .alignment(Alignment.ZONE_MIDNIGHT)
              .fetch();
      for (int i = 0; i < h4.size(); i++) {
        int hour = h4.openTime(i).atZone(ny).getHour();
        assertEquals(0, hour % 4, "4h buckets start at New York midnight: " + h4.openTime(i));
      }
    }
  }

  @Test
  void streamingGivesExactlyWhatFetchingGivesWhateverThePageSize() {
    Random rnd = new Random(3);
    try (OhlcvClient whole = client(sample(100_000))) {
      for (int round = 0; round < 25; round++) {
        int pageSize = 1 + rnd.nextInt(400);
        Instant from = A.plusSeconds(rnd.nextInt(20_000) * 60L);
        Instant to = from.plusSeconds((1 + rnd.nextInt(20_000)) * 60L);
        OhlcvQuery.Builder qb =
            OhlcvQuery.builder().symbol("ETHUSDT").interval(Interval.M5).between(from, to);
        if (rnd.nextBoolean()) {
          qb.resample(
              List.of(Interval.M15, Interval.H1, Interval.H4, Interval.D1).get(rnd.nextInt(4)));
        }
        if (rnd.nextInt(3) == 0) {
          qb.limit(1 + rnd.nextInt(300));
        }
        if (rnd.nextInt(3) == 0) {
          qb.fill(GapFill.PREVIOUS_CLOSE);
        }
        OhlcvQuery q = qb.build();
        CandleSeries expected = whole.fetch(q);
        try (OhlcvClient paged = client(sample(pageSize));
            Stream<Candle> candles = paged.stream(q)) {
          assertEquals(
              expected.toList(),
              candles.toList(),
              "round " + round + " page " + pageSize + " " + q);
          assertEquals(expected, paged.fetch(q), "round " + round + " page " + pageSize + " " + q);
        }
      }
    }
  }

  @Test
  void streamingIsLazyAndStopsEarly() {
    TestSources.Counting src = new TestSources.Counting(sample(1000), Set.of());
    try (OhlcvClient c = client(src)) {
      OhlcvQuery year =
          OhlcvQuery.builder().symbol("BTCUSDT").between(A, A.plus(Duration.ofDays(365))).build();
      List<Candle> first;
      try (Stream<Candle> s = c.stream(year)) {
        first = s.limit(1500).toList();
      }
      assertEquals(1500, first.size());
      assertTrue(
          src.requests.get() <= 3,
          "at most the pages read plus one ahead, got " + src.requests.get());
    }
  }

  @Test
  void latestWithResampleGivesThatManyOutputCandles() {
    try (OhlcvClient c = client(sample(5000))) {
      CandleSeries s =
          c.query("BTCUSDT")
              .interval(Interval.M1)
              .resample(Interval.H1)
              .latest(24)
              .completeOnly()
              .fetch();
      assertEquals(24, s.size());
      assertEquals(Instant.parse("2024-06-01T11:00:00Z"), s.openTime(23));
      for (int i = 0; i < 24; i++) {
        assertTrue(!s.isPartial(i) && !s.isInProgress(i));
      }
      CandleSeries live =
          c.query("BTCUSDT").interval(Interval.M1).resample(Interval.H1).latest(3).fetch();
      assertEquals(3, live.size());
      assertTrue(live.isInProgress(2));
    }
  }

  @Test
  void limitStopsFetchingOncePastIt() {
    TestSources.Counting src = new TestSources.Counting(sample(100), Set.of());
    try (OhlcvClient c = client(src)) {
      CandleSeries s = c.query("BTCUSDT").between(A, B).limit(150).fetch();
      assertEquals(150, s.size());
      assertEquals(A, s.openTime(0));
      assertEquals(2, src.requests.get());
    }
  }

  @Test
  void routesByVenueThenDefault() {
    TestSources.Counting bybit = new TestSources.Counting(sample(5000), Set.of("BYBIT"));
    TestSources.Counting any = new TestSources.Counting(sample(5000), Set.of());
    try (OhlcvClient c = client(bybit, any)) {
      assertSame(bybit, c.sourceFor(Symbol.parse("BYBIT:BTCUSDT")));
      assertSame(any, c.sourceFor(Symbol.parse("BINANCE:BTCUSDT")));
      assertSame(any, c.sourceFor(Symbol.parse("BTCUSDT")));
      c.query("BYBIT:BTCUSDT").latest(3).fetch();
      assertEquals(1, bybit.cursors.get());
      assertEquals(0, any.cursors.get());
    }
    assertEquals(1, bybit.closed.get(), "the client closes its sources");
  }

  @Test
  void aSymbolNoSourceServesIsExplained() {
    TestSources.Counting bybit = new TestSources.Counting(sample(5000), Set.of("BYBIT"));
    try (OhlcvClient c = client(bybit)) {
      OhlcvException e =
          assertThrows(InvalidQueryException.class, () -> c.query("KRAKEN:XBTUSD").fetch());
      assertTrue(
          e.getMessage().contains("No source of this client serves KRAKEN:XBTUSD"), e.getMessage());
      // A bare code goes to a registered source that takes it, even one tied to a venue.
      assertSame(bybit, c.sourceFor(Symbol.parse("XBTUSD")));
    }
    try (OhlcvClient empty = client()) {
      OhlcvException none = assertThrows(OhlcvException.class, () -> empty.query("XBTUSD").fetch());
      assertTrue(none.getMessage().contains("register a default source"), none.getMessage());
    }
  }

  @Test
  void unsupportedIntervalsFailBeforeAnyRequest() {
    TestSources.HourlyOnly src = new TestSources.HourlyOnly();
    try (OhlcvClient c = client(src)) {
      UnsupportedIntervalException e =
          assertThrows(
              UnsupportedIntervalException.class, () -> c.query("BTCUSDT").interval("4h").fetch());
      assertTrue(
          e.getMessage().contains("does not serve 4h candles; it serves 1h, 1d"), e.getMessage());
      assertTrue(
          e.getMessage().contains("To get 4h candles, fetch 1h candles and resample them to 4h"),
          e.getMessage());
      assertEquals("hourly", e.source().orElseThrow());
      ExecutionException async =
          assertThrows(
              ExecutionException.class,
              () -> c.query("BTCUSDT").interval("4h").fetchAsync().get(5, TimeUnit.SECONDS));
      assertInstanceOf(UnsupportedIntervalException.class, async.getCause());
      assertThrows(
          UnsupportedIntervalException.class,
          () -> c.stream(OhlcvQuery.builder().symbol("X").interval("4h").build()));
      assertEquals(0, src.cursors.get());
    }
  }

  @Test
  void fetchAsyncCompletesWithTheSameAnswer() throws Exception {
    try (OhlcvClient c = client(sample(500))) {
      OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(A, B).build();
      CompletableFuture<CandleSeries> f = c.fetchAsync(q);
      assertEquals(c.fetch(q), f.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void cancellingFetchAsyncCancelsTheRequestInFlight() throws Exception {
    TestSources.Hanging src = new TestSources.Hanging();
    List<String> events = new CopyOnWriteArrayList<>();
    OhlcvEventListener listener =
        new OhlcvEventListener() {
          @Override
          public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
            events.add("failed: " + error.getMessage());
          }
        };
    try (OhlcvClient c =
        OhlcvClient.builder()
            .clock(CLOCK)
            .source(src)
            .eventListener(listener)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      CompletableFuture<CandleSeries> f = c.query("BTCUSDT").between(A, B).fetchAsync();
      for (int i = 0; i < 200 && src.handedOut.isEmpty(); i++) {
        Thread.onSpinWait();
        TimeUnit.MILLISECONDS.sleep(5);
      }
      assertEquals(1, src.handedOut.size());
      assertTrue(f.cancel(true));
      assertTrue(src.handedOut.get(0).isCancelled(), "the request future is cancelled");
      assertEquals(1, src.cursorsClosed.get());
      assertTrue(events.get(0).contains("cancelled"), events.toString());
    }
  }

  @Test
  void eventsReportPagesAndProgress() {
    List<OhlcvEventListener.Progress> progress = new CopyOnWriteArrayList<>();
    List<Integer> pageRows = new CopyOnWriteArrayList<>();
    OhlcvEventListener listener =
        new OhlcvEventListener() {
          @Override
          public void progress(Fetch fetch, Progress p) {
            progress.add(p);
          }

          @Override
          public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration d) {
            pageRows.add(rows);
          }

          @Override
          public void fetchEnd(Fetch fetch, int rows, Duration duration) {
            throw new IllegalStateException("a broken listener must not break the query");
          }
        };
    try (OhlcvClient c =
        OhlcvClient.builder().clock(CLOCK).source(sample(1000)).eventListener(listener).build()) {
      CandleSeries s = c.query("BTCUSDT").between(A, B).fetch();
      assertEquals(2880, s.size());
      assertEquals(List.of(1000, 1000, 880), pageRows);
      assertEquals(3, progress.size());
      assertEquals(1.0, progress.get(2).fraction().orElseThrow());
      assertEquals(1000.0 / 2880, progress.get(0).fraction().orElseThrow(), 1e-9);
      assertEquals(2, progress.get(0).remainingPages());
      assertEquals(2880, progress.get(2).rows());
    }
  }

  @Test
  void aClosedClientRefusesWork() {
    OhlcvClient c = client(sample(10));
    c.close();
    c.close();
    assertThrows(ClientClosedException.class, () -> c.query("X").fetch());
    assertTrue(c.query("X").fetchAsync().isCompletedExceptionally());
    assertThrows(ClientClosedException.class, c::health, "a closed client checks nothing");
  }

  @Test
  void opensSourcesByUri() {
    try (OhlcvClient c = OhlcvClient.builder().clock(CLOCK).source("sample:?seed=9").build()) {
      assertEquals("sample", c.sources().get(0).name());
      assertEquals(
          SampleSource.builder()
              .seed(9)
              .clock(CLOCK)
              .build()
              .fetch(OhlcvQuery.builder().symbol("X").between(A, B).build()),
          c.query("X").between(A, B).fetch());
      assertTrue(c.health().get("sample").isUp());
    }
  }
}
