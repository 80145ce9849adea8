package io.github.ohlcv4j.exchange.polygon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Polygon answers nobody scripted: paging in circles, tickers that are paths, huge bodies. */
@Timeout(60)
class PolygonHardeningTest extends VenueTest {

  private static final String KEY = "pk_H4rd3n_5e3c7a1b9d";
  private static final long DAY = ms("2024-05-01T00:00:00Z");
  private static final long M = 60_000L;

  private PolygonSource source() {
    return PolygonSource.builder()
        .baseUrl(base())
        .context(context(NOW, Map.of("POLYGON_API_KEY", KEY)))
        .build();
  }

  /** One hour of 5m bars: 12 candles. */
  private static OhlcvQuery hour(String symbol) {
    return hour(Symbol.parse(symbol));
  }

  private static OhlcvQuery hour(Symbol symbol) {
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(Interval.M5)
        .between(Instant.ofEpochMilli(DAY), Instant.ofEpochMilli(DAY + 60 * M))
        .build();
  }

  /** A page of one bar at {@code t}, linking to {@code cursor} if not null. */
  private String page(long t, String cursor) {
    return "{\"status\":\"OK\",\"results\":[{\"t\":"
        + t
        + ",\"o\":1,\"h\":2,\"l\":0.5,\"c\":1.5,\"v\":10}]"
        + (cursor == null
            ? ""
            : ",\"next_url\":\""
                + base()
                + "v2/aggs/ticker/AAPL/range/5/minute/"
                + DAY
                + "/"
                + (DAY + 60 * M - 1)
                + "?cursor="
                + cursor
                + "\"")
        + "}";
  }

  private static MockResponse ok(String body) {
    return new MockResponse.Builder()
        .setHeader("Date", FakeVenue.httpDate(NOW))
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Test
  void aNextUrlBackToAnEarlierPageIsATypedError() {
    server.enqueue(ok(page(DAY, "A")));
    server.enqueue(ok(page(DAY + 5 * M, "B")));
    server.enqueue(ok(page(DAY + 10 * M, "A")));
    PolygonSource s = source();
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> s.fetch(hour("POLYGON:AAPL")));
    assertTrue(e.getMessage().contains("back to a page already fetched"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    assertFalse(e.isRetryable());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void aNextUrlChainThatNeverEndsStopsAfterAsManyPagesAsTheRangeHoldsCandles() {
    AtomicInteger n = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            int i = n.incrementAndGet();
            return ok(page(DAY, "c" + i)); // the same bar, a new cursor, for ever
          }
        });
    PolygonSource s = source();
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> s.fetch(hour("POLYGON:AAPL")));
    assertTrue(e.getMessage().contains("than the range holds candles (12)"), e.getMessage());
    assertEquals(13, server.getRequestCount(), "the first page and 12 linked ones");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".",
        "..",
        "...",
        "A/B",
        "../../v1/marketstatus",
        "%2e",
        "%2E%2E",
        "A?B",
        "A#B",
        "A;B",
        "A\\B",
        "A B",
        "A\tB",
        "A\u0000B",
        "Ä"
      })
  void aTickerThatWouldChangeTheRequestPathIsRefusedBeforeAnyRequest(String code) {
    PolygonSource s = source();
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> s.fetch(hour(Symbol.of("POLYGON", code, MarketType.SPOT))));
    assertTrue(e.getMessage().contains("not a Polygon ticker"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"AAPL", "BRK.A", "X:BTCUSD", "X:BTC-USD", "O:SPY251219C00650000", "I:SPX"})
  void polygonTickersAreSentAsOnePathSegment(String code) throws Exception {
    server.enqueue(ok("{\"status\":\"OK\",\"results\":[]}"));
    source().fetch(hour(Symbol.of("POLYGON", code, MarketType.SPOT)));
    RecordedRequest r = server.takeRequest();
    assertEquals(code, r.getUrl().pathSegments().get(3));
    assertEquals("range", r.getUrl().pathSegments().get(4));
  }

  @Test
  void aPlusInTheKeyOfASourceUriIsAPlus() throws Exception {
    server.enqueue(ok("{\"status\":\"OK\",\"results\":[]}"));
    CandleSource s =
        CandleSources.open("polygon:?apiKey=pk+a%2Bb&baseUrl=" + base(), context(NOW, Map.of()));
    s.fetch(hour("POLYGON:AAPL"));
    assertEquals("pk+a+b", server.takeRequest().getUrl().queryParameter("apiKey"));
  }

  @Test
  void aBodyWithALongRunOfWhiteSpaceIsReadInTime() {
    // 16 MiB of spaces between two bars: Moshi's reader took about half a minute on this.
    Buffer b = new Buffer();
    b.writeUtf8("{\"status\":\"OK\",\"results\":[{\"t\":" + DAY + ",\"o\":1,\"h\":2,\"l\":0.5,");
    b.writeUtf8("\"c\":1.5,\"v\":10},");
    byte[] spaces = new byte[1 << 20];
    java.util.Arrays.fill(spaces, (byte) ' ');
    for (int i = 0; i < 16; i++) {
      b.write(spaces);
    }
    b.writeUtf8("{\"t\":" + (DAY + 5 * M) + ",\"o\":1,\"h\":2,\"l\":0.5,\"c\":1.5,\"v\":10}]}");
    server.enqueue(
        new MockResponse.Builder().setHeader("Date", FakeVenue.httpDate(NOW)).body(b).build());
    PolygonSource s = source();
    CandleSeries c =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> s.fetch(hour("POLYGON:AAPL")));
    assertEquals(2, c.size());
  }
}
