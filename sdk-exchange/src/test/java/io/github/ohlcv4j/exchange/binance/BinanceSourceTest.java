package io.github.ohlcv4j.exchange.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.FakeBinance;
import io.github.ohlcv4j.exchange.FakeMarket;
import io.github.ohlcv4j.exchange.RecordingLimits;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.source.PageCursor;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class BinanceSourceTest extends VenueTest {

  private static final long DAY = ms("2024-05-01T00:00:00Z");
  private static final long M = 60_000L;

  private FakeMarket market = new FakeMarket(Interval.M1, ms("2024-01-01T00:00:00Z"));
  private FakeBinance venue;

  private BinanceSource source(BinanceSource.Market m) {
    venue = new FakeBinance(market, NOW, Set.of("BTCUSDT"));
    server.setDispatcher(venue);
    return BinanceSource.builder(m).baseUrl(base()).context(context()).build();
  }

  private static OhlcvQuery query(String symbol, Interval i, long from, long to) {
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(i)
        .between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to))
        .build();
  }

  @Test
  void spotPagesByStartTimeAfterTheLastCandle() {
    BinanceSource s = source(BinanceSource.Market.SPOT);
    long end = DAY + 2500 * M;
    CandleSeries c = s.fetch(query("BINANCE:BTCUSDT", Interval.M1, DAY, end));

    FakeMarket.assertSame(market.bars(DAY, end, NOW), c);
    List<HttpUrl> r = venue.requests();
    assertEquals(3, r.size());
    for (int i = 0; i < 3; i++) {
      assertEquals("/api/v3/klines", r.get(i).encodedPath());
      assertEquals(Long.toString(DAY + i * 1000 * M), r.get(i).queryParameter("startTime"));
      assertEquals(Long.toString(end - 1), r.get(i).queryParameter("endTime"));
      assertEquals("1m", r.get(i).queryParameter("interval"));
    }
    assertEquals("1000", r.get(0).queryParameter("limit"));
    assertEquals("500", r.get(2).queryParameter("limit"));
    FakeMarket.Bar b = market.bar(DAY);
    assertEquals(DAY + M - 1, (long) c.extra(ExtraColumn.CLOSE_TIME, 0));
    assertEquals(b.trades(), (long) c.extra(ExtraColumn.TRADE_COUNT, 0));
    assertEquals(b.volumeUnits() / 2000.0, c.extra(ExtraColumn.TAKER_BUY_VOLUME, 0));
    assertEquals(b.turnoverUnits() / 20_000.0, c.extra(ExtraColumn.TAKER_BUY_QUOTE_VOLUME, 0));
  }

  @Test
  void futuresPickThePageSizeWithTheLeastWeightPerCandle() throws Exception {
    BinanceSource s = source(BinanceSource.Market.USDM);
    List<Integer> weights = new ArrayList<>();
    List<Integer> rows = new ArrayList<>();
    try (PageCursor cursor =
        s.cursor(query("BINANCE:BTCUSDT.P", Interval.M1, DAY, DAY + 1050 * M))) {
      while (cursor.hasNext()) {
        weights.add(cursor.nextWeight());
        rows.add(cursor.next().get(5, TimeUnit.SECONDS).candles().size());
      }
    }
    assertEquals(List.of(499, 499, 52), rows);
    assertEquals(List.of(2, 2, 1), weights);
    List<HttpUrl> r = venue.requests();
    assertEquals("/fapi/v1/klines", r.get(0).encodedPath());
    assertEquals("499", r.get(0).queryParameter("limit"));
    assertEquals("52", r.get(2).queryParameter("limit"));
    assertEquals(5, venue.usedWeight());
    List<RecordingLimits.Usage> u = limits.usage();
    assertEquals(3, u.size());
    Instant nextMinute = Instant.ofEpochMilli(NOW - NOW % M + M);
    assertEquals(new RecordingLimits.Usage("binance:usdm", 5, 2400, nextMinute), u.get(2));
    assertEquals(499, s.pageSize());
    assertEquals(10, BinanceSource.Market.USDM.weight(1500));
    assertEquals(5, BinanceSource.Market.USDM.weight(1000));
    assertEquals(2, BinanceSource.Market.SPOT.weight(1));
  }

  @Test
  void aRangeStartingBeforeTheListingCostsNoEmptyRequests() {
    market = new FakeMarket(Interval.M1, DAY + 100 * M);
    BinanceSource s = source(BinanceSource.Market.SPOT);
    long from = DAY - 300 * 86_400_000L; // ten months before the listing
    CandleSeries c = s.fetch(query("BINANCE:BTCUSDT", Interval.M1, from, DAY + 200 * M));
    FakeMarket.assertSame(market.bars(from, DAY + 200 * M, NOW), c);
    assertEquals(100, c.size());
    assertEquals(1, venue.requests().size());
  }

  @Test
  void gapsAreKeptAndAShortPageEndsTheRange() {
    market = market.gap(DAY + 10 * M, DAY + 990 * M);
    BinanceSource s = source(BinanceSource.Market.SPOT);
    CandleSeries c = s.fetch(query("BINANCE:BTCUSDT", Interval.M1, DAY, DAY + 1500 * M));
    FakeMarket.assertSame(market.bars(DAY, DAY + 1500 * M, NOW), c);
    assertEquals(520, c.size());
    assertEquals(1, venue.requests().size(), "520 of 1000 candles: nothing more to ask for");
  }

  @Test
  void rangesUpToNowEndWithTheCandleInProgress() {
    BinanceSource s = source(BinanceSource.Market.SPOT);
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("BINANCE:BTCUSDT")
            .interval(Interval.M1)
            .from(Instant.ofEpochMilli(NOW - 1500 * M))
            .completeOnly()
            .build();
    CandleSeries c = s.fetch(q);
    long current = NOW - NOW % M;
    // From mid-minute: the 1500 candles opening after it end with the one in progress, dropped.
    assertEquals(1499, c.size());
    assertEquals(current - M, c.openTimeMillis(c.size() - 1));
    assertEquals(2, venue.requests().size());
  }

  @Test
  void calendarCandlesAtAFixedOffsetUseTheTimeZoneParameterOnSpot() {
    ZoneOffset plus8 = ZoneOffset.ofHours(8);
    market = new FakeMarket(Interval.D1, plus8, ms("2024-01-01T00:00:00Z"));
    BinanceSource s = source(BinanceSource.Market.SPOT);
    OhlcvQuery q =
        query(
                "BINANCE:BTCUSDT",
                Interval.D1,
                ms("2024-05-01T00:00:00Z"),
                ms("2024-05-11T00:00:00Z"))
            .newBuilder()
            .zone(plus8)
            .build();
    CandleSeries c = s.fetch(q);
    FakeMarket.assertSame(
        market.bars(ms("2024-05-01T00:00:00Z"), ms("2024-05-11T00:00:00Z"), NOW), c);
    assertEquals(ms("2024-05-01T16:00:00Z"), c.openTimeMillis(0));
    assertEquals("8", venue.requests().get(0).queryParameter("timeZone"));
    assertEquals("5:45", BinanceSource.binanceOffset(ZoneOffset.ofHoursMinutes(5, 45)));
    assertEquals("-3:30", BinanceSource.binanceOffset(ZoneOffset.ofHoursMinutes(-3, -30)));

    BinanceSource futures =
        BinanceSource.builder(BinanceSource.Market.USDM).baseUrl(base()).context(context()).build();
    assertThrows(
        InvalidQueryException.class,
        () -> futures.fetch(q.newBuilder().symbol("BINANCE:BTCUSDT.P").build()));
  }

  @Test
  void checksTheQueryBeforeSendingAnything() {
    BinanceSource spot = source(BinanceSource.Market.SPOT);
    BinanceSource futures =
        BinanceSource.builder(BinanceSource.Market.USDM).baseUrl(base()).context(context()).build();
    long end = DAY + M;
    assertThrows(
        UnsupportedIntervalException.class,
        () -> futures.fetch(query("BINANCE:BTCUSDT.P", Interval.parse("1s"), DAY, end)));
    assertThrows(
        UnsupportedIntervalException.class,
        () -> spot.fetch(query("BINANCE:BTCUSDT", Interval.parse("3d"), DAY, end)));
    InvalidQueryException perpOnSpot =
        assertThrows(
            InvalidQueryException.class,
            () -> spot.fetch(query("BINANCE:BTCUSDT.P", Interval.M1, DAY, end)));
    assertTrue(perpOnSpot.getMessage().contains("binance:usdm"), perpOnSpot.getMessage());
    assertThrows(
        InvalidQueryException.class,
        () -> futures.fetch(query("BINANCE:BTCUSDT", Interval.M1, DAY, end)));
    assertEquals(0, server.getRequestCount());
    assertTrue(spot.capabilities().supports(Interval.parse("1s")));
    assertTrue(futures.capabilities().supports(Interval.parse("8h")));
    assertEquals("binance:spot", spot.capabilities().rateLimitGroup());
    assertEquals(
        io.github.ohlcv4j.resilience.RateLimitPolicy.of(6000, Duration.ofMinutes(1)),
        spot.capabilities().rateLimit().orElseThrow());
    assertEquals(2400, futures.capabilities().rateLimit().orElseThrow().permits());
    assertThrows(
        IllegalArgumentException.class,
        () -> BinanceSource.builder(BinanceSource.Market.SPOT).pageSize(1500).build());
  }

  private OhlcvException failWith(MockResponse response) {
    BinanceSource s = source(BinanceSource.Market.SPOT);
    venue.then(response);
    return assertThrows(
        OhlcvException.class, () -> s.fetch(query("BINANCE:BTCUSDT", Interval.M1, DAY, DAY + M)));
  }

  @Test
  void venueCodesMapToTypedErrors() {
    OhlcvException symbol = failWith(response(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"));
    assertInstanceOf(SymbolNotFoundException.class, symbol);
    assertEquals("-1121", symbol.venueCode().orElseThrow());
    assertFalse(symbol.isRetryable());
    assertTrue(symbol.getMessage().contains("BINANCE:BTCUSDT 1m"), symbol.getMessage());
    OhlcvException interval =
        failWith(response(400, "{\"code\":-1120,\"msg\":\"Invalid interval.\"}"));
    assertInstanceOf(UnsupportedIntervalException.class, interval);
    OhlcvException param =
        failWith(
            response(
                400,
                "{\"code\":-1100,\"msg\":\"Illegal characters found in parameter 'symbol'\"}"));
    assertEquals(InvalidQueryException.class, param.getClass());
    OhlcvException server = failWith(response(503, "<html>Service Unavailable</html>"));
    assertInstanceOf(SourceUnavailableException.class, server);
    assertTrue(server.isRetryable());
    OhlcvException waf = failWith(response(403, "<html>403 Forbidden</html>"));
    assertInstanceOf(SourceUnavailableException.class, waf);
    assertFalse(waf.isRetryable());
    OhlcvException inBody = failWith(response(200, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"));
    assertInstanceOf(SymbolNotFoundException.class, inBody);
    OhlcvException html = failWith(response(200, "<html><body>Maintenance</body></html>"));
    assertInstanceOf(DataFormatException.class, html);
  }

  @Test
  void http429WaitsForRetryAfter() {
    RateLimitException e =
        assertInstanceOf(
            RateLimitException.class,
            failWith(
                response(
                        429,
                        "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is 6000"
                            + " request weight per 1 MINUTE. Please use WebSocket Streams for live"
                            + " updates to avoid polling the API.\"}")
                    .newBuilder()
                    .setHeader("Retry-After", "7")
                    .build()));
    assertTrue(e.isRetryable());
    assertFalse(e.isBan());
    assertEquals(Duration.ofSeconds(7), e.retryAfter().orElseThrow());
    assertEquals("-1003", e.venueCode().orElseThrow());
    assertEquals(
        List.of(new RecordingLimits.Pause("binance:spot", Instant.ofEpochMilli(NOW + 7000))),
        limits.pauses());
  }

  @Test
  void http418IsABanUntilTheTimeBinanceStates() {
    long until = NOW + 3 * 60_000L + 123;
    RateLimitException e =
        assertInstanceOf(
            RateLimitException.class,
            failWith(
                response(
                        418,
                        "{\"code\":-1003,\"msg\":\"Way too much request weight used; IP banned until "
                            + until
                            + ". Please use the websocket for live updates to avoid bans.\"}")
                    .newBuilder()
                    .setHeader("Retry-After", "181")
                    .build()));
    assertTrue(e.isBan());
    assertEquals(Instant.ofEpochMilli(until), e.bannedUntil().orElseThrow());
    assertEquals(Duration.ofSeconds(181), e.retryAfter().orElseThrow());
    assertEquals(
        List.of(new RecordingLimits.Pause("binance:spot", Instant.ofEpochMilli(until))),
        limits.bans(),
        "reported as a ban, so that requests held back meanwhile are told it is one");
    assertTrue(limits.pauses().isEmpty());
    assertTrue(e.getMessage().contains("banned until"), e.getMessage());
  }

  @Test
  void aPageThatDoesNotMoveForwardIsRefused() {
    BinanceSource s = source(BinanceSource.Market.SPOT);
    // Asked for 5 candles from DAY, the venue answers with the 5 before it.
    venue.then(response(200, rows(DAY - 5 * M, DAY - 4 * M, DAY - 3 * M, DAY - 2 * M, DAY - M)));
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> s.fetch(query("BINANCE:BTCUSDT", Interval.M1, DAY, DAY + 5 * M)));
    assertTrue(e.getMessage().contains("no candle at or after"), e.getMessage());
    assertEquals(1, venue.requests().size());
  }

  @Test
  void aRowAfterTheQuerysEndDoesNotMoveTheCursorPastTheRest() {
    BinanceSource s = source(BinanceSource.Market.SPOT);
    long end = DAY + 2000 * M;
    // The first answer holds 999 candles from DAY and, as its 1000th row, one after the end.
    long[] times = new long[1000];
    for (int i = 0; i < 999; i++) {
      times[i] = DAY + i * M;
    }
    times[999] = end + 5 * M;
    venue.then(response(200, rows(times)));
    CandleSeries c = s.fetch(query("BINANCE:BTCUSDT", Interval.M1, DAY, end));

    assertEquals(2000, c.size());
    for (int i = 0; i < c.size(); i++) {
      assertEquals(DAY + i * M, c.openTimeMillis(i));
    }
    FakeMarket.assertSame(market.bars(DAY + 999 * M, end, NOW), c.slice(999, 2000));
    List<HttpUrl> r = venue.requests();
    assertEquals(Long.toString(DAY + 999 * M), r.get(1).queryParameter("startTime"));
  }

  /** Binance rows for the market's bars at the given open times. */
  private String rows(long... times) {
    StringBuilder out = new StringBuilder("[");
    for (long t : times) {
      FakeMarket.Bar b = market.bar(t);
      out.append(out.length() == 1 ? "" : ",")
          .append('[')
          .append(t)
          .append(",\"")
          .append(FakeMarket.decimal(b.o(), 1, false))
          .append("\",\"")
          .append(FakeMarket.decimal(b.h(), 1, false))
          .append("\",\"")
          .append(FakeMarket.decimal(b.l(), 1, false))
          .append("\",\"")
          .append(FakeMarket.decimal(b.c(), 1, false))
          .append("\",\"1.0\",")
          .append(t + M - 1)
          .append(",\"1.0\",1,\"0.5\",\"0.5\",\"0\"]");
    }
    return out.append(']').toString();
  }

  @Test
  void healthPings() {
    BinanceSource s = source(BinanceSource.Market.USDM);
    venue.then(response(200, "{}"));
    assertTrue(s.health().isUp());
    assertEquals("/fapi/v1/ping", venue.requests().get(0).encodedPath());
  }
}
