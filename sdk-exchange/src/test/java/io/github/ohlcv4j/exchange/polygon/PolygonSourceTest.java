package io.github.ohlcv4j.exchange.polygon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.FakeMarket;
import io.github.ohlcv4j.exchange.FakePolygon;
import io.github.ohlcv4j.exchange.RecordingLimits;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.source.CandleSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class PolygonSourceTest extends VenueTest {

  private static final String KEY = "pk_TEST_4f1c9a77e0b2";
  private static final ZoneId NY = ZoneId.of("America/New_York");
  private static final long DAY = ms("2024-05-01T00:00:00Z");
  private static final long M = 60_000L;

  private FakeMarket market = new FakeMarket(Interval.M5, ms("2024-01-01T00:00:00Z"));
  private FakePolygon venue;

  private PolygonSource source(int pageSize, int pageRows) {
    venue = new FakePolygon(market, NOW, KEY, pageRows);
    server.setDispatcher(venue);
    return PolygonSource.builder()
        .baseUrl(base())
        .pageSize(pageSize)
        .context(context(NOW, Map.of("POLYGON_API_KEY", KEY)))
        .build();
  }

  private static OhlcvQuery query(String symbol, Interval i, long from, long to) {
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(i)
        .between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to))
        .build();
  }

  @Test
  void windowsOfBaseAggregatesAndTheirNextUrlsCoverTheRange() {
    // limit 100 minutes per request: 20 five-minute bars per window, 8 per response page.
    PolygonSource s = source(100, 8);
    long end = DAY + 360 * M;
    CandleSeries c = s.fetch(query("POLYGON:X:BTCUSD", Interval.M5, DAY, end));

    List<FakeMarket.Bar> expected = market.bars(DAY, end, NOW);
    assertEquals(72, expected.size());
    assertEquals(72, c.size());
    for (int i = 0; i < c.size(); i++) {
      FakeMarket.Bar b = expected.get(i);
      assertEquals(b.openTime(), c.openTimeMillis(i));
      assertEquals(FakeMarket.Bar.price(b.c()), c.close(i));
      assertEquals(FakeMarket.Bar.volume(b.volumeUnits()), c.volume(i));
      assertEquals((b.h() + b.l()) / 20.0, c.extra(ExtraColumn.VWAP, i), 1e-9);
      assertEquals(b.trades(), (long) c.extra(ExtraColumn.TRADE_COUNT, i));
    }
    List<HttpUrl> r = venue.requests();
    // 360 minutes / 100 = 4 windows of 20, 20, 20 and 12 bars, at 8 bars a page.
    assertEquals(3 + 3 + 3 + 2, r.size());
    HttpUrl first = r.get(0);
    assertEquals(
        List.of(
            "v2",
            "aggs",
            "ticker",
            "X:BTCUSD",
            "range",
            "5",
            "minute",
            Long.toString(DAY),
            Long.toString(DAY + 100 * M - 1)),
        first.pathSegments());
    assertEquals("asc", first.queryParameter("sort"));
    assertEquals("100", first.queryParameter("limit"));
    assertEquals("true", first.queryParameter("adjusted"));
    HttpUrl next = r.get(1);
    assertEquals(first.encodedPath(), next.encodedPath());
    assertEquals("8", next.queryParameter("cursor"));
    assertEquals(KEY, next.queryParameter("apiKey"), "next_url is called with the key");
    assertEquals(server.getHostName(), next.host(), "next_url is moved to the configured host");
  }

  @Test
  void dayBarsStartAtMidnightInNewYork() {
    market = new FakeMarket(Interval.D1, NY, ms("2024-01-01T05:00:00Z"));
    PolygonSource s = source(50_000, 5000);
    CandleSeries c =
        s.fetch(
            query(
                "POLYGON:AAPL",
                Interval.D1,
                ms("2024-03-08T00:00:00Z"),
                ms("2024-03-13T00:00:00Z")));
    assertEquals(NY, c.zone());
    assertEquals(ms("2024-03-08T05:00:00Z"), c.openTimeMillis(0));
    assertEquals(ms("2024-03-11T04:00:00Z"), c.openTimeMillis(3)); // after the change to EDT
    assertEquals(ms("2024-03-11T04:00:00Z"), c.endTimeMillis(2), "10 March has 23 hours");
    assertEquals(5, c.size());
    assertEquals(1, venue.requests().size());
    assertEquals("day", venue.requests().get(0).pathSegments().get(6));
  }

  @Test
  void aMissingKeyFailsBeforeAnyRequest() {
    PolygonSource s =
        PolygonSource.builder().baseUrl(base()).context(context(NOW, Map.of())).build();
    assertFalse(s.hasApiKey());
    AuthenticationException e =
        assertThrows(
            AuthenticationException.class,
            () -> s.fetch(query("POLYGON:AAPL", Interval.M1, DAY, DAY + M)));
    assertTrue(e.getMessage().contains("POLYGON_API_KEY"), e.getMessage());
    assertEquals(0, server.getRequestCount());
    assertEquals(io.github.ohlcv4j.source.Health.Status.DOWN, s.health().status());
  }

  @Test
  void checksTheQueryBeforeSendingAnything() {
    PolygonSource s = source(50_000, 5000);
    UnsupportedIntervalException week =
        assertThrows(
            UnsupportedIntervalException.class,
            () -> s.fetch(query("POLYGON:AAPL", Interval.W1, DAY, DAY + 30 * 86_400_000L)));
    assertTrue(
        week.getMessage().contains("To get 1w candles, fetch 1d candles and resample them to 1w"),
        week.getMessage());
    UnsupportedIntervalException h4 =
        assertThrows(
            UnsupportedIntervalException.class,
            () -> s.fetch(query("POLYGON:AAPL", Interval.H4, DAY, DAY + 86_400_000L)));
    // as docs/sources.md quotes it
    assertTrue(
        h4.getMessage()
            .startsWith("POLYGON:AAPL: polygon does not serve 4h candles; it serves 1s,"),
        h4.getMessage());
    assertTrue(
        h4.getMessage()
            .endsWith(
                "1d, 1M. To get 4h candles, fetch 1h candles and resample them to 4h (resample(...)"
                    + " on the query or the series)."),
        h4.getMessage());
    assertThrows(
        InvalidQueryException.class,
        () -> s.fetch(query("POLYGON:X:BTCUSD.P", Interval.M1, DAY, DAY + M)));
    assertThrows(
        InvalidQueryException.class,
        () ->
            s.fetch(
                query("POLYGON:AAPL", Interval.D1, DAY, DAY + 5 * 86_400_000L)
                    .newBuilder()
                    .zone(ZoneId.of("Asia/Tokyo"))
                    .build()));
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void anUnknownTickerIsAnEmptySeries() {
    PolygonSource s = source(50_000, 5000);
    venue.then(
        response(
            200,
            "{\"ticker\":\"NOPE\",\"queryCount\":0,\"resultsCount\":0,\"adjusted\":true,"
                + "\"status\":\"OK\",\"request_id\":\"x\",\"count\":0}"));
    CandleSeries c = s.fetch(query("POLYGON:NOPE", Interval.M5, DAY, DAY + 60 * M));
    assertTrue(c.isEmpty());
  }

  private OhlcvException failWith(int code, String body) {
    PolygonSource s = source(50_000, 5000);
    venue.then(response(code, body));
    return assertThrows(
        OhlcvException.class, () -> s.fetch(query("POLYGON:AAPL", Interval.M5, DAY, DAY + 60 * M)));
  }

  @Test
  void polygonErrorsMapToTypedErrors() {
    OhlcvException noKey =
        failWith(
            400,
            "{\"status\":\"ERROR\",\"request_id\":\"xx\",\"error\":\"API Key was not provided\"}");
    assertInstanceOf(AuthenticationException.class, noKey);
    assertTrue(noKey.getMessage().contains("API Key was not provided"), noKey.getMessage());
    OhlcvException plan =
        failWith(
            403,
            "{\"status\":\"NOT_AUTHORIZED\",\"request_id\":\"dd\",\"message\":\"This plan"
                + " doesn't include this data; upgrade the plan.\"}");
    assertInstanceOf(AuthenticationException.class, plan);
    assertEquals("NOT_AUTHORIZED", plan.venueCode().orElseThrow());
    assertTrue(plan.getMessage().contains("doesn't include this data"), plan.getMessage());
    OhlcvException bad =
        failWith(
            400,
            "{\"status\":\"ERROR\",\"request_id\":\"b\",\"error\":\"Could not parse the time parameter: 'from'.\"}");
    assertEquals(InvalidQueryException.class, bad.getClass());
    OhlcvException down = failWith(502, "<html><h1>502 Bad Gateway</h1></html>");
    assertInstanceOf(SourceUnavailableException.class, down);
    assertTrue(down.isRetryable());
    OhlcvException html = failWith(200, "<!doctype html><title>Maintenance</title>");
    assertInstanceOf(DataFormatException.class, html);
    assertTrue(html.getMessage().contains("HTML"), html.getMessage());
    OhlcvException cut =
        failWith(200, "{\"status\":\"OK\",\"results\":[{\"t\":1714521600000,\"o\":1.5");
    assertInstanceOf(DataFormatException.class, cut);
    assertTrue(cut.isRetryable(), cut.getMessage());
    assertTrue(cut.getMessage().contains("row 0"), cut.getMessage());
    OhlcvException missing =
        failWith(
            200,
            "{\"status\":\"OK\",\"results\":[{\"t\":1714521600000,\"o\":1,\"h\":2,\"c\":1,\"v\":3}]}");
    assertInstanceOf(DataFormatException.class, missing);
    assertTrue(missing.getMessage().contains("has no l"), missing.getMessage());
  }

  @Test
  void http429WaitsForTheNextMinute() {
    RateLimitException e =
        assertInstanceOf(
            RateLimitException.class,
            failWith(
                429,
                "{\"status\":\"ERROR\",\"error\":\"Too many requests this minute for the plan.\"}"));
    assertTrue(e.isRetryable());
    long toNextMinute = M - NOW % M;
    assertEquals(Duration.ofMillis(toNextMinute), e.retryAfter().orElseThrow());
    assertEquals(
        List.of(new RecordingLimits.Pause("polygon", Instant.ofEpochMilli(NOW + toNextMinute))),
        limits.pauses());
  }

  @Test
  void theKeyNeverShowsInMessagesOrLogs() {
    String log =
        capturingLog(
            () -> {
              // Two pages, then an error whose text echoes the key.
              PolygonSource s = source(50_000, 6);
              venue.then(
                  response(
                      200,
                      "{\"status\":\"OK\",\"results\":[{\"t\":"
                          + DAY
                          + ",\"o\":1,\"h\":2,\"l\":0.5,\"c\":1.5,\"v\":10}],\"next_url\":\""
                          + base()
                          + "v2/aggs/ticker/AAPL/range/5/minute/1/2?cursor=1\"}"));
              venue.then(
                  response(
                      401, "{\"status\":\"ERROR\",\"error\":\"Unknown API Key " + KEY + "\"}"));
              OhlcvException e =
                  assertThrows(
                      OhlcvException.class,
                      () -> s.fetch(query("POLYGON:AAPL", Interval.M5, DAY, DAY + 60 * M)));
              assertInstanceOf(AuthenticationException.class, e);
              assertFalse(e.getMessage().contains(KEY), e.getMessage());
              assertTrue(e.getMessage().contains("Unknown API Key ***"), e.getMessage());
              assertFalse(s.toString().contains(KEY), s.toString());
              // An I/O error names the URL, with the key masked.
              PolygonSource nowhere =
                  PolygonSource.builder()
                      .apiKey(KEY)
                      .baseUrl("http://127.0.0.1:1/")
                      .context(context())
                      .build();
              OhlcvException io =
                  assertThrows(
                      OhlcvException.class,
                      () -> nowhere.fetch(query("POLYGON:AAPL", Interval.M5, DAY, DAY + 60 * M)));
              assertInstanceOf(SourceUnavailableException.class, io);
              assertFalse(io.getMessage().contains(KEY), io.getMessage());
              assertTrue(io.getMessage().contains("apiKey=***"), io.getMessage());
              // A URI with the key in it is masked in the provider's errors.
              InvalidQueryException uri =
                  assertThrows(
                      InvalidQueryException.class,
                      () -> CandleSources.open("polygon:?apiKey=" + KEY + "&colour=blue"));
              assertFalse(uri.getMessage().contains(KEY), uri.getMessage());
              return null;
            });
    assertTrue(log.contains("apiKey=***"), "request URLs are logged, masked:\n" + log);
    assertFalse(log.contains(KEY), log);
  }

  /**
   * Runs {@code r} with System.err (where slf4j-simple writes) captured; returns what was written.
   */
  private static String capturingLog(Supplier<Void> r) {
    PrintStream old = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      r.get();
    } finally {
      System.setErr(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aNextUrlPointingBackAtItselfIsATypedErrorNotALoop() {
    PolygonSource s = source(50_000, 5000);
    HttpUrl self =
        server.url("/v2/aggs/ticker/AAPL/range/5/minute/" + DAY + "/" + (DAY + 60 * M - 1));
    venue.then(
        response(
            200,
            "{\"status\":\"OK\",\"results\":[{\"t\":"
                + DAY
                + ",\"o\":1,\"h\":2,\"l\":0.5,\"c\":1.5,\"v\":10}],\"next_url\":\""
                + self.newBuilder()
                    .addQueryParameter("adjusted", "true")
                    .addQueryParameter("sort", "asc")
                    .addQueryParameter("limit", "50000")
                    .build()
                + "\"}"));
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> s.fetch(query("POLYGON:AAPL", Interval.M5, DAY, DAY + 60 * M)));
    assertTrue(e.getMessage().contains("back to a page already fetched"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    assertEquals(1, venue.requests().size(), "the same page is not asked for again");
  }

  @Test
  void capabilities() {
    PolygonSource s = PolygonSource.builder().apiKey("k12345").build();
    assertEquals("polygon", s.name());
    assertTrue(s.capabilities().supports(Interval.parse("15s")));
    assertTrue(s.capabilities().supports(Interval.parse("30m")));
    assertTrue(s.capabilities().supports(Interval.MN1));
    assertFalse(s.capabilities().supports(Interval.parse("7m")));
    assertEquals(50_000, s.capabilities().maxRowsPerRequest());
    assertEquals("polygon", s.capabilities().rateLimitGroup());
    assertTrue(s.capabilities().rateLimit().isEmpty(), "plans differ: no budget unless told");
    PolygonSource free = PolygonSource.builder().apiKey("k12345").requestsPerMinute(5).build();
    assertEquals(
        io.github.ohlcv4j.resilience.RateLimitPolicy.of(5, Duration.ofMinutes(1)),
        free.capabilities().rateLimit().orElseThrow());
    assertTrue(s.adjusted());
    assertThrows(IllegalArgumentException.class, () -> PolygonSource.builder().apiKey(" "));
    assertThrows(IllegalArgumentException.class, () -> PolygonSource.builder().pageSize(50_001));
  }
}
