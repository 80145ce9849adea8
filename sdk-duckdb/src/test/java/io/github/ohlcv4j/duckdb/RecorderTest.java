package io.github.ohlcv4j.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Recorder;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.WriteResult;
import io.github.ohlcv4j.testing.VirtualTime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder on a real DuckDB file and the sample market streaming live at 60 times its speed on
 * virtual time ({@code sample:?speed=60}): what it stores equals a direct fetch of the market, the
 * forming candle is never stored, a restart fills the gap with no hole and no duplicate, the status
 * says where each stream is, and a failing write is reported and retried, never dropped.
 */
class RecorderTest {

  private static final Instant START = Instant.parse("2024-03-01T12:00:30Z");
  private static final Instant FROM = Instant.parse("2024-03-01T11:50:00Z");
  private static final Symbol BTC = Symbol.parse("BTCUSDT");

  @TempDir Path dir;

  private final VirtualTime time = new VirtualTime(START);

  /** The sample market at 60x on virtual time, as {@code sample:?speed=60} opens it. */
  private final SampleSource market = SampleSource.builder().clock(time).speed(60).build();

  /** A store on the file, whose clock is the market's: candles close by the market's time. */
  private DuckDbSource store(Clock marketClock) {
    return DuckDbSource.builder()
        .path(dir.resolve("candles.duckdb"))
        .context(SourceContext.builder().clock(marketClock).build())
        .build();
  }

  private OhlcvClient client(CandleSource source, CandleStore store) {
    return OhlcvClient.builder()
        .clock(time)
        .executor(Runnable::run)
        .source(source)
        .store(store)
        .build();
  }

  private static Recorder.Builder recorder(OhlcvClient client) {
    return Recorder.builder()
        .client(client)
        .symbol(BTC)
        .interval(Interval.M1)
        .executor(Runnable::run);
  }

  /**
   * Waits for the recorder's status to satisfy {@code done}. The history reaches the recorder
   * through the client's read-through, whose store lookups run on the client's own threads, so the
   * test waits for them (at most 20 seconds) instead of assuming they are done.
   */
  private static Recorder.Status await(Recorder rec, Predicate<Recorder.Status> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Recorder.Status s = rec.status().get(0);
    while (!done.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("The recorder did not get there: " + s);
      }
      LockSupport.parkNanos(1_000_000);
      s = rec.status().get(0);
    }
    return s;
  }

  /** The sample market's candles, fetched long after they closed. */
  private static List<Candle> truth(Instant from, Instant to) {
    SampleSource later =
        SampleSource.builder()
            .clock(Clock.fixed(to.plus(Duration.ofDays(1)), ZoneOffset.UTC))
            .build();
    return later
        .fetch(OhlcvQuery.builder().symbol(BTC).interval(Interval.M1).between(from, to).build())
        .toList();
  }

  private static List<Candle> stored(CandleStore store, Instant from, Instant to) {
    return store
        .fetch(OhlcvQuery.builder().symbol(BTC).interval(Interval.M1).between(from, to).build())
        .toList();
  }

  @Test
  void storesEveryClosedCandleAsTheMarketHasItAndNeverTheFormingOne() {
    DuckDbSource store = store(market.clock());
    try (OhlcvClient client = client(market, store);
        Recorder rec = recorder(client).from(FROM).build()) {
      rec.start();
      await(rec, s -> s.written() == 10); // the history: 11:50 to 11:59
      time.advance(Duration.ofSeconds(30)); // 30 minutes of the market: to 12:30:30
      await(rec, s -> s.written() == 40);
      Instant now = market.clock().instant();
      assertEquals(Instant.parse("2024-03-01T12:30:30Z"), now);

      Instant end = Instant.parse("2024-03-01T12:30:00Z");
      List<Candle> got = stored(store, FROM, Instant.parse("2024-03-01T13:00:00Z"));
      assertEquals(truth(FROM, end), got, "10 minutes of history, 30 live, as a fetch gives them");
      assertEquals(40, got.size());
      assertTrue(got.stream().noneMatch(Candle::inProgress));
      assertEquals(List.of(new TimeRange(FROM, end)), store.coverage(BTC, Interval.M1).complete());

      Recorder.Status s = rec.status().get(0);
      assertEquals(BTC, s.symbol());
      assertEquals(Interval.M1, s.interval());
      assertEquals(FROM, s.firstStored().orElseThrow());
      assertEquals(Instant.parse("2024-03-01T12:29:00Z"), s.lastStored().orElseThrow());
      assertEquals(end, s.coverageEnd().orElseThrow());
      assertEquals(Duration.ofSeconds(30), s.lag().orElseThrow(), "now less the last close");
      assertEquals(40, s.written());
      assertEquals(0, s.pending());
      assertTrue(s.streaming());
      assertTrue(s.lastError().isEmpty());
    }
  }

  @Test
  void aRestartBackfillsTheGapWithNoHoleAndNoDuplicate() {
    Clock marketClock = market.clock();
    try (OhlcvClient client = client(market, store(marketClock));
        Recorder rec = recorder(client).from(FROM).build()) {
      rec.start();
      await(rec, s -> s.written() == 10);
      time.advance(Duration.ofSeconds(10)); // to 12:10:30
      assertEquals(20, await(rec, s -> s.written() == 20).written());
    }
    time.advance(Duration.ofSeconds(15)); // 15 minutes with nothing recording: to 12:25:30

    // The same market (its clock goes on), a new store object on the same file, a new recorder.
    SampleSource sameMarket = SampleSource.builder().clock(marketClock).build();
    DuckDbSource store = store(marketClock);
    try (OhlcvClient client = client(sameMarket, store);
        Recorder rec = recorder(client).build()) {
      Coverage before = store.coverage(BTC, Interval.M1);
      assertEquals(
          List.of(new TimeRange(FROM, Instant.parse("2024-03-01T12:10:00Z"))), before.complete());
      rec.start();
      await(rec, s -> s.written() == 15); // the gap: 12:10 to 12:24
      time.advance(Duration.ofSeconds(5)); // to 12:30:30
      await(rec, s -> s.written() == 20);

      Instant end = Instant.parse("2024-03-01T12:30:00Z");
      assertEquals(truth(FROM, end), stored(store, FROM, Instant.parse("2024-03-01T13:00:00Z")));
      assertEquals(
          List.of(new TimeRange(FROM, end)),
          store.coverage(BTC, Interval.M1).complete(),
          "one range: the gap is filled");
      Recorder.Status s = rec.status().get(0);
      assertEquals(FROM, s.firstStored().orElseThrow(), "found in the store at the start");
      assertEquals(Instant.parse("2024-03-01T12:29:00Z"), s.lastStored().orElseThrow());
      assertEquals(20, s.written(), "12:10 to 12:29: nothing stored before is written again");
      assertEquals(end, s.coverageEnd().orElseThrow());
    }
  }

  @Test
  void anEmptyStoreWithoutFromStartsWithTheCandleFormingNow() {
    DuckDbSource store = store(market.clock());
    try (OhlcvClient client = client(market, store);
        Recorder rec = recorder(client).build()) {
      rec.start();
      Recorder.Status before = rec.status().get(0);
      assertTrue(before.lastStored().isEmpty());
      assertTrue(before.lag().isEmpty());
      time.advance(Duration.ofSeconds(3)); // to 12:03:30
      await(rec, s -> s.written() == 3);
      Instant first = Instant.parse("2024-03-01T12:00:00Z");
      Instant end = Instant.parse("2024-03-01T12:03:00Z");
      assertEquals(truth(first, end), stored(store, FROM, Instant.parse("2024-03-01T13:00:00Z")));
      assertEquals(3, rec.status().get(0).written());
    }
  }

  @Test
  void aFailingWriteIsReportedAndRetriedAndNothingIsLost() {
    DuckDbSource real = store(market.clock());
    FailingStore store = new FailingStore(real);
    try (OhlcvClient client = client(market, store);
        Recorder rec = recorder(client).from(FROM).build()) {
      store.failures.set(3);
      rec.start(); // the history write fails: 1 s, then 2 s, then 4 s of backoff
      Recorder.Status failing = await(rec, s -> s.lastError().isPresent());
      assertInstanceOf(SourceUnavailableException.class, failing.lastError().orElseThrow());
      assertTrue(failing.pending() >= 1, "the history waits: " + failing);
      assertEquals(0, failing.written());
      assertThrows(
          io.github.ohlcv4j.SymbolNotFoundException.class,
          () -> stored(real, FROM, START),
          "nothing of the symbol was stored");

      time.advance(Duration.ofSeconds(20)); // retries, then everything is written
      Recorder.Status s = await(rec, st -> st.written() == 30);
      assertEquals(0, store.failures.get());
      assertEquals(0, s.pending());
      Instant end = Instant.parse("2024-03-01T12:20:00Z");
      assertEquals(truth(FROM, end), stored(real, FROM, Instant.parse("2024-03-01T13:00:00Z")));
      assertEquals(30, s.written());
      assertEquals(List.of(new TimeRange(FROM, end)), real.coverage(BTC, Interval.M1).complete());
      assertTrue(s.lastError().isPresent(), "the last error stays reported");
    }
  }

  @Test
  void aStoreWhoseClockIsBehindTheVenueIsAnErrorNotASilentSkip() {
    DuckDbSource slow = store(time); // real time: the market's closes are in its future
    try (OhlcvClient client = client(market, slow);
        Recorder rec = recorder(client).build()) {
      rec.start();
      time.advance(Duration.ofSeconds(3));
      Recorder.Status s = await(rec, st -> st.lastError().isPresent());
      assertTrue(s.pending() > 0, "the closes wait: " + s);
      assertTrue(
          s.lastError().orElseThrow().getMessage().contains("clock is behind"),
          s.lastError().get().getMessage());
    }
  }

  @Test
  void aClientWithoutAStoreFailsTyped() {
    try (OhlcvClient client = OhlcvClient.builder().clock(time).source(market).build()) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> recorder(client).build());
      assertTrue(e.getMessage().contains("no store"), e.getMessage());
    }
    assertThrows(IllegalStateException.class, () -> Recorder.builder().symbol(BTC).build());
  }

  @Test
  void startTwiceOrAfterCloseIsRefused() {
    try (OhlcvClient client = client(market, store(market.clock()))) {
      Recorder rec = recorder(client).build();
      rec.start();
      assertThrows(IllegalStateException.class, rec::start);
      rec.close();
      rec.close();
      assertFalse(rec.status().get(0).streaming());
      assertThrows(IllegalStateException.class, rec::start);
    }
  }

  /** A real store whose next writes fail, as a store that is down does. */
  private static final class FailingStore implements CandleStore {
    final DuckDbSource store;
    final AtomicInteger failures = new AtomicInteger();

    FailingStore(DuckDbSource store) {
      this.store = store;
    }

    private void maybeFail() {
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new SourceUnavailableException("the disk is full", store.name(), null);
      }
    }

    @Override
    public WriteResult write(CandleSeries candles) {
      maybeFail();
      return store.write(candles);
    }

    @Override
    public WriteResult write(CandleSeries candles, TimeRange covered) {
      maybeFail();
      return store.write(candles, covered);
    }

    @Override
    public Coverage coverage(Symbol symbol, Interval interval, ZoneId zone) {
      return store.coverage(symbol, interval, zone);
    }

    @Override
    public String name() {
      return store.name();
    }

    @Override
    public SourceCapabilities capabilities() {
      return store.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      return store.cursor(query);
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
