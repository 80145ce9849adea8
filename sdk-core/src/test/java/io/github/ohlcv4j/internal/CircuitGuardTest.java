package io.github.ohlcv4j.internal;

import static io.github.ohlcv4j.internal.GuardHarness.error;
import static io.github.ohlcv4j.internal.GuardHarness.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.testing.RecordingListener.CircuitChange;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CircuitGuardTest {

  /** Opens at 50% failures over 4 calls; open 30 s; 2 probes. */
  private static final CircuitBreakerPolicy POLICY =
      CircuitBreakerPolicy.ofDefaults()
          .withWindow(4, 4)
          .withFailureRateThreshold(50)
          .withOpenDuration(Duration.ofSeconds(30))
          .withHalfOpenProbes(2);

  private static Outcome unavailable() {
    return Outcome.fail(() -> SourceUnavailableException.retryable("scripted", "HTTP 502").build());
  }

  private static GuardHarness harness() {
    return new GuardHarness(RetryPolicy.none(), POLICY, null, Map.of());
  }

  /** Runs one single-page query to its end. */
  private static CompletableFuture<CandleSeries> run(GuardHarness h, ScriptedSource s) {
    CompletableFuture<CandleSeries> f = h.start(s, query(10));
    h.time.runDue();
    assertTrue(f.isDone());
    return f;
  }

  @Test
  void opensAfterTooManyFailuresThenFailsFastSayingWhen() {
    GuardHarness h = harness();
    ScriptedSource s = ScriptedSource.of("scripted", 100).then(Outcome.ok(), Outcome.ok());
    s.times(2, unavailable());
    for (int i = 0; i < 4; i++) {
      run(h, s);
    }
    assertEquals(List.of("scripted CLOSED->OPEN"), changes(h));
    CircuitChange change = h.events.circuitChanges().get(0);
    assertTrue(
        h.events.fetches().contains(change.fetch().orElseThrow()),
        "the change names the run whose request opened the circuit");
    Instant opened = h.time.instant();

    h.time.advance(Duration.ofSeconds(10));
    OhlcvException e = error(run(h, s));

    assertInstanceOf(SourceUnavailableException.class, e);
    assertFalse(e.isRetryable(), "retrying would only hit the open circuit");
    assertEquals(Duration.ofSeconds(20), e.retryAfter().orElseThrow());
    assertTrue(e.getMessage().contains("circuit breaker is open"), e.getMessage());
    assertTrue(e.getMessage().contains(opened.plusSeconds(30).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 502"), "names the last error: " + e.getMessage());
    assertEquals(4, s.requests().size(), "nothing was sent");
  }

  @Test
  void halfOpensAfterTheOpenDurationAndClosesWhenProbesSucceed() {
    GuardHarness h = harness();
    ScriptedSource s = ScriptedSource.of("scripted", 100).on(h.time).times(4, unavailable());
    for (int i = 0; i < 4; i++) {
      run(h, s);
    }
    h.time.advance(Duration.ofSeconds(29));
    assertInstanceOf(SourceUnavailableException.class, error(run(h, s)));
    assertEquals(4, s.requests().size());

    h.time.advance(Duration.ofSeconds(2));
    // two probes take a second, so a third request finds the circuit half open and busy
    s.then(Outcome.after(Duration.ofSeconds(1)), Outcome.after(Duration.ofSeconds(1)));
    CompletableFuture<CandleSeries> p1 = h.start(s, query(10));
    CompletableFuture<CandleSeries> p2 = h.start(s, query(10));
    CompletableFuture<CandleSeries> third = h.start(s, query(10));
    h.time.runDue();
    OhlcvException busy = error(third);
    assertTrue(busy.getMessage().contains("being probed"), busy.getMessage());
    assertEquals(6, s.requests().size());

    h.time.advance(Duration.ofSeconds(1));
    assertEquals(10, p1.join().size());
    assertEquals(10, p2.join().size());
    assertEquals(
        List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"),
        h.events.circuitChanges().stream().map(c -> c.from() + "->" + c.to()).toList());
    assertEquals(10, run(h, s).join().size());
  }

  @Test
  void aFailedProbeOpensTheCircuitAgain() {
    GuardHarness h = harness();
    ScriptedSource s = ScriptedSource.of("scripted", 100).times(4, unavailable());
    for (int i = 0; i < 4; i++) {
      run(h, s);
    }
    h.time.advance(Duration.ofSeconds(31));
    s.times(2, unavailable());
    run(h, s);
    run(h, s);
    assertEquals(
        List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN"),
        h.events.circuitChanges().stream().map(c -> c.from() + "->" + c.to()).toList());
    OhlcvException e = error(run(h, s));
    assertTrue(e.getMessage().contains(h.time.instant().plusSeconds(30).toString()));
  }

  @Test
  void onlyFailuresOfTheSourceCount() {
    GuardHarness h = harness();
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.fail(
                    () -> RateLimitException.of("scripted", "429").venueCode("429").build()),
                Outcome.fail(() -> SymbolNotFoundException.of("scripted", "no such").build()),
                Outcome.fail(() -> AuthenticationException.of("scripted", "bad key").build()),
                Outcome.fail(() -> DataFormatException.of("scripted", "bad row").build()),
                Outcome.fail(
                    () -> RateLimitException.of("scripted", "429").venueCode("429").build()),
                Outcome.fail(
                    () -> RateLimitException.of("scripted", "429").venueCode("429").build()));
    for (int i = 0; i < 6; i++) {
      run(h, s);
    }
    assertTrue(h.events.circuitChanges().isEmpty());

    assertTrue(
        CircuitGuard.countsAgainstSource(SourceUnavailableException.retryable("s", "x").build()));
    assertTrue(
        CircuitGuard.countsAgainstSource(DataFormatException.retryable("s", "cut short").build()));
    assertFalse(CircuitGuard.countsAgainstSource(DataFormatException.of("bad row").build()));
    assertFalse(CircuitGuard.countsAgainstSource(RateLimitException.of("s", "x").build()));
  }

  @Test
  void slowCallsOpenTheCircuitButRateLimitWaitsAreNotSlow() {
    CircuitBreakerPolicy slow =
        CircuitBreakerPolicy.ofDefaults()
            .withWindow(2, 2)
            .withSlowCalls(Duration.ofSeconds(5), 100)
            .withOpenDuration(Duration.ofSeconds(30));
    // 1 request per 10 s: the second and third requests wait for the budget
    GuardHarness h =
        new GuardHarness(
            RetryPolicy.none(), slow, RateLimitPolicy.of(1, Duration.ofSeconds(10)), Map.of());
    ScriptedSource s = ScriptedSource.of("scripted", 100).on(h.time);
    CompletableFuture<CandleSeries> a = h.start(s, query(10));
    CompletableFuture<CandleSeries> b = h.start(s, query(10));
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(10, a.join().size());
    assertEquals(10, b.join().size());
    assertEquals(Duration.ofSeconds(10), h.events.waits().get(0).delay());
    assertTrue(h.events.circuitChanges().isEmpty(), "waiting 10 s for the budget is not slow");

    s.then(Outcome.after(Duration.ofSeconds(6)), Outcome.after(Duration.ofSeconds(6)));
    h.start(s, query(10));
    h.start(s, query(10));
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(List.of("scripted CLOSED->OPEN"), changes(h));
  }

  @Test
  void healthSaysDegradedUntilWhenAndReportsLatency() {
    GuardHarness h = harness();
    ScriptedSource s = ScriptedSource.of("scripted", 100).on(h.time);
    s.then(Outcome.after(Duration.ofMillis(250)));
    CompletableFuture<CandleSeries> f = h.start(s, query(10));
    h.time.advance(Duration.ofSeconds(1));
    assertEquals(10, f.join().size());
    Health up = h.guards.health(s, Health.up("scripted", h.time.instant()));
    assertEquals(Health.Status.UP, up.status());
    assertEquals(Duration.ofMillis(250), up.latency().orElseThrow());

    s.times(4, unavailable());
    for (int i = 0; i < 4; i++) {
      run(h, s);
    }
    Health down = h.guards.health(s, Health.up("scripted", h.time.instant()));
    assertEquals(Health.Status.DEGRADED, down.status());
    assertTrue(down.detail().contains("circuit open"), down.detail());
    assertTrue(down.detail().contains(h.time.instant().plusSeconds(30).toString()), down.detail());
  }

  @Test
  void aDisabledBreakerNeverOpens() {
    GuardHarness h = new GuardHarness(RetryPolicy.none());
    ScriptedSource s = ScriptedSource.of("scripted", 100).times(30, unavailable());
    for (int i = 0; i < 30; i++) {
      run(h, s);
    }
    assertTrue(h.events.circuitChanges().isEmpty());
    assertEquals(30, s.requests().size());
  }

  private static List<String> changes(GuardHarness h) {
    return h.events.circuitChanges().stream()
        .map(c -> c.source() + " " + c.from() + "->" + c.to())
        .toList();
  }
}
