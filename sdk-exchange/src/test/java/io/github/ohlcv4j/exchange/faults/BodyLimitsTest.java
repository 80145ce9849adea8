package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import io.github.ohlcv4j.exchange.polygon.PolygonSource;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.http.BodyBuffer;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a venue says about a body's size is not trusted: the buffer grows with the bytes that
 * arrive, up to a cap ({@link BodyBuffer#DEFAULT_MAX_BODY}, or the {@value
 * BodyBuffer#MAX_BODY_SETTING} setting), and a larger body is a typed error.
 */
@Timeout(60)
class BodyLimitsTest extends VenueTest {

  private static final long DAY = ms("2024-05-01T00:00:00Z");

  private List<Function<SourceContext, CandleSource>> sources() {
    return List.of(
        c -> BybitSource.builder(BybitSource.Category.LINEAR).baseUrl(base()).context(c).build(),
        c -> BinanceSource.builder(BinanceSource.Market.SPOT).baseUrl(base()).context(c).build(),
        c -> PolygonSource.builder().apiKey("pk_k3y").baseUrl(base()).context(c).build());
  }

  private static OhlcvQuery query(CandleSource s) {
    String symbol =
        s instanceof BybitSource
            ? "BYBIT:BTCUSDT.P"
            : s instanceof BinanceSource ? "BINANCE:BTCUSDT" : "POLYGON:AAPL";
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(Interval.M1)
        .between(Instant.ofEpochMilli(DAY), Instant.ofEpochMilli(DAY + 60 * 60_000L))
        .build();
  }

  /** Bytes allocated by every live thread so far. */
  private static long allocated() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long a : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
      sum += Math.max(0, a);
    }
    return sum;
  }

  /** Two bytes that say they are {@code declared} bytes; the connection closes after them. */
  private static MockResponse lying(long declared) {
    return new MockResponse.Builder()
        .setHeader("Date", "Sat, 01 Jun 2024 12:34:56 GMT")
        .body("[]")
        .setHeader("Content-Length", Long.toString(declared))
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  @Test
  void twoBytesAnnouncingAQuarterGigabyteAreRefusedWithoutAllocatingIt() {
    for (Function<SourceContext, CandleSource> make : sources()) {
      CandleSource s = make.apply(context());
      server.enqueue(lying(256L * 1024 * 1024));
      long before = allocated();
      OhlcvException e = assertThrows(OhlcvException.class, () -> s.fetch(query(s)));
      long used = allocated() - before;
      assertInstanceOf(DataFormatException.class, e, e.toString());
      assertFalse(e.isRetryable(), e.getMessage());
      assertTrue(
          e.getMessage().contains("larger than " + BodyBuffer.DEFAULT_MAX_BODY), e.getMessage());
      assertTrue(used < 16 << 20, s.name() + " allocated " + used + " bytes");
    }
  }

  @Test
  void twoBytesAnnouncingLessThanTheCapAllocateWhatArrives() {
    for (Function<SourceContext, CandleSource> make : sources()) {
      CandleSource s = make.apply(context());
      server.enqueue(lying(30L * 1024 * 1024));
      long before = allocated();
      OhlcvException e = assertThrows(OhlcvException.class, () -> s.fetch(query(s)));
      long used = allocated() - before;
      assertInstanceOf(SourceUnavailableException.class, e, e.toString());
      assertTrue(e.isRetryable(), "a body cut short may come whole next time: " + e);
      assertTrue(used < 16 << 20, s.name() + " allocated " + used + " bytes");
    }
  }

  @Test
  void aBodyGrowingPastTheCapIsATypedError() {
    for (Function<SourceContext, CandleSource> make : sources()) {
      CandleSource s = make.apply(context(NOW, Map.of(BodyBuffer.MAX_BODY_SETTING, "65536")));
      Buffer big = new Buffer();
      big.writeUtf8("[");
      while (big.size() <= 70_000) {
        big.writeUtf8("                                                                  ");
      }
      big.writeUtf8("]");
      server.enqueue(
          new MockResponse.Builder()
              .setHeader("Date", "Sat, 01 Jun 2024 12:34:56 GMT")
              .chunkedBody(big, 4096)
              .build());
      OhlcvException e = assertThrows(OhlcvException.class, () -> s.fetch(query(s)));
      assertInstanceOf(DataFormatException.class, e, e.toString());
      assertTrue(e.getMessage().contains("larger than 65536 bytes"), e.getMessage());
      assertTrue(e.getMessage().contains(BodyBuffer.MAX_BODY_SETTING), e.getMessage());
    }
  }

  @Test
  void theCapSettingIsChecked() {
    for (String bad : new String[] {"abc", "1000", "99999999999"}) {
      for (Function<SourceContext, CandleSource> make : sources()) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> make.apply(context(NOW, Map.of(BodyBuffer.MAX_BODY_SETTING, bad))));
        assertTrue(e.getMessage().contains(BodyBuffer.MAX_BODY_SETTING), e.getMessage());
      }
    }
    assertEquals(32 * 1024 * 1024, BodyBuffer.DEFAULT_MAX_BODY);
  }
}
