package io.github.ohlcv4j.exchange.polygon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.Instruments;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.exchange.RecordingLimits;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PolygonSource#instruments()} against {@code /v3/reference/tickers} as Polygon sends it:
 * pages linked by {@code next_url}, the key as the {@code apiKey} parameter, each page through the
 * client's rate limits.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PolygonInstrumentsTest extends VenueTest {

  private static final String KEY = "pk_TEST_9d2e51aa07c3";

  static String page(String nextCursor, String... rows) {
    return "{\"results\":["
        + String.join(",", rows)
        + "],\"status\":\"OK\",\"request_id\":\"e70013d92930de90e089dc8fa098888e\",\"count\":"
        + rows.length
        + (nextCursor == null
            ? ""
            : ",\"next_url\":\"https://api.polygon.io/v3/reference/tickers?cursor="
                + nextCursor
                + "\"")
        + "}";
  }

  static String stock(String ticker, String name, String exchange, boolean active) {
    return "{\"ticker\":\""
        + ticker
        + "\",\"name\":\""
        + name
        + "\",\"market\":\"stocks\",\"locale\":\"us\",\"primary_exchange\":\""
        + exchange
        + "\",\"type\":\"CS\",\"active\":"
        + active
        + ",\"currency_name\":\"usd\",\"cik\":\"0000320193\",\"composite_figi\":\"BBG000B9XRY4\","
        + "\"share_class_figi\":\"BBG001S5N8V8\",\"last_updated_utc\":\"2024-05-31T00:00:00Z\"}";
  }

  private PolygonSource source() {
    return PolygonSource.builder().baseUrl(base()).apiKey(KEY).context(context()).build();
  }

  @Test
  void followsNextUrlWithTheKeyAndReadsEveryField() throws Exception {
    server.enqueue(
        response(
            200,
            page(
                "YWN0aXZlPXRydWUmZGF0ZT0yMDI0LTA2LTAx",
                stock("A", "Agilent Technologies Inc.", "XNYS", true),
                "{\"ticker\":\"AAPL\",\"name\":\"Apple Inc.\",\"market\":\"stocks\","
                    + "\"locale\":\"us\",\"primary_exchange\":\"XNAS\",\"type\":\"CS\","
                    + "\"active\":true,\"currency_name\":\"usd\",\"list_date\":\"1980-12-12\"}")));
    server.enqueue(response(200, page(null, stock("BRK.A", "Berkshire Hathaway", "XNYS", false))));

    Instruments all = source().instruments();

    assertEquals(3, all.size());
    assertEquals("polygon", all.source());
    assertEquals(Instant.ofEpochMilli(NOW), all.fetchedAt());
    Instrument aapl = all.bySymbol("POLYGON:AAPL").orElseThrow();
    assertEquals(Instrument.Type.SPOT, aapl.type());
    assertEquals("AAPL", aapl.base());
    assertEquals("USD", aapl.quote());
    assertEquals(Instrument.Status.TRADING, aapl.status());
    assertEquals("active", aapl.venueStatus());
    assertTrue(aapl.priceTick().isEmpty(), "Polygon publishes no tick here");
    assertTrue(aapl.sizeStep().isEmpty());
    assertEquals(Optional.of(Instant.parse("1980-12-12T05:00:00Z")), aapl.listedAt());
    assertEquals(Optional.empty(), all.bySymbol("POLYGON:A").orElseThrow().listedAt());
    Instrument brk = all.find("BRK.A", "USD").get(0);
    assertEquals(Instrument.Status.CLOSED, brk.status());
    assertEquals("inactive", brk.venueStatus());

    RecordedRequest first = server.takeRequest();
    HttpUrl u = first.getUrl();
    assertEquals("/v3/reference/tickers", u.encodedPath());
    assertEquals("stocks", u.queryParameter("market"));
    assertEquals("true", u.queryParameter("active"));
    assertEquals("1000", u.queryParameter("limit"));
    assertEquals(KEY, u.queryParameter("apiKey"));
    HttpUrl next = server.takeRequest().getUrl();
    assertEquals(server.getHostName(), next.host(), "next_url is moved to the configured host");
    assertEquals("YWN0aXZlPXRydWUmZGF0ZT0yMDI0LTA2LTAx", next.queryParameter("cursor"));
    assertEquals(KEY, next.queryParameter("apiKey"), "next_url is called with the key");
  }

  @Test
  void aMissingKeyFailsBeforeAnyRequest() {
    PolygonSource s =
        PolygonSource.builder().baseUrl(base()).context(context(NOW, Map.of())).build();
    AuthenticationException e = assertThrows(AuthenticationException.class, s::instruments);
    assertTrue(e.getMessage().contains("POLYGON_API_KEY"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void refusalsAreAuthenticationErrorsWithTheKeyMasked() {
    server.enqueue(
        response(
            401, "{\"status\":\"ERROR\",\"request_id\":\"a2\",\"error\":\"Unknown API Key\"}"));
    server.enqueue(
        response(
            403,
            "{\"status\":\"NOT_AUTHORIZED\",\"request_id\":\"a3\",\"message\":\"You are not"
                + " entitled to this data. Key "
                + KEY
                + " has no reference data.\"}"));
    server.enqueue(
        response(
            200,
            "{\"status\":\"ERROR\",\"request_id\":\"a4\",\"error\":\"API Key "
                + KEY
                + " was not found\"}"));
    for (int i = 0; i < 3; i++) {
      AuthenticationException e =
          assertThrows(AuthenticationException.class, source()::instruments);
      assertFalse(e.getMessage().contains(KEY), e.getMessage());
      assertFalse(String.valueOf(e).contains(KEY), e.toString());
    }
  }

  @Test
  void aTruncatedPageIsARetryableFormatErrorThatSaysWhereAndAddsNothing() {
    String whole =
        page("c2", stock("A", "Agilent", "XNYS", true), stock("AA", "Alcoa", "XNYS", true));
    server.enqueue(response(200, whole.substring(0, whole.indexOf("\"AA\"") + 6)));
    DataFormatException e = assertThrows(DataFormatException.class, source()::instruments);
    assertTrue(e.isRetryable(), "a cut body may come whole next time");
    assertTrue(e.getMessage().contains("stock tickers"), e.getMessage());
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    assertTrue(e.getMessage().contains("cut short"), e.getMessage());
  }

  @Test
  void aMalformedRowOrABodyWithoutTheEnvelopeSaysWhere() {
    server.enqueue(
        response(
            200,
            page(
                null,
                stock("A", "Agilent", "XNYS", true),
                "{\"ticker\":\"ZZ\",\"active\":true,\"market\":\"stocks\"}")));
    DataFormatException row = assertThrows(DataFormatException.class, source()::instruments);
    assertTrue(row.getMessage().contains("\"currency_name\""), row.getMessage());
    assertTrue(row.getMessage().contains("row 1"), row.getMessage());

    server.enqueue(
        response(
            200,
            page(
                null,
                "{\"ticker\":\"A\",\"active\":true,\"currency_name\":\"usd\","
                    + "\"list_date\":\"12/12/1980\"}")));
    DataFormatException date = assertThrows(DataFormatException.class, source()::instruments);
    assertTrue(date.getMessage().contains("list_date"), date.getMessage());

    server.enqueue(response(200, "{\"tickers\":[]}"));
    DataFormatException envelope = assertThrows(DataFormatException.class, source()::instruments);
    assertTrue(envelope.getMessage().contains("check baseUrl"), envelope.getMessage());
  }

  @Test
  void aNextUrlBackToAPageAlreadyReadIsAnErrorNotALoop() {
    server.enqueue(response(200, page("c1", stock("A", "Agilent", "XNYS", true))));
    server.enqueue(response(200, page("c1", stock("AA", "Alcoa", "XNYS", true))));
    DataFormatException e = assertThrows(DataFormatException.class, source()::instruments);
    assertTrue(e.getMessage().contains("back to a page already fetched"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY), e.getMessage());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void onItsOwnA429FailsAndIsReportedToTheVenueBudget() {
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Date", FakeVenue.httpDate(NOW))
            .setHeader("Retry-After", "20")
            .body(
                "{\"status\":\"ERROR\",\"error\":\"You've exceeded the maximum requests per"
                    + " minute, please wait or upgrade your subscription to continue.\"}")
            .build());
    RateLimitException e = assertThrows(RateLimitException.class, source()::instruments);
    assertEquals(Optional.of(Duration.ofSeconds(20)), e.retryAfter());
    assertEquals(
        List.of(new RecordingLimits.Pause("polygon", Instant.ofEpochMilli(NOW + 20_000))),
        limits.pauses());
    assertEquals(1, server.getRequestCount());
  }

  // ---- through a client: the client's budget and the venue's pauses ----

  private final VirtualTime time = new VirtualTime(Instant.ofEpochMilli(NOW));
  private final ExecutorService caller = Executors.newSingleThreadExecutor();

  private OhlcvClient client(RateLimitPolicy budget) {
    return OhlcvClient.builder()
        .clock(time)
        .okHttpClient(http)
        .rateLimitPolicy(PolygonSource.RATE_LIMIT_GROUP, budget)
        .source("polygon:?baseUrl=" + base() + "&apiKey=" + KEY)
        .build();
  }

  /** Waits (spinning, not sleeping) until {@code done} or the loader has scheduled a wait. */
  private void awaitWaitOr(CompletableFuture<?> f) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    BooleanSupplier waiting = () -> time.pending() > 0 || f.isDone();
    while (!waiting.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the load neither finished nor waited");
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void everyPageWaitsForTheClientsBudgetRatherThanExceedingIt() throws Exception {
    int pages = 5;
    for (int i = 0; i < pages; i++) {
      server.enqueue(
          response(
              200,
              page(
                  i == pages - 1 ? null : "p" + (i + 1),
                  stock("T" + i, "Ticker " + i, "XNAS", true))));
    }
    List<Instant> sent = new ArrayList<>();
    try (OhlcvClient client = client(RateLimitPolicy.of(2, Duration.ofMinutes(1)))) {
      CompletableFuture<Instruments> f =
          CompletableFuture.supplyAsync(() -> client.instruments("POLYGON"), caller);
      while (!f.isDone()) {
        awaitWaitOr(f);
        while (sent.size() < server.getRequestCount()) {
          sent.add(time.instant());
        }
        if (!f.isDone()) {
          time.advance(Duration.ofSeconds(10));
        }
      }
      assertEquals(pages, f.get(10, TimeUnit.SECONDS).size());
    } finally {
      caller.shutdownNow();
    }
    assertEquals(pages, sent.size());
    for (int i = 2; i < sent.size(); i++) {
      assertTrue(
          !sent.get(i).isBefore(sent.get(i - 2).plus(Duration.ofMinutes(1))),
          "at most 2 requests a minute: " + sent);
    }
    assertTrue(time.elapsed().compareTo(Duration.ofMinutes(2)) >= 0, "waited: " + time.elapsed());
  }

  @Test
  void aPageRefusedWithA429IsSentAgainOnceTheVenuesPauseIsOver() throws Exception {
    server.enqueue(response(200, page("p1", stock("A", "Agilent", "XNYS", true))));
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .setHeader("Date", FakeVenue.httpDate(NOW))
            .setHeader("Retry-After", "30")
            .body(
                "{\"status\":\"ERROR\",\"error\":\"You've exceeded the maximum requests per"
                    + " minute, please wait or upgrade your subscription to continue.\"}")
            .build());
    server.enqueue(response(200, page(null, stock("AA", "Alcoa", "XNYS", true))));
    try (OhlcvClient client = client(RateLimitPolicy.none())) {
      CompletableFuture<Instruments> f =
          CompletableFuture.supplyAsync(() -> client.instruments("POLYGON"), caller);
      awaitWaitOr(f);
      assertFalse(f.isDone(), "the 429 is waited out, not thrown");
      assertEquals(2, server.getRequestCount(), "nothing is sent during the venue's pause");
      assertEquals(List.of(Duration.ofSeconds(30)), time.scheduledDelays());
      time.advance(Duration.ofSeconds(30));
      Instruments all = f.get(10, TimeUnit.SECONDS);
      assertEquals(2, all.size());
      assertEquals(3, server.getRequestCount());
    } finally {
      caller.shutdownNow();
    }
    server.takeRequest();
    HttpUrl refused = server.takeRequest().getUrl();
    assertEquals(refused, server.takeRequest().getUrl(), "the same page is asked again");
  }

  @Test
  void closingTheClientEndsAWaitingLoad() throws Exception {
    server.enqueue(response(200, page("p1", stock("A", "Agilent", "XNYS", true))));
    server.enqueue(response(200, page(null, stock("AA", "Alcoa", "XNYS", true))));
    OhlcvClient client = client(RateLimitPolicy.of(1, Duration.ofMinutes(1)));
    try {
      CompletableFuture<Instruments> f =
          CompletableFuture.supplyAsync(() -> client.instruments("POLYGON"), caller);
      awaitWaitOr(f);
      assertFalse(f.isDone(), "the second page waits for the budget");
      client.close();
      java.util.concurrent.ExecutionException e =
          assertThrows(
              java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof ClientClosedException, String.valueOf(e.getCause()));
      assertEquals(1, server.getRequestCount(), "the waiting page was not sent");
    } finally {
      client.close();
      caller.shutdownNow();
    }
  }

  @Test
  void aWaitLongerThanTheBudgetAllowsFailsWithoutSending() throws Exception {
    server.enqueue(response(200, page("p1", stock("A", "Agilent", "XNYS", true))));
    try (OhlcvClient client =
        client(RateLimitPolicy.of(1, Duration.ofMinutes(1)).withMaxWait(Duration.ofSeconds(5)))) {
      RateLimitException e =
          assertThrows(RateLimitException.class, () -> client.instruments("POLYGON"));
      assertTrue(e.getMessage().contains("client's own rate limit"), e.getMessage());
      assertFalse(e.getMessage().contains(KEY), e.getMessage());
      assertEquals(1, server.getRequestCount(), "the second page was not sent");
    }
  }
}
