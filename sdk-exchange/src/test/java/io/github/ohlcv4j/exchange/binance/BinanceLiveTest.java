package io.github.ohlcv4j.exchange.binance;

import static io.github.ohlcv4j.exchange.binance.FakeBinanceStream.MIN;
import static io.github.ohlcv4j.exchange.binance.FakeBinanceStream.bar;
import static io.github.ohlcv4j.exchange.binance.FakeBinanceStream.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.LiveEvents;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import io.github.ohlcv4j.source.live.LiveSink;
import io.github.ohlcv4j.testing.ClientThreads;
import io.github.ohlcv4j.testing.LiveSignals;
import io.github.ohlcv4j.testing.RecordingListener;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live Binance klines, spot and USD-M, against a stand-in that speaks Binance's market streams and
 * kline REST formats: history then live with no seam, duplicate and out-of-order pushes, a candle
 * corrected after its close, a disconnect backfilled over REST, the {@code serverShutdown} notice
 * answered make-before-break, a refused subscription, the streams-per-connection limit, the message
 * rate. Timers (the silence watchdog, backoff, close grace, message spacing) run in virtual time;
 * the sockets and REST calls are real, so the test waits for their answers, never for time to pass.
 */
class BinanceLiveTest {

  private static final String TOPIC = "btcusdt@kline_1m";
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
  private FakeBinanceStream venue;
  private OhlcvClient client;

  @BeforeEach
  void start() throws Exception {
    venue = new FakeBinanceStream(time::millis);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    venue.close();
    threads.assertEnded(Duration.ofSeconds(15));
  }

  private OhlcvClient client(String market) {
    client =
        OhlcvClient.builder()
            .clock(time)
            .eventListener(listener)
            .retryPolicy(RetryPolicy.none())
            .executor(Runnable::run)
            .source("binance:" + market + "?baseUrl=" + venue.baseUrl() + "&wsUrl=" + venue.wsUrl())
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

  /**
   * Waits until the feed has asked for a timer of {@code delay}: a message it holds back for the
   * rate limit, timed from when the feed read the clock (time must not move in between).
   */
  private void awaitTimer(Duration delay) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (time.scheduledDelays().stream().noneMatch(delay::equals)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no timer of " + delay + " in 20 s: " + time.scheduledDelays());
      }
      LockSupport.parkNanos(200_000); // polls a condition; virtual time stands still
    }
  }

  private static void assertCandle(CandleEvent.Kind kind, long t, long[] b, CandleEvent e) {
    LiveEvents.assertCandle(kind, t, b, 100.0, 1000.0, e);
  }

  /** Subscribes to {@code symbol} from 00:00 and reads the history: ten closes and 00:10. */
  private FakeBinanceStream.Conn historyThenSubscribed(String market, String symbol)
      throws InterruptedException {
    client(market);
    subscribe(symbol, Instant.parse("2024-01-01T00:00:00Z"));
    for (int m = 0; m < 10; m++) {
      assertCandle(CandleEvent.Kind.CLOSED, T0 + m * MIN, bar(T0 + m * MIN), next());
    }
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());
    FakeBinanceStream.Conn c = venue.nextConnection();
    c.awaitTopic(TOPIC);
    listener.await(s -> s.equals("connected 1 1"));
    return c;
  }

  private static String btc(long t, long asOf, boolean closed) {
    return event("BTCUSDT", t, asOf, closed);
  }

  @Test
  void spotHistoryThenLiveWithNoSeam() throws Exception {
    FakeBinanceStream.Conn c = historyThenSubscribed("spot", "BINANCE:BTCUSDT");
    assertEquals("/ws", c.path, "spot streams on the raw /ws endpoint");
    Map<String, Object> sub = c.received.get(0);
    assertEquals("SUBSCRIBE", sub.get("method"));
    assertEquals(List.of(TOPIC), sub.get("params"));
    assertInstanceOf(Number.class, sub.get("id"), "Binance wants an unsigned integer id");

    time.advance(Duration.ofSeconds(10));
    venue.push(TOPIC, btc(T10, time.millis(), false));
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());
    time.advance(Duration.ofSeconds(20)); // 00:11:00
    long e = time.millis() + 4;
    venue.push(TOPIC, btc(T10, e, true));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    venue.push(TOPIC, btc(T10 + MIN, e + 500, false));
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, e + 500), next());
    assertEquals(
        List.of("/api/v3/klines " + T0 + ".." + (T10 + MIN - 1)),
        venue.restRequests,
        "only the history came over REST");
    assertTrue(recorded.backfills().isEmpty());
  }

  @Test
  void duplicateAndOutOfOrderPushesAreDropped() throws Exception {
    historyThenSubscribed("spot", "BINANCE:BTCUSDT");
    time.advance(Duration.ofSeconds(30)); // 00:11:00
    long e = time.millis();
    // The next minute's first event overtakes the close of this one...
    venue.push(TOPIC, btc(T10 + MIN, e + 2, false));
    venue.push(TOPIC, btc(T10, e + 1, true));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, e + 2), next());
    // ... the same close again, and an update older than the one applied: nothing.
    venue.push(TOPIC, btc(T10, e + 1, true));
    venue.push(TOPIC, btc(T10 + MIN, e + 1, false));
    time.advance(Duration.ofSeconds(10));
    venue.push(TOPIC, btc(T10 + MIN, time.millis(), false));
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, time.millis()), next());
    assertTrue(got.isEmpty(), got.toString());
    assertTrue(recorded.revisions().isEmpty());
  }

  @Test
  void aCandleCorrectedAfterItsCloseIsRevised() throws Exception {
    historyThenSubscribed("spot", "BINANCE:BTCUSDT");
    time.advance(Duration.ofSeconds(30));
    long e = time.millis();
    venue.push(TOPIC, btc(T10, e, true));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    long[] fixed = bar(T10).clone();
    fixed[4] += 250; // a late trade
    venue.push(TOPIC, event("BTCUSDT", T10, fixed, true, e + 900));
    assertCandle(CandleEvent.Kind.REVISED, T10, fixed, next());
    listener.await(s -> s.equals("revised"));
    assertEquals(T10, recorded.revisions().get(0).openTimeMillis());
  }

  @Test
  void aCloseThatNeverComesIsFetchedOverRestAtTheEndPlusTheGrace() throws Exception {
    historyThenSubscribed("spot", "BINANCE:BTCUSDT");
    time.advance(Duration.ofSeconds(30)); // 00:11:00, and Binance's close for 00:10 is lost
    venue.push(TOPIC, btc(T10 + MIN, time.millis() + 5, false));
    time.advance(Duration.ofSeconds(4));
    assertTrue(got.isEmpty(), "the update of 00:11 waits for the close of 00:10");
    time.advance(Duration.ofSeconds(2)); // past 00:11:05
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, T10 + MIN + 5), next());
    listener.await(s -> s.equals("backfilled 1"));
    assertEquals(
        "/api/v3/klines " + T10 + ".." + (T10 + MIN - 1),
        venue.restRequests.get(venue.restRequests.size() - 1),
        "exactly the missing candle");
  }

  @Test
  void usdmDisconnectReconnectsResubscribesAndBackfillsTheGapOverRest() throws Exception {
    FakeBinanceStream.Conn c = historyThenSubscribed("usdm", "BINANCE:BTCUSDT.P");
    assertEquals("/market/ws", c.path, "USD-M klines are served on the /market route");
    time.advance(Duration.ofSeconds(30)); // 00:11:00
    long e = time.millis();
    venue.push(TOPIC, btc(T10, e, true));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    venue.holdUpgrades(); // the venue is down for three minutes
    venue.disconnectAll();
    listener.await(s -> s.equals("reconnecting 2"));
    time.advance(Duration.ofMinutes(3)); // 00:14:00; the reconnect waits at the venue
    venue.release();
    FakeBinanceStream.Conn again = venue.nextConnection();
    assertEquals("/market/ws", again.path);
    again.awaitTopic(TOPIC);
    listener.await(s -> s.equals("connected 2 1"));
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
    assertTrue(
        venue.restRequests.stream().skip(1).allMatch(r -> r.startsWith("/fapi/v1/klines ")),
        venue.restRequests.toString());
    // And the stream goes on from the new connection.
    long now = time.millis();
    venue.push(TOPIC, btc(T10 + 4 * MIN, now, false));
    assertCandle(CandleEvent.Kind.UPDATE, T10 + 4 * MIN, bar(T10 + 4 * MIN, now), next());
  }

  @Test
  void usdmServerShutdownMovesTheStreamToANewConnectionBeforeTheOldCloses() throws Exception {
    FakeBinanceStream.Conn c = historyThenSubscribed("usdm", "BINANCE:BTCUSDT.P");
    time.advance(Duration.ofSeconds(10));
    venue.push(TOPIC, btc(T10, time.millis(), false));
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());

    c.shutdownNotice();
    FakeBinanceStream.Conn next = venue.nextConnection();
    assertEquals("/market/ws", next.path);
    next.awaitTopic(TOPIC);
    listener.await(s -> s.equals("connected 2 1"));
    assertTrue(c.awaitClosed(), "the old connection is closed once the new one carries the stream");
    // The close arrives on the new connection alone: nothing was missed, nothing is fetched.
    time.advance(Duration.ofSeconds(20)); // 00:11:00
    venue.push(TOPIC, btc(T10, time.millis() + 3, true));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    venue.push(TOPIC, btc(T10 + MIN, time.millis() + 300, false));
    assertCandle(CandleEvent.Kind.UPDATE, T10 + MIN, bar(T10 + MIN, time.millis() + 300), next());
    assertTrue(recorded.reconnects().isEmpty(), recorded.lines().toString());
    assertTrue(recorded.backfills().isEmpty(), recorded.lines().toString());
    assertEquals(1, venue.restRequests.size(), venue.restRequests.toString());
    assertEquals(2, venue.all.size());
  }

  @Test
  void aServerThatGoesDownBeforeTheReplacementIsReadyLosesNothing() throws Exception {
    FakeBinanceStream.Conn c = historyThenSubscribed("spot", "BINANCE:BTCUSDT");
    time.advance(Duration.ofSeconds(30)); // 00:11:00
    venue.push(TOPIC, btc(T10, time.millis() + 2, true));
    assertCandle(CandleEvent.Kind.CLOSED, T10, bar(T10), next());
    venue.holdUpgrades(); // the replacement waits at the venue...
    c.shutdownNotice();
    venue.knocks.poll(20, TimeUnit.SECONDS); // the first connection's
    assertEquals("/ws", venue.knocks.poll(20, TimeUnit.SECONDS), "the replacement knocks");
    c.socket.close(1001, "going away"); // ... while the old server goes down
    assertTrue(c.awaitClosed());
    time.advance(Duration.ofMinutes(2)); // 00:13:00
    venue.release();
    FakeBinanceStream.Conn next = venue.nextConnection();
    next.awaitTopic(TOPIC);
    listener.await(s -> s.equals("connected 2 1"));
    // The minutes the gap held come over REST, each closed once, in order.
    assertCandle(CandleEvent.Kind.CLOSED, T10 + MIN, bar(T10 + MIN), next());
    assertCandle(CandleEvent.Kind.CLOSED, T10 + 2 * MIN, bar(T10 + 2 * MIN), next());
    int backfilled = 0;
    while (backfilled < 2) {
      backfilled +=
          Integer.parseInt(listener.await(s -> s.startsWith("backfilled ")).substring(11));
    }
    assertEquals(2, backfilled, recorded.lines().toString());
    assertTrue(recorded.reconnects().isEmpty(), "a replacement, not a reconnect");
    long now = time.millis();
    venue.push(TOPIC, btc(T10 + 3 * MIN, now, false));
    CandleEvent e = next();
    while (e.kind() != CandleEvent.Kind.UPDATE || e.candle().openTimeMillis() != T10 + 3 * MIN) {
      assertEquals(CandleEvent.Kind.UPDATE, e.kind(), "no close twice: " + e);
      e = next(); // the backfill's view of the candle in progress may come first
    }
    assertCandle(CandleEvent.Kind.UPDATE, T10 + 3 * MIN, bar(T10 + 3 * MIN, now), e);
  }

  @Test
  void aRefusedSubscriptionEndsItsStreamWithATypedErrorAndSparesTheOthers() throws Exception {
    venue.refused.add("xxxusdt@kline_1m");
    venue.holdUpgrades();
    client("spot");
    LiveSubscription good = subscribe("BINANCE:BTCUSDT");
    LiveSubscription bad = subscribe("BINANCE:XXXUSDT");
    venue.release();
    FakeBinanceStream.Conn c = venue.nextConnection();
    assertEquals(List.of(TOPIC, "xxxusdt@kline_1m"), c.next().get("params"), "one request");
    awaitTimer(Duration.ofMillis(250)); // the refusal is read: the next message waits its turn
    time.advance(Duration.ofMillis(250)); // (4 a second)
    assertEquals(List.of(TOPIC), c.next().get("params"), "then one stream at a time");
    time.advance(Duration.ofMillis(250));
    assertEquals(List.of("xxxusdt@kline_1m"), c.next().get("params"));
    OhlcvException e = errors.poll(20, TimeUnit.SECONDS);
    assertInstanceOf(InvalidQueryException.class, e);
    assertTrue(e.getMessage().contains("Invalid request: invalid stream"), e.getMessage());
    assertTrue(e.getMessage().contains("binance:spot"), e.getMessage());
    listener.await(s -> s.equals("failed BINANCE:XXXUSDT"));
    assertFalse(bad.isActive());
    assertTrue(good.isActive());
    c.awaitTopic(TOPIC);
    venue.push(TOPIC, btc(T10, time.millis(), false));
    assertCandle(CandleEvent.Kind.UPDATE, T10, bar(T10, time.millis()), next());
  }

  @Test
  void usdmStreamsBeyondTwoHundredOpenASecondConnection() throws Exception {
    venue.holdUpgrades();
    client("usdm");
    for (int i = 0; i < 201; i++) {
      subscribe("BINANCE:S" + i + "USDT.P");
    }
    venue.release();
    FakeBinanceStream.Conn first = venue.nextConnection();
    FakeBinanceStream.Conn second = venue.nextConnection();
    List<Integer> sizes = new ArrayList<>();
    sizes.add(((List<?>) first.next().get("params")).size());
    sizes.add(((List<?>) second.next().get("params")).size());
    sizes.sort(null);
    assertEquals(List.of(1, 200), sizes, "200 streams on one connection, the 201st on another");
    listener.await(s -> s.equals("connected 1 200") || s.equals("connected 2 200"));
    listener.await(s -> s.equals("connected 1 1") || s.equals("connected 2 1"));
    assertEquals(2, venue.all.size());
    assertEquals(200, BinanceLive.limits(BinanceSource.Market.USDM).topicsPerConnection());
    assertEquals(1024, BinanceLive.limits(BinanceSource.Market.SPOT).topicsPerConnection());
    for (BinanceSource.Market m : BinanceSource.Market.values()) {
      assertEquals(Duration.ofHours(23), BinanceLive.limits(m).maxConnectionAge(), "before 24 h");
      assertEquals(300, BinanceLive.limits(m).connections());
    }
  }

  @Test
  void spotRequestsCarryTwoHundredStreamsAndKeepUnderFiveMessagesASecond() throws Exception {
    venue.holdUpgrades();
    client("spot");
    for (int i = 0; i < 450; i++) {
      subscribe("BINANCE:S" + i + "USDT");
    }
    venue.release();
    FakeBinanceStream.Conn c = venue.nextConnection();
    List<Integer> sizes = new ArrayList<>();
    sizes.add(((List<?>) c.next().get("params")).size());
    awaitTimer(Duration.ofMillis(250)); // the next request waits its turn
    for (int i = 0; i < 2; i++) {
      time.advance(Duration.ofMillis(249));
      assertTrue(c.inbox.isEmpty(), "no second message within a quarter of a second");
      time.advance(Duration.ofMillis(1));
      sizes.add(((List<?>) c.next().get("params")).size());
    }
    assertEquals(List.of(200, 200, 50), sizes);
    listener.await(s -> s.equals("connected 1 450"));
    assertEquals(1, venue.all.size(), "450 streams, one socket");
  }

  @Test
  void theUriTakesTheStreamHostAndTheFeedCheckedBeforeAnyIo() {
    CandleSource usdm = CandleSources.open("binance:usdm?wsUrl=wss://fstream.example.com/");
    LiveFeed feed = usdm.live().orElseThrow();
    assertEquals("binance:usdm", feed.name());
    assertEquals("wss://fstream.example.com", ((BinanceLive) feed).wsUrl());
    assertTrue(
        ((BinanceLive) feed).url().endsWith("fstream.example.com/market/ws"), feed.toString());
    BinanceLive spot = (BinanceLive) CandleSources.open("binance:spot").live().orElseThrow();
    assertTrue(spot.url().endsWith("stream.binance.com:9443/ws"), spot.url());
    assertEquals(
        "wss://fstream.example.com",
        ((BinanceLive) ((BinanceSource) usdm).newBuilder().build().live().orElseThrow()).wsUrl(),
        "newBuilder keeps the host");
    InvalidQueryException bad =
        assertThrows(
            InvalidQueryException.class,
            () -> CandleSources.open("binance:spot?wsUrl=ftp://stream.binance.com"));
    assertTrue(bad.getMessage().contains("wss, ws, https or http"), bad.getMessage());
  }

  @Test
  void intervalsAndSymbolsTheStreamCannotCarryFailBeforeAnyIo() throws Exception {
    client("usdm");
    assertThrows(
        UnsupportedIntervalException.class,
        () ->
            client
                .query("BINANCE:BTCUSDT.P")
                .interval(Interval.of(1, Interval.Unit.SECOND))
                .live()
                .subscribe(got::add));
    assertThrows(
        InvalidQueryException.class,
        () -> client.query("BINANCE:BTCUSDT").interval(Interval.M1).live().subscribe(got::add));
    // The feed itself checks too, for a caller that opens it directly.
    BinanceLive feed = BinanceLive.builder(BinanceSource.Market.USDM).wsUrl(venue.wsUrl()).build();
    LiveEnvironment env =
        LiveEnvironment.builder()
            .scheduler(
                (task, delay) -> {
                  throw new AssertionError("no timer before a stream is accepted");
                })
            .build();
    LiveSink sink =
        new LiveSink() {
          @Override
          public void candle(
              long t, double o, double h, double l, double c, double v, boolean x, long e) {}

          @Override
          public void interrupted(OhlcvException cause) {}

          @Override
          public void resumed() {}

          @Override
          public void failed(OhlcvException error) {}
        };
    InvalidQueryException spot =
        assertThrows(
            InvalidQueryException.class,
            () -> feed.open(Symbol.parse("BINANCE:BTCUSDT"), Interval.M1, sink, env));
    assertTrue(spot.getMessage().contains("use binance:spot"), spot.getMessage());
    assertThrows(
        InvalidQueryException.class,
        () -> feed.open(Symbol.parse("BYBIT:BTCUSDT.P"), Interval.M1, sink, env));
    UnsupportedIntervalException second =
        assertThrows(
            UnsupportedIntervalException.class,
            () ->
                feed.open(
                    Symbol.parse("BINANCE:BTCUSDT.P"),
                    Interval.of(1, Interval.Unit.SECOND),
                    sink,
                    env));
    assertTrue(second.getMessage().contains("USD-M streams klines of 1m"), second.getMessage());
    assertTrue(venue.all.isEmpty(), "nothing connected");
    assertEquals(0, venue.server.getRequestCount());
  }
}
