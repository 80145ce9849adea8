package io.github.ohlcv4j.internal;

import static io.github.ohlcv4j.internal.GuardHarness.error;
import static io.github.ohlcv4j.internal.GuardHarness.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.RecordingListener;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RetryGuardTest {

  private static final RetryPolicy EXP =
      RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 4).withJitter(0);

  private static Outcome unavailable() {
    return Outcome.fail(() -> SourceUnavailableException.retryable("scripted", "HTTP 503").build());
  }

  @Test
  void retriesRetryableErrorsWithBackoffAndReturnsTheWholeSeries() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("scripted", 100).then(unavailable(), unavailable());
    OhlcvQuery q = query(250);

    CompletableFuture<CandleSeries> f = h.start(source, q);
    h.time.runAll(Duration.ofMinutes(1));

    assertEquals(source.expected(q), f.join());
    assertEquals(250, f.join().size());
    // page 1 failed twice (waits 100 ms, then 200 ms), pages 2 and 3 went through at once
    assertEquals(
        List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(300)),
        h.events.sentAt().subList(0, 3));
    assertEquals(
        List.of(
            "pageStart 1.1", "pageStart 1.2", "pageStart 1.3", "pageStart 2.1", "pageStart 3.1"),
        h.events.lines("pageStart"));
    List<RecordingListener.Retry> retries = h.events.retries();
    assertEquals(2, retries.size());
    assertEquals(2, retries.get(0).attempt());
    assertEquals(Duration.ofMillis(100), retries.get(0).delay());
    assertEquals(3, retries.get(1).attempt());
    assertEquals(Duration.ofMillis(200), retries.get(1).delay());
    assertInstanceOf(SourceUnavailableException.class, retries.get(0).cause());
    assertEquals(2, h.events.pageFailures().size());
  }

  @Test
  void linearAndFixedBackoffWaitAsTheirShapeSays() {
    GuardHarness linear = new GuardHarness(RetryPolicy.linear(Duration.ofMillis(50), 4));
    ScriptedSource a = ScriptedSource.of("scripted", 100).times(3, unavailable());
    linear.start(a, query(10));
    linear.time.runAll(Duration.ofMinutes(1));
    assertEquals(
        List.of(
            Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(300)),
        linear.events.sentAt());

    GuardHarness fixed = new GuardHarness(RetryPolicy.fixed(Duration.ofMillis(70), 3));
    ScriptedSource b = ScriptedSource.of("scripted", 100).times(2, unavailable());
    fixed.start(b, query(10));
    fixed.time.runAll(Duration.ofMinutes(1));
    assertEquals(
        List.of(Duration.ZERO, Duration.ofMillis(70), Duration.ofMillis(140)),
        fixed.events.sentAt());
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastErrorAndNoPartialSeries() {
    GuardHarness h = new GuardHarness(EXP);
    // page 1 succeeds, page 2 fails on all four attempts
    ScriptedSource source =
        ScriptedSource.of("scripted", 100).then(Outcome.ok()).times(4, unavailable());

    CompletableFuture<CandleSeries> f = h.start(source, query(250));
    h.time.runAll(Duration.ofMinutes(1));

    OhlcvException e = error(f);
    assertInstanceOf(SourceUnavailableException.class, e);
    assertEquals(5, source.requests().size());
    assertTrue(e.getSuppressed().length > 0, "says that it gave up");
    assertTrue(
        List.of(e.getSuppressed()).stream().anyMatch(s -> s.getMessage().contains("4 attempts")));
    assertEquals(List.of("fetchFailed SourceUnavailableException"), h.events.lines("fetchFailed"));
    assertTrue(h.events.lines("fetchEnd").isEmpty());
  }

  @Test
  void errorsThatAreNotRetryableFailAtOnce() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.fail(
                    () -> SymbolNotFoundException.of("scripted", "no such symbol").build()));
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runAll(Duration.ofMinutes(1));
    assertInstanceOf(SymbolNotFoundException.class, error(f));
    assertEquals(1, source.requests().size());
    assertTrue(h.events.retries().isEmpty());

    GuardHarness g = new GuardHarness(EXP);
    ScriptedSource bad =
        ScriptedSource.of("scripted", 100)
            .then(Outcome.fail(() -> DataFormatException.of("scripted", "bad row").build()));
    CompletableFuture<CandleSeries> f2 = g.start(bad, query(50));
    g.time.runAll(Duration.ofMinutes(1));
    assertInstanceOf(DataFormatException.class, error(f2));
    assertEquals(1, bad.requests().size());
  }

  @Test
  void theVenuesRetryAfterReplacesTheBackoff() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.fail(
                    () ->
                        RateLimitException.of("scripted", "429")
                            .retryAfter(Duration.ofSeconds(3))
                            .venueCode("429")
                            .build()));
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(50, f.join().size());
    assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(3)), h.events.sentAt());
    assertEquals(Duration.ofSeconds(3), h.events.retries().get(0).delay());
  }

  @Test
  void aBanIsNotRetriedBeforeItEnds() {
    GuardHarness h = new GuardHarness(EXP);
    Instant banEnd = h.time.instant().plusSeconds(20);
    ScriptedSource source =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.fail(
                    () ->
                        RateLimitException.ban("scripted", "418 banned", banEnd)
                            .retryAfter(Duration.ofSeconds(1))
                            .venueCode("418")
                            .build()));
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(50, f.join().size());
    assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(20)), h.events.sentAt());
  }

  @Test
  void aWaitBeyondTheTimeBudgetEndsTheRetries() {
    GuardHarness h = new GuardHarness(EXP.withMaxElapsed(Duration.ofSeconds(30)));
    ScriptedSource source =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.fail(
                    () ->
                        RateLimitException.of("scripted", "429")
                            .retryAfter(Duration.ofMinutes(1))
                            .venueCode("429")
                            .build()));
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runAll(Duration.ofMinutes(5));
    OhlcvException e = error(f);
    assertInstanceOf(RateLimitException.class, e);
    assertEquals(Duration.ofMinutes(1), e.retryAfter().orElseThrow());
    assertEquals(1, source.requests().size());
    assertTrue(
        List.of(e.getSuppressed()).stream()
            .anyMatch(s -> s.getMessage().contains("past the retry budget")));
  }

  @Test
  void noneTriesOnceAndTheMessageSaysSo() {
    GuardHarness h = new GuardHarness(RetryPolicy.none());
    ScriptedSource source = ScriptedSource.of("scripted", 100).then(unavailable());
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runAll(Duration.ofMinutes(1));
    OhlcvException e = error(f);
    assertInstanceOf(SourceUnavailableException.class, e);
    assertEquals(1, source.requests().size());
    assertEquals(
        "HTTP 503 Not retried: the client's retry policy allows one attempt (RetryPolicy.none())."
            + " Try again later, or give the client a retry policy with more attempts.",
        e.getMessage());
  }

  @Test
  void theDefaultPolicySaysHowManyAttemptsWereMadeAndWhatToDo() {
    GuardHarness h = new GuardHarness(RetryPolicy.ofDefaults());
    ScriptedSource source = ScriptedSource.of("scripted", 100).times(9, unavailable());
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runAll(Duration.ofMinutes(1));
    OhlcvException e = error(f);
    assertEquals(4, source.requests().size());
    // 250 ms, 500 ms and 1 s of backoff (the harness's jitter is neutral)
    assertEquals(
        "HTTP 503 Gave up on page 1 after 4 attempts in 1750 ms, as many as the client's retry"
            + " policy allows. Try again later, check the source (OhlcvClient.health()), or allow"
            + " more attempts (RetryPolicy.withMaxAttempts).",
        e.getMessage());
    assertTrue(e.toString().contains("after 4 attempts"), "printed traces say it too");
  }

  @Test
  void anErrorThatIsNotRetriedKeepsItsOwnMessage() {
    GuardHarness h = new GuardHarness(RetryPolicy.ofDefaults());
    ScriptedSource source =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.fail(
                    () -> new SymbolNotFoundException("no such symbol", "scripted", null, null)));
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals("no such symbol", error(f).getMessage());
  }

  @Test
  void cancellingDuringAWaitStopsTheRetry() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("scripted", 100).then(unavailable());
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runDue();
    assertEquals(1, h.time.pending(), "the retry waits on the timer, not on a thread");

    assertTrue(f.cancel(true));

    assertEquals(0, h.time.pending(), "the pending retry was cancelled");
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(1, source.requests().size());
    assertEquals(List.of("fetchFailed QueryCancelledException"), h.events.lines("fetchFailed"));
  }

  @Test
  void cancellingCancelsTheRequestInFlight() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("scripted", 100).then(Outcome.hang());
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runDue();
    assertFalse(f.isDone());

    f.cancel(true);

    assertEquals(1, source.cancelled());
    h.time.runAll(Duration.ofMinutes(1));
    assertEquals(1, source.requests().size());
    assertTrue(h.events.retries().isEmpty(), "a cancel is not retried");
    assertTrue(h.events.pageFailures().isEmpty(), "a cancel is not a page failure");
  }

  @Test
  void closingTheGuardsFailsWaitingRequests() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("scripted", 100).then(unavailable());
    CompletableFuture<CandleSeries> f = h.start(source, query(50));
    h.time.runDue();

    h.guards.close();

    OhlcvException e = error(f);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertEquals(0, h.time.pending());
    CompletableFuture<CandleSeries> later = h.start(source, query(50));
    assertTrue(error(later).getMessage().contains("closed"));
    assertEquals(1, source.requests().size());
  }

  @Test
  void jitterSpreadsWaitsWithinTheBound() {
    RetryPolicy p = RetryPolicy.exponential(Duration.ofMillis(1000), Duration.ofSeconds(10), 5);
    assertEquals(Duration.ofMillis(800), p.backoff(1, 0.0));
    assertEquals(Duration.ofMillis(1000), p.backoff(1, 0.5));
    assertEquals(Duration.ofMillis(2400), p.backoff(2, 1.0));
    assertEquals(Duration.ofSeconds(10), p.backoff(6)); // capped
    assertSame(RetryPolicy.none(), RetryPolicy.none());
  }
}
