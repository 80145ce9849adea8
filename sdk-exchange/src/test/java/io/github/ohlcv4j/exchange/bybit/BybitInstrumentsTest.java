package io.github.ohlcv4j.exchange.bybit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.Instruments;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.exchange.RecordingLimits;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.VenueLimits;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * {@link BybitSource#instruments()} against {@code /v5/market/instruments-info} as Bybit sends it.
 */
class BybitInstrumentsTest extends VenueTest {

  private final VirtualTime time = new VirtualTime(Instant.ofEpochMilli(NOW));

  static final String LINEAR_PAGE_1 =
      "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\",\"list\":["
          + "{\"symbol\":\"BTCUSDT\",\"contractType\":\"LinearPerpetual\",\"status\":\"Trading\","
          + "\"baseCoin\":\"BTC\",\"quoteCoin\":\"USDT\",\"launchTime\":\"1584230400000\","
          + "\"deliveryTime\":\"0\",\"deliveryFeeRate\":\"\",\"priceScale\":\"2\","
          + "\"leverageFilter\":{\"minLeverage\":\"1\",\"maxLeverage\":\"100.00\",\"leverageStep\":\"0.01\"},"
          + "\"priceFilter\":{\"minPrice\":\"0.10\",\"maxPrice\":\"1999999.80\",\"tickSize\":\"0.10\"},"
          + "\"lotSizeFilter\":{\"maxOrderQty\":\"1190.000\",\"minOrderQty\":\"0.001\",\"qtyStep\":\"0.001\","
          + "\"postOnlyMaxOrderQty\":\"1190.000\",\"maxMktOrderQty\":\"500.000\",\"minNotionalValue\":\"5\"},"
          + "\"unifiedMarginTrade\":true,\"fundingInterval\":480,\"settleCoin\":\"USDT\","
          + "\"copyTrading\":\"both\",\"upperFundingRate\":\"0.00375\",\"lowerFundingRate\":\"-0.00375\","
          + "\"isPreListing\":false,\"preListingInfo\":null},"
          + "{\"symbol\":\"BTCUSDT-27DEC24\",\"contractType\":\"LinearFutures\",\"status\":\"Trading\","
          + "\"baseCoin\":\"BTC\",\"quoteCoin\":\"USDT\",\"launchTime\":\"1719561600000\","
          + "\"deliveryTime\":\"1735286400000\",\"deliveryFeeRate\":\"0.0005\",\"priceScale\":\"2\","
          + "\"priceFilter\":{\"minPrice\":\"0.50\",\"maxPrice\":\"1999999.00\",\"tickSize\":\"0.50\"},"
          + "\"lotSizeFilter\":{\"maxOrderQty\":\"500.000\",\"minOrderQty\":\"0.001\",\"qtyStep\":\"0.001\"},"
          + "\"settleCoin\":\"USDT\"}"
          + "],\"nextPageCursor\":\"first%3DBTCUSDT%26last%3DBTCUSDT-27DEC24\"},"
          + "\"retExtInfo\":{},\"time\":1717245296000}";

  static final String LINEAR_PAGE_2 =
      "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\",\"list\":["
          + "{\"symbol\":\"NEWUSDT\",\"contractType\":\"LinearPerpetual\",\"status\":\"PreLaunch\","
          + "\"baseCoin\":\"NEW\",\"quoteCoin\":\"USDT\",\"launchTime\":\"1717372800000\","
          + "\"priceFilter\":{\"minPrice\":\"0.0001\",\"maxPrice\":\"199.9998\",\"tickSize\":\"0.0001\"},"
          + "\"lotSizeFilter\":{\"maxOrderQty\":\"100000\",\"minOrderQty\":\"1\",\"qtyStep\":\"1\"}}"
          + "],\"nextPageCursor\":\"\"},\"retExtInfo\":{},\"time\":1717245296100}";

  static final String SPOT =
      "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"spot\",\"list\":["
          + "{\"symbol\":\"BTCUSDT\",\"baseCoin\":\"BTC\",\"quoteCoin\":\"USDT\",\"innovation\":\"0\","
          + "\"status\":\"Trading\",\"marginTrading\":\"utaOnly\",\"stTag\":\"0\","
          + "\"lotSizeFilter\":{\"basePrecision\":\"0.000001\",\"quotePrecision\":\"0.00000001\","
          + "\"minOrderQty\":\"0.000048\",\"maxOrderQty\":\"71.73956243\",\"minOrderAmt\":\"1\","
          + "\"maxOrderAmt\":\"2000000\"},"
          + "\"priceFilter\":{\"tickSize\":\"0.01\"},"
          + "\"riskParameters\":{\"priceLimitRatioX\":\"0.01\",\"priceLimitRatioY\":\"0.02\"}}"
          + "]},\"retExtInfo\":{},\"time\":1717245296000}";

  private BybitSource source(BybitSource.Category category, SourceContext context) {
    return BybitSource.builder(category).baseUrl(base()).context(context).build();
  }

  private SourceContext timed(VenueLimits venueLimits) {
    return SourceContext.builder()
        .clock(time)
        .component(OkHttpClient.class, http)
        .component(VenueLimits.class, venueLimits)
        .build();
  }

  @Test
  void followsTheCursorAndReadsEveryField() throws Exception {
    server.enqueue(response(200, LINEAR_PAGE_1));
    server.enqueue(response(200, LINEAR_PAGE_2));
    Instruments all = source(BybitSource.Category.LINEAR, context()).instruments();

    assertEquals(3, all.size());
    assertEquals("bybit:linear", all.source());
    assertEquals(Instant.ofEpochMilli(NOW), all.fetchedAt());
    Instrument perp = all.bySymbol("BYBIT:BTCUSDT.P").orElseThrow();
    assertEquals(Instrument.Type.PERPETUAL, perp.type());
    assertEquals("BTC", perp.base());
    assertEquals("USDT", perp.quote());
    assertEquals(Instrument.Status.TRADING, perp.status());
    assertEquals("Trading", perp.venueStatus());
    assertEquals(OptionalDouble.of(0.1), perp.priceTick());
    assertEquals(OptionalDouble.of(0.001), perp.sizeStep());
    assertEquals(Optional.of(Instant.ofEpochMilli(1584230400000L)), perp.listedAt());

    Instrument dated = all.bySymbol("BYBIT:BTCUSDT-27DEC24").orElseThrow();
    assertEquals(Instrument.Type.FUTURE, dated.type());
    assertEquals(List.of(perp, dated), all.find("btc", "usdt"));
    assertEquals(Optional.of(perp), all.find("BTC", "USDT", Instrument.Type.PERPETUAL));
    Instrument fresh = all.bySymbol("BYBIT:NEWUSDT.P").orElseThrow();
    assertEquals(Instrument.Status.PRE_LAUNCH, fresh.status());
    assertFalse(fresh.trading());

    RecordedRequest first = server.takeRequest();
    assertEquals("/v5/market/instruments-info", first.getUrl().encodedPath());
    assertEquals("linear", first.getUrl().queryParameter("category"));
    assertEquals("1000", first.getUrl().queryParameter("limit"));
    assertEquals(null, first.getUrl().queryParameter("cursor"));
    RecordedRequest second = server.takeRequest();
    assertEquals(
        "first%3DBTCUSDT%26last%3DBTCUSDT-27DEC24", second.getUrl().queryParameter("cursor"));
  }

  @Test
  void spotTakesBasePrecisionAsTheSizeStepAndHasNoListingTime() throws Exception {
    server.enqueue(response(200, SPOT));
    Instruments all = source(BybitSource.Category.SPOT, context()).instruments();
    Instrument btc = all.bySymbol("BYBIT:BTCUSDT").orElseThrow();
    assertEquals(Instrument.Type.SPOT, btc.type());
    assertEquals(OptionalDouble.of(0.000001), btc.sizeStep());
    assertEquals(OptionalDouble.of(0.01), btc.priceTick());
    assertEquals(Optional.empty(), btc.listedAt());
    assertTrue(all.bySymbol("BYBIT:BTCUSDT.P").isEmpty(), "spot lists no perpetual");
    RecordedRequest r = server.takeRequest();
    assertEquals("spot", r.getUrl().queryParameter("category"));
    assertEquals(null, r.getUrl().queryParameter("limit"), "spot takes no paging");
  }

  @Test
  void keepsTheListForItsTtlByTheContextClock() {
    server.enqueue(response(200, SPOT));
    server.enqueue(response(200, SPOT));
    BybitSource s =
        BybitSource.builder(BybitSource.Category.SPOT)
            .baseUrl(base())
            .context(timed(VenueLimits.none()))
            .instrumentsTtl(Duration.ofMinutes(10))
            .build();
    Instruments first = s.instruments();
    time.advance(Duration.ofMinutes(10).minusMillis(1));
    assertSame(first, s.instruments(), "still fresh");
    assertEquals(1, server.getRequestCount());
    time.advance(Duration.ofMillis(1));
    Instruments second = s.instruments();
    assertEquals(2, server.getRequestCount(), "asked again once the TTL passed");
    assertEquals(first.fetchedAt().plus(Duration.ofMinutes(10)), second.fetchedAt());
    assertEquals(Duration.ofMinutes(10), s.newBuilder().build().instrumentsTtl());
  }

  @Test
  void aZeroTtlAsksEveryTimeAndAFailedLoadIsNotKept() {
    server.enqueue(response(200, "{\"retCode\":10016,\"retMsg\":\"Server error\",\"result\":{}}"));
    server.enqueue(response(200, SPOT));
    server.enqueue(response(200, SPOT));
    BybitSource s =
        BybitSource.builder(BybitSource.Category.SPOT)
            .baseUrl(base())
            .context(timed(VenueLimits.none()))
            .instrumentsTtl(Duration.ZERO)
            .build();
    assertThrows(io.github.ohlcv4j.SourceUnavailableException.class, s::instruments);
    s.instruments();
    s.instruments();
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void aRetCodeInTheEnvelopeIsTheVenuesTypedError() {
    server.enqueue(
        response(
            200,
            "{\"retCode\":10001,\"retMsg\":\"params error: symbol invalid\",\"result\":{},"
                + "\"retExtInfo\":{},\"time\":1717245296000}"));
    SymbolNotFoundException e =
        assertThrows(
            SymbolNotFoundException.class,
            () -> source(BybitSource.Category.LINEAR, context()).instruments());
    assertEquals("10001", e.venueCode().orElseThrow());
    assertTrue(e.getMessage().contains("params error: symbol invalid"), e.getMessage());
  }

  @Test
  void aRateLimitWaitsForTheResetAndIsReportedToTheVenueBudget() {
    long reset = NOW + 1500;
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Date", FakeVenue.httpDate(NOW))
            .setHeader("X-Bapi-Limit", "10")
            .setHeader("X-Bapi-Limit-Status", "0")
            .setHeader("X-Bapi-Limit-Reset-Timestamp", Long.toString(reset))
            .body(
                "{\"retCode\":10006,\"retMsg\":\"Too many visits!\",\"result\":{},"
                    + "\"retExtInfo\":{},\"time\":"
                    + NOW
                    + "}")
            .build());
    RateLimitException e =
        assertThrows(
            RateLimitException.class,
            () -> source(BybitSource.Category.LINEAR, context()).instruments());
    assertEquals(Optional.of(Duration.ofMillis(1500)), e.retryAfter());
    assertEquals(
        List.of(new RecordingLimits.Pause("bybit", Instant.ofEpochMilli(reset))), limits.pauses());
    assertFalse(limits.usage().isEmpty(), "the limit headers were reported");
  }

  @Test
  void a403IsAnIpBanReportedToTheVenueBudget() {
    server.enqueue(response(403, "access too frequent"));
    RateLimitException e =
        assertThrows(
            RateLimitException.class,
            () -> source(BybitSource.Category.SPOT, context()).instruments());
    assertTrue(e.isBan());
    assertEquals(
        List.of(
            new RecordingLimits.Pause("bybit", Instant.ofEpochMilli(NOW).plus(BybitErrors.IP_BAN))),
        limits.bans());
  }

  @Test
  void aClientDoesNotAskAVenueThatBannedItUntilTheBanEnds() {
    server.enqueue(response(403, "access too frequent"));
    server.enqueue(response(200, SPOT));
    try (OhlcvClient client =
        OhlcvClient.builder()
            .clock(time)
            .okHttpClient(http)
            .source("bybit:spot?baseUrl=" + base())
            .build()) {
      RateLimitException first =
          assertThrows(RateLimitException.class, () -> client.instruments("BYBIT"));
      assertTrue(first.isBan());
      RateLimitException held =
          assertThrows(RateLimitException.class, () -> client.instruments("bybit"));
      assertTrue(held.isBan());
      assertTrue(held.getMessage().contains("not asked"), held.getMessage());
      assertEquals(Optional.of(BybitErrors.IP_BAN), held.retryAfter());
      assertEquals(1, server.getRequestCount(), "nothing sent during the ban");
      time.advance(BybitErrors.IP_BAN);
      assertEquals(1, client.instruments("BYBIT").size());
      assertEquals(2, server.getRequestCount());
    }
  }

  @Test
  void aTruncatedBodyIsARetryableFormatErrorThatSaysWhere() {
    server.enqueue(response(200, LINEAR_PAGE_2.substring(0, 150)));
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> source(BybitSource.Category.LINEAR, context()).instruments());
    assertTrue(e.isRetryable(), e.getMessage());
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    assertTrue(e.getMessage().contains("row 0"), e.getMessage());
  }

  @Test
  void anInstrumentWithoutItsBaseCoinFailsNamingTheRow() {
    server.enqueue(
        response(
            200,
            "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"spot\",\"list\":["
                + "{\"symbol\":\"BTCUSDT\",\"baseCoin\":\"BTC\",\"quoteCoin\":\"USDT\",\"status\":\"Trading\"},"
                + "{\"symbol\":\"ETHUSDT\",\"quoteCoin\":\"USDT\",\"status\":\"Trading\"}]}}"));
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> source(BybitSource.Category.SPOT, context()).instruments());
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    assertTrue(e.getMessage().contains("\"baseCoin\""), e.getMessage());
  }

  @Test
  void aCursorThatComesBackIsRefusedRatherThanFollowedForEver() {
    String loop = LINEAR_PAGE_1;
    server.enqueue(response(200, loop));
    server.enqueue(response(200, loop));
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> source(BybitSource.Category.LINEAR, context()).instruments());
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void aBodyWithoutTheEnvelopeSaysToCheckTheBaseUrl() {
    server.enqueue(response(200, "{\"list\":[]}"));
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> source(BybitSource.Category.SPOT, context()).instruments());
    assertTrue(e.getMessage().contains("check baseUrl"), e.getMessage());
  }

  @Test
  void aSourceThatListsNothingSaysSo() {
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> io.github.ohlcv4j.source.SampleSource.create().instruments());
    assertTrue(e.getMessage().contains("does not list instruments"), e.getMessage());
  }
}
