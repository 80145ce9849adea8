package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.GapFill;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.testing.FakeVenue;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.PropertyCheck;
import io.github.ohlcv4j.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client reading through a real DuckDB store: held ranges cost no venue request, missing parts
 * are fetched alone and written back, the forming candle is never stored, ranges the venue had no
 * candles for are not asked again, and every answer equals a direct fetch.
 */
class ReadThroughTest {

  private static final Instant T0 = Instant.parse("2023-06-01T00:00:00Z");

  private final FakeVenueServer server = new FakeVenueServer();

  @AfterEach
  void close() {
    server.close();
  }

  private OhlcvClient client(DuckDbSource store) {
    return client(store, 100);
  }

  private OhlcvClient client(DuckDbSource store, int pageSize) {
    return OhlcvClient.builder()
        .source(server.uri("pageSize=" + pageSize))
        .okHttpClient(server.http())
        .autoDiscover(false)
        .store(store)
        .build();
  }

  private static DuckDbSource store() {
    return DuckDbSource.builder().inMemory().build();
  }

  /** The start of each request the venue saw, as minutes after {@link #T0}. */
  private List<Long> starts(List<FakeVenue.Hit> hits) {
    List<Long> out = new ArrayList<>();
    for (FakeVenue.Hit h : hits) {
      out.add((h.start() - T0.toEpochMilli()) / 60_000);
    }
    return out;
  }

  @Test
  void theSameQueryTwiceAsksTheVenueOnce() {
    OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);
    try (OhlcvClient c = client(store())) {
      CandleSeries first = c.fetch(q);
      assertEquals(List.of(0L, 100L, 200L), starts(server.venue().hits()));
      CandleSeries second = c.fetch(q);
      assertEquals(3, server.venue().requestCount(), "the second answer comes from the store");
      assertEquals(server.expected(q), first);
      assertEquals(first, second);
      assertEquals(250, second.size());
      Coverage held = c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1);
      assertEquals(List.of(new TimeRange(T0, T0.plusSeconds(250 * 60))), held.complete());
    }
  }

  @Test
  void aPartlyHeldRangeFetchesOnlyTheMissingParts() {
    try (OhlcvClient c = client(store())) {
      c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(100), 50)); // [100, 150)
      assertEquals(List.of(100L), starts(server.venue().hits()));
      OhlcvQuery whole = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 300);
      CandleSeries s = c.fetch(whole);
      assertEquals(server.expected(whole), s);
      // [0, 100) in one page, [150, 300) in two: nothing of [100, 150) again.
      assertEquals(List.of(100L, 0L, 150L, 250L), starts(server.venue().hits()));
      c.fetch(whole);
      assertEquals(4, server.venue().requestCount());
    }
  }

  @Test
  void streamedAndAsynchronousAnswersReadThroughToo() {
    OhlcvQuery q = FakeVenueServer.query("ETHUSDT", Duration.ofMinutes(7), 230);
    try (OhlcvClient c = client(store())) {
      List<CandleSeries> pages = c.pages(q).toList();
      assertEquals(server.expected(q), CandleSeries.concat(pages));
      int asked = server.venue().requestCount();
      assertEquals(server.expected(q), c.fetchAsync(q).join());
      assertEquals(asked, server.venue().requestCount());
    }
  }

  @Test
  void resampledAndFilledQueriesEqualADirectFetch() {
    try (OhlcvClient c = client(store())) {
      c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(30), 90));
      OhlcvQuery hourly =
          FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(13), 400)
              .newBuilder()
              .resample(Interval.H1)
              .fill(GapFill.PREVIOUS_CLOSE)
              .limit(5)
              .build();
      assertEquals(server.expected(hourly), c.fetch(hourly));
      assertEquals(server.expected(hourly), c.fetch(hourly));
    }
  }

  @Test
  void aStoreUriMustNameAStore() {
    OhlcvClient.Builder b = OhlcvClient.builder().source("sample:").store("sample:");
    InvalidQueryException e = assertThrows(InvalidQueryException.class, b::build);
    assertTrue(e.getMessage().contains("not a store"), e.getMessage());
    try (OhlcvClient c = OhlcvClient.builder().source("sample:").store("duckdb::memory:").build()) {
      assertInstanceOf(DuckDbSource.class, c.store().orElseThrow());
    }
  }

  @Test
  void theFormingCandleIsNeverStoredAndIsFetchedAgain() {
    VirtualTime time = new VirtualTime(T0.plusSeconds(90 * 60 + 30)); // 01:30:30, 01:30 forming
    Counting venue = new Counting(SampleSource.builder().clock(time).pageSize(1000).build(), null);
    DuckDbSource store =
        DuckDbSource.builder()
            .inMemory()
            .context(SourceContext.builder().clock(time).build())
            .build();
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").from(T0.plusSeconds(60 * 60)).build();
    try (OhlcvClient c =
        OhlcvClient.builder().source(venue).store(store).clock(time).autoDiscover(false).build()) {
      CandleSeries first = c.fetch(q);
      assertEquals(31, first.size());
      assertTrue(first.isInProgress(30), "01:30 is forming");
      Coverage held = store.coverage(Symbol.parse("BTCUSDT"), Interval.M1);
      assertEquals(
          List.of(new TimeRange(T0.plusSeconds(3600), T0.plusSeconds(90 * 60))), held.complete());
      assertEquals(
          30, store.fetch(q.newBuilder().between(T0, T0.plusSeconds(7200)).build()).size());

      time.advance(Duration.ofMinutes(2)); // 01:32:30: 01:30 and 01:31 have closed
      CandleSeries second = c.fetch(q);
      assertEquals(33, second.size());
      assertFalse(second.isInProgress(30));
      assertEquals(
          List.of("[01:00, open)", "[01:30, open)"),
          venue.asked(),
          "only from the forming candle on");
      assertEquals(SampleSource.builder().clock(time).build().fetch(q), second);
    }
  }

  @Test
  void aRangeTheVenueHadNoCandlesForIsNotAskedAgain() {
    TimeRange halt = new TimeRange(T0.plusSeconds(600), T0.plusSeconds(1800)); // 00:10 to 00:30
    VirtualTime time = new VirtualTime(Instant.parse("2024-01-01T00:00:00Z"));
    Counting venue = new Counting(SampleSource.builder().clock(time).pageSize(1000).build(), halt);
    DuckDbSource store = store();
    try (OhlcvClient c =
        OhlcvClient.builder().source(venue).store(store).clock(time).autoDiscover(false).build()) {
      OhlcvQuery inside =
          OhlcvQuery.builder()
              .symbol("BTCUSDT")
              .between(T0.plusSeconds(900), T0.plusSeconds(1500))
              .build();
      assertTrue(c.fetch(inside).isEmpty());
      assertEquals(
          List.of(new TimeRange(T0.plusSeconds(900), T0.plusSeconds(1500))),
          store.coverage(Symbol.parse("BTCUSDT"), Interval.M1).empty());
      assertTrue(c.fetch(inside).isEmpty());
      assertEquals(List.of("[00:15, 00:25)"), venue.asked());

      OhlcvQuery around =
          OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(3600)).build();
      CandleSeries s = c.fetch(around);
      assertEquals(40, s.size());
      assertEquals(
          List.of("[00:15, 00:25)", "[00:00, 00:15)", "[00:25, 01:00)"),
          venue.asked(),
          "the empty range is not asked again");
      c.fetch(around);
      assertEquals(3, venue.asked().size());
    }
  }

  @Test
  void aRecentEmptyRangeIsAskedAgainAtMostTheGivenTimesThenNot() {
    TimeRange halt = new TimeRange(T0.plusSeconds(600), T0.plusSeconds(1800)); // 00:10 to 00:30
    VirtualTime time = new VirtualTime(T0.plusSeconds(2 * 3600)); // 02:00: the halt is recent
    Counting venue = new Counting(SampleSource.builder().clock(time).pageSize(1000).build(), halt);
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(3600)).build();
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(venue)
            .store(store())
            .clock(time)
            .autoDiscover(false)
            .recheckEmpty(Duration.ofHours(3), 2, Duration.ofMinutes(1))
            .build()) {
      assertEquals(40, c.fetch(q).size());
      assertEquals(40, c.fetch(q).size()); // first seen recorded empty: not asked yet
      assertEquals(List.of("[00:00, 01:00)"), venue.asked());
      time.advance(Duration.ofSeconds(59));
      c.fetch(q);
      assertEquals(1, venue.asked().size(), "not before the spacing");
      time.advance(Duration.ofSeconds(1));
      assertEquals(40, c.fetch(q).size());
      assertEquals(List.of("[00:00, 01:00)", "[00:10, 00:30)"), venue.asked(), "re-check 1");
      c.fetch(q);
      time.advance(Duration.ofMinutes(1));
      c.fetch(q);
      assertEquals(2, venue.asked().size(), "the second re-check waits twice as long");
      time.advance(Duration.ofMinutes(1));
      CandleSeries last = c.fetch(q);
      assertEquals(
          List.of("[00:00, 01:00)", "[00:10, 00:30)", "[00:10, 00:30)"),
          venue.asked(),
          "re-check 2");
      for (int i = 0; i < 10; i++) {
        time.advance(Duration.ofMinutes(5));
        assertEquals(last, c.fetch(q));
      }
      assertEquals(3, venue.asked().size(), "after two re-checks the empty range is final");
      assertEquals(
          List.of(halt),
          c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1).empty());
    }
  }

  @Test
  void anOldEmptyRangeIsNeverAskedAgain() {
    TimeRange halt = new TimeRange(T0.plusSeconds(600), T0.plusSeconds(1800));
    VirtualTime time = new VirtualTime(T0.plusSeconds(2 * 3600)); // the halt ended 1:30 ago
    Counting venue = new Counting(SampleSource.builder().clock(time).pageSize(1000).build(), halt);
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(3600)).build();
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(venue)
            .store(store())
            .clock(time)
            .autoDiscover(false)
            .recheckEmpty(Duration.ofHours(1), 5, Duration.ofMinutes(1))
            .build()) {
      for (int i = 0; i < 20; i++) {
        assertEquals(40, c.fetch(q).size());
        time.advance(Duration.ofMinutes(3));
      }
      assertEquals(List.of("[00:00, 01:00)"), venue.asked());
    }
  }

  @Test
  void aRecheckThatFindsCandlesStoresThemAndAnswersAsADirectFetch() {
    TimeRange halt = new TimeRange(T0.plusSeconds(600), T0.plusSeconds(1800));
    VirtualTime time = new VirtualTime(T0.plusSeconds(3600 + 120)); // 01:02
    Counting venue = new Counting(SampleSource.builder().clock(time).pageSize(1000).build(), halt);
    DuckDbSource store = store();
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(3600)).build();
    try (OhlcvClient c =
        OhlcvClient.builder().source(venue).store(store).clock(time).autoDiscover(false).build()) {
      assertEquals(40, c.fetch(q).size());
      assertEquals(40, c.fetch(q).size());
      venue.publish(); // the venue has the halt's candles now
      time.advance(Duration.ofMinutes(1)); // the default spacing
      CandleSeries filled = c.fetch(q);
      assertEquals(List.of("[00:00, 01:00)", "[00:10, 00:30)"), venue.asked());
      CandleSeries direct = SampleSource.builder().clock(time).build().fetch(q);
      assertEquals(60, filled.size());
      assertEquals(direct, filled);
      Coverage held = store.coverage(Symbol.parse("BTCUSDT"), Interval.M1);
      assertEquals(List.of(), held.empty());
      assertEquals(List.of(new TimeRange(T0, T0.plusSeconds(3600))), held.complete());
      time.advance(Duration.ofMinutes(30));
      assertEquals(direct, c.fetch(q));
      assertEquals(2, venue.asked().size(), "held complete now: not asked again");
    }
  }

  @Test
  void recheckEmptyRefusesNegativeSettings() {
    OhlcvClient.Builder b = OhlcvClient.builder();
    assertThrows(
        IllegalArgumentException.class,
        () -> b.recheckEmpty(Duration.ofHours(-1), 1, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.recheckEmpty(Duration.ofHours(1), -1, Duration.ZERO));
  }

  @Test
  void heldPagesCostNoRateLimitBudget() {
    OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 300);
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(server.uri("pageSize=100"))
            .okHttpClient(server.http())
            .autoDiscover(false)
            .rateLimitPolicy(RateLimitPolicy.of(3, Duration.ofHours(1)).withMaxWait(Duration.ZERO))
            .store(store())
            .build()) {
      assertEquals(server.expected(q), c.fetch(q)); // spends the whole budget
      for (int i = 0; i < 3; i++) {
        assertEquals(server.expected(q), c.fetch(q), "read from the store, free");
      }
      OhlcvQuery more = FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(250), 100);
      assertThrows(RateLimitException.class, () -> c.fetch(more), "the missing part is not free");
      assertEquals(3, server.venue().requestCount());
    }
  }

  @Test
  void aFailedVenuePageIsRetriedForTheSameWindow() {
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(server.uri("pageSize=100"))
            .okHttpClient(server.http())
            .autoDiscover(false)
            .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(20), 3))
            .store(store())
            .build()) {
      c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 100));
      server.venue().script(Fault.status(503));
      OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 300);
      assertEquals(server.expected(q), c.fetch(q));
      assertEquals(List.of(0L, 100L, 100L, 200L), starts(server.venue().hits()));
      assertEquals(server.expected(q), c.fetch(q));
      assertEquals(4, server.venue().requestCount());
    }
  }

  @Test
  void cancellingAReadThroughCancelsTheVenueCallAndStoresNothingMore() throws Exception {
    try (OhlcvClient c = client(store())) {
      c.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 100));
      CountDownLatch asked = new CountDownLatch(1);
      server
          .venue()
          .script(
              new Fault(
                  "stall",
                  r -> {
                    asked.countDown();
                    return r.newBuilder().headersDelay(30, TimeUnit.SECONDS).build();
                  }));
      CompletableFuture<CandleSeries> f =
          c.fetchAsync(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 300));
      assertTrue(asked.await(10, TimeUnit.SECONDS));
      assertTrue(f.cancel(true));
      server.assertIdle();
      assertEquals(2, server.venue().requestCount());
      assertEquals(
          List.of(new TimeRange(T0, T0.plusSeconds(100 * 60))),
          c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1).complete());
    }
  }

  @Test
  void latestGoesToTheVenueUnchangedAndIsNotStored() {
    try (OhlcvClient c = client(store())) {
      OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").latest(5).build();
      c.fetch(q);
      c.fetch(q);
      assertEquals(2, server.venue().requestCount());
      assertTrue(c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1).isNone());
    }
  }

  @Test
  void aStoreThatCannotWriteLeavesTheAnswerToTheVenue(@TempDir Path dir) {
    Path file = dir.resolve("candles.duckdb");
    DuckDbSource.builder().path(file).build().close();
    OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 150);
    try (OhlcvClient c = client(DuckDbSource.builder().path(file).readOnly(true).build())) {
      assertEquals(server.expected(q), c.fetch(q));
      assertEquals(server.expected(q), c.fetch(q));
      assertEquals(4, server.venue().requestCount(), "nothing was stored: asked again");
    }
  }

  @Test
  void calendarCandlesReadThroughInTheirZone() {
    ZoneId ny = ZoneId.of("America/New_York");
    VirtualTime time = new VirtualTime(Instant.parse("2024-06-01T00:00:00Z"));
    SampleSource market = SampleSource.builder().clock(time).build();
    Counting venue = new Counting(market, null);
    DuckDbSource store = store();
    OhlcvQuery days =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .interval(Interval.D1)
            .zone(ny)
            .between(Instant.parse("2024-03-01T05:00:00Z"), Instant.parse("2024-03-20T04:00:00Z"))
            .build();
    OhlcvQuery weeks = days.newBuilder().resample(Interval.W1).build();
    try (OhlcvClient c =
        OhlcvClient.builder().source(venue).store(store).clock(time).autoDiscover(false).build()) {
      assertEquals(market.fetch(days), c.fetch(days));
      assertEquals(market.fetch(days), c.fetch(days));
      assertEquals(market.fetch(weeks), c.fetch(weeks));
      assertEquals(1, venue.asked().size(), venue.asked().toString());
      assertTrue(store.coverage(Symbol.parse("BTCUSDT"), Interval.D1).isNone(), "UTC days");
      assertEquals(1, store.coverage(Symbol.parse("BTCUSDT"), Interval.D1, ny).complete().size());
    }
  }

  @Test
  void queriesDroppingOrFlaggingBadRowsAreNotStored() {
    try (OhlcvClient c = client(store())) {
      OhlcvQuery q =
          FakeVenueServer.query("BTCUSDT", Duration.ZERO, 50)
              .newBuilder()
              .badRows(BadRowPolicy.DROP)
              .build();
      assertEquals(server.expected(q), c.fetch(q));
      assertTrue(c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1).isNone());
    }
  }

  @Test
  void candlesOffTheGridFailTheQueryAndAreNotStored() {
    VirtualTime time = new VirtualTime(Instant.parse("2024-01-01T00:00:00Z"));
    Counting venue = new Counting(SampleSource.builder().clock(time).build(), null).shift(30_000);
    DuckDbSource store = store();
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(600)).build();
    try (OhlcvClient c =
        OhlcvClient.builder().source(venue).store(store).clock(time).autoDiscover(false).build()) {
      assertThrows(DataFormatException.class, () -> c.fetch(q));
      assertTrue(store.coverage(Symbol.parse("BTCUSDT"), Interval.M1).isNone());
      venue.shift(0);
      assertEquals(10, c.fetch(q).size());
      c.fetch(q);
      assertEquals(2, venue.asked().size(), "the good answer was stored: 1m is still kept");
    }
  }

  @Test
  void everyAnswerEqualsADirectFetch() {
    PropertyCheck.of("read-through equals a direct fetch", 15)
        .forAll(
            (random, size) -> {
              List<OhlcvQuery> queries = new ArrayList<>();
              Interval[] targets = {
                Interval.M5, Interval.of(15, Interval.Unit.MINUTE), Interval.H1
              };
              int n = 1 + random.nextInt(4);
              for (int i = 0; i < n; i++) {
                long from = random.nextInt(20 * size + 10);
                long len = 1 + random.nextInt(10 * size + 20);
                OhlcvQuery.Builder b =
                    FakeVenueServer.query("BTCUSDT", Duration.ofMinutes(from), (int) len)
                        .newBuilder();
                if (random.nextInt(3) == 0) {
                  b.resample(targets[random.nextInt(targets.length)]);
                }
                if (random.nextInt(4) == 0) {
                  b.limit(1 + random.nextInt(50));
                }
                queries.add(b.build());
              }
              return queries;
            },
            queries -> {
              try (DuckDbSource store = store();
                  OhlcvClient c = client(store, 250)) {
                for (OhlcvQuery q : queries) {
                  assertEquals(server.expected(q), c.fetch(q), q.toString());
                }
                int asked = server.venue().requestCount();
                for (OhlcvQuery q : queries) {
                  assertEquals(server.expected(q), c.fetch(q), q.toString());
                }
                assertEquals(asked, server.venue().requestCount(), "all held the second time");
              }
            });
  }

  /**
   * A venue over a sample market that had no candles in {@code halt}, recording the range of each
   * query it was asked (as {@code [HH:mm, HH:mm)}, {@code open} for a range open at the end).
   */
  private static final class Counting implements CandleSource {
    private final SampleSource market;
    private volatile TimeRange halt;
    private final List<String> asked = new ArrayList<>();
    private volatile long shiftMillis;

    Counting(SampleSource market, TimeRange halt) {
      this.market = market;
      this.halt = halt;
    }

    /** Has the candles of the halt from now on (a venue that published them late). */
    Counting publish() {
      this.halt = null;
      return this;
    }

    /** Sends open times {@code millis} late from now on (a venue misreading its clock). */
    Counting shift(long millis) {
      this.shiftMillis = millis;
      return this;
    }

    synchronized List<String> asked() {
      return List.copyOf(asked);
    }

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public SourceCapabilities capabilities() {
      return market.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      synchronized (this) {
        asked.add(
            "["
                + hhmm(query.from().orElseThrow())
                + ", "
                + query.to().map(Counting::hhmm).orElse("open")
                + ")");
      }
      PageCursor inner = market.cursor(query);
      return new PageCursor() {
        @Override
        public boolean hasNext() {
          return inner.hasNext();
        }

        @Override
        public CompletableFuture<Page> next() {
          return inner.next().thenApply(this::withoutHalt);
        }

        private Page withoutHalt(Page p) {
          CandleSeries c = p.candles();
          long shift = shiftMillis;
          TimeRange halt = Counting.this.halt;
          if ((halt == null && shift == 0) || c.isEmpty()) {
            return p;
          }
          CandleSeries.Builder b = CandleSeries.builder(c.symbol(), c.interval());
          for (int i = 0; i < c.size(); i++) {
            if (halt == null || !halt.contains(Instant.ofEpochMilli(c.openTimeMillis(i)))) {
              b.add(
                  c.openTimeMillis(i) + shift,
                  c.open(i),
                  c.high(i),
                  c.low(i),
                  c.close(i),
                  c.volume(i));
            }
          }
          return new Page(b.build(), p.bytes(), p.serverTime(), p.window());
        }

        @Override
        public void close() {
          inner.close();
        }
      };
    }

    private static String hhmm(Instant t) {
      return t.toString().substring(11, 16);
    }
  }
}
