package io.github.ohlcv4j.exchange.polygon;

import static io.github.ohlcv4j.exchange.polygon.FakePolygonStream.MIN;
import static io.github.ohlcv4j.exchange.polygon.FakePolygonStream.am;
import static io.github.ohlcv4j.exchange.polygon.FakePolygonStream.bar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live Polygon minute aggregates against a stand-in that speaks Polygon's stocks WebSocket and
 * aggregates REST formats: the handshake, a refused key, minutes closed at their end plus the grace
 * (Polygon sends no closed flag), a minute corrected after its close, a disconnect with its REST
 * backfill, a refused ticker, {@code max_connections}, and closing. Timers run in virtual time; the
 * sockets and REST calls are real, so the test waits for their answers, never for time to pass.
 */
class PolygonLiveTest {

  private static final String KEY = "pk_Zq81SecretKey";
  private static final String TOPIC = "AM.AAPL";
  private static final Instant START = Instant.parse("2024-01-02T15:10:30Z");
  private static final long T0 = Instant.parse("2024-01-02T15:00:00Z").toEpochMilli();
  private static final long T10 = T0 + 10 * MIN;

  private final VirtualTime time = new VirtualTime(START);
  private final LiveSignals listener = new LiveSignals();
  private final RecordingListener recorded = listener.recorded();
  private final LiveEvents events = new LiveEvents(() -> String.valueOf(recorded.lines()));
  private final BlockingQueue<CandleEvent> got = events.got;
  private final BlockingQueue<OhlcvException> errors = events.errors;
  private final ClientThreads threads = ClientThreads.snapshot();
  private FakePolygonStream venue;
  private OhlcvClient client;

  @BeforeEach
  void start() throws Exception {
    venue = new FakePolygonStream(time::millis, KEY);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    venue.close();
    threads.assertEnded(Duration.ofSeconds(15));
  }

  private OhlcvClient client(String key) {
    client =
        OhlcvClient.builder()
            .clock(time)
            .eventListener(listener)
            .retryPolicy(RetryPolicy.none())
            .executor(Runnable::run)
            .source(
                "polygon:?apiKey="
                    + key
                    + "&baseUrl="
                    + venue.baseUrl()
                    + "&wsUrl="
                    + venue.wsUrl())
            .build();
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

  private OhlcvException error() throws InterruptedException {
    return events.error();
  }

  private static void assertCandle(CandleEvent.Kind kind, long t, long[] b, CandleEvent e) {
    LiveEvents.assertCandle(kind, t, b, 100.0, 1, e);
  }

  /** Moves the virtual clock on to {@code millis}. */
  private void at(long millis) {
    long d = millis - time.millis();
    assertTrue(d >= 0, "time runs forward");
    time.advance(Duration.ofMillis(d));
  }

  /**
   * The next message the venue received, moving the clock on in steps of the control-message
   * spacing (5 a second) while none has come; waits up to 20 s.
   */
  private Map<String, Object> sent(FakePolygonStream.Conn c) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      Map<String, Object> m = c.inbox.poll(50, TimeUnit.MILLISECONDS);
      if (m != null) {
        return m;
      }
      time.advance(Duration.ofMillis(200));
    }
    throw new AssertionError("connection " + c.id + " received nothing in 20 s");
  }

  /** Lets the handshake run: auth, then (after the control-message spacing) the subscription. */
  private FakePolygonStream.Conn handshake(String topic) throws InterruptedException {
    FakePolygonStream.Conn c = venue.nextConnection();
    Map<String, Object> auth = c.inbox.poll(20, TimeUnit.SECONDS);
    assertEquals(Map.of("action", "auth", "params", KEY), auth, "the key answers 'connected'");
    time.advance(Duration.ofMillis(200)); // 5 messages a second
    c.awaitTopic(topic);
    return c;
  }

  /** Subscribes to AAPL from 15:00 and reads the history: ten closes and the 15:10 update. */
  private FakePolygonStream.Conn historyThenSubscribed() throws InterruptedException {
    client(KEY);
    subscribe("POLYGON:AAPL", Instant.ofEpochMilli(T0));
    for (int m = 0; m < 10; m++) {
      assertCandle(CandleEvent.Kind.CLOSED, T0 + m * MIN, bar(T0 + m * MIN), next());
    }
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());
    FakePolygonStream.Conn c = handshake(TOPIC);
    listener.await(LiveSignals.connected(1));
    return c;
  }

  @Test
  void theHandshakeAuthenticatesBeforeItSubscribes() throws Exception {
    FakePolygonStream.Conn c = historyThenSubscribed();
    assertEquals(
        List.of(
            "{\"action\":\"auth\",\"params\":\"" + KEY + "\"}",
            "{\"action\":\"subscribe\",\"params\":\"AM.AAPL\"}"),
        c.texts);
    assertEquals(1, venue.all.size());
  }

  @Test
  void historyThenLiveWithNoSeamEveryMinuteClosedOnceInOrderAtItsEndPlusTheGrace()
      throws Exception {
    historyThenSubscribed();
    List<Long> closed = new ArrayList<>();
    for (long t = T10; t < T10 + 3 * MIN; t += MIN) {
      at(t + MIN + 700); // Polygon sends the minute after its end
      venue.pushEvents(TOPIC, am("AAPL", t, bar(t)));
      assertCandle(CandleEvent.Kind.UPDATE, t, bar(t), next());
      at(t + MIN + 4_999);
      assertTrue(got.isEmpty(), "no close before the end plus the grace");
      at(t + MIN + 5_000);
      CandleEvent e = next();
      assertCandle(CandleEvent.Kind.CLOSED, t, bar(t), e);
      closed.add(e.candle().openTimeMillis());
    }
    assertEquals(List.of(T10, T10 + MIN, T10 + 2 * MIN), closed);
    assertEquals(1, venue.restRequests.size(), "only the history came over REST");
    assertTrue(got.isEmpty());
  }

  @Test
  void aMinuteSentAgainAfterItsCloseIsRevised() throws Exception {
    historyThenSubscribed();
    at(T10 + MIN + 500);
    venue.pushEvents(TOPIC, am("AAPL", T10, bar(T10)));
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10), next());
    at(T10 + MIN + 5_000);
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    // The same bar again: nothing. A late trade four minutes on: a revision.
    venue.pushEvents(TOPIC, am("AAPL", T10, bar(T10)));
    long[] fixed = bar(T10).clone();
    fixed[4] += 300;
    fixed[1] += 5;
    time.advance(Duration.ofMinutes(4));
    venue.pushEvents(TOPIC, am("AAPL", T10, fixed));
    CandleEvent e = next();
    if (e.kind() == CandleEvent.Kind.CLOSED) {
      // 15:11, which nothing was pushed for, was asked of REST meanwhile; skip those closes.
      while (e.kind() != CandleEvent.Kind.REVISED) {
        e = next();
      }
    }
    assertCandle(CandleEvent.Kind.REVISED, T10, fixed, e);
    listener.await(s -> s.equals("revised"));
    assertEquals(T10, recorded.revisions().get(0).openTimeMillis());
  }

  @Test
  void aDisconnectMidStreamReconnectsAuthenticatesAgainAndBackfillsTheGapOverRest()
      throws Exception {
    historyThenSubscribed();
    at(T10 + MIN + 500);
    venue.pushEvents(TOPIC, am("AAPL", T10, bar(T10)));
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10), next());
    at(T10 + MIN + 5_000);
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    venue.holdUpgrades(); // the venue is down for three minutes
    venue.disconnectAll();
    listener.await(s -> s.equals("reconnecting 2"));
    time.advance(Duration.ofMinutes(3)); // 15:14:05; the reconnect waits at the venue
    venue.release();
    handshake(TOPIC);
    listener.await(LiveSignals.connected(2));
    for (long t = T10 + MIN; t < T10 + 4 * MIN; t += MIN) {
      assertCandle(CandleEvent.Kind.CLOSED, t, bar(t), next());
    }
    int backfilled = 0;
    while (backfilled < 3) {
      backfilled +=
          Integer.parseInt(listener.await(s -> s.startsWith("backfilled ")).substring(11));
    }
    assertEquals(3, backfilled, recorded.lines().toString());
    assertTrue(
        venue.restRequests.get(1).startsWith((T10 + MIN) + ".."),
        "the backfill starts at the first minute not closed: " + venue.restRequests);
  }

  @Test
  void aRefusedKeyEndsTheStreamWithATypedErrorThatNeverShowsTheKey() throws Exception {
    String wrong = "pk_WrongKey7781";
    try (LogCapture logs = LogCapture.start()) {
      client(wrong);
      subscribe("POLYGON:AAPL");
      FakePolygonStream.Conn c = venue.nextConnection();
      OhlcvException e = error();
      assertInstanceOf(AuthenticationException.class, e);
      assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
      assertFalse(e.getMessage().contains(wrong), e.getMessage());
      assertEquals(List.of("{\"action\":\"auth\",\"params\":\"" + wrong + "\"}"), c.texts);
      assertTrue(c.awaitClosed());
      time.advance(Duration.ofMinutes(1));
      assertEquals(1, venue.all.size(), "no reconnect into a refused key");
      for (LogCapture.Event ev : logs.events()) {
        assertFalse(ev.fullText().contains(wrong), ev.fullText());
      }
    }
  }

  @Test
  void maxConnectionsEndsTheStreamsWithoutAReconnect() throws Exception {
    venue.maxConnections = true;
    client(KEY);
    subscribe("POLYGON:AAPL");
    FakePolygonStream.Conn c = venue.nextConnection();
    OhlcvException e = error();
    assertInstanceOf(SourceUnavailableException.class, e);
    assertFalse(e.isRetryable(), e.toString());
    assertTrue(e.getMessage().contains("one connection per account"), e.getMessage());
    assertTrue(c.awaitClosed());
    time.advance(Duration.ofMinutes(1));
    assertEquals(1, venue.all.size(), "no reconnect that would evict the other client");
  }

  @Test
  void aRefusedTickerEndsItsStreamWithATypedErrorAndSparesTheOthers() throws Exception {
    venue.refused.add("AM.NOPE");
    venue.holdUpgrades();
    client(KEY);
    LiveSubscription good = subscribe("POLYGON:AAPL");
    LiveSubscription bad = subscribe("POLYGON:NOPE");
    venue.release();
    FakePolygonStream.Conn c = venue.nextConnection();
    assertEquals("auth", sent(c).get("action"));
    assertEquals("AM.AAPL,AM.NOPE", sent(c).get("params"), "one request for both");
    assertEquals("AM.AAPL", sent(c).get("params"), "then one topic at a time");
    assertEquals("AM.NOPE", sent(c).get("params"));
    OhlcvException e = error();
    assertInstanceOf(SymbolNotFoundException.class, e);
    assertTrue(e.getMessage().contains("AM.NOPE"), e.getMessage());
    listener.await(s -> s.equals("failed POLYGON:NOPE"));
    assertFalse(bad.isActive());
    assertTrue(good.isActive());
    c.awaitTopic(TOPIC);
    at(T10 + MIN + 500);
    venue.pushEvents(TOPIC, am("AAPL", T10, bar(T10)));
    CandleEvent u = next();
    assertEquals(T10, u.candle().openTimeMillis());
  }

  @Test
  void onlyMinutesAreStreamedAndOtherIntervalsAreRefusedBeforeConnecting() {
    client(KEY);
    assertThrows(
        UnsupportedIntervalException.class,
        () ->
            client
                .query("POLYGON:AAPL")
                .interval(Interval.M5)
                .live()
                .subscribe(got::add, errors::add));
    assertThrows(
        RuntimeException.class,
        () ->
            client
                .query("POLYGON:X:BTCUSD")
                .interval(Interval.M1)
                .live()
                .subscribe(got::add, errors::add));
    assertEquals(0, venue.all.size(), "no connection for refused queries");
  }

  @Test
  void hourlyBarsAreResampledFromTheMinutes() throws Exception {
    client(KEY);
    client
        .query("POLYGON:AAPL")
        .interval(Interval.M1)
        .resample(Interval.H1)
        .live()
        .subscribe(got::add, errors::add);
    handshake(TOPIC);
    listener.await(LiveSignals.connected(1));
    at(T10 + MIN + 500);
    venue.pushEvents(TOPIC, am("AAPL", T10, bar(T10)));
    CandleEvent e = next();
    assertEquals(Interval.H1, e.interval(), e.toString());
    assertEquals(T0, e.candle().openTimeMillis());
  }

  @Test
  void closingTheClientLeavesNoSocketOrTimer() throws Exception {
    FakePolygonStream.Conn c = historyThenSubscribed();
    client.close();
    assertTrue(c.awaitClosed());
    assertEquals(0, time.pending(), "no timer left");
    time.advance(Duration.ofMinutes(1));
    assertEquals(1, venue.all.size(), "no second connection");
  }

  @Test
  void aMalformedFrameIsSkippedAndLoggedWithoutTheKey() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      historyThenSubscribed();
      venue.pushEvents(TOPIC, "{\"ev\":\"AM\",\"sym\":\"AAPL\",\"o\":1}");
      at(T10 + MIN + 500);
      venue.pushEvents(TOPIC, am("AAPL", T10, bar(T10)));
      assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10), next());
      assertTrue(
          logs.events().stream().anyMatch(ev -> ev.message().contains("malformed frame")),
          logs.events().toString());
      for (LogCapture.Event ev : logs.events()) {
        assertFalse(ev.fullText().contains(KEY), ev.fullText());
      }
    }
  }
}
