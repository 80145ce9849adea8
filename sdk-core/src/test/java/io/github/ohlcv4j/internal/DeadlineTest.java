package io.github.ohlcv4j.internal;

import static io.github.ohlcv4j.internal.GuardHarness.error;
import static io.github.ohlcv4j.internal.GuardHarness.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryTimeoutException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A query's {@link OhlcvQuery#timeout()}, in virtual time: at the deadline the request in flight
 * and every pending retry or wait stop, and the error says how far the query got.
 */
@Timeout(60)
class DeadlineTest {

  private static final RetryPolicy EXP =
      RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8), 10)
          .withJitter(0)
          .withMaxElapsed(Duration.ofMinutes(10));

  private static OhlcvQuery within(OhlcvQuery q, Duration timeout) {
    return q.newBuilder().timeout(timeout).build();
  }

  private static Outcome unavailable() {
    return Outcome.fail(() -> new SourceUnavailableException("HTTP 503 from the venue", "s", null));
  }

  @Test
  void aSourceThatNeverAnswersFailsAtTheDeadlineAndItsRequestIsCancelled() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("s", 100).then(Outcome.hang());

    CompletableFuture<CandleSeries> f = h.start(source, within(query(250), Duration.ofSeconds(5)));
    h.time.advance(Duration.ofMillis(4999));
    assertFalse(f.isDone());
    h.time.advance(Duration.ofMillis(1));

    QueryTimeoutException e = assertInstanceOf(QueryTimeoutException.class, error(f));
    assertEquals(Duration.ofSeconds(5), e.timeout());
    assertEquals(0, e.pages());
    assertEquals(0, e.candles());
    assertEquals(1, e.attempts());
    assertTrue(e.isRetryable());
    assertInstanceOf(SourceUnavailableException.class, e);
    assertTrue(
        e.getMessage().contains("did not finish within its timeout of 5000 ms"), e.getMessage());
    assertTrue(
        e.getMessage().contains("0 pages (0 candles) received, 1 request sent"), e.getMessage());
    assertEquals(1, source.cancelled(), "the request in flight is cancelled");
    assertEquals(0, h.time.pending(), "nothing is left scheduled");
    assertEquals(1, h.events.fetchFailures().size());
    assertSame(e, h.events.fetchFailures().get(0).error());
    assertEquals(e.fetchId(), java.util.Optional.of(h.events.fetches().get(0).id()));
  }

  @Test
  void theDeadlineStopsPendingRetriesAndSaysHowFarTheQueryGot() {
    GuardHarness h = new GuardHarness(EXP);
    // page 1 arrives; page 2 fails again and again (waits 1 s, 2 s, 4 s between attempts)
    ScriptedSource source = ScriptedSource.of("s", 100).then(Outcome.ok()).times(5, unavailable());

    CompletableFuture<CandleSeries> f = h.start(source, within(query(250), Duration.ofSeconds(5)));
    h.time.advance(Duration.ofSeconds(5));

    QueryTimeoutException e = assertInstanceOf(QueryTimeoutException.class, error(f));
    assertEquals(1, e.pages());
    assertEquals(100, e.candles());
    // page 1 once, page 2 at 0 s, 1 s and 3 s; the next attempt (at 7 s) never happens
    assertEquals(4, e.attempts());
    assertTrue(e.getMessage().contains("page 2 was at attempt 3"), e.getMessage());
    assertTrue(
        e.getMessage().contains("Last error: SourceUnavailableException: HTTP 503"),
        e.getMessage());
    assertInstanceOf(SourceUnavailableException.class, e.getCause());
    assertEquals(0, h.time.pending(), "the pending retry is dropped");
    h.time.advance(Duration.ofMinutes(1));
    assertEquals(4, source.requests().size(), "nothing is sent after the deadline");
    assertEquals(4, h.events.pageStarts().size());
  }

  @Test
  void theDeadlineStopsARateLimitWait() {
    GuardHarness h =
        new GuardHarness(
            RetryPolicy.none(),
            CircuitBreakerPolicy.none(),
            RateLimitPolicy.of(1, Duration.ofMinutes(1)),
            Map.of());
    ScriptedSource source = ScriptedSource.of("s", 100);

    CompletableFuture<CandleSeries> f = h.start(source, within(query(250), Duration.ofSeconds(30)));
    h.time.advance(Duration.ofSeconds(30));

    QueryTimeoutException e = assertInstanceOf(QueryTimeoutException.class, error(f));
    assertEquals(1, e.pages());
    assertEquals(1, e.attempts(), "page 2 waits for the budget and is never sent");
    assertEquals(0, h.time.pending());
    h.time.advance(Duration.ofMinutes(5));
    assertEquals(1, source.requests().size());
  }

  @Test
  void aQueryThatFinishesInTimeLeavesNoDeadlineBehind() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("s", 100).on(h.time).then(unavailable());
    OhlcvQuery q = within(query(250), Duration.ofSeconds(5));

    CompletableFuture<CandleSeries> f = h.start(source, q);
    h.time.advance(Duration.ofSeconds(1));

    assertEquals(source.expected(query(250)), f.join());
    assertEquals(0, h.time.pending(), "the deadline is cancelled with the run");
    assertEquals(1, h.events.fetchEnds().size());
    assertTrue(h.events.fetchFailures().isEmpty());
  }

  @Test
  void aStreamFailsAtItsDeadlineWithTheSameError() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("s", 100).then(Outcome.ok(), Outcome.hang());
    try (Stream<CandleSeries> pages =
        h.engine.pages(source, within(query(250), Duration.ofSeconds(5)))) {
      Iterator<CandleSeries> it = pages.iterator();
      assertTrue(it.hasNext());
      assertEquals(99, it.next().size()); // the last candle waits for the page seam
      h.time.advance(Duration.ofSeconds(5)); // page 2 hangs, and the deadline passes
      QueryTimeoutException e = assertThrows(QueryTimeoutException.class, it::hasNext);
      assertEquals(1, e.pages());
      assertEquals(1, source.cancelled());
      assertEquals(1, h.events.fetchFailures().size(), "reported once, at the deadline");
      assertSame(e, h.events.fetchFailures().get(0).error());
    }
    assertEquals(1, h.events.fetchFailures().size(), "closing the stream reports nothing more");
  }

  @Test
  void aStreamWhoseCallerIsSlowFailsAtItsDeadlineToo() {
    GuardHarness h = new GuardHarness(EXP);
    ScriptedSource source = ScriptedSource.of("s", 100);
    try (Stream<CandleSeries> pages =
        h.engine.pages(source, within(query(250), Duration.ofSeconds(5)))) {
      Iterator<CandleSeries> it = pages.iterator();
      assertEquals(99, it.next().size());
      h.time.advance(Duration.ofSeconds(6)); // the caller works on page 1 for 6 s
      OhlcvException e = assertThrows(OhlcvException.class, it::hasNext);
      assertInstanceOf(QueryTimeoutException.class, e);
    }
  }
}
