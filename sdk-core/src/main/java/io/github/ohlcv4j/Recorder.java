package io.github.ohlcv4j;

import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.internal.GuardTimer;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.WriteResult;
import io.github.ohlcv4j.source.live.LiveFeed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a store current from live candles: for each symbol and interval it backfills what the
 * client's {@linkplain OhlcvClient#store() store} lacks since the end of what it holds, then writes
 * every candle as it closes.
 *
 * <pre>{@code
 * try (OhlcvClient client = OhlcvClient.builder().source("bybit:linear").store("duckdb:candles.duckdb").build();
 *      Recorder recorder = Recorder.builder().client(client)
 *          .symbol("BYBIT:BTCUSDT.P").symbol("BYBIT:ETHUSDT.P").interval(Interval.M1).build()) {
 *   recorder.start();
 *   ...
 *   recorder.status().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p><b>Where it starts.</b> {@link #start()} reads each stream's {@link CandleStore#coverage
 * coverage} and subscribes to the client's {@linkplain OhlcvClient.QueryBuilder#live() live
 * candles} from the end of the last range the store holds complete; when the store holds nothing of
 * the stream, or only ranges that end before {@link Builder#from(Instant)}, from {@code from};
 * without {@code from}, from the candle forming now. The history since then comes first (read
 * through the store, so only what it lacks is asked of the venue), then live candles, with no seam.
 * Holes inside the ranges held are not the recorder's business: a query read through the store
 * fills them.
 *
 * <p><b>What it writes.</b> Each {@link CandleEvent.Kind#CLOSED CLOSED} candle is written with
 * {@link CandleStore#write(CandleSeries, io.github.ohlcv4j.TimeRange)}, covering its own bucket
 * (and any open times since the previous close, at which the venue had no candle), so the store's
 * coverage grows with it. Closes that arrive together (the history) are written together. A {@link
 * CandleEvent.Kind#REVISED REVISED} candle replaces the stored one (an upsert). An {@link
 * CandleEvent.Kind#UPDATE UPDATE} — the candle still forming — is never written. Live events carry
 * the six values and the flags of a candle, so a candle written from the stream has no extra
 * columns (quote volume, trade count, ...).
 *
 * <p><b>Errors are kept, not dropped.</b> A write that fails (or that the store refuses because, by
 * its clock, the candle has not closed yet) keeps its candles waiting and is tried again after a
 * backoff (1 second, doubling up to a minute); a live stream that ends with an error is subscribed
 * again the same way, from the end of the last candle it had closed. Either is logged at WARN and
 * reported by {@link #status()} ({@link Status#lastError()}, {@link Status#pending()}). Writes run
 * on a thread of the recorder's own ({@link Builder#executor(Executor)}), never on the client's
 * threads.
 *
 * <p>Thread-safe. {@link #close()} stops the streams and writes what is still waiting; it closes
 * neither the client nor the store.
 */
public final class Recorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j");

  /** The first wait before a failed write or stream is tried again. */
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  /** The longest wait between tries. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /** The most candles one write holds. */
  static final int MAX_BATCH = 10_000;

  /** How far back from the end of the coverage the last stored candle is looked for first. */
  private static final int LAST_CANDLE_WINDOW = 1_440;

  private static final int NEW = 0;
  private static final int STARTED = 1;
  private static final int CLOSED = 2;

  private final OhlcvClient client;
  private final CandleStore store;
  private final @Nullable Instant from;
  private final Executor writer;
  private final @Nullable ExecutorService ownWriter;
  private final List<Stream> streams;
  private final AtomicInteger state = new AtomicInteger(NEW);

  private Recorder(Builder b, OhlcvClient client, CandleStore store, List<Stream> streams) {
    this.client = client;
    this.store = store;
    this.from = b.from;
    this.streams = streams;
    if (b.executor != null) {
      this.writer = b.executor;
      this.ownWriter = null;
    } else {
      ExecutorService own =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "ohlcv4j-recorder");
                t.setDaemon(true);
                return t;
              });
      this.writer = own;
      this.ownWriter = own;
    }
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts recording: reads each stream's coverage and subscribes to its live candles, from where
   * the store's coverage ends (see the class comment). A coverage read that fails is reported in
   * {@link #status()} and tried again after a backoff.
   *
   * @throws IllegalStateException if the recorder was started or closed before
   * @throws ClientClosedException if the client is closed
   */
  public void start() {
    if (!state.compareAndSet(NEW, STARTED)) {
      throw new IllegalStateException(
          state.get() == CLOSED ? "The recorder is closed" : "The recorder was started already");
    }
    if (client.isClosed()) {
      throw new ClientClosedException("The client of the recorder is closed", null, null);
    }
    for (Stream s : streams) {
      s.begin();
    }
  }

  /**
   * How far each stream is, one entry per symbol and interval in the order they were given: the
   * first and last candle stored, where the coverage ends, the lag, how many candles were written
   * and are waiting, and the last error. Reads no store: the figures are those of the last start
   * and the writes since.
   */
  public List<Status> status() {
    List<Status> out = new ArrayList<>(streams.size());
    for (Stream s : streams) {
      out.add(s.status());
    }
    return List.copyOf(out);
  }

  /**
   * Stops every stream, then writes the closed candles still waiting (once; a failure is reported
   * in {@link #status()} and logged), and stops the recorder's thread. Closes neither the client
   * nor the store. Idempotent.
   */
  @Override
  public void close() {
    if (state.getAndSet(CLOSED) == CLOSED) {
      return;
    }
    for (Stream s : streams) {
      s.stop();
    }
    for (Stream s : streams) {
      s.flushOnClose();
    }
    if (ownWriter != null) {
      ownWriter.shutdown();
    }
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Stream s : streams) {
      names.add(s.symbol + " " + s.interval);
    }
    return "Recorder{store=" + store.name() + ", streams=" + names + "}";
  }

  /** The wait before try {@code failures} (1, 2, ...) of something that failed. */
  static Duration backoff(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 16);
    Duration d = FIRST_BACKOFF.multipliedBy(1L << doublings);
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  /**
   * How far one symbol and interval is.
   *
   * @param symbol the instrument
   * @param interval the candles' interval
   * @param firstStored the open time of the first candle the store holds within its coverage, if
   *     any
   * @param lastStored the open time of the last closed candle stored (by an earlier run or this
   *     one), if any
   * @param coverageEnd where the last range the store holds complete ends, if it holds one
   * @param lag now (the venue's clock where the venue keeps one) less the end of the last closed
   *     candle stored; empty while nothing is stored
   * @param written candles written since {@link #start()}, history and revisions included
   * @param pending closed or revised candles received and not stored yet (a write is failing, or is
   *     under way)
   * @param streaming whether the live stream runs now (false before the start, after the close, and
   *     while a failed stream waits to be subscribed again)
   * @param lastError the last error of a write, a coverage read or the stream, if one happened
   *     (kept after the recorder has recovered from it)
   */
  public record Status(
      Symbol symbol,
      Interval interval,
      Optional<Instant> firstStored,
      Optional<Instant> lastStored,
      Optional<Instant> coverageEnd,
      Optional<Duration> lag,
      long written,
      int pending,
      boolean streaming,
      Optional<OhlcvException> lastError) {

    /** Checks that no component is null and no count is negative. */
    public Status {
      Objects.requireNonNull(symbol, "symbol");
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(firstStored, "firstStored");
      Objects.requireNonNull(lastStored, "lastStored");
      Objects.requireNonNull(coverageEnd, "coverageEnd");
      Objects.requireNonNull(lag, "lag");
      Objects.requireNonNull(lastError, "lastError");
      if (written < 0 || pending < 0) {
        throw new IllegalArgumentException("Counts must not be negative");
      }
    }
  }

  /** One symbol and interval: its subscription, the candles waiting to be written, its figures. */
  private final class Stream {
    final Symbol symbol;
    final Interval interval;
    final Clock now;
    final GuardTimer timer;

    /** Held while candles are written: one writer at a time, in order. */
    private final Object writeLock = new Object();

    // Guarded by this.
    private final ArrayDeque<CandleEvent> pending = new ArrayDeque<>();
    private @Nullable LiveSubscription sub;
    private @Nullable Future<?> retry;
    private @Nullable Future<?> restart;
    private int generation;
    private boolean draining;
    private boolean begun;
    private boolean stopped;
    private int writeFailures;
    private int streamFailures;
    private @Nullable Instant chainStart;
    private @Nullable Instant receivedTo;
    private @Nullable Instant firstStored;
    private @Nullable Instant lastStored;
    private @Nullable Instant coverageEnd;
    private long written;
    private @Nullable OhlcvException lastError;

    /** Guarded by writeLock: the end of what this run wrote complete, or where it started. */
    private @Nullable Instant coveredTo;

    Stream(Symbol symbol, Interval interval, Clock now, GuardTimer timer) {
      this.symbol = symbol;
      this.interval = interval;
      this.now = now;
      this.timer = timer;
    }

    /** Reads the coverage, works out where to start and subscribes. Never throws. */
    void begin() {
      Coverage cov;
      Instant first = null;
      Instant last = null;
      try {
        cov = store.coverage(symbol, interval);
        if (!cov.isNone()) {
          first = firstStored(cov);
          last = lastStored(cov);
        }
      } catch (RuntimeException e) {
        streamFailed(
            generationNow(),
            Errors.wrap(
                e,
                store.name(),
                "while reading the coverage of " + symbol + " " + interval + " to record it"));
        return;
      }
      Instant end = cov.isNone() ? null : cov.complete().get(cov.complete().size() - 1).to();
      Instant start;
      if (end != null && (from == null || end.isAfter(from))) {
        start = end;
      } else {
        start = interval.bucketStart(from != null ? from : now.instant(), ZoneOffset.UTC);
      }
      synchronized (writeLock) {
        coveredTo = start;
      }
      synchronized (this) {
        if (stopped) {
          return;
        }
        begun = true;
        chainStart = start;
        firstStored = first;
        lastStored = last;
        coverageEnd = end;
      }
      subscribe(start);
    }

    /** The open time of the first candle held within the coverage. */
    private @Nullable Instant firstStored(Coverage cov) {
      List<TimeRange> c = cov.complete();
      return store
          .fetch(
              OhlcvQuery.builder()
                  .symbol(symbol)
                  .interval(interval)
                  .between(c.get(0).from(), c.get(c.size() - 1).to())
                  .limit(1)
                  .build())
          .first()
          .map(Candle::openTime)
          .orElse(null);
    }

    /** The open time of the last candle held within the coverage: near its end first. */
    private @Nullable Instant lastStored(Coverage cov) {
      List<TimeRange> c = cov.complete();
      TimeRange lastRange = c.get(c.size() - 1);
      long to = lastRange.toMillis();
      long near =
          interval.plus(
              interval.bucketStart(to, ZoneOffset.UTC), -LAST_CANDLE_WINDOW, ZoneOffset.UTC);
      Instant a = Instant.ofEpochMilli(Math.max(near, lastRange.fromMillis()));
      Optional<Candle> last = fetchLast(a, lastRange.to());
      if (last.isEmpty()) {
        last = fetchLast(c.get(0).from(), lastRange.to());
      }
      return last.map(Candle::openTime).orElse(null);
    }

    private Optional<Candle> fetchLast(Instant a, Instant b) {
      if (!b.isAfter(a)) {
        return Optional.empty();
      }
      return store
          .fetch(OhlcvQuery.builder().symbol(symbol).interval(interval).between(a, b).build())
          .last();
    }

    private synchronized int generationNow() {
      return generation;
    }

    /** Subscribes from {@code at}; a failure is handled as a stream error. Never throws. */
    private void subscribe(Instant at) {
      int g;
      synchronized (this) {
        if (stopped) {
          return;
        }
        g = ++generation;
      }
      LiveSubscription s;
      try {
        s =
            client
                .query(symbol)
                .interval(interval)
                .from(at)
                .live()
                .subscribe(e -> onEvent(e, g), e -> streamFailed(g, e));
      } catch (RuntimeException e) {
        streamFailed(g, Errors.wrap(e, null, "while subscribing to " + symbol + " " + interval));
        return;
      }
      boolean keep;
      synchronized (this) {
        keep = !stopped && g == generation && restart == null;
        if (keep) {
          sub = s;
        }
      }
      if (!keep) {
        s.close();
      }
    }

    /** An event of subscription {@code g}: closes and revisions wait to be written. */
    private void onEvent(CandleEvent e, int g) {
      if (e.kind() == CandleEvent.Kind.UPDATE || e.candle().inProgress()) {
        return; // the forming candle is never stored
      }
      synchronized (this) {
        if (stopped || g != generation) {
          return;
        }
        pending.add(e);
        if (e.kind() == CandleEvent.Kind.CLOSED) {
          Instant end = end(e.candle());
          if (receivedTo == null || end.isAfter(receivedTo)) {
            receivedTo = end;
          }
          streamFailures = 0;
        }
        if (draining || retry != null) {
          return;
        }
        draining = true;
      }
      submitDrain();
    }

    private void submitDrain() {
      try {
        writer.execute(this::drain);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          draining = false; // closing: close() writes what waits
        }
      }
    }

    /** Writes what waits until nothing does, or a write fails (then a retry is scheduled). */
    private void drain() {
      synchronized (writeLock) {
        while (true) {
          List<CandleEvent> work;
          synchronized (this) {
            if (pending.isEmpty()) {
              draining = false;
              return;
            }
            work = new ArrayList<>(pending);
          }
          OhlcvException failure = writeEvents(work);
          if (failure != null) {
            synchronized (this) {
              draining = false;
              writeFailures++;
              lastError = failure;
              if (!stopped) {
                Duration wait = backoff(writeFailures);
                log.warn(
                    "Recording {} {}: a write to {} failed; {} candles wait, trying again in {}",
                    symbol,
                    interval,
                    store.name(),
                    pending.size(),
                    wait,
                    failure);
                retry = schedule(this::retryWrite, wait);
              }
            }
            return;
          }
        }
      }
    }

    private void retryWrite() {
      synchronized (this) {
        retry = null;
        if (stopped || draining) {
          return;
        }
        draining = true;
      }
      submitDrain();
    }

    /**
     * Writes {@code work} in order: runs of closes together, each revision alone; each written
     * event leaves the queue. Needs writeLock.
     *
     * @return the failure that stopped it, or null when all was written
     */
    private @Nullable OhlcvException writeEvents(List<CandleEvent> work) {
      int i = 0;
      while (i < work.size()) {
        CandleEvent e = work.get(i);
        int n;
        try {
          if (e.kind() == CandleEvent.Kind.REVISED) {
            writeRevised(e.candle());
            n = 1;
          } else {
            int j = i;
            List<Candle> batch = new ArrayList<>();
            while (j < work.size()
                && work.get(j).kind() == CandleEvent.Kind.CLOSED
                && batch.size() < MAX_BATCH) {
              batch.add(work.get(j).candle());
              j++;
            }
            writeClosed(batch);
            n = batch.size();
          }
        } catch (RuntimeException ex) {
          return Errors.wrap(
              ex, store.name(), "while recording " + symbol + " " + interval + " into the store");
        }
        synchronized (this) {
          for (int k = 0; k < n; k++) {
            pending.poll();
          }
          writeFailures = 0;
        }
        i += n;
      }
      return null;
    }

    /** Writes closed candles, covering from where the last write ended to the last one's end. */
    private void writeClosed(List<Candle> batch) {
      Instant firstOpen = batch.get(0).openTime();
      Instant end = end(batch.get(batch.size() - 1));
      Instant a = coveredTo != null && coveredTo.isBefore(firstOpen) ? coveredTo : firstOpen;
      WriteResult r = store.write(series(batch), new TimeRange(a, end));
      checkStored(r, batch.size());
      coveredTo = end;
      stored(r, batch.get(0).openTime(), batch.get(batch.size() - 1).openTime());
    }

    /** Replaces a stored candle with its correction. */
    private void writeRevised(Candle c) {
      WriteResult r = store.write(series(List.of(c)));
      checkStored(r, 1);
      stored(r, c.openTime(), c.openTime());
    }

    /** A closed candle the store would not keep is an error, never dropped in silence. */
    private void checkStored(WriteResult r, int candles) {
      int skipped = r.skippedInProgress() + r.skippedFilled();
      if (skipped > 0) {
        throw new SourceUnavailableException(
            store.name()
                + " did not store "
                + skipped
                + " of "
                + candles
                + " closed "
                + symbol
                + " "
                + interval
                + " candles: by the store's clock they have not closed yet. The store's clock is"
                + " behind the venue's; they are written again later.",
            store.name(),
            null);
      }
    }

    private synchronized void stored(WriteResult r, Instant firstOpen, Instant lastOpen) {
      written += r.written();
      if (firstStored == null || firstOpen.isBefore(firstStored)) {
        firstStored = firstOpen;
      }
      if (lastStored == null || lastOpen.isAfter(lastStored)) {
        lastStored = lastOpen;
      }
      if (r.covered().isPresent()) {
        Instant to = r.covered().get().to();
        if (coverageEnd == null || to.isAfter(coverageEnd)) {
          coverageEnd = to;
        }
      }
    }

    /** Subscription {@code g} (or its start) failed: report it and try again after a backoff. */
    private void streamFailed(int g, OhlcvException e) {
      Duration wait;
      synchronized (this) {
        if (stopped || g != generation) {
          return;
        }
        generation++;
        sub = null;
        lastError = e;
        if (e instanceof ClientClosedException) {
          stopped = true;
          log.warn("Recording {} {} stopped: the client is closed", symbol, interval);
          return;
        }
        streamFailures++;
        wait = backoff(streamFailures);
        restart = schedule(this::restart, wait);
      }
      log.warn(
          "Recording {} {}: the live stream failed; subscribing again in {}",
          symbol,
          interval,
          wait,
          e);
    }

    private void restart() {
      boolean again;
      Instant at;
      synchronized (this) {
        restart = null;
        if (stopped) {
          return;
        }
        again = begun;
        at = receivedTo != null ? receivedTo : chainStart;
      }
      if (!again || at == null) {
        begin();
      } else {
        subscribe(at);
      }
    }

    /** Runs {@code task} on the recorder's thread after {@code delay}; null when it cannot. */
    private @Nullable Future<?> schedule(Runnable task, Duration delay) {
      try {
        return timer.schedule(
            () -> {
              try {
                writer.execute(task);
              } catch (RejectedExecutionException e) {
                // closed meanwhile
              }
            },
            delay);
      } catch (RejectedExecutionException e) {
        return null; // the client is closing
      }
    }

    /** Stops the subscription and the timers; no more events are taken. */
    void stop() {
      LiveSubscription s;
      synchronized (this) {
        stopped = true;
        generation++;
        s = sub;
        sub = null;
        if (retry != null) {
          retry.cancel(false);
          retry = null;
        }
        if (restart != null) {
          restart.cancel(false);
          restart = null;
        }
      }
      if (s != null) {
        s.close();
      }
    }

    /** Writes what still waits, once, on the closing thread. */
    void flushOnClose() {
      synchronized (writeLock) {
        List<CandleEvent> work;
        synchronized (this) {
          work = new ArrayList<>(pending);
        }
        if (work.isEmpty()) {
          return;
        }
        OhlcvException failure = writeEvents(work);
        if (failure != null) {
          synchronized (this) {
            lastError = failure;
          }
          log.warn(
              "Recording {} {}: closing with {} candles not written to {}",
              symbol,
              interval,
              work.size(),
              store.name(),
              failure);
        }
      }
    }

    synchronized Status status() {
      Duration lag = null;
      if (lastStored != null) {
        lag = Duration.between(end(lastStored), now.instant());
        if (lag.isNegative()) {
          lag = Duration.ZERO;
        }
      }
      LiveSubscription s = sub;
      return new Status(
          symbol,
          interval,
          Optional.ofNullable(firstStored),
          Optional.ofNullable(lastStored),
          Optional.ofNullable(coverageEnd),
          Optional.ofNullable(lag),
          written,
          pending.size(),
          s != null && s.isActive(),
          Optional.ofNullable(lastError));
    }

    private Instant end(Candle c) {
      return end(c.openTime());
    }

    private Instant end(Instant open) {
      return Instant.ofEpochMilli(interval.bucketEnd(open.toEpochMilli(), ZoneOffset.UTC));
    }

    private CandleSeries series(List<Candle> candles) {
      CandleSeries.Builder b = CandleSeries.builder(symbol, interval);
      for (Candle c : candles) {
        b.add(c);
      }
      return b.build();
    }
  }

  /** Builds a {@link Recorder}. */
  public static final class Builder {
    private @Nullable OhlcvClient client;
    private final Set<Symbol> symbols = new LinkedHashSet<>();
    private final Set<Interval> intervals = new LinkedHashSet<>();
    private @Nullable Instant from;
    private @Nullable Executor executor;

    Builder() {}

    /**
     * The client whose live candles are recorded into its {@linkplain OhlcvClient#store() store}.
     */
    public Builder client(OhlcvClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** A symbol to record; may be called again for more. */
    public Builder symbol(Symbol symbol) {
      symbols.add(Objects.requireNonNull(symbol, "symbol"));
      return this;
    }

    /** A symbol to record, parsed by {@link Symbol#parse(String)}; may be called again. */
    public Builder symbol(String symbol) {
      return symbol(Symbol.parse(Objects.requireNonNull(symbol, "symbol")));
    }

    /**
     * The interval of the candles to record; may be called again for more: every symbol is recorded
     * at every interval given.
     */
    public Builder interval(Interval interval) {
      intervals.add(Objects.requireNonNull(interval, "interval"));
      return this;
    }

    /**
     * Where to start a stream the store holds nothing of (or holds only ranges ending before this
     * time); without it, such a stream starts with the candle forming now.
     */
    public Builder from(Instant from) {
      this.from = Objects.requireNonNull(from, "from");
      return this;
    }

    /**
     * Runs the store writes (they block); a thread of the recorder's own by default, stopped by
     * {@link Recorder#close()}. Writes of one stream never run at the same time.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the recorder (nothing starts yet: see {@link Recorder#start()}).
     *
     * @throws IllegalStateException if the client, a symbol or an interval is missing
     * @throws InvalidQueryException if the client has no store, the store cannot keep an interval,
     *     or a symbol's source has no live feed
     * @throws ClientClosedException if the client is closed
     */
    public Recorder build() {
      OhlcvClient c = client;
      if (c == null) {
        throw new IllegalStateException("A recorder needs client(...)");
      }
      if (symbols.isEmpty()) {
        throw new IllegalStateException("A recorder needs at least one symbol(...)");
      }
      if (intervals.isEmpty()) {
        throw new IllegalStateException("A recorder needs at least one interval(...)");
      }
      CandleStore store =
          c.store()
              .orElseThrow(
                  () ->
                      new InvalidQueryException(
                          "The client has no store to record into: build it with"
                              + " OhlcvClient.builder().store(\"duckdb:candles.duckdb\") (or"
                              + " another store) and give that client to the recorder."));
      for (Interval iv : intervals) {
        if (!store.capabilities().supports(iv)) {
          throw new InvalidQueryException(
              store.name() + " cannot keep " + iv + " candles, so they cannot be recorded into it",
              store.name(),
              null,
              null);
        }
      }
      List<Stream> list = new ArrayList<>();
      Recorder r = new Recorder(this, c, store, list);
      for (Symbol s : symbols) {
        CandleSource source = c.sourceFor(s);
        LiveFeed feed =
            source
                .live()
                .orElseThrow(
                    () ->
                        new InvalidQueryException(
                            s
                                + ": "
                                + source.name()
                                + " has no live feed, so its candles cannot be recorded as they"
                                + " close. Fill the store with queries read through it instead.",
                            source.name(),
                            null,
                            null));
        Clock now = feed.clock().orElse(c.clock());
        for (Interval iv : intervals) {
          list.add(r.new Stream(s, iv, now, c.timer()));
        }
      }
      return r;
    }
  }
}
