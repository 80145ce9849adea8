package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.exchange.FakePolygon;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.exchange.polygon.PolygonSource;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.LogCapture;
import io.github.ohlcv4j.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Polygon's ways to refuse, through the client: 429, a plan without the data, no key, and a 5xx in
 * the middle of {@code next_url} paging.
 */
@Timeout(60)
class PolygonFaultsTest extends ClientFaultTest {

  private static final String KEY = "pk_FAULTS_9d2e61b0c4a8";

  /** 250 minute bars: one window of Polygon's, answered in pages of 100 bars with next_url. */
  private static final OhlcvQuery QUERY = query("POLYGON:AAPL", Duration.ZERO, 250);

  private FakePolygon venue;

  @BeforeEach
  void venue() {
    venue = new FakePolygon(market, MARKET_NOW, KEY, 100);
    venue.clock(System::currentTimeMillis);
    server.setDispatcher(venue);
  }

  private String polygon() {
    return "polygon:?baseUrl=" + base() + "&apiKey=" + KEY;
  }

  @Test
  void aServerErrorInTheMiddleOfNextUrlPagingRepeatsThatNextUrlAndLosesNothing() {
    CandleSeries expected = faultFree(QUERY, polygon());
    assertEquals(250, expected.size());
    int before = venue.hits().size();
    venue.faults(Fault.none(), Fault.status(503));
    try (OhlcvClient client = client(polygon()).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(QUERY));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(4, hits.size());
    assertEquals(503, hits.get(1).code());
    assertEquals("100", hits.get(1).url().queryParameter("cursor"), "a next_url failed");
    assertEquals(hits.get(1).url(), hits.get(2).url(), "the retry repeats that next_url");
    assertEquals("200", hits.get(3).url().queryParameter("cursor"));
    // Every bar arrived once: no page was read twice.
    assertEquals(250, events.pageEnds().stream().mapToInt(RecordingListener.PageEnd::rows).sum());
  }

  @Test
  void tooManyRequestsWaitsAndSucceeds() {
    CandleSeries expected = faultFree(QUERY, polygon());
    int before = venue.hits().size();
    venue.faults(Fault.none(), FakePolygon.tooManyRequests(Duration.ofSeconds(1)));
    try (OhlcvClient client = client(polygon()).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(QUERY));
    }
    List<FakeVenue.Hit> hits = venue.hits().subList(before, venue.hits().size());
    assertEquals(4, hits.size());
    assertEquals(hits.get(1).url(), hits.get(2).url());
    long waited = hits.get(2).clockMillis() - hits.get(1).clockMillis();
    assertTrue(waited >= 1000, "sent again after " + waited + " ms");
    assertTrue(events.retries().get(0).cause() instanceof RateLimitException);
  }

  @Test
  void aPlanWithoutTheDataFailsAtOnceAndNeverShowsTheKey() {
    venue.faults(FakePolygon.notAuthorized());
    try (LogCapture logs = LogCapture.start();
        OhlcvClient client = client(polygon()).retryPolicy(FAST).build()) {
      AuthenticationException e =
          assertThrows(AuthenticationException.class, () -> client.fetch(QUERY));
      assertEquals("NOT_AUTHORIZED", e.venueCode().orElseThrow());
      assertFalse(e.isRetryable());
      assertEquals(1, venue.hits().size());
      assertTrue(events.retries().isEmpty());
      assertFalse(everything(e).contains(KEY));
      assertTrue(logs.events().size() > 0);
      for (LogCapture.Event event : logs.events()) {
        assertFalse(event.fullText().contains(KEY), event.fullText());
        assertFalse(event.mdc().toString().contains(KEY), event.mdc().toString());
      }
    }
  }

  @Test
  void noKeyFailsBeforeAnyRequest() {
    assumeTrue(
        System.getProperty(PolygonSource.API_KEY_SETTING) == null
            && System.getenv(PolygonSource.API_KEY_SETTING) == null,
        "POLYGON_API_KEY is set");
    try (OhlcvClient client = client("polygon:?baseUrl=" + base()).retryPolicy(FAST).build()) {
      AuthenticationException e =
          assertThrows(AuthenticationException.class, () -> client.fetch(QUERY));
      assertTrue(e.getMessage().contains(PolygonSource.API_KEY_SETTING), e.getMessage());
      assertEquals(0, venue.hits().size());
    }
  }
}
