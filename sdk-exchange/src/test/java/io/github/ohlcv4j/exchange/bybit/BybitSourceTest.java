package io.github.ohlcv4j.exchange.bybit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.FakeBybit;
import io.github.ohlcv4j.exchange.FakeMarket;
import io.github.ohlcv4j.exchange.RecordingLimits;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class BybitSourceTest extends VenueTest {

  private static final long DAY = ms("2024-05-01T00:00:00Z");

  private FakeMarket market = new FakeMarket(Interval.M1, ms("2024-01-01T00:00:00Z"));
  private FakeBybit venue;

  private BybitSource source(BybitSource.Category category, int pageSize) {
    venue = new FakeBybit(market, NOW, Set.of("BTCUSDT", "BTCUSD"));
    server.setDispatcher(venue);
    return BybitSource.builder(category)
        .baseUrl(base())
        .pageSize(pageSize)
        .context(context())
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
  void aDayOfMinutesComesInTwoWindowsFromItsStart() {
    BybitSource s = source(BybitSource.Category.LINEAR, 1000);
    long end = DAY + 86_400_000L;
    CandleSeries c = s.fetch(query("BYBIT:BTCUSDT.P", Interval.M1, DAY, end));

    FakeMarket.assertSame(market.bars(DAY, end, NOW), c);
    List<HttpUrl> r = venue.requests();
    assertEquals(2, r.size());
    assertEquals("linear", r.get(0).queryParameter("category"));
    assertEquals("BTCUSDT", r.get(0).queryParameter("symbol"));
    assertEquals("1", r.get(0).queryParameter("interval"));
    assertEquals(Long.toString(DAY), r.get(0).queryParameter("start"));
    assertEquals(Long.toString(DAY + 1000 * 60_000L - 1), r.get(0).queryParameter("end"));
    assertEquals("1000", r.get(0).queryParameter("limit"));
    assertEquals(Long.toString(DAY + 1000 * 60_000L), r.get(1).queryParameter("start"));
    assertEquals(Long.toString(end - 1), r.get(1).queryParameter("end"));
    assertEquals("440", r.get(1).queryParameter("limit"));
    assertEquals("bybit:linear", c.source());
  }

  @Test
  void smallPagesAcrossAGapStitchWithoutLossOrDuplicates() {
    market = market.gap(DAY + 13 * 60_000L, DAY + 29 * 60_000L);
    BybitSource s = source(BybitSource.Category.SPOT, 7);
    CandleSeries c = s.fetch(query("BYBIT:BTCUSDT", Interval.M1, DAY, DAY + 50 * 60_000L));
    FakeMarket.assertSame(market.bars(DAY, DAY + 50 * 60_000L, NOW), c);
    assertEquals(8, venue.requests().size()); // ceil(50 / 7)
    assertEquals(34, c.size());
  }

  @Test
  void overlappingAndShuffledPagesMergeIntoOneAscendingSeries() {
    BybitSource s = source(BybitSource.Category.LINEAR, 3);
    long m = 60_000L;
    // Window 1 [0, 3) answered with an extra newer row from window 2, out of order; window 2
    // repeats the last row of window 1.
    venue.then(response(200, page(market, DAY + m, DAY + 3 * m, DAY, DAY + 2 * m)));
    venue.then(response(200, page(market, DAY + 2 * m, DAY + 5 * m, DAY + 4 * m, DAY + 3 * m)));
    CandleSeries c = s.fetch(query("BYBIT:BTCUSDT.P", Interval.M1, DAY, DAY + 6 * m));
    FakeMarket.assertSame(market.bars(DAY, DAY + 6 * m, NOW), c);
    assertEquals(2, venue.requests().size());
  }

  @Test
  void aPageCarryingARowOfTheNextWindowLosesNothing() {
    BybitSource s = source(BybitSource.Category.LINEAR, 1000);
    long m = 60_000L;
    long end = DAY + 2000 * m;
    // Window 1 answered whole, plus one correct row from the middle of window 2.
    long[] times = new long[1001];
    for (int i = 0; i < 1000; i++) {
      times[i] = DAY + (999 - i) * m; // newest first, as Bybit sends them
    }
    times[1000] = DAY + 1500 * m;
    venue.then(response(200, page(market, times)));
    CandleSeries c = s.fetch(query("BYBIT:BTCUSDT.P", Interval.M1, DAY, end));

    assertEquals(2000, c.size());
    FakeMarket.assertSame(market.bars(DAY, end, NOW), c);
    assertEquals(2, venue.requests().size());
  }

  /** A Bybit page holding the market's bars at the given open times, in the given order. */
  private static String page(FakeMarket market, long... times) {
    StringBuilder b = new StringBuilder("{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":[");
    for (int i = 0; i < times.length; i++) {
      FakeMarket.Bar x = market.bar(times[i]);
      b.append(i == 0 ? "" : ",")
          .append("[\"")
          .append(x.openTime())
          .append("\",\"")
          .append(FakeMarket.decimal(x.o(), 1, true))
          .append("\",\"")
          .append(FakeMarket.decimal(x.h(), 1, true))
          .append("\",\"")
          .append(FakeMarket.decimal(x.l(), 1, true))
          .append("\",\"")
          .append(FakeMarket.decimal(x.c(), 1, true))
          .append("\",\"")
          .append(FakeMarket.decimal(x.volumeUnits(), 3, true))
          .append("\",\"")
          .append(FakeMarket.decimal(x.turnoverUnits(), 4, true))
          .append("\"]");
    }
    return b.append("]},\"retExtInfo\":{},\"time\":1}").toString();
  }

  @Test
  void theCandleInProgressIsJudgedByTheVenueClock() {
    BybitSource s =
        BybitSource.builder(BybitSource.Category.LINEAR)
            .baseUrl(base())
            // The local clock runs two minutes ahead of Bybit's Date header.
            .context(context(NOW + 120_000, Map.of()))
            .build();
    venue = new FakeBybit(market, NOW, Set.of("BTCUSDT"));
    server.setDispatcher(venue);
    long from = NOW - 10 * 60_000L;
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("BYBIT:BTCUSDT.P")
            .interval(Interval.M1)
            .from(Instant.ofEpochMilli(from))
            .build();
    CandleSeries all = s.fetch(q);
    CandleSeries complete = s.fetch(q.newBuilder().completeOnly().build());
    long current = Interval.M1.bucketStart(NOW, ZoneId.of("UTC"));
    assertEquals(current, all.openTimeMillis(all.size() - 1));
    assertTrue(all.isInProgress(all.size() - 1));
    assertEquals(all.size() - 1, complete.size());
    assertEquals(current - 60_000L, complete.openTimeMillis(complete.size() - 1));
  }

  @Test
  void latestCandlesEndWithTheOneInProgress() {
    market = new FakeMarket(Interval.H1, ms("2024-01-01T00:00:00Z"));
    BybitSource s = source(BybitSource.Category.LINEAR, 1000);
    CandleSeries c =
        s.fetch(
            OhlcvQuery.builder()
                .symbol("BYBIT:BTCUSDT.P")
                .interval(Interval.H1)
                .latest(30)
                .build());
    assertEquals(30, c.size());
    assertEquals(Interval.H1.bucketStart(NOW, ZoneId.of("UTC")), c.openTimeMillis(29));
    assertEquals(1, venue.requests().size());
  }

  @Test
  void checksTheQueryBeforeSendingAnything() {
    BybitSource linear = source(BybitSource.Category.LINEAR, 1000);
    long end = DAY + 3_600_000L;
    UnsupportedIntervalException e =
        assertThrows(
            UnsupportedIntervalException.class,
            () -> linear.fetch(query("BYBIT:BTCUSDT.P", Interval.parse("8h"), DAY, end)));
    assertTrue(e.getMessage().contains("8h"), e.getMessage());
    assertThrows(
        UnsupportedIntervalException.class,
        () -> linear.fetch(query("BYBIT:BTCUSDT.P", Interval.parse("1s"), DAY, end)));
    InvalidQueryException spotOnLinear =
        assertThrows(
            InvalidQueryException.class,
            () -> linear.fetch(query("BYBIT:BTCUSDT", Interval.M1, DAY, end)));
    assertTrue(spotOnLinear.getMessage().contains("bybit:spot"), spotOnLinear.getMessage());
    assertThrows(
        InvalidQueryException.class,
        () -> linear.fetch(query("BYBIT:BTCUSD.P", Interval.M1, DAY, end)));
    InvalidQueryException zone =
        assertThrows(
            InvalidQueryException.class,
            () ->
                linear.fetch(
                    query("BYBIT:BTCUSDT.P", Interval.D1, DAY, end + 86_400_000L)
                        .newBuilder()
                        .zone(ZoneId.of("Asia/Tokyo"))
                        .build()));
    assertTrue(zone.getMessage().contains("UTC"), zone.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void anUnknownSymbolIsNotFound() {
    BybitSource s = source(BybitSource.Category.LINEAR, 1000);
    SymbolNotFoundException e =
        assertThrows(
            SymbolNotFoundException.class,
            () -> s.fetch(query("BYBIT:NOPEUSDT.P", Interval.M1, DAY, DAY + 60_000L)));
    assertEquals("10001", e.venueCode().orElseThrow());
    assertTrue(e.getMessage().contains("Not supported symbols"), e.getMessage());
    assertTrue(e.getMessage().contains("BYBIT:NOPEUSDT.P"), e.getMessage());
    assertFalse(e.isRetryable());
  }

  private OhlcvException failWith(MockResponse response) {
    BybitSource s = source(BybitSource.Category.LINEAR, 1000);
    venue.then(response);
    return assertThrows(
        OhlcvException.class,
        () -> s.fetch(query("BYBIT:BTCUSDT.P", Interval.M1, DAY, DAY + 60_000L)));
  }

  private static String envelope(int code, String msg) {
    return "{\"retCode\":"
        + code
        + ",\"retMsg\":\""
        + msg
        + "\",\"result\":{},\"retExtInfo\":{},\"time\":1717245296000}";
  }

  @Test
  void retCodesMapToTypedErrors() {
    OhlcvException interval =
        failWith(response(200, envelope(10001, "params error: interval is not valid")));
    assertInstanceOf(UnsupportedIntervalException.class, interval);
    OhlcvException params = failWith(response(200, envelope(10001, "params error: limit")));
    assertEquals(InvalidQueryException.class, params.getClass());
    assertFalse(params.isRetryable());
    OhlcvException sign = failWith(response(200, envelope(10004, "error sign!")));
    assertInstanceOf(AuthenticationException.class, sign);
    for (int code : new int[] {10000, 10016}) {
      OhlcvException e = failWith(response(200, envelope(code, "Server Timeout")));
      assertInstanceOf(SourceUnavailableException.class, e);
      assertTrue(e.isRetryable(), e.getMessage());
      assertEquals(Integer.toString(code), e.venueCode().orElseThrow());
    }
    OhlcvException unknown = failWith(response(200, envelope(12345, "Something new")));
    assertFalse(unknown.isRetryable());
    assertTrue(unknown.getMessage().contains("12345"), unknown.getMessage());
  }

  @Test
  void aRateLimitWaitsForTheResetTimestamp() {
    MockResponse r =
        response(200, envelope(10006, "Too many visits!"))
            .newBuilder()
            .setHeader("X-Bapi-Limit", "10")
            .setHeader("X-Bapi-Limit-Status", "0")
            .setHeader("X-Bapi-Limit-Reset-Timestamp", Long.toString(NOW + 750))
            .build();
    RateLimitException e = assertInstanceOf(RateLimitException.class, failWith(r));
    assertTrue(e.isRetryable());
    assertFalse(e.isBan());
    assertEquals(Duration.ofMillis(750), e.retryAfter().orElseThrow());
    assertEquals("10006", e.venueCode().orElseThrow());
    assertEquals(
        new RecordingLimits.Pause("bybit", Instant.ofEpochMilli(NOW + 750)),
        limits.pauses().get(0));
    assertEquals(
        new RecordingLimits.Usage("bybit", 10, 10, Instant.ofEpochMilli(NOW + 750)),
        limits.usage().get(0));
  }

  @Test
  void aRateLimitWaitIsCountedFromTheVenuesMillisecondsNotTheDateHeadersSeconds() {
    // The Date header says 12:34:56; the body's time says 12:34:56.400; the limit resets at :57.
    MockResponse r =
        response(
                200,
                "{\"retCode\":10006,\"retMsg\":\"Too many visits!\",\"result\":{},\"time\":"
                    + (NOW + 400)
                    + "}")
            .newBuilder()
            .setHeader("X-Bapi-Limit", "10")
            .setHeader("X-Bapi-Limit-Status", "0")
            .setHeader("X-Bapi-Limit-Reset-Timestamp", Long.toString(NOW + 1000))
            .build();
    RateLimitException e = assertInstanceOf(RateLimitException.class, failWith(r));
    assertEquals(Duration.ofMillis(600), e.retryAfter().orElseThrow());
    assertEquals(
        new RecordingLimits.Pause("bybit", Instant.ofEpochMilli(NOW + 1000)),
        limits.pauses().get(0));
  }

  @Test
  void limitHeadersWithRequestsLeftCountForBybitsRollingSecond() {
    // Below the limit, Bybit's reset timestamp is just its current time: what is used now stays
    // used for up to a second, so the report lasts a second from then.
    BybitSource s = source(BybitSource.Category.LINEAR, 1000);
    venue.then(
        response(200, page(market, DAY))
            .newBuilder()
            .setHeader("X-Bapi-Limit", "10")
            .setHeader("X-Bapi-Limit-Status", "4")
            .setHeader("X-Bapi-Limit-Reset-Timestamp", Long.toString(NOW + 250))
            .build());
    s.fetch(query("BYBIT:BTCUSDT.P", Interval.M1, DAY, DAY + 60_000L));
    assertEquals(
        List.of(new RecordingLimits.Usage("bybit", 6, 10, Instant.ofEpochMilli(NOW + 1250))),
        limits.usage());
  }

  @Test
  void http403IsAnIpBanOfTenMinutes() {
    RateLimitException e =
        assertInstanceOf(
            RateLimitException.class,
            failWith(response(403, "403, access too frequent").newBuilder().build()));
    assertTrue(e.isBan());
    Instant until = Instant.ofEpochMilli(NOW).plus(Duration.ofMinutes(10));
    assertEquals(until, e.bannedUntil().orElseThrow());
    assertTrue(e.retryAfter().orElseThrow().compareTo(Duration.ofMinutes(10)) >= 0);
    assertTrue(e.getMessage().contains("access too frequent"), e.getMessage());
    assertEquals(List.of(new RecordingLimits.Pause("bybit", until)), limits.bans());
    assertTrue(limits.pauses().isEmpty());
  }

  @Test
  void httpErrorsAndHtmlPages() {
    OhlcvException gateway =
        failWith(response(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"));
    assertInstanceOf(SourceUnavailableException.class, gateway);
    assertTrue(gateway.isRetryable());
    assertTrue(gateway.getMessage().contains("502 Bad Gateway"), gateway.getMessage());
    OhlcvException html =
        failWith(response(200, "<!DOCTYPE html><html><title>Maintenance</title>"));
    assertInstanceOf(DataFormatException.class, html);
    assertTrue(html.getMessage().contains("HTML"), html.getMessage());
    OhlcvException missing = failWith(response(404, ""));
    assertInstanceOf(SourceUnavailableException.class, missing);
    assertFalse(missing.isRetryable());
    assertTrue(missing.getMessage().contains("baseUrl"), missing.getMessage());
    assertInstanceOf(RateLimitException.class, failWith(response(429, "")));
    OhlcvException noCode = failWith(response(200, "{\"result\":{\"list\":[]}}"));
    assertInstanceOf(DataFormatException.class, noCode);
    assertTrue(noCode.getMessage().contains("retCode"), noCode.getMessage());
  }

  @Test
  void aTruncatedBodySaysWhereAndMayBeRetried() {
    String whole = page(market, DAY);
    OhlcvException e = failWith(response(200, whole.substring(0, whole.length() - 30)));
    assertInstanceOf(DataFormatException.class, e);
    assertTrue(e.isRetryable(), e.getMessage());
    assertTrue(e.getMessage().contains("row 0"), e.getMessage());
  }

  @Test
  void aConnectionCutInTheBodyIsRetryable() {
    String body = page(market, DAY);
    MockResponse cut =
        new MockResponse.Builder()
            .setHeader("Date", "Sat, 01 Jun 2024 12:34:56 GMT")
            .body(body)
            .setHeader("Content-Length", Integer.toString(body.length() + 500))
            .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
            .build();
    OhlcvException e = failWith(cut);
    assertInstanceOf(SourceUnavailableException.class, e);
    assertTrue(e.isRetryable(), e.getMessage());
  }

  @Test
  void aSlowAnswerTimesOut() {
    http = http.newBuilder().readTimeout(200, TimeUnit.MILLISECONDS).build();
    OhlcvException e =
        failWith(
            response(200, page(market, DAY))
                .newBuilder()
                .throttleBody(16, 1, TimeUnit.SECONDS)
                .build());
    assertInstanceOf(SourceUnavailableException.class, e);
    assertTrue(e.isRetryable());
    assertTrue(e.getMessage().contains("Timed out"), e.getMessage());
  }

  @Test
  void aRetryRepeatsTheSameWindowAndGoesOn() {
    BybitSource s = source(BybitSource.Category.LINEAR, 10);
    venue.then(response(200, page(market, DAY + 9 * 60_000L, DAY)));
    venue.then(response(200, envelope(10016, "Server error.")));
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source(s)
            .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(1), 3))
            .build()) {
      CandleSeries c = client.fetch(query("BYBIT:BTCUSDT.P", Interval.M1, DAY, DAY + 25 * 60_000L));
      FakeMarket.Bar first = market.bar(DAY);
      assertEquals(FakeMarket.Bar.price(first.o()), c.open(0));
      // Window 1 came back with 2 of its 10 rows (as the venue sent them); windows 2 and 3 whole.
      assertEquals(2 + 10 + 5, c.size());
    }
    List<HttpUrl> r = venue.requests();
    assertEquals(4, r.size());
    assertEquals(r.get(1), r.get(2), "the retry repeats the failed request");
    assertEquals(Long.toString(DAY + 10 * 60_000L), r.get(1).queryParameter("start"));
  }

  @Test
  void aLongBackfillReportsProgressAndStreamsLazily() {
    BybitSource s = source(BybitSource.Category.LINEAR, 100);
    List<OhlcvEventListener.Progress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    OhlcvEventListener listener =
        new OhlcvEventListener() {
          @Override
          public void progress(Fetch fetch, OhlcvEventListener.Progress p) {
            progress.add(p);
          }
        };
    OhlcvQuery q = query("BYBIT:BTCUSDT.P", Interval.M1, DAY, DAY + 1000 * 60_000L);
    try (OhlcvClient client = OhlcvClient.builder().source(s).eventListener(listener).build()) {
      assertEquals(1000, client.fetch(q).size());
      assertEquals(10, progress.size());
      for (int i = 0; i < 10; i++) {
        assertEquals(i + 1, progress.get(i).pages());
        assertEquals(9 - i, progress.get(i).remainingPages());
        assertEquals((i + 1) * 100L, progress.get(i).rows());
      }
      assertEquals(1.0, progress.get(9).fraction().orElseThrow());

      int before = venue.requests().size();
      try (java.util.stream.Stream<io.github.ohlcv4j.Candle> candles = client.stream(q)) {
        assertEquals(150, candles.limit(150).count());
      }
      int sent = venue.requests().size() - before;
      assertTrue(sent <= 3, "150 candles of 1000 took " + sent + " requests of 100");
    }
  }

  @Test
  void cancellingAPageCancelsItsCallAndTheCursorStaysPut() throws Exception {
    BybitSource s = source(BybitSource.Category.LINEAR, 1000);
    venue.then(
        response(200, page(market, DAY)).newBuilder().headersDelay(1, TimeUnit.SECONDS).build());
    try (PageCursor cursor = s.cursor(query("BYBIT:BTCUSDT.P", Interval.M1, DAY, DAY + 60_000L))) {
      CompletableFuture<Page> first = cursor.next();
      server.takeRequest(5, TimeUnit.SECONDS); // the slow answer is under way
      first.cancel(true);
      assertThrows(CancellationException.class, first::join);
      assertTrue(cursor.hasNext());
      Page page = cursor.next().get(5, TimeUnit.SECONDS);
      assertEquals(1, page.candles().size());
      assertEquals(Instant.ofEpochMilli(NOW), page.serverTime().orElseThrow());
      assertFalse(cursor.hasNext());
    }
    List<HttpUrl> r = venue.requests();
    assertEquals(r.get(0), r.get(1));
  }

  @Test
  void healthAsksForTheServerTime() {
    BybitSource s = source(BybitSource.Category.SPOT, 1000);
    venue.then(response(200, "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{},\"time\":1}"));
    assertTrue(s.health().isUp());
    assertEquals("/v5/market/time", venue.requests().get(0).encodedPath());
    venue.then(response(403, "403, access too frequent"));
    assertEquals(io.github.ohlcv4j.source.Health.Status.DEGRADED, s.health().status());
  }

  @Test
  void capabilitiesDescribeTheVenue() {
    BybitSource s = BybitSource.create(BybitSource.Category.INVERSE);
    assertEquals("bybit:inverse", s.name());
    assertEquals(Set.of("BYBIT"), s.capabilities().venues());
    assertEquals("bybit", s.capabilities().rateLimitGroup());
    assertTrue(s.capabilities().newestFirst());
    assertEquals(1000, s.capabilities().maxRowsPerRequest());
    assertEquals(
        io.github.ohlcv4j.resilience.RateLimitPolicy.of(50, Duration.ofMillis(500)),
        s.capabilities().rateLimit().orElseThrow());
    assertTrue(s.capabilities().supports(Interval.MN1));
    assertFalse(s.capabilities().supports(Interval.parse("2d")));
    assertEquals(BybitSource.DEFAULT_BASE_URL + "/", s.baseUrl());
    assertThrows(
        IllegalArgumentException.class,
        () -> BybitSource.builder(BybitSource.Category.SPOT).pageSize(1001));
    assertThrows(
        IllegalArgumentException.class,
        () -> BybitSource.builder(BybitSource.Category.SPOT).baseUrl("ftp://x"));
  }
}
