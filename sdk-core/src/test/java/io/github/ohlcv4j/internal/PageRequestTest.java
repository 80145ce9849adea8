package io.github.ohlcv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request object the guards pass inward, as OkHttp's interceptors pass a chain. */
class PageRequestTest {

  @Test
  void hooksRunInnermostFirstAndTheRetryGuardNumbersAttempts() {
    CandleSource source = SampleSource.create();
    FetchContext fetch = FetchContext.start(GuardHarness.query(10), source.name());
    PageCursor cursor = source.cursor(fetch.query());
    List<String> told = new ArrayList<>();
    PageRequest engine = PageRequest.of(source, fetch, 2, cursor, a -> told.add("engine " + a));
    // The retry guard numbers attempts across retries; the breaker's hook times the attempt.
    PageRequest inner = engine.asAttempt(3).beforeAttempt(a -> told.add("breaker " + a));
    assertEquals(10, inner.send().join().candles().size());
    assertEquals(List.of("breaker 1", "engine 3"), told);
    assertSame(source, inner.source());
    assertSame(cursor, inner.cursor());
    assertEquals(2, inner.page());
    assertEquals(fetch.query(), inner.query());
    assertEquals(source.name(), inner.sourceName());
  }
}
