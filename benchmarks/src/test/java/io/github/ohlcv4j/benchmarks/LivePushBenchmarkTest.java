package io.github.ohlcv4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark method of {@link LivePushBenchmark} and checks that the library and both
 * Jackson peers read the same values from the same frame, and that the library's push went the
 * whole way: a 1h {@code UPDATE} with the minute's values delivered, and the live series holding
 * it. So the benchmark cannot time different work for the peers.
 */
class LivePushBenchmarkTest {

  private final LivePushBenchmark bench = new LivePushBenchmark();

  @BeforeEach
  void setUp() {
    bench.setup();
  }

  @AfterEach
  void tearDown() {
    bench.tearDown();
  }

  @Test
  void bybitVariantsAgree() {
    for (int n = 0; n < 4; n++) { // both frames, twice
      bench.i = n;
      CandleEvent event = bench.bybitLibrary();
      LivePushPath.Push library = bench.bybit.lastPush();
      checkDelivered(event, library, bench.bybit);
      bench.i = n;
      LivePushPath.Push tree = copy(bench.bybitJacksonTree());
      bench.i = n;
      LivePushPath.Push streaming = copy(bench.bybitJacksonStreaming());
      assertSame(library, tree);
      assertSame(library, streaming);
      assertEquals("kline.1.BTCUSDT", library.topic);
      assertEquals(n % 2 == 0 ? 87020.1 : 87029.9, library.close);
    }
  }

  @Test
  void binanceVariantsAgree() {
    for (int n = 0; n < 4; n++) {
      bench.i = n;
      CandleEvent event = bench.binanceLibrary();
      LivePushPath.Push library = bench.binance.lastPush();
      checkDelivered(event, library, bench.binance);
      bench.i = n;
      LivePushPath.Push tree = copy(bench.binanceJacksonTree());
      bench.i = n;
      LivePushPath.Push streaming = copy(bench.binanceJacksonStreaming());
      assertSame(library, tree);
      assertSame(library, streaming);
      assertEquals("btcusdt@kline_1m", library.topic);
      assertEquals(n % 2 == 0 ? 12.345 : 12.871, library.volume);
    }
  }

  @Test
  void theComparisonNoticesADifferentValue() {
    LivePushPath.Push a =
        copy(LivePushBenchmark.bybitTree(LivePushBenchmark.BYBIT[0], new LivePushPath.Push()));
    LivePushPath.Push b =
        copy(LivePushBenchmark.bybitTree(LivePushBenchmark.BYBIT[1], new LivePushPath.Push()));
    assertNotEquals(a.toString(), b.toString());
  }

  /** The consumer got the hour in progress, equal to the minute (the first of the hour). */
  private static void checkDelivered(CandleEvent event, LivePushPath.Push p, LivePushPath path) {
    assertNotNull(event, "nothing was delivered");
    assertEquals(CandleEvent.Kind.UPDATE, event.kind());
    assertEquals(Interval.H1, event.interval());
    assertFalse(p.closed);
    assertEquals(LivePushPath.OPEN, p.start);
    assertEquals(LivePushPath.NOW, p.venueTime);
    Candle c = event.candle();
    assertTrue(c.inProgress());
    assertEquals(p.start, c.openTime().toEpochMilli());
    assertEquals(p.open, c.open());
    assertEquals(p.high, c.high());
    assertEquals(p.low, c.low());
    assertEquals(p.close, c.close());
    assertEquals(p.volume, c.volume());
    CandleSeries s = path.subscription().series();
    assertEquals(1, s.size());
    assertEquals(p.close, s.close(0));
  }

  private static void assertSame(LivePushPath.Push expected, LivePushPath.Push actual) {
    assertEquals(expected.toString(), actual.toString());
    assertEquals(Double.doubleToLongBits(expected.close), Double.doubleToLongBits(actual.close));
    assertEquals(Double.doubleToLongBits(expected.volume), Double.doubleToLongBits(actual.volume));
  }

  private static LivePushPath.Push copy(LivePushPath.Push p) {
    LivePushPath.Push c = new LivePushPath.Push();
    c.set(p.topic, p.start, p.open, p.high, p.low, p.close, p.volume, p.closed, p.venueTime);
    return c;
  }
}
