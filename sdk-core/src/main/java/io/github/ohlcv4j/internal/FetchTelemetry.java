package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What one run of a query tells the world: its listener events and its DEBUG log lines ({@code page
 * …}, {@code fetched …}, {@code failed …} on logger {@code io.github.ohlcv4j}), each logged with
 * the query's fields in the MDC ({@code source}, {@code symbol}, {@code interval}, {@code rows},
 * {@code bytes}, {@code duration_ms}) on top of the run's own ({@link FetchContext}). The engine
 * decides when things happen; this class only says so. Calls come from one thread at a time (the
 * run's steps are sequential).
 */
final class FetchTelemetry {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j");

  private final OhlcvEventListener listener;
  private final FetchContext fetch;
  private final OhlcvQuery query;
  private final String name;

  /**
   * @param listener receives the events; already safe to call ({@link SafeListener})
   * @param fetch the run
   */
  FetchTelemetry(OhlcvEventListener listener, FetchContext fetch) {
    this.listener = listener;
    this.fetch = fetch;
    this.query = fetch.query();
    this.name = fetch.source();
  }

  /** The run started. */
  void started() {
    listener.fetchStart(fetch.fetch());
  }

  /** Attempt {@code attempt} at page {@code page} is being sent. */
  void pageStarted(int page, int attempt) {
    listener.pageStart(fetch.fetch(), page, attempt);
  }

  /** Page {@code page} arrived with {@code rows} candles in {@code bytes}. */
  void pageEnded(int page, int rows, long bytes, Duration took) {
    listener.pageEnd(fetch.fetch(), page, rows, bytes, took);
    if (log.isDebugEnabled()) {
      withMdc(
          rows,
          bytes,
          took,
          () ->
              log.debug(
                  "page source={} symbol={} interval={} page={} rows={} bytes={} duration_ms={}",
                  name,
                  query.symbol(),
                  query.interval(),
                  page,
                  rows,
                  bytes,
                  took.toMillis()));
    }
  }

  /** How far the run has come after a page. */
  void progress(OhlcvEventListener.Progress progress) {
    listener.progress(fetch.fetch(), progress);
  }

  /**
   * The run ended with {@code rows} candles in all (a stream's pages added up).
   *
   * @param dropped rows dropped because they lay outside the window their request asked for
   */
  void succeeded(long rows, long bytes, int pages, long dropped, Duration took) {
    listener.fetchEnd(fetch.fetch(), (int) Math.min(Integer.MAX_VALUE, rows), took);
    if (log.isDebugEnabled()) {
      withMdc(
          rows,
          bytes,
          took,
          () ->
              log.debug(
                  "fetched source={} symbol={} interval={} rows={} bytes={} pages={}"
                      + " dropped_outside_window={} duration_ms={}",
                  name,
                  query.symbol(),
                  query.outputInterval(),
                  rows,
                  bytes,
                  pages,
                  dropped,
                  took.toMillis()));
    }
  }

  /** The run failed for good with {@code e}, or was cancelled. */
  void failed(OhlcvException e, long bytes, Duration took) {
    listener.fetchFailed(fetch.fetch(), e, took);
    if (log.isDebugEnabled()) {
      withMdc(
          -1,
          bytes,
          took,
          () ->
              log.debug(
                  "failed source={} symbol={} interval={} duration_ms={} error={}",
                  name,
                  query.symbol(),
                  query.interval(),
                  took.toMillis(),
                  e.getMessage()));
    }
  }

  private void withMdc(long rows, long bytes, Duration took, Runnable r) {
    try (MDC.MDCCloseable a = MDC.putCloseable("source", name);
        MDC.MDCCloseable s = MDC.putCloseable("symbol", query.symbol().toString());
        MDC.MDCCloseable i = MDC.putCloseable("interval", query.interval().toString());
        MDC.MDCCloseable w = MDC.putCloseable("rows", Long.toString(rows));
        MDC.MDCCloseable y = MDC.putCloseable("bytes", Long.toString(bytes));
        MDC.MDCCloseable d = MDC.putCloseable("duration_ms", Long.toString(took.toMillis()))) {
      r.run();
    }
  }
}
