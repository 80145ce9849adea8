package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.CandleSource;
import java.time.Clock;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Runs a query straight against a source: no retries, no events; the default of {@link
 * CandleSource#fetch}.
 */
public final class DirectRunner {
  private DirectRunner() {}

  /** Fetches the whole answer; see {@link CandleSource#fetch(OhlcvQuery)}. */
  public static CandleSeries fetch(CandleSource source, OhlcvQuery query, Clock clock) {
    Objects.requireNonNull(query, "query");
    return engine(clock).fetch(source, query);
  }

  /** Streams the answer; see {@link CandleSource#pages(OhlcvQuery)}. */
  public static Stream<CandleSeries> pages(CandleSource source, OhlcvQuery query, Clock clock) {
    Objects.requireNonNull(query, "query");
    return engine(clock).pages(source, query);
  }

  private static QueryEngine engine(Clock clock) {
    return new QueryEngine(clock, OhlcvEventListener.NONE, PageGuard.NONE, Runnable::run);
  }
}
