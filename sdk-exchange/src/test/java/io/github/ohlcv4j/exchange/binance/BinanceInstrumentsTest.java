package io.github.ohlcv4j.exchange.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.Instruments;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.exchange.RecordingLimits;
import io.github.ohlcv4j.exchange.VenueTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** {@link BinanceSource#instruments()} against {@code exchangeInfo} as Binance sends it. */
class BinanceInstrumentsTest extends VenueTest {

  static final String SPOT =
      "{\"timezone\":\"UTC\",\"serverTime\":1717245296000,"
          + "\"rateLimits\":[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
          + "\"intervalNum\":1,\"limit\":6000}],\"exchangeFilters\":[],\"symbols\":["
          + "{\"symbol\":\"ETHBTC\",\"status\":\"TRADING\",\"baseAsset\":\"ETH\",\"baseAssetPrecision\":8,"
          + "\"quoteAsset\":\"BTC\",\"quotePrecision\":8,\"quoteAssetPrecision\":8,"
          + "\"baseCommissionPrecision\":8,\"quoteCommissionPrecision\":8,"
          + "\"orderTypes\":[\"LIMIT\",\"LIMIT_MAKER\",\"MARKET\"],\"icebergAllowed\":true,"
          + "\"ocoAllowed\":true,\"isSpotTradingAllowed\":true,\"isMarginTradingAllowed\":true,"
          + "\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.00001000\","
          + "\"maxPrice\":\"922327.00000000\",\"tickSize\":\"0.00001000\"},"
          + "{\"minQty\":\"0.00010000\",\"maxQty\":\"100000.00000000\",\"stepSize\":\"0.00010000\","
          + "\"filterType\":\"LOT_SIZE\"},"
          + "{\"filterType\":\"ICEBERG_PARTS\",\"limit\":10},"
          + "{\"filterType\":\"NOTIONAL\",\"minNotional\":\"0.00010000\",\"applyMinToMarket\":true,"
          + "\"maxNotional\":\"9000000.00000000\",\"applyMaxToMarket\":false,\"avgPriceMins\":5}],"
          + "\"permissions\":[],\"permissionSets\":[[\"SPOT\",\"MARGIN\"]],"
          + "\"defaultSelfTradePreventionMode\":\"EXPIRE_MAKER\","
          + "\"allowedSelfTradePreventionModes\":[\"EXPIRE_TAKER\",\"EXPIRE_MAKER\",\"EXPIRE_BOTH\"]},"
          + "{\"symbol\":\"LUNABTC\",\"status\":\"BREAK\",\"baseAsset\":\"LUNA\",\"quoteAsset\":\"BTC\","
          + "\"filters\":[]}"
          + "]}";

  static final String USDM =
      "{\"timezone\":\"UTC\",\"serverTime\":1717245296000,\"futuresType\":\"U_MARGINED\","
          + "\"rateLimits\":[],\"exchangeFilters\":[],"
          + "\"assets\":[{\"asset\":\"USDT\",\"marginAvailable\":true,\"autoAssetExchange\":\"-10000\"}],"
          + "\"symbols\":["
          + "{\"symbol\":\"BTCUSDT\",\"pair\":\"BTCUSDT\",\"contractType\":\"PERPETUAL\","
          + "\"deliveryDate\":4133404800000,\"onboardDate\":1569398400000,\"status\":\"TRADING\","
          + "\"maintMarginPercent\":\"2.5000\",\"requiredMarginPercent\":\"5.0000\","
          + "\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\",\"marginAsset\":\"USDT\","
          + "\"pricePrecision\":2,\"quantityPrecision\":3,\"baseAssetPrecision\":8,\"quotePrecision\":8,"
          + "\"underlyingType\":\"COIN\",\"underlyingSubType\":[\"PoW\"],\"settlePlan\":0,"
          + "\"triggerProtect\":\"0.0500\",\"liquidationFee\":\"0.012500\",\"marketTakeBound\":\"0.05\","
          + "\"maxMoveOrderLimit\":10000,"
          + "\"filters\":[{\"minPrice\":\"556.80\",\"maxPrice\":\"4529764\",\"filterType\":\"PRICE_FILTER\","
          + "\"tickSize\":\"0.10\"},{\"stepSize\":\"0.001\",\"filterType\":\"LOT_SIZE\","
          + "\"maxQty\":\"1000\",\"minQty\":\"0.001\"},{\"stepSize\":\"0.001\",\"filterType\":"
          + "\"MARKET_LOT_SIZE\",\"maxQty\":\"120\",\"minQty\":\"0.001\"}],"
          + "\"orderTypes\":[\"LIMIT\",\"MARKET\"],\"timeInForce\":[\"GTC\",\"IOC\",\"FOK\",\"GTX\"]},"
          + "{\"symbol\":\"BTCUSDT_250328\",\"pair\":\"BTCUSDT\",\"contractType\":\"CURRENT_QUARTER\","
          + "\"deliveryDate\":1743148800000,\"onboardDate\":1727337600000,\"status\":\"TRADING\","
          + "\"baseAsset\":\"BTC\",\"quoteAsset\":\"USDT\",\"marginAsset\":\"USDT\","
          + "\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"tickSize\":\"0.1\"}]},"
          + "{\"symbol\":\"OLDUSDT\",\"pair\":\"OLDUSDT\",\"contractType\":\"\","
          + "\"deliveryDate\":1700000000000,\"onboardDate\":1600000000000,\"status\":\"SETTLING\","
          + "\"baseAsset\":\"OLD\",\"quoteAsset\":\"USDT\",\"marginAsset\":\"USDT\",\"filters\":[]}"
          + "]}";

  private BinanceSource source(BinanceSource.Market m) {
    return BinanceSource.builder(m).baseUrl(base()).context(context()).build();
  }

  @Test
  void spotReadsTheFiltersWhateverTheirKeyOrder() throws Exception {
    server.enqueue(
        response(200, SPOT).newBuilder().setHeader("X-MBX-USED-WEIGHT-1M", "20").build());
    Instruments all = source(BinanceSource.Market.SPOT).instruments();
    assertEquals(2, all.size());
    Instrument eth = all.bySymbol("BINANCE:ETHBTC").orElseThrow();
    assertEquals(Instrument.Type.SPOT, eth.type());
    assertEquals("ETH", eth.base());
    assertEquals("BTC", eth.quote());
    assertEquals(OptionalDouble.of(0.00001), eth.priceTick());
    assertEquals(OptionalDouble.of(0.0001), eth.sizeStep());
    assertEquals(Optional.empty(), eth.listedAt());
    Instrument luna = all.find("LUNA", "BTC").get(0);
    assertEquals(Instrument.Status.HALTED, luna.status());
    assertEquals("BREAK", luna.venueStatus());
    assertEquals(OptionalDouble.empty(), luna.priceTick());
    assertEquals(List.of(eth, luna), all.byQuote("btc"));

    RecordedRequest r = server.takeRequest();
    assertEquals("/api/v3/exchangeInfo", r.getUrl().encodedPath());
    assertEquals(1, limits.usage().size(), "the used weight went to the venue budget");
    assertEquals(20, limits.usage().get(0).used());
  }

  @Test
  void usdmReadsContractTypesAndOnboardDates() throws Exception {
    server.enqueue(response(200, USDM));
    Instruments all = source(BinanceSource.Market.USDM).instruments();
    Instrument perp = all.bySymbol("BINANCE:BTCUSDT.P").orElseThrow();
    assertEquals(Instrument.Type.PERPETUAL, perp.type());
    assertEquals(Optional.of(Instant.ofEpochMilli(1569398400000L)), perp.listedAt());
    assertEquals(OptionalDouble.of(0.1), perp.priceTick());
    assertEquals(OptionalDouble.of(0.001), perp.sizeStep(), "LOT_SIZE, not MARKET_LOT_SIZE");
    Instrument quarter = all.bySymbol("BINANCE:BTCUSDT_250328").orElseThrow();
    assertEquals(Instrument.Type.FUTURE, quarter.type());
    assertEquals(OptionalDouble.empty(), quarter.sizeStep());
    Instrument old = all.bySymbol("BINANCE:OLDUSDT").orElseThrow();
    assertEquals(Instrument.Type.OTHER, old.type());
    assertEquals(Instrument.Status.HALTED, old.status());
    assertEquals(List.of(perp, quarter), all.find("BTC", "USDT"));
    assertEquals("/fapi/v1/exchangeInfo", server.takeRequest().getUrl().encodedPath());
  }

  @Test
  void a429WaitsAsRetryAfterSaysAndPausesTheBudget() {
    server.enqueue(
        response(
                429,
                "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is 6000"
                    + " request weight per 1 MINUTE.\"}")
            .newBuilder()
            .setHeader("Retry-After", "7")
            .build());
    RateLimitException e =
        assertThrows(
            RateLimitException.class, () -> source(BinanceSource.Market.SPOT).instruments());
    assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
    assertEquals("-1003", e.venueCode().orElseThrow());
    assertEquals(
        List.of(new RecordingLimits.Pause("binance:spot", Instant.ofEpochMilli(NOW + 7000))),
        limits.pauses());
  }

  @Test
  void a418IsABanUntilTheTimeBinanceStates() {
    long until = NOW + 120_000;
    server.enqueue(
        response(
            418,
            "{\"code\":-1003,\"msg\":\"Way too much request weight used; IP banned until "
                + until
                + ". Please use the websocket for live updates to avoid bans.\"}"));
    RateLimitException e =
        assertThrows(
            RateLimitException.class, () -> source(BinanceSource.Market.USDM).instruments());
    assertTrue(e.isBan());
    assertEquals(Instant.ofEpochMilli(until), e.bannedUntil().orElseThrow());
    assertEquals(
        List.of(new RecordingLimits.Pause("binance:usdm", Instant.ofEpochMilli(until))),
        limits.bans());
  }

  @Test
  void aMalformedFilterFailsSayingWhere() {
    server.enqueue(
        response(
            200,
            "{\"symbols\":[{\"symbol\":\"ETHBTC\",\"status\":\"TRADING\",\"baseAsset\":\"ETH\","
                + "\"quoteAsset\":\"BTC\",\"filters\":[{\"filterType\":\"PRICE_FILTER\","
                + "\"tickSize\":\"0.0x1\"}]}]}"));
    DataFormatException e =
        assertThrows(
            DataFormatException.class, () -> source(BinanceSource.Market.SPOT).instruments());
    assertTrue(e.getMessage().contains("row 0"), e.getMessage());
    assertTrue(e.getMessage().contains("field 'filters'"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte"), e.getMessage());
  }

  @Test
  void anAnswerWithoutSymbolsSaysToCheckTheBaseUrl() {
    server.enqueue(response(200, "{\"timezone\":\"UTC\",\"serverTime\":1717245296000}"));
    DataFormatException e =
        assertThrows(
            DataFormatException.class, () -> source(BinanceSource.Market.SPOT).instruments());
    assertTrue(e.getMessage().contains("no \"symbols\" array"), e.getMessage());
  }

  @Test
  void theClientListsBothMarketsOfTheVenue() {
    server.enqueue(response(200, SPOT));
    server.enqueue(response(200, USDM));
    try (OhlcvClient client =
        OhlcvClient.builder()
            .okHttpClient(http)
            .source("binance:spot?baseUrl=" + base())
            .source("binance:usdm?baseUrl=" + base())
            .build()) {
      Instruments all = client.instruments("BINANCE");
      assertEquals(5, all.size());
      assertEquals("binance:spot, binance:usdm", all.source());
      assertEquals(
          List.of("BINANCE:BTCUSDT.P", "BINANCE:BTCUSDT_250328"),
          all.find("BTC", "USDT").stream().map(i -> i.symbol().toString()).toList());
      assertThrows(
          io.github.ohlcv4j.InvalidQueryException.class, () -> client.instruments("BYBIT"));
    }
  }
}
