package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Records every event, as a line of text (for order) and as values (for details). Thread-safe. */
public final class RecordingListener implements OhlcvEventListener {

  /** A retry event. */
  public record Retry(String source, int attempt, OhlcvException cause, Duration delay) {}

  /** A page that arrived. */
  public record PageEnd(String source, int page, int rows, long bytes, Duration duration) {}

  /** A circuit state change. */
  public record CircuitChange(String source, String from, String to) {}

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

  /** A listener that times nothing. */
  public RecordingListener() {
    this(() -> Duration.ZERO);
  }

  /** A listener that stamps each {@link PageStart} with {@code stopwatch}. */
  public RecordingListener(Supplier<Duration> stopwatch) {
    this.stopwatch = stopwatch;
  }

  @Override
  public synchronized void fetchStart(OhlcvQuery query, String source) {
    lines.add("fetchStart " + source);
  }

  @Override
  public synchronized void pageStart(OhlcvQuery query, String source, int page, int attempt) {
    lines.add("pageStart " + page + "." + attempt);
    pageStarts.add(new PageStart(page, attempt, stopwatch.get()));
  }

  @Override
  public synchronized void pageEnd(
      OhlcvQuery query, String source, int page, int rows, long bytes, Duration duration) {
    lines.add("pageEnd " + page + " rows=" + rows);
    pageEnds.add(new PageEnd(source, page, rows, bytes, duration));
  }

  @Override
  public synchronized void pageFailed(
      OhlcvQuery query, String source, int page, OhlcvException error, Duration duration) {
    lines.add("pageFailed " + page + " " + error.getClass().getSimpleName());
    pageFailures.add(error);
  }

  @Override
  public synchronized void retry(
      OhlcvQuery query, String source, int attempt, OhlcvException cause, Duration wait) {
    lines.add("retry " + attempt + " wait=" + wait.toMillis() + "ms");
    retries.add(new Retry(source, attempt, cause, wait));
  }

  @Override
  public synchronized void rateLimitWait(String source, Duration wait) {
    lines.add("rateLimitWait " + wait.toMillis() + "ms");
    waits.add(new Wait(source, wait));
  }

  @Override
  public synchronized void circuitStateChanged(String source, String from, String to) {
    lines.add("circuit " + from + "->" + to);
    circuit.add(new CircuitChange(source, from, to));
  }

  @Override
  public synchronized void fetchEnd(OhlcvQuery query, String source, int rows, Duration duration) {
    lines.add("fetchEnd rows=" + rows);
    fetchEnds.add(new FetchEnd(source, rows, duration));
  }

  @Override
  public synchronized void fetchFailed(
      OhlcvQuery query, String source, OhlcvException error, Duration duration) {
    lines.add("fetchFailed " + error.getClass().getSimpleName());
    fetchFailures.add(new FetchFailed(source, error, duration));
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
