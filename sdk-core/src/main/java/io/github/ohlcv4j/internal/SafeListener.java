package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.resilience.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an application's listener, logging and swallowing whatever it throws, so metrics code
 * cannot break a query: exceptions and {@link Error}s alike (an {@link AssertionError} from a test
 * listener, a {@link NoClassDefFoundError} from a metrics library missing at run time). An {@link
 * OutOfMemoryError} is swallowed too: the query's own next allocation fails it if memory is really
 * short, and a listener event is no place to decide that.
 */
public final class SafeListener implements OhlcvEventListener {
  private static final Logger log = LoggerFactory.getLogger(SafeListener.class);

  private final OhlcvEventListener delegate;

  /** Wraps {@code delegate} (unless it is already safe). */
  public SafeListener(OhlcvEventListener delegate) {
    this.delegate =
        delegate instanceof SafeListener ? ((SafeListener) delegate).delegate : delegate;
  }

  private void guard(String event, Runnable r) {
    try {
      r.run();
    } catch (Throwable e) { // never let a listener fail or hang the query it reports on
      try {
        log.warn("OhlcvEventListener {} threw; ignored", event, e);
      } catch (Throwable ignored) {
        // nothing left to do: the query goes on
      }
    }
  }

  @Override
  public void fetchStart(Fetch fetch) {
    guard("fetchStart", () -> delegate.fetchStart(fetch));
  }

  @Override
  public void pageStart(Fetch fetch, int page, int attempt) {
    guard("pageStart", () -> delegate.pageStart(fetch, page, attempt));
  }

  @Override
  public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
    guard("pageEnd", () -> delegate.pageEnd(fetch, page, rows, bytes, duration));
  }

  @Override
  public void pageFailed(Fetch fetch, int page, OhlcvException error, Duration duration) {
    guard("pageFailed", () -> delegate.pageFailed(fetch, page, error, duration));
  }

  @Override
  public void progress(Fetch fetch, Progress progress) {
    guard("progress", () -> delegate.progress(fetch, progress));
  }

  @Override
  public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
    guard("retry", () -> delegate.retry(fetch, attempt, cause, wait));
  }

  @Override
  public void rateLimitWait(Fetch fetch, Duration wait) {
    guard("rateLimitWait", () -> delegate.rateLimitWait(fetch, wait));
  }

  @Override
  public void circuitStateChanged(
      String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {
    guard("circuitStateChanged", () -> delegate.circuitStateChanged(source, from, to, fetch));
  }

  @Override
  public void fetchEnd(Fetch fetch, int rows, Duration duration) {
    guard("fetchEnd", () -> delegate.fetchEnd(fetch, rows, duration));
  }

  @Override
  public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
    guard("fetchFailed", () -> delegate.fetchFailed(fetch, error, duration));
  }

  @Override
  public void batchProgress(Batch batch, int succeeded, int failed) {
    guard("batchProgress", () -> delegate.batchProgress(batch, succeeded, failed));
  }

  // ------------------------------------------------------------------ live candles

  @Override
  public void liveConnected(String source, int connection, int streams) {
    guard("liveConnected", () -> delegate.liveConnected(source, connection, streams));
  }

  @Override
  public void liveReconnecting(
      String source, int connection, int attempt, Duration wait, OhlcvException cause) {
    guard(
        "liveReconnecting",
        () -> delegate.liveReconnecting(source, connection, attempt, wait, cause));
  }

  @Override
  public void liveGapBackfilled(
      String source, Symbol symbol, Interval interval, Instant from, Instant to, int candles) {
    guard(
        "liveGapBackfilled",
        () -> delegate.liveGapBackfilled(source, symbol, interval, from, to, candles));
  }

  @Override
  public void liveRevised(String source, Symbol symbol, Interval interval, Candle candle) {
    guard("liveRevised", () -> delegate.liveRevised(source, symbol, interval, candle));
  }

  @Override
  public void liveStreamFailed(
      String source, Symbol symbol, Interval interval, OhlcvException error) {
    guard("liveStreamFailed", () -> delegate.liveStreamFailed(source, symbol, interval, error));
  }

  @Override
  public void storeRead(
      String store, String source, Symbol symbol, Interval interval, StoreRead result) {
    guard("storeRead", () -> delegate.storeRead(store, source, symbol, interval, result));
  }
}
