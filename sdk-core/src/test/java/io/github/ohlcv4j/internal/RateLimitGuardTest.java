package io.github.ohlcv4j.internal;

import static io.github.ohlcv4j.internal.GuardHarness.error;
import static io.github.ohlcv4j.internal.GuardHarness.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RateLimitGuardTest {

  private static final RetryPolicy RETRY =
      RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 4).withJitter(0);

  private static GuardHarness harness(@Nullable RateLimitPolicy all) {
    return new GuardHarness(RETRY, CircuitBreakerPolicy.none(), all, Map.of());
  }

  @Test
  void requestsOfOneGroupShareItsBudgetByWeight() {
    GuardHarness h = harness(null);
    RateLimitPolicy tenPerSecond = RateLimitPolicy.of(10, Duration.ofSeconds(1));
    ScriptedSource spot = ScriptedSource.of("venue:spot", 100).weighing(4, "venue", tenPerSecond);
    ScriptedSource futures =
        ScriptedSource.of("venue:futures", 100).weighing(4, "venue", tenPerSecond);
    ScriptedSource other = ScriptedSource.of("other", 100).weighing(4, "other", tenPerSecond);

    CompletableFuture<CandleSeries> a = h.start(spot, query(10));
    CompletableFuture<CandleSeries> b = h.start(spot, query(10));
    CompletableFuture<CandleSeries> c = h.start(futures, query(10)); // 12 > 10: next period
    CompletableFuture<CandleSeries> d = h.start(other, query(10)); // its own budget
    h.time.runAll(Duration.ofMinutes(1));

    for (CompletableFuture<CandleSeries> f : List.of(a, b, c, d)) {
      assertEquals(spot.expected(query(10)), f.join());
    }
    // a, b and d go at once; c waits for the next period
    assertEquals(
        List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1)),
        h.events.sentAt());
    assertEquals(1, h.events.waits().size());
    assertEquals("venue:futures", h.events.waits().get(0).source());
    assertEquals(Duration.ofSeconds(1), h.events.waits().get(0).delay());
  }

  @Test
  void aRequestHeavierThanOnePeriodWaitsForSeveral() {
    GuardHarness h = harness(RateLimitPolicy.of(10, Duration.ofSeconds(1)));
    ScriptedSource heavy = ScriptedSource.of("heavy", 100).weighing(25, "heavy", null);
    CompletableFuture<CandleSeries> f = h.start(heavy, query(10));
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(10, f.join().size());
    assertEquals(List.of(Duration.ofSeconds(2)), h.events.sentAt());
  }

  @Test
  void aWaitLongerThanMaxWaitFailsAtOnceWithoutSending() {
    GuardHarness h =
        harness(RateLimitPolicy.of(1, Duration.ofSeconds(10)).withMaxWait(Duration.ofSeconds(5)));
    ScriptedSource s = ScriptedSource.of("venue", 100);
    CompletableFuture<CandleSeries> a = h.start(s, query(10));
    CompletableFuture<CandleSeries> b = h.start(s, query(10));
    h.time.runDue();
    assertEquals(10, a.join().size());
    OhlcvException e = error(b);
    assertInstanceOf(RateLimitException.class, e);
    assertTrue(e.getMessage().contains("client's own rate limit"), e.getMessage());
    assertEquals(1, s.requests().size());
  }

  @Test
  void aTooManyRequestsAnswerPausesEveryRequestOfTheGroup() {
    GuardHarness h = harness(null);
    ScriptedSource a =
        ScriptedSource.of("venue:a", 100)
            .weighing(1, "venue", null)
            .then(
                Outcome.fail(
                    () ->
                        RateLimitException.of("venue:a", "429")
                            .retryAfter(Duration.ofSeconds(5))
                            .venueCode("429")
                            .build()));
    ScriptedSource b = ScriptedSource.of("venue:b", 100).weighing(1, "venue", null);

    CompletableFuture<CandleSeries> fa = h.start(a, query(10));
    h.time.advance(Duration.ofSeconds(1));
    CompletableFuture<CandleSeries> fb = h.start(b, query(10));
    h.time.runAll(Duration.ofMinutes(1));

    assertEquals(a.expected(query(10)), fa.join());
    assertEquals(b.expected(query(10)), fb.join());
    assertEquals(
        List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(5)), h.events.sentAt());
    assertTrue(
        h.events.waits().stream().anyMatch(w -> w.delay().equals(Duration.ofSeconds(4))),
        h.events.waits().toString());
  }

  @Test
  void aBanLongerThanMaxWaitFailsOtherRequestsAtOnceSayingUntilWhen() {
    GuardHarness h = harness(null);
    Instant end = h.time.instant().plus(Duration.ofHours(1));
    ScriptedSource a =
        ScriptedSource.of("venue:a", 100)
            .weighing(1, "venue", null)
            .then(
                Outcome.fail(
                    () ->
                        RateLimitException.ban("venue:a", "418 banned", end)
                            .retryAfter(Duration.ofHours(1))
                            .venueCode("418")
                            .build()));
    ScriptedSource b = ScriptedSource.of("venue:b", 100).weighing(1, "venue", null);

    CompletableFuture<CandleSeries> fa = h.start(a, query(10));
    h.time.runDue();
    RateLimitException ea = (RateLimitException) error(fa);
    assertTrue(ea.isBan());

    CompletableFuture<CandleSeries> fb = h.start(b, query(10));
    h.time.runDue();
    OhlcvException eb = error(fb);
    assertInstanceOf(RateLimitException.class, eb);
    assertTrue(((RateLimitException) eb).isBan());
    assertEquals(end, ((RateLimitException) eb).bannedUntil().orElseThrow());
    assertTrue(eb.getMessage().contains(end.toString()), eb.getMessage());
    assertEquals(0, b.requests().size(), "nothing is sent to a venue that banned the client");

    Health health = h.guards.health(b, Health.up("venue:b", h.time.instant()));
    assertEquals(Health.Status.DEGRADED, health.status());
    assertTrue(health.detail().contains("banned"), health.detail());
  }

  @Test
  void aBudgetTheVenueReportsNearlySpentSlowsRequestsDown() {
    GuardHarness h = harness(null);
    ScriptedSource s = ScriptedSource.of("venue", 100).weighing(1, "venue", null);
    Instant reset = h.time.instant().plusSeconds(10);
    h.guards.venueLimits().reportUsage("venue", 85, 100, reset);

    for (int i = 0; i < 3; i++) {
      h.start(s, query(10));
    }
    h.time.runAll(Duration.ofMinutes(1));

    // 10 s left for what is left of the budget: spaced by 10 s / 10, then 10 s / 9
    assertEquals(
        List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofNanos(2_111_111_111L)),
        h.events.sentAt());
  }

  @Test
  void aBudgetTheVenueReportsSpentHoldsRequestsUntilItsWindowResets() {
    GuardHarness h = harness(null);
    ScriptedSource s = ScriptedSource.of("venue", 100).weighing(1, "venue", null);
    h.guards.venueLimits().reportUsage("venue", 96, 100, h.time.instant().plusSeconds(10));
    CompletableFuture<CandleSeries> f = h.start(s, query(10));
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(10, f.join().size());
    assertEquals(List.of(Duration.ofSeconds(10)), h.events.sentAt());
  }

  @Test
  void cancellingWhileWaitingSendsNothing() {
    GuardHarness h = harness(RateLimitPolicy.of(1, Duration.ofSeconds(10)));
    ScriptedSource s = ScriptedSource.of("venue", 100);
    h.start(s, query(10));
    CompletableFuture<CandleSeries> waiting = h.start(s, query(10));
    h.time.runDue();
    assertEquals(1, h.time.pending());

    waiting.cancel(true);

    assertEquals(0, h.time.pending());
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(1, s.requests().size());
  }

  @Test
  void theApplicationsPolicyWinsOverTheSourcesSuggestion() {
    RateLimitPolicy suggested = RateLimitPolicy.of(100, Duration.ofSeconds(1));
    RateLimitPolicy all = RateLimitPolicy.of(5, Duration.ofSeconds(1));
    RateLimitPolicy forVenue = RateLimitPolicy.of(7, Duration.ofSeconds(1));
    ScriptedSource venue = ScriptedSource.of("venue:spot", 10).weighing(1, "venue", suggested);
    ScriptedSource plain = ScriptedSource.of("plain", 10);

    GuardHarness byDefault = harness(null);
    assertEquals(suggested, byDefault.guards.rateLimitPolicy(venue));
    assertFalse(byDefault.guards.rateLimitPolicy(plain).isEnabled());

    GuardHarness global = harness(all);
    assertEquals(all, global.guards.rateLimitPolicy(venue));
    assertEquals(all, global.guards.rateLimitPolicy(plain));

    GuardHarness grouped =
        new GuardHarness(RETRY, CircuitBreakerPolicy.none(), all, Map.of("venue", forVenue));
    assertEquals(forVenue, grouped.guards.rateLimitPolicy(venue));
    assertEquals(all, grouped.guards.rateLimitPolicy(plain));
    assertEquals("plain", RateLimitGuard.group(plain), "no group: the source's name");
  }
}
