package io.github.ohlcv4j.exchange.bybit;

import static io.github.ohlcv4j.exchange.bybit.FakeBybitStream.bar;
import static io.github.ohlcv4j.exchange.bybit.FakeBybitStream.element;
import static io.github.ohlcv4j.exchange.bybit.FakeBybitStream.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SlowConsumerException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.exchange.LiveEvents;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.ClientThreads;
import io.github.ohlcv4j.testing.LiveSignals;
import io.github.ohlcv4j.testing.LogCapture;
import io.github.ohlcv4j.testing.RecordingListener;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live Bybit klines against a stand-in that speaks Bybit's v5 public WebSocket and kline REST
 * formats, with the fault matrix: disconnect mid-stream, missed closes, duplicate and out-of-order
 * pushes, a candle corrected after its close, a stale connection, a refused subscription, a slow
 * consumer, close during a reconnect. Timers (heartbeats, the silence watchdog, backoff, close
 * grace) run in virtual time; the sockets and REST calls are real, so the test waits for their
 * answers, never for time to pass.
 */
class BybitLiveTest {

  private static final long MIN = 60_000;
  private static final String TOPIC = "kline.1.BTCUSDT";
  private static final Instant START = Instant.parse("2024-01-01T00:10:30Z");
  private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  private static final long T10 = T0 + 10 * MIN;

  private final VirtualTime time = new VirtualTime(START);
  private final LiveSignals listener = new LiveSignals();
  private final RecordingListener recorded = listener.recorded();
  private final LiveEvents events = new LiveEvents(() -> String.valueOf(recorded.lines()));
  private final BlockingQueue<CandleEvent> got = events.got;
  private final BlockingQueue<OhlcvException> errors = events.errors;
  private final ClientThreads threads = ClientThreads.snapshot();
  private FakeBybitStream venue;
  private OhlcvClient client;

  @BeforeEach
  void start() throws Exception {
    venue = new FakeBybitStream(time::millis);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    venue.close();
    threads.assertEnded(Duration.ofSeconds(15));
  }

  private OhlcvClient client(String category, boolean directExecutor) {
    OhlcvClient.Builder b =
        OhlcvClient.builder()
            .clock(time)
            .eventListener(listener)
            .retryPolicy(RetryPolicy.none())
            .source(
                "bybit:" + category + "?baseUrl=" + venue.baseUrl() + "&wsUrl=" + venue.wsUrl());
    if (directExecutor) {
      b.executor(Runnable::run);
    }
    client = b.build();
    return client;
  }

  private LiveSubscription subscribe(String symbol, Instant from) {
    return events.subscribe(client, symbol, from);
  }

  private LiveSubscription subscribe(String symbol) {
    return events.subscribe(client, symbol, null);
  }

  private CandleEvent next() throws InterruptedException {
    return events.next();
  }

  private static void assertCandle(CandleEvent.Kind kind, long t, long[] b, CandleEvent e) {
    LiveEvents.assertCandle(kind, t, b, 10.0, 1000.0, e);
  }

  /** Subscribes to BTCUSDT from 00:00 and reads the history: ten closes and the 00:10 update. */
  private FakeBybitStream.Conn historyThenSubscribed() throws InterruptedException {
    client("spot", true);
    subscribe("BYBIT:BTCUSDT", Instant.parse("2024-01-01T00:00:00Z"));
    for (int m = 0; m < 10; m++) {
      assertCandle(CandleEvent.Kind.CLOSED, T0 + m * MIN, bar(T0 + m * MIN), next());
    }
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());
    FakeBybitStream.Conn c = venue.nextConnection();
    c.awaitTopic(TOPIC);
    listener.await(LiveSignals.connected(1));
    return c;
  }

  @Test
  void historyThenLiveWithNoSeam() throws Exception {
    FakeBybitStream.Conn c = historyThenSubscribed();
    Map<String, Object> sub = c.received.get(0);
    assertEquals("subscribe", sub.get("op"));
    assertEquals(List.of(TOPIC), sub.get("args"));
    assertFalse(String.valueOf(sub.get("req_id")).isEmpty());

    time.advance(Duration.ofSeconds(10));
    venue.push(TOPIC, frame(TOPIC, time.millis(), element(T10, time.millis(), false)));
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());
    time.advance(Duration.ofSeconds(20)); // 00:11:00
    long ts = time.millis() + 4;
    venue.push(TOPIC, frame(TOPIC, ts, element(T10, ts, true)));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    venue.push(TOPIC, frame(TOPIC, ts + 500, element(T10 + MIN, ts + 500, false)));
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, ts + 500), next());
    assertEquals(1, venue.restRequests.size(), "only the history came over REST");
    assertTrue(recorded.backfills().isEmpty());
  }

  @Test
  void everyElementOfDataIsReadAndDuplicatesAndStalePushesAreDropped() throws Exception {
    historyThenSubscribed();
    time.advance(Duration.ofSeconds(30)); // 00:11:00
    long ts = time.millis();
    // The next minute's first push overtakes the close of this one...
    venue.push(TOPIC, frame(TOPIC, ts + 2, element(T10 + MIN, ts + 2, false)));
    // ... then one frame holds the close and the next minute again.
    venue.push(
        TOPIC, frame(TOPIC, ts + 3, element(T10, ts + 1, true), element(T10 + MIN, ts + 3, false)));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, ts + 2), next());
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, ts + 3), next());
    // The same close twice (Bybit's testnet does so), and an older update: nothing.
    venue.push(TOPIC, frame(TOPIC, ts + 4, element(T10, ts + 1, true)));
    venue.push(TOPIC, frame(TOPIC, ts + 1, element(T10 + MIN, ts + 1, false)));
    time.advance(Duration.ofSeconds(10));
    venue.push(TOPIC, frame(TOPIC, time.millis(), element(T10 + MIN, time.millis(), false)));
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, time.millis()), next());
    assertTrue(got.isEmpty());
    assertTrue(recorded.revisions().isEmpty());
  }

  @Test
  void aCandleCorrectedAfterItsCloseIsRevised() throws Exception {
    historyThenSubscribed();
    time.advance(Duration.ofSeconds(30));
    long ts = time.millis();
    venue.push(TOPIC, frame(TOPIC, ts, element(T10, ts, true)));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    long[] fixed = bar(T10).clone();
    fixed[4] += 250; // a late trade
    venue.push(TOPIC, frame(TOPIC, ts + 900, element(T10, fixed, true, ts + 900)));
    assertCandle(CandleEvent.Kind.REVISED, T10, fixed, next());
    listener.await(s -> s.equals("revised"));
    assertEquals(T10, recorded.revisions().get(0).openTimeMillis());
  }

  @Test
  void aCloseThatNeverComesIsFetchedOverRestAtTheEndPlusTheGrace() throws Exception {
    historyThenSubscribed();
    time.advance(Duration.ofSeconds(30)); // 00:11:00, and Bybit's close for 00:10 is lost
    venue.push(
        TOPIC, frame(TOPIC, time.millis() + 5, element(T10 + MIN, time.millis() + 5, false)));
    time.advance(Duration.ofSeconds(4));
    assertTrue(got.isEmpty(), "the update of 00:11 waits for the close of 00:10");
    time.advance(Duration.ofSeconds(2)); // past 00:11:05
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, T10 + MIN + 5), next());
    listener.await(s -> s.equals("backfilled 1"));
    String request = venue.restRequests.get(venue.restRequests.size() - 1);
    assertEquals(T10 + ".." + (T10 + MIN - 1), request, "exactly the missing candle");
  }

  @Test
  void aDisconnectMidStreamReconnectsResubscribesAndBackfillsTheGap() throws Exception {
    historyThenSubscribed();
    time.advance(Duration.ofSeconds(30)); // 00:11:00
    long ts = time.millis();
    venue.push(TOPIC, frame(TOPIC, ts, element(T10, ts, true)));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    venue.holdUpgrades(); // the venue is down for three minutes
    venue.disconnectAll();
    listener.await(s -> s.equals("reconnecting 2"));
    Duration backoff = recorded.reconnects().get(0).delay();
    assertTrue(
        backoff.compareTo(Duration.ofMillis(250)) >= 0
            && backoff.compareTo(Duration.ofMillis(500)) <= 0,
        "the first backoff is half a second with jitter: " + backoff);
    time.advance(Duration.ofMinutes(3)); // 00:14:00; the reconnect waits at the venue
    venue.release();
    FakeBybitStream.Conn again = venue.nextConnection();
    again.awaitTopic(TOPIC);
    listener.await(LiveSignals.connected(2));
    // What the outage missed comes over REST, in order, each once: 00:11, 00:12, 00:13.
    for (long t = T10 + MIN; t < T10 + 4 * MIN; t += MIN) {
      assertCandle(CandleEvent.Kind.CLOSED, t, bar(t), next());
    }
    int backfilled = 0;
    while (backfilled < 3) {
      backfilled +=
          Integer.parseInt(listener.await(s -> s.startsWith("backfilled ")).substring(11));
    }
    assertEquals(3, backfilled, recorded.lines().toString());
    // And the stream goes on from the new connection.
    long now = time.millis();
    venue.push(TOPIC, frame(TOPIC, now, element(T10 + 4 * MIN, now, false)));
    assertCandle(CandleEvent.Kind.UPDATE, T10 + 4 * MIN, bar(T10 + 4 * MIN, now), next());
  }

  @Test
  void aStaleConnectionIsDetectedAndReplaced() throws Exception {
    FakeBybitStream.Conn c = historyThenSubscribed();
    venue.silent = true; // no pong, no push: the connection is open but dead
    time.advance(Duration.ofSeconds(20));
    assertEquals("ping", c.next("ping").get("op"), "a JSON ping every 20 s");
    time.advance(Duration.ofSeconds(20));
    assertEquals("ping", c.next("ping").get("op"));
    time.advance(Duration.ofSeconds(8)); // past 45 s without a frame
    listener.await(s -> s.equals("reconnecting 2"));
    assertTrue(
        recorded.reconnects().get(0).cause().getMessage().contains("went silent"),
        recorded.reconnects().get(0).cause().getMessage());
    assertTrue(c.awaitClosed(), "the dead connection is dropped");
    venue.silent = false;
    time.advance(Duration.ofSeconds(1));
    FakeBybitStream.Conn again = venue.nextConnection();
    again.awaitTopic(TOPIC);
    listener.await(LiveSignals.connected(2));
  }

  @Test
  void aRefusedTopicEndsItsStreamWithATypedErrorAndSparesTheOthers() throws Exception {
    venue.refused.add("kline.1.XXXUSDT");
    venue.holdUpgrades();
    client("spot", true);
    LiveSubscription good = subscribe("BYBIT:BTCUSDT");
    LiveSubscription bad = subscribe("BYBIT:XXXUSDT");
    venue.release();
    FakeBybitStream.Conn c = venue.nextConnection();
    assertEquals(List.of(TOPIC, "kline.1.XXXUSDT"), c.next().get("args"), "one request for both");
    time.advance(Duration.ofMillis(100)); // the next message waits its turn (10 a second)
    assertEquals(List.of(TOPIC), c.next().get("args"), "then one topic at a time");
    time.advance(Duration.ofMillis(100));
    assertEquals(List.of("kline.1.XXXUSDT"), c.next().get("args"));
    OhlcvException e = errors.poll(20, TimeUnit.SECONDS);
    assertInstanceOf(SymbolNotFoundException.class, e);
    assertTrue(e.getMessage().contains("Invalid symbol"), e.getMessage());
    listener.await(s -> s.equals("failed BYBIT:XXXUSDT"));
    assertFalse(bad.isActive());
    assertTrue(good.isActive());
    c.awaitTopic(TOPIC);
    venue.push(TOPIC, frame(TOPIC, time.millis(), element(T10, time.millis(), false)));
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());
  }

  @Test
  void spotSubscriptionsGoOutTenTopicsARequestOnOneConnection() throws Exception {
    venue.holdUpgrades();
    client("spot", true);
    for (int i = 0; i < 25; i++) {
      subscribe("BYBIT:S" + i + "USDT");
    }
    venue.release();
    FakeBybitStream.Conn c = venue.nextConnection();
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      time.advance(Duration.ofMillis(100));
      sizes.add(((List<?>) c.next().get("args")).size());
    }
    assertEquals(List.of(10, 10, 5), sizes);
    listener.await(LiveSignals.connected(1));
    assertEquals(1, venue.all.size(), "25 streams, one socket");
  }

  @Test
  void twoHundredSymbolsShareOneSocket() throws Exception {
    venue.holdUpgrades();
    client("linear", true);
    for (int i = 0; i < 200; i++) {
      subscribe("BYBIT:S" + i + "USDT.P");
    }
    venue.release();
    FakeBybitStream.Conn c = venue.nextConnection();
    assertEquals(200, ((List<?>) c.next().get("args")).size(), "linear has no per-request cap");
    listener.await(LiveSignals.connected(1));
    assertEquals(1, venue.all.size());
  }

  @Test
  void aSlowConsumerNeverHoldsUpTheSocketAndGetsATypedError() throws Exception {
    venue.holdUpgrades(); // both streams in one request
    client("spot", false); // events on the client's pool, as in an application
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch holding = new CountDownLatch(1);
    List<CandleEvent> seen = new ArrayList<>();
    BlockingQueue<CandleEvent> fast = new LinkedBlockingQueue<>();
    LiveSubscription slow =
        client
            .query("BYBIT:BTCUSDT")
            .interval(Interval.M1)
            .live()
            .bufferSize(3)
            .subscribe(
                e -> {
                  synchronized (seen) {
                    seen.add(e);
                  }
                  holding.countDown();
                  try {
                    release.await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                  }
                },
                errors::add);
    client.query("BYBIT:ETHUSDT").interval(Interval.M1).live().subscribe(fast::add);
    venue.release();
    FakeBybitStream.Conn c = venue.nextConnection();
    c.awaitTopic(TOPIC);
    c.awaitTopic("kline.1.ETHUSDT");
    long t = T10;
    // The consumer blocks on its first event; fifty updates pile up behind it, conflated.
    venue.push(TOPIC, frame(TOPIC, t + 1000, element(t, t + 1000, false)));
    assertTrue(holding.await(20, TimeUnit.SECONDS), "the consumer holds its first event");
    for (int i = 1; i < 50; i++) {
      venue.push(TOPIC, frame(TOPIC, t + 1000 + i, element(t, t + 1000 + i, false)));
    }
    // A stream on the same socket goes on meanwhile: the reader thread is not held up.
    venue.push("kline.1.ETHUSDT", frame("kline.1.ETHUSDT", t + 2000, element(t, t + 2000, false)));
    assertTrue(fast.poll(20, TimeUnit.SECONDS) != null);
    assertTrue(slow.isActive());
    // Closes are never dropped: the fourth one waiting is one too many.
    for (int m = 0; m < 4; m++) {
      long ts = t + (m + 1) * MIN + 3;
      venue.push(TOPIC, frame(TOPIC, ts, element(t + m * MIN, ts, true)));
    }
    listener.await(s -> s.equals("failed BYBIT:BTCUSDT"));
    assertInstanceOf(SlowConsumerException.class, slow.error().orElseThrow());
    assertFalse(slow.isActive());
    release.countDown();
    OhlcvException e = errors.poll(20, TimeUnit.SECONDS);
    assertInstanceOf(SlowConsumerException.class, e);
    synchronized (seen) {
      assertEquals(1, seen.size(), "the queued events were dropped with the error: " + seen);
      assertEquals(CandleEvent.Kind.UPDATE, seen.get(0).kind());
    }
  }

  @Test
  void updatesWaitingForABusyConsumerAreConflated() throws Exception {
    venue.holdUpgrades(); // both streams in one request
    client("spot", false);
    CountDownLatch release = new CountDownLatch(1);
    BlockingQueue<CandleEvent> seen = new LinkedBlockingQueue<>();
    BlockingQueue<CandleEvent> fast = new LinkedBlockingQueue<>();
    client
        .query("BYBIT:BTCUSDT")
        .interval(Interval.M1)
        .live()
        .subscribe(
            e -> {
              seen.add(e);
              try {
                release.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
              }
            });
    client.query("BYBIT:ETHUSDT").interval(Interval.M1).live().subscribe(fast::add);
    venue.release();
    FakeBybitStream.Conn c = venue.nextConnection();
    c.awaitTopic(TOPIC);
    c.awaitTopic("kline.1.ETHUSDT");
    // The consumer takes the first update and blocks on it; 49 more wait behind it.
    venue.push(TOPIC, frame(TOPIC, T10 + 1000, element(T10, T10 + 1000, false)));
    CandleEvent first = seen.poll(20, TimeUnit.SECONDS);
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, T10 + 1000), first);
    for (int i = 1; i < 50; i++) {
      venue.push(TOPIC, frame(TOPIC, T10 + 1000 + i, element(T10, T10 + 1000 + i, false)));
    }
    venue.push(
        "kline.1.ETHUSDT", frame("kline.1.ETHUSDT", T10 + 2000, element(T10, T10 + 2000, false)));
    assertTrue(fast.poll(20, TimeUnit.SECONDS) != null, "everything before it was read");
    release.countDown();
    CandleEvent last = seen.poll(20, TimeUnit.SECONDS);
    assertTrue(last != null, "the latest update comes once the consumer is free");
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, T10 + 1049), last);
    assertNull(seen.poll(), "49 updates became one: the latest");
  }

  @Test
  void closingDuringAReconnectStopsItAndLeavesNoSocketOrTimer() throws Exception {
    FakeBybitStream.Conn c = historyThenSubscribed();
    venue.disconnectAll();
    listener.await(s -> s.equals("reconnecting 2"));
    client.close();
    assertEquals(0, time.pending(), "no reconnect, heartbeat or close timer left");
    time.advance(Duration.ofMinutes(1));
    assertEquals(1, venue.all.size(), "no second connection");
    assertTrue(c.awaitClosed());
  }

  @Test
  void closingTheLastStreamClosesTheSocketPolitely() throws Exception {
    FakeBybitStream.Conn c = historyThenSubscribed();
    LiveSubscription other = subscribe("BYBIT:ETHUSDT");
    time.advance(Duration.ofMillis(100)); // its turn to be sent (10 messages a second)
    c.awaitTopic("kline.1.ETHUSDT");
    other.close();
    time.advance(Duration.ofMillis(200));
    Map<String, Object> unsub = c.next("unsubscribe");
    assertEquals(List.of("kline.1.ETHUSDT"), unsub.get("args"));
    client.close();
    assertTrue(c.awaitClosed());
    assertEquals(0, time.pending());
  }

  @Test
  void aSeriesSnapshotHoldsHistoryLiveClosesAndTheCandleInProgress() throws Exception {
    client("spot", true);
    LiveSubscription sub = subscribe("BYBIT:BTCUSDT", Instant.parse("2024-01-01T00:05:00Z"));
    for (int m = 5; m < 10; m++) {
      next();
    }
    next();
    FakeBybitStream.Conn c = venue.nextConnection();
    c.awaitTopic(TOPIC);
    listener.await(LiveSignals.connected(1)); // before time moves, or the answer would be late
    time.advance(Duration.ofSeconds(30));
    long ts = time.millis();
    venue.push(TOPIC, frame(TOPIC, ts, element(T10, ts, true), element(T10 + MIN, ts, false)));
    next();
    next();
    CandleSeries s = sub.series();
    assertEquals(7, s.size());
    assertEquals("bybit:spot", s.source());
    assertTrue(s.get(6).inProgress());
    assertEquals(FakeBybitStream.price(bar(T10)[3]), s.close(5));
  }

  @Test
  void pushesAreLoggedWithTheSourceInTheMdc() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      historyThenSubscribed();
      venue.push(TOPIC, "{\"topic\":\"" + TOPIC + "\",\"data\":[{\"start\":1}],\"ts\":1}");
      venue.push(TOPIC, frame(TOPIC, time.millis(), element(T10, time.millis(), true)));
      next();
      assertTrue(
          logs.events().stream()
              .anyMatch(
                  e ->
                      e.message().contains("malformed frame")
                          && "bybit:spot".equals(e.mdc().get("source"))),
          logs.events().toString());
    }
  }
}
