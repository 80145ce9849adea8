package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.internal.VenueWaits;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import io.github.ohlcv4j.testing.LogCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

/**
 * What a venue says about time is believed only within bounds: a {@code Retry-After} (or a ban) at
 * most {@link VenueWaits#MAX} away, a {@code Date} header at most two minutes from the local clock.
 * Beyond, the client caps or ignores it, logs it at WARN, and every query still ends.
 */
@Timeout(60)
class VenueTrustTest {

  private final FakeVenueServer server = new FakeVenueServer();

  @AfterEach
  void close() {
    server.close();
  }

  private OhlcvClient.Builder client() {
    return OhlcvClient.builder()
        .source(server.uri("pageSize=100"))
        .okHttpClient(server.http())
        .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(50), 3));
  }

  private static Fault retryAfter(String value) {
    return new Fault(
        "429 Retry-After " + value,
        r ->
            new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", value)
                .setHeader("Content-Type", "text/plain")
                .body("slow down")
                .build());
  }

  private static String httpDate(Instant t) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atZone(ZoneOffset.UTC));
  }

  /** Fails with a rate limit at once, whatever the venue asked for. */
  private static RateLimitException rateLimited(CompletableFuture<?> f) throws Exception {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS), "ends");
    return assertInstanceOf(RateLimitException.class, e.getCause());
  }

  @Test
  void aRetryAfterInTheYear9999PausesTheVenueForADayNotForCenturies() throws Exception {
    server.venue().script(retryAfter("Fri, 31 Dec 9999 23:59:59 GMT"));
    try (LogCapture logs = LogCapture.start();
        OhlcvClient c = client().build()) {
      OhlcvQuery q = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250);
      Instant before = Instant.now();
      RateLimitException first = rateLimited(c.fetchAsync(q));
      assertTrue(
          first.retryAfter().orElseThrow().compareTo(VenueWaits.MAX) <= 0, first.getMessage());
      // A later query is refused for the pause, which ends within a day, not in 9999.
      RateLimitException later = rateLimited(c.fetchAsync(q));
      Instant until = before.plus(later.retryAfter().orElseThrow());
      assertTrue(!until.isAfter(Instant.now().plus(VenueWaits.MAX)), "paused until about " + until);
      assertEquals(1, server.venue().requestCount(), "nothing was sent during the pause");
      assertTrue(
          logs.events(e -> e.level() == Level.WARN && e.message().contains("Retry-After")).stream()
              .anyMatch(e -> e.message().contains("9999")),
          "the cap is logged");
    }
  }

  @Test
  void aRetryAfterTooLargeForAnyClockEndsTheQueryWithATypedError() throws Exception {
    for (String huge : List.of("9223372036854775807", "99999999999999999999999999", "-5", "soon")) {
      try (FakeVenueServer s = new FakeVenueServer();
          OhlcvClient c =
              OhlcvClient.builder()
                  .source(s.uri("pageSize=100"))
                  .okHttpClient(s.http())
                  .retryPolicy(RetryPolicy.none())
                  .build()) {
        s.venue().script(retryAfter(huge));
        RateLimitException e =
            rateLimited(c.fetchAsync(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250)));
        assertTrue(
            e.retryAfter().map(d -> d.compareTo(VenueWaits.MAX) <= 0).orElse(true),
            huge + ": " + e.retryAfter());
      }
    }
  }

  /** 1m candles of the three hours before {@code now}'s minute and that minute, complete only. */
  private static OhlcvQuery lastHours(Instant now) {
    Instant minute = Interval.M1.bucketStart(now, ZoneOffset.UTC);
    return OhlcvQuery.builder()
        .symbol("BTCUSDT")
        .interval(Interval.M1)
        .between(minute.minus(Duration.ofHours(3)), minute.plus(Duration.ofMinutes(1)))
        .completeOnly()
        .build();
  }

  private static Fault date(Instant t) {
    return new Fault("Date " + t, r -> r.newBuilder().setHeader("Date", httpDate(t)).build());
  }

  @Test
  void aStaleDateHeaderDoesNotDropClosedCandles() {
    Instant now = Instant.parse("2023-06-01T12:00:30Z");
    // A cache replays answers stamped three hours ago.
    server.venue().randomFaults(1, 1.0, List.of(date(now.minus(Duration.ofHours(3)))));
    try (LogCapture logs = LogCapture.start();
        OhlcvClient c = client().clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      CandleSeries s = c.fetch(lastHours(now));
      assertEquals(180, s.size(), "every candle closed by the local clock");
      assertEquals(
          Instant.parse("2023-06-01T11:59:00Z"), s.openTime(s.size() - 1), "not the one at 12:00");
      assertTrue(
          logs.events(e -> e.level() == Level.WARN && e.message().contains("not trusted")).size()
              >= 1);
    }
  }

  @Test
  void aDateHeaderWithinTheToleranceIsTheVenuesClock() {
    Instant now = Instant.parse("2023-06-01T12:00:30Z");
    // The venue's clock runs a minute ahead of ours: its 12:00 candle is closed.
    server.venue().randomFaults(1, 1.0, List.of(date(now.plus(Duration.ofMinutes(1)))));
    try (OhlcvClient c = client().clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      CandleSeries s = c.fetch(lastHours(now));
      assertEquals(181, s.size());
      assertEquals(Instant.parse("2023-06-01T12:00:00Z"), s.openTime(s.size() - 1));
    }
  }

  @Test
  void aDateHeaderFarInTheFutureIsNotTrustedEither() {
    Instant now = Instant.parse("2023-06-01T12:00:30Z");
    server
        .venue()
        .randomFaults(
            1, 1.0, List.of(date(ZonedDateTime.parse("9999-12-31T00:00:00Z").toInstant())));
    try (OhlcvClient c = client().clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      CandleSeries s = c.query("BTCUSDT").interval(Interval.M1).latest(5).fetch();
      assertEquals(5, s.size());
      assertTrue(s.isInProgress(4), "the candle in progress by the local clock is flagged");
      assertEquals(Instant.parse("2023-06-01T12:00:00Z"), s.openTime(4));
    }
  }
}
