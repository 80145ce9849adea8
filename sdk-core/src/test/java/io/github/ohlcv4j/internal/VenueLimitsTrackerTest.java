package io.github.ohlcv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.internal.VenueLimitsTracker.Pass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class VenueLimitsTrackerTest {

  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  @Test
  void aPauseHoldsEveryRequestOfItsGroupUntilItEndsAndOnlyGrows() {
    VenueLimitsTracker t = new VenueLimitsTracker();
    t.pauseUntil("bybit", T0.plusSeconds(30));
    assertFalse(t.pause("bybit", T0.plusSeconds(10), false, "shorter"));

    Pass p = t.pass("bybit", 1, T0.plusSeconds(5));
    assertEquals(Duration.ofSeconds(25), p.delay());
    assertFalse(p.granted());
    assertEquals(Optional.of(T0.plusSeconds(30)), p.pausedUntil());
    assertEquals(Duration.ZERO, t.pass("binance:spot", 1, T0).delay(), "other groups go");
    assertEquals(Duration.ZERO, t.pass("bybit", 1, T0.plusSeconds(30)).delay());
    assertEquals(Optional.empty(), t.pausedUntil("bybit", T0.plusSeconds(30)));
  }

  @Test
  void aBanIsRemembered() {
    VenueLimitsTracker t = new VenueLimitsTracker();
    assertTrue(t.pause("binance:spot", T0.plusSeconds(600), true, "IP banned"));
    assertTrue(t.isBanned("binance:spot", T0));
    assertTrue(t.pass("binance:spot", 1, T0).ban());
    assertEquals("IP banned", t.pauseReason("binance:spot"));
    assertFalse(t.isBanned("binance:spot", T0.plusSeconds(600)));
  }

  @Test
  void aPauseIsAnnouncedOnceWhoeverReportedItFirst() {
    VenueLimitsTracker t = new VenueLimitsTracker();
    // The source reports the ban as it reads the 418; the client's guard then announces it.
    t.banUntil("binance:spot", T0.plusSeconds(120));
    assertTrue(t.isBanned("binance:spot", T0));
    assertFalse(t.pause("binance:spot", T0.plusSeconds(120), true, "HTTP 418: banned"));
    assertEquals(
        Optional.of(T0.plusSeconds(120)), t.announce("binance:spot", T0, "HTTP 418: banned"));
    assertEquals("HTTP 418: banned", t.pauseReason("binance:spot"));
    assertEquals(Optional.empty(), t.announce("binance:spot", T0, "HTTP 418: banned"));
    // A longer pause is news again; a pause that is over is not.
    assertTrue(t.pause("binance:spot", T0.plusSeconds(300), true, "banned longer"));
    assertEquals(Optional.of(T0.plusSeconds(300)), t.announce("binance:spot", T0, "banned longer"));
    t.pauseUntil("bybit", T0.plusSeconds(1));
    assertEquals(Optional.empty(), t.announce("bybit", T0.plusSeconds(1), "late"));
    assertEquals(Optional.empty(), t.announce("nobody", T0, "never paused"));
  }

  @Test
  void usageBelowTheSlowDownMarkCostsNothing() {
    VenueLimitsTracker t = new VenueLimitsTracker();
    t.reportUsage("g", 10, 100, T0.plusSeconds(60));
    for (int i = 0; i < 70; i++) {
      assertEquals(Pass.GO, t.pass("g", 1, T0));
    }
    assertEquals(0.8, t.usage("g", T0).orElseThrow(), 1e-9);
    // the 71st goes over 80%: from now on requests are spaced
    assertTrue(t.pass("g", 1, T0).delay().isZero());
    assertFalse(t.pass("g", 1, T0).delay().isZero());
  }

  @Test
  void aSpentBudgetWaitsForTheWindowAndIsForgottenAfterIt() {
    VenueLimitsTracker t = new VenueLimitsTracker();
    t.reportUsage("g", 95, 100, T0.plusSeconds(20));
    Pass p = t.pass("g", 1, T0.plusSeconds(5));
    assertEquals(Duration.ofSeconds(15), p.delay());
    assertFalse(p.granted());
    assertEquals(Pass.GO, t.pass("g", 1, T0.plusSeconds(20)));
    assertTrue(t.usage("g", T0.plusSeconds(20)).isEmpty());
  }

  @Test
  void reportsOfTheSameWindowKeepWhatThisClientCountedAndLateReportsAreIgnored() {
    VenueLimitsTracker t = new VenueLimitsTracker();
    Instant reset = T0.plusSeconds(60);
    t.reportUsage("g", 10, 100, reset);
    for (int i = 0; i < 20; i++) {
      t.pass("g", 1, T0);
    }
    t.reportUsage("g", 15, 100, reset); // the venue has not seen all 20 yet
    assertEquals(0.30, t.usage("g", T0).orElseThrow(), 1e-9);
    t.reportUsage("g", 50, 100, reset); // other clients on the same IP
    assertEquals(0.50, t.usage("g", T0).orElseThrow(), 1e-9);
    t.reportUsage("g", 99, 100, T0); // about a window already over
    assertEquals(0.50, t.usage("g", T0).orElseThrow(), 1e-9);
    t.reportUsage("g", 3, 100, reset.plusSeconds(60)); // a new window
    assertEquals(0.03, t.usage("g", T0).orElseThrow(), 1e-9);
  }

  @Test
  void nonsenseReportsAreIgnored() {
    VenueLimitsTracker t = new VenueLimitsTracker();
    t.reportUsage("g", 5, 0, T0.plusSeconds(60));
    t.reportUsage("g", -1, 100, T0.plusSeconds(60));
    assertTrue(t.usage("g", T0).isEmpty());
  }

  @Test
  void aPauseOrBanFurtherThanADayAheadIsCutToADay() {
    VenueLimitsTracker t = new VenueLimitsTracker(Clock.fixed(T0, ZoneOffset.UTC));
    Instant year9999 = Instant.parse("9999-12-31T23:59:59Z");
    t.banUntil("binance:spot", year9999);
    assertEquals(Optional.of(T0.plus(VenueWaits.MAX)), t.pausedUntil("binance:spot", T0), "capped");
    assertTrue(t.isBanned("binance:spot", T0));
    assertEquals(VenueWaits.MAX, t.pass("binance:spot", 1, T0).delay());
    assertEquals(Duration.ZERO, t.pass("binance:spot", 1, T0.plus(VenueWaits.MAX)).delay());
    // the largest instant there is, too
    t.pauseUntil("bybit", Instant.MAX);
    assertEquals(Optional.of(T0.plus(VenueWaits.MAX)), t.pausedUntil("bybit", T0));
  }

  @Test
  void aUsageWindowResettingCenturiesAheadIsNotBelieved() {
    // Bybit's X-Bapi-Limit-Reset-Timestamp of 9e18 ms on a successful answer, budget spent.
    VenueLimitsTracker t = new VenueLimitsTracker(Clock.fixed(T0, ZoneOffset.UTC));
    t.reportUsage("bybit", 600, 600, Instant.ofEpochMilli(9_000_000_000_000_000_000L));
    assertTrue(t.usage("bybit", T0).isEmpty());
    for (int i = 0; i < 1000; i++) {
      assertEquals(Duration.ZERO, t.pass("bybit", 1, T0).delay(), "request " + i + " goes");
    }
    // a sane report afterwards counts as usual
    t.reportUsage("bybit", 599, 600, T0.plusSeconds(1));
    assertTrue(t.pass("bybit", 1, T0).delay().compareTo(Duration.ZERO) > 0);
  }
}
