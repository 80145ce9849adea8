package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.exchange.FakeBinance;
import io.github.ohlcv4j.exchange.FakeBybit;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The common HTTP faults on Bybit and Binance, through the client: a three-page query whose second
 * request fails. Each row ends with the fault-free series, or the expected typed error and no
 * series.
 */
@Timeout(60)
class HttpFaultsTest extends ClientFaultTest {

  private FakeVenue venue;

  private String open(String name) {
    if (name.equals("bybit")) {
      venue = new FakeBybit(market, MARKET_NOW, Set.of("BTCUSDT"));
    } else {
      venue = new FakeBinance(market, MARKET_NOW, Set.of("BTCUSDT"));
    }
    venue.clock(System::currentTimeMillis);
    server.setDispatcher(venue);
    return uri(name, base());
  }

  private static String uri(String name, String base) {
    return (name.equals("bybit") ? "bybit:linear" : "binance:spot")
        + "?baseUrl="
        + base
        + "&pageSize=100";
  }

  /** 250 candles in three pages of 100. */
  private static OhlcvQuery query(String name) {
    return query(name.equals("bybit") ? "BYBIT:BTCUSDT.P" : "BINANCE:BTCUSDT", Duration.ZERO, 250);
  }

  /** A body in another format than JSON, with its own content type. */
  private static Fault csvBody() {
    return new Fault(
        "text/csv body",
        r ->
            r.newBuilder()
                .setHeader("Content-Type", "text/csv")
                .body("openTime,open,high,low,close,volume\n1714521600000,1,2,0.5,1.5,10\n")
                .build());
  }

  static Stream<Arguments> healed() {
    return Stream.of("bybit", "binance")
        .flatMap(
            v ->
                Stream.of(
                        Fault.status(500),
                        Fault.status(502),
                        Fault.status(503),
                        Fault.htmlPage(502),
                        Fault.resetMidBody(),
                        Fault.slowBody(64, READ_TIMEOUT.multipliedBy(2)),
                        Fault.truncatedBody(),
                        Fault.emptyBody())
                    .map(f -> Arguments.of(v, f)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("healed")
  void aRetryHealsIt(String name, Fault fault) {
    String uri = open(name);
    OhlcvQuery q = query(name);
    CandleSeries expected = faultFree(q, uri);
    int before = venue.hits().size();
    venue.faults(Fault.none(), fault);
    try (OhlcvClient client = client(uri).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(4, hits.size());
    assertEquals(hits.get(1).url(), hits.get(2).url(), "the retry repeats the request");
    assertEquals(1, events.retries().size());
    assertTrue(events.retries().get(0).cause().isRetryable());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("venues")
  void aBurstOfServerErrorsIsRiddenOut(String name) {
    String uri = open(name);
    OhlcvQuery q = query(name);
    CandleSeries expected = faultFree(q, uri);
    venue.faults(Fault.none(), Fault.status(500), Fault.status(502), Fault.status(503));
    try (OhlcvClient client = client(uri).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
    }
    assertEquals(3, events.retries().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("venues")
  void aBurstLongerThanTheAttemptsFailsWithNoSeries(String name) {
    String uri = open(name);
    venue.faults(
        Fault.none(), Fault.status(503), Fault.status(503), Fault.status(503), Fault.status(502));
    try (OhlcvClient client = client(uri).retryPolicy(FAST).build()) {
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, () -> client.fetch(query(name)));
      assertTrue(e.getMessage().contains("HTTP 502"), e.getMessage());
      assertEquals(5, venue.hits().size());
      assertTrue(events.fetchEnds().isEmpty());
      assertEquals(1, events.fetchFailures().size());
    }
  }

  static Stream<String> venues() {
    return Stream.of("bybit", "binance");
  }

  static Stream<Arguments> notRetried() {
    return Stream.of("bybit", "binance")
        .flatMap(
            v ->
                Stream.of(
                    Arguments.of(v, Fault.htmlPage(200), "HTML"),
                    Arguments.of(v, Fault.wrongContentType(), "{\"status\":\"ok\""),
                    Arguments.of(v, csvBody(), "openTime,open")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("notRetried")
  void aBodyThatIsNotTheVenuesFailsAtOnceSayingWhatCame(String name, Fault fault, String saying) {
    String uri = open(name);
    venue.faults(Fault.none(), fault);
    try (OhlcvClient client = client(uri).retryPolicy(FAST).build()) {
      DataFormatException e =
          assertThrows(DataFormatException.class, () -> client.fetch(query(name)));
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains(saying), e.getMessage());
      assertEquals(2, venue.hits().size());
      assertTrue(events.retries().isEmpty());
      assertTrue(events.fetchEnds().isEmpty());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("venues")
  void anUnknownHostFailsAtOnceSayingWhatToCheck(String name) {
    try (OhlcvClient client =
        client(uri(name, "http://no-such-host.invalid/")).retryPolicy(FAST).build()) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> client.fetch(query(name)));
      assertInstanceOf(SourceUnavailableException.class, e);
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
      assertTrue(e.getMessage().contains("DNS"), e.getMessage());
      assertTrue(events.retries().isEmpty());
    }
  }
}
