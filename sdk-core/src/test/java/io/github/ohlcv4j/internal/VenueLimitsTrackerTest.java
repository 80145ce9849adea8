package io.github.ohlcv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.internal.VenueLimitsTracker.Pass;
import java.time.Duration;
import java.time.Instant;
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
}
