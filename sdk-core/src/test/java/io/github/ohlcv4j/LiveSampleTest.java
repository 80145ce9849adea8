package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.testing.ClientThreads;
import io.github.ohlcv4j.testing.RecordingListener;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sample market live, end to end on virtual time: {@code sample:?speed=N}, history then live
 * with no seam, resampling, the series, closing. Nothing sleeps: the client and the market run on a
 * {@link VirtualTime}, and every task runs on the test's thread.
 */
class LiveSampleTest {

  private static final Instant START = Instant.parse("2024-03-01T12:00:30Z");

  private final VirtualTime time = new VirtualTime(START);
  private final RecordingListener events = new RecordingListener();
  private final ClientThreads threads = ClientThreads.snapshot();
  private OhlcvClient client = client(60);

  private OhlcvClient client(double speed) {
    return OhlcvClient.builder()
        .clock(time)
        .executor(Runnable::run)
        .eventListener(events)
        .source(SampleSource.builder().clock(time).speed(speed).build())
        .build();
  }

  @AfterEach
  void close() {
    client.close();
    threads.assertEnded(Duration.ofSeconds(5));
  }

  /** The sample market's candles at any time after they closed. */
  private static List<Candle> truth(String symbol, Interval interval, Instant from, Instant to) {
    SampleSource later =
        SampleSource.builder()
            .clock(Clock.fixed(to.plus(Duration.ofDays(1)), ZoneOffset.UTC))
            .build();
    return later
        .fetch(OhlcvQuery.builder().symbol(symbol).interval(interval).between(from, to).build())
        .toList();
  }

  private static List<Candle> candles(List<CandleEvent> events, CandleEvent.Kind kind) {
    return events.stream()
        .filter(e -> e.kind() == kind)
        .map(CandleEvent::candle)
        .collect(Collectors.toList());
  }

  @Test
  void historyThenLiveWithNoSeamEqualsTheHistoricalMarket() {
    Instant from = Instant.parse("2024-03-01T11:50:00Z");
    List<CandleEvent> got = new ArrayList<>();
    LiveSubscription sub =
        client.query("BTCUSDT").interval(Interval.M1).from(from).live().subscribe(got::add);
    time.advance(Duration.ofSeconds(30)); // 30 minutes of the market at 60x

    List<Candle> closed = candles(got, CandleEvent.Kind.CLOSED);
    Instant lastEnd = closed.get(closed.size() - 1).openTime().plus(Duration.ofMinutes(1));
    // Every minute from `from` on, once, ascending, equal to the market's candles.
    assertEquals(truth("BTCUSDT", Interval.M1, from, lastEnd), closed);
    // 10 minutes of history and about 30 live ones.
    assertTrue(closed.size() >= 39, "closed: " + closed.size());
    // History first: no live event before the last history candle.
    int firstUpdate = indexOf(got, CandleEvent.Kind.UPDATE);
    assertTrue(firstUpdate >= 10, "the first update came at " + firstUpdate);
    for (int i = 0; i < firstUpdate; i++) {
      assertEquals(CandleEvent.Kind.CLOSED, got.get(i).kind());
    }
    // Updates are the candle in progress: flagged, never for a closed candle.
    long lastClosed = Long.MIN_VALUE;
    for (CandleEvent e : got) {
      assertEquals(Symbol.parse("BTCUSDT"), e.symbol());
      assertEquals(Interval.M1, e.interval());
      if (e.kind() == CandleEvent.Kind.UPDATE) {
        assertTrue(e.candle().inProgress());
        assertTrue(e.candle().openTimeMillis() > lastClosed);
      } else {
        assertFalse(e.candle().inProgress());
        lastClosed = e.candle().openTimeMillis();
      }
    }
    assertTrue(sub.isActive());
    assertTrue(events.backfills().isEmpty(), "the market's closes came on time: no backfill");
  }

  @Test
  void theCandleInProgressEqualsWhatAFetchSaysAtTheSameTime() {
    List<CandleEvent> got = new ArrayList<>();
    client.query("ETHUSDT").interval(Interval.M5).live().subscribe(got::add);
    time.advance(Duration.ofSeconds(7));
    CandleEvent last = got.get(got.size() - 1);
    assertEquals(CandleEvent.Kind.UPDATE, last.kind());
    // The fetch uses the same sped-up clock, so the candle in progress agrees with the last push.
    Candle fetched =
        client.query("ETHUSDT").interval(Interval.M5).latest(1).fetch().last().orElseThrow();
    assertTrue(fetched.inProgress());
    assertEquals(last.candle(), fetched);
  }

  @Test
  void noHistoryMeansLiveCandlesOnly() {
    List<CandleEvent> got = new ArrayList<>();
    client.query("BTCUSDT").interval(Interval.M1).live().subscribe(got::add);
    time.advance(Duration.ofSeconds(5));
    List<Candle> closed = candles(got, CandleEvent.Kind.CLOSED);
    // Started at 12:00:30 market time: the first close is the 12:00 candle, then 12:01 .. 12:04.
    assertEquals(Instant.parse("2024-03-01T12:00:00Z"), closed.get(0).openTime());
    assertEquals(
        truth(
            "BTCUSDT",
            Interval.M1,
            closed.get(0).openTime(),
            Instant.parse("2024-03-01T12:05:00Z")),
        closed);
  }

  @Test
  void latestAsksForTheNewestCandlesFirst() {
    List<CandleEvent> got = new ArrayList<>();
    client.query("BTCUSDT").interval(Interval.M1).latest(5).live().subscribe(got::add);
    time.advance(Duration.ofSeconds(2));
    List<Candle> closed = candles(got, CandleEvent.Kind.CLOSED);
    assertEquals(Instant.parse("2024-03-01T11:56:00Z"), closed.get(0).openTime());
    assertEquals(
        truth(
            "BTCUSDT",
            Interval.M1,
            closed.get(0).openTime(),
            Instant.parse("2024-03-01T12:02:00Z")),
        closed);
  }

  @Test
  void resampledLiveCandlesEqualTheResampledBaseCandles() {
    Instant from = Instant.parse("2024-03-01T11:47:00Z"); // mid-bucket: the first 15m is partial
    List<CandleEvent> base = new ArrayList<>();
    List<CandleEvent> coarse = new ArrayList<>();
    client.query("BTCUSDT").interval(Interval.M1).from(from).live().subscribe(base::add);
    client
        .query("BTCUSDT")
        .interval(Interval.M1)
        .from(from)
        .resample(Interval.M15)
        .live()
        .subscribe(coarse::add);
    time.advance(Duration.ofSeconds(64)); // to 13:04:30 market time

    for (CandleEvent e : coarse) {
      assertEquals(Interval.M15, e.interval());
    }
    List<Candle> baseClosed = candles(base, CandleEvent.Kind.CLOSED);
    CandleSeries baseSeries = series("BTCUSDT", Interval.M1, baseClosed);
    List<Candle> coarseClosed = candles(coarse, CandleEvent.Kind.CLOSED);
    List<Candle> expected = baseSeries.resample(Interval.M15).toList();
    // The last bucket of the base candles is still open: it is not closed yet.
    assertEquals(expected.subList(0, expected.size() - 1), coarseClosed);
    assertTrue(coarseClosed.get(0).partial(), "11:45 holds 13 of its 15 minutes");
    assertFalse(coarseClosed.get(1).partial());
    // And the sample market's own 15m candles, for the whole buckets.
    assertEquals(
        truth(
            "BTCUSDT",
            Interval.M15,
            Instant.parse("2024-03-01T12:00:00Z"),
            Instant.parse("2024-03-01T13:00:00Z")),
        coarseClosed.subList(1, coarseClosed.size()));
    // Each update of the bucket in progress is the resample of the base candles shown so far.
    CandleEvent lastCoarse = coarse.get(coarse.size() - 1);
    assertEquals(CandleEvent.Kind.UPDATE, lastCoarse.kind());
    List<Candle> shown = new ArrayList<>(baseClosed);
    shown.add(base.get(base.size() - 1).candle());
    Candle bucket =
        series("BTCUSDT", Interval.M1, shown).resample(Interval.M15).last().orElseThrow();
    assertEquals(bucket, lastCoarse.candle());
    assertTrue(lastCoarse.candle().inProgress() && lastCoarse.candle().partial());
  }

  @Test
  void seriesHoldsTheHistoryTheNewestClosedCandlesAndTheOneInProgress() {
    Instant from = Instant.parse("2024-03-01T11:00:00Z");
    LiveSubscription sub =
        client.query("BTCUSDT").interval(Interval.M1).from(from).live().keep(5).subscribe(e -> {});
    time.advance(Duration.ofSeconds(20));
    CandleSeries s = sub.series();
    // 60 history candles and the 5 newest live ones... of a window that keeps history + 5.
    assertEquals(60 + 5 + 1, s.size());
    assertTrue(s.isSynthetic());
    assertTrue(s.get(s.size() - 1).inProgress());
    for (int i = 0; i < s.size() - 1; i++) {
      assertFalse(s.get(i).inProgress());
    }
    Instant firstKept = s.get(0).openTime();
    Instant lastClosedEnd = s.get(s.size() - 2).openTime().plus(Duration.ofMinutes(1));
    assertEquals(
        truth("BTCUSDT", Interval.M1, firstKept, lastClosedEnd), s.head(s.size() - 1).toList());
  }

  @Test
  void completeOnlyHasNoUpdates() {
    List<CandleEvent> got = new ArrayList<>();
    LiveSubscription sub =
        client.query("BTCUSDT").interval(Interval.M1).completeOnly().live().subscribe(got::add);
    time.advance(Duration.ofSeconds(3));
    assertFalse(got.isEmpty());
    assertTrue(got.stream().allMatch(e -> e.kind() == CandleEvent.Kind.CLOSED));
    assertFalse(sub.series().last().orElseThrow().inProgress());
  }

  @Test
  void closingStopsEventsAndClosingTheClientEndsSubscriptions() {
    List<CandleEvent> got = new ArrayList<>();
    LiveSubscription one = client.query("BTCUSDT").interval(Interval.M1).live().subscribe(got::add);
    List<OhlcvException> errors = new ArrayList<>();
    LiveSubscription two =
        client.query("ETHUSDT").interval(Interval.M1).live().subscribe(e -> {}, errors::add);
    time.advance(Duration.ofSeconds(2));
    one.close();
    int seen = got.size();
    time.advance(Duration.ofSeconds(10));
    assertEquals(seen, got.size(), "no event after close");
    assertFalse(one.isActive());
    assertTrue(one.error().isEmpty());

    client.close();
    assertFalse(two.isActive());
    assertInstanceOf(ClientClosedException.class, two.error().orElseThrow());
    assertEquals(1, errors.size());
    assertEquals(0, time.pending(), "no timer left behind");
    assertThrows(
        ClientClosedException.class, () -> client.query("BTCUSDT").live().subscribe(e -> {}));
  }

  @Test
  void impossibleLiveQueriesFailBeforeAnything() {
    Instant a = Instant.parse("2024-03-01T11:00:00Z");
    assertThrows(
        InvalidQueryException.class,
        () -> client.query("BTCUSDT").between(a, a.plusSeconds(600)).live());
    assertThrows(InvalidQueryException.class, () -> client.query("BTCUSDT").limit(5).live());
    assertThrows(
        InvalidQueryException.class,
        () -> client.query("BTCUSDT").fill(GapFill.PREVIOUS_CLOSE).live());
    assertThrows(
        InvalidQueryException.class,
        () ->
            client
                .query("BTCUSDT")
                .interval(Interval.D1)
                .zone(java.time.ZoneId.of("Europe/Paris"))
                .live()
                .subscribe(e -> {}));
    assertEquals(0, time.pending());
  }

  @Test
  void aFlowSubscriberGetsWhatItRequests() {
    List<CandleEvent> got = new ArrayList<>();
    List<Flow.Subscription> subscription = new ArrayList<>();
    client
        .query("BTCUSDT")
        .interval(Interval.M1)
        .from(Instant.parse("2024-03-01T11:00:00Z"))
        .live()
        .subscribe(
            new Flow.Subscriber<CandleEvent>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                subscription.add(s);
                s.request(3);
              }

              @Override
              public void onNext(CandleEvent item) {
                got.add(item);
              }

              @Override
              public void onError(Throwable throwable) {}

              @Override
              public void onComplete() {}
            });
    time.advance(Duration.ofSeconds(2));
    assertEquals(3, got.size());
    LiveSubscription live = (LiveSubscription) subscription.get(0);
    // 57 history candles wait too, but only the two live closes since (12:00, 12:01) count.
    assertEquals(2, live.lag());
    subscription.get(0).request(10);
    assertEquals(13, got.size());
    assertEquals(
        truth(
            "BTCUSDT",
            Interval.M1,
            Instant.parse("2024-03-01T11:00:00Z"),
            Instant.parse("2024-03-01T11:13:00Z")),
        candles(got, CandleEvent.Kind.CLOSED));
  }

  @Test
  void aConsumerThatFallsTooFarBehindGetsATypedError() {
    List<OhlcvException> errors = new ArrayList<>();
    List<CandleEvent> got = new ArrayList<>();
    Flow.Subscriber<CandleEvent> lazy =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {} // never requests

          @Override
          public void onNext(CandleEvent item) {
            got.add(item);
          }

          @Override
          public void onError(Throwable throwable) {
            errors.add((OhlcvException) throwable);
          }

          @Override
          public void onComplete() {}
        };
    client.query("BTCUSDT").interval(Interval.M1).live().bufferSize(3).subscribe(lazy);
    time.advance(Duration.ofSeconds(3));
    assertTrue(errors.isEmpty(), "3 closes wait; updates are conflated and do not count");
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, errors.size());
    assertInstanceOf(SlowConsumerException.class, errors.get(0));
    assertTrue(got.isEmpty());
    assertEquals(1, events.streamFailures().size());
  }

  private static int indexOf(List<CandleEvent> events, CandleEvent.Kind kind) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).kind() == kind) {
        return i;
      }
    }
    return -1;
  }

  private static CandleSeries series(String symbol, Interval interval, List<Candle> candles) {
    CandleSeries.Builder b = CandleSeries.builder(Symbol.parse(symbol), interval);
    candles.forEach(b::add);
    return b.build();
  }
}
