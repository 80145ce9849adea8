package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.resilience.CircuitState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Records every event, as a line of text (for order) and as values (for details). Thread-safe. */
public final class RecordingListener implements OhlcvEventListener {

  /** A retry event. */
  public record Retry(String source, int attempt, OhlcvException cause, Duration delay) {}

  /** A page that arrived. */
  public record PageEnd(String source, int page, int rows, long bytes, Duration duration) {}

  /** A circuit state change. */
  public record CircuitChange(
      String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {}

  /** A rate-limit wait. */
  public record Wait(String source, Duration delay) {}

  /** A query's end. */
  public record FetchEnd(String source, int rows, Duration duration) {}

  /** A request sent: page, attempt, and when (by the listener's stopwatch). */
  public record PageStart(int page, int attempt, Duration at) {}

  /** A query's failure. */
  public record FetchFailed(String source, OhlcvException error, Duration duration) {}

  private final Supplier<Duration> stopwatch;
  private final List<String> lines = new ArrayList<>();
  private final List<PageStart> pageStarts = new ArrayList<>();
  private final List<Retry> retries = new ArrayList<>();
  private final List<PageEnd> pageEnds = new ArrayList<>();
  private final List<CircuitChange> circuit = new ArrayList<>();
  private final List<Wait> waits = new ArrayList<>();
  private final List<FetchEnd> fetchEnds = new ArrayList<>();
  private final List<FetchFailed> fetchFailures = new ArrayList<>();
  private final List<OhlcvException> pageFailures = new ArrayList<>();
  private final List<Fetch> fetches = new ArrayList<>();
  private final List<Fetch> all = new ArrayList<>();

  /** A listener that times nothing. */
  public RecordingListener() {
    this(() -> Duration.ZERO);
  }

  /** A listener that stamps each {@link PageStart} with {@code stopwatch}. */
  public RecordingListener(Supplier<Duration> stopwatch) {
    this.stopwatch = stopwatch;
  }

  @Override
  public synchronized void fetchStart(Fetch fetch) {
    lines.add("fetchStart " + fetch.source());
    fetches.add(fetch);
    all.add(fetch);
  }

  @Override
  public synchronized void pageStart(Fetch fetch, int page, int attempt) {
    all.add(fetch);
    lines.add("pageStart " + page + "." + attempt);
    pageStarts.add(new PageStart(page, attempt, stopwatch.get()));
  }

  @Override
  public synchronized void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
    all.add(fetch);
    lines.add("pageEnd " + page + " rows=" + rows);
    pageEnds.add(new PageEnd(fetch.source(), page, rows, bytes, duration));
  }

  @Override
  public synchronized void pageFailed(
      Fetch fetch, int page, OhlcvException error, Duration duration) {
    all.add(fetch);
    lines.add("pageFailed " + page + " " + error.getClass().getSimpleName());
    pageFailures.add(error);
  }

  @Override
  public synchronized void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
    all.add(fetch);
    lines.add("retry " + attempt + " wait=" + wait.toMillis() + "ms");
    retries.add(new Retry(fetch.source(), attempt, cause, wait));
  }

  @Override
  public synchronized void rateLimitWait(Fetch fetch, Duration wait) {
    all.add(fetch);
    lines.add("rateLimitWait " + wait.toMillis() + "ms");
    waits.add(new Wait(fetch.source(), wait));
  }

  @Override
  public synchronized void circuitStateChanged(
      String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {
    fetch.ifPresent(all::add);
    lines.add("circuit " + from + "->" + to);
    circuit.add(new CircuitChange(source, from, to, fetch));
  }

  @Override
  public synchronized void fetchEnd(Fetch fetch, int rows, Duration duration) {
    all.add(fetch);
    lines.add("fetchEnd rows=" + rows);
    fetchEnds.add(new FetchEnd(fetch.source(), rows, duration));
  }

  @Override
  public synchronized void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
    all.add(fetch);
    lines.add("fetchFailed " + error.getClass().getSimpleName());
    fetchFailures.add(new FetchFailed(fetch.source(), error, duration));
  }

  /** Every event so far, one line each, in order. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines that start with {@code prefix}. */
  public synchronized List<String> lines(String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
  }

  /** The requests sent. */
  public synchronized List<PageStart> pageStarts() {
    return List.copyOf(pageStarts);
  }

  /** When each request was sent, by the stopwatch. */
  public synchronized List<Duration> sentAt() {
    return pageStarts.stream().map(PageStart::at).collect(Collectors.toList());
  }

  /** The retry events. */
  public synchronized List<Retry> retries() {
    return List.copyOf(retries);
  }

  /** The page-end events. */
  public synchronized List<PageEnd> pageEnds() {
    return List.copyOf(pageEnds);
  }

  /** The circuit changes. */
  public synchronized List<CircuitChange> circuitChanges() {
    return List.copyOf(circuit);
  }

  /** The rate-limit waits. */
  public synchronized List<Wait> waits() {
    return List.copyOf(waits);
  }

  /** The query ends. */
  public synchronized List<FetchEnd> fetchEnds() {
    return List.copyOf(fetchEnds);
  }

  /** The query failures. */
  public synchronized List<FetchFailed> fetchFailures() {
    return List.copyOf(fetchFailures);
  }

  /** The runs started ({@code fetchStart}), in order. */
  public synchronized List<Fetch> fetches() {
    return List.copyOf(fetches);
  }

  /** The run each event named, one entry per event (circuit changes without a run left out). */
  public synchronized List<Fetch> fetchOfEachEvent() {
    return List.copyOf(all);
  }

  /** The page failures. */
  public synchronized List<OhlcvException> pageFailures() {
    return List.copyOf(pageFailures);
  }

  // ------------------------------------------------------------------ live candles

  /** A live backfill. */
  public record Backfill(
      String source, Symbol symbol, Interval interval, Instant from, Instant to, int candles) {}

  /** A live reconnect. */
  public record Reconnect(
      String source, int connection, int attempt, Duration delay, OhlcvException cause) {}

  private final List<Backfill> backfills = new ArrayList<>();
  private final List<Reconnect> reconnects = new ArrayList<>();
  private final List<Candle> revisions = new ArrayList<>();
  private final List<OhlcvException> streamFailures = new ArrayList<>();

  @Override
  public synchronized void liveConnected(String source, int connection, int streams) {
    lines.add("liveConnected " + connection + " streams=" + streams);
  }

  @Override
  public synchronized void liveReconnecting(
      String source, int connection, int attempt, Duration wait, OhlcvException cause) {
    lines.add("liveReconnecting " + connection + " attempt=" + attempt);
    reconnects.add(new Reconnect(source, connection, attempt, wait, cause));
  }

  @Override
  public synchronized void liveGapBackfilled(
      String source, Symbol symbol, Interval interval, Instant from, Instant to, int candles) {
    lines.add("liveGapBackfilled " + from + " " + to + " candles=" + candles);
    backfills.add(new Backfill(source, symbol, interval, from, to, candles));
  }

  @Override
  public synchronized void liveRevised(
      String source, Symbol symbol, Interval interval, Candle candle) {
    lines.add("liveRevised " + candle.openTime());
    revisions.add(candle);
  }

  @Override
  public synchronized void liveStreamFailed(
      String source, Symbol symbol, Interval interval, OhlcvException error) {
    lines.add("liveStreamFailed " + error.getClass().getSimpleName());
    streamFailures.add(error);
  }

  /** The live backfills. */
  public synchronized List<Backfill> backfills() {
    return List.copyOf(backfills);
  }

  /** The live reconnects. */
  public synchronized List<Reconnect> reconnects() {
    return List.copyOf(reconnects);
  }

  /** The revised candles. */
  public synchronized List<Candle> revisions() {
    return List.copyOf(revisions);
  }

  /** The errors that ended live subscriptions. */
  public synchronized List<OhlcvException> streamFailures() {
    return List.copyOf(streamFailures);
  }
}
