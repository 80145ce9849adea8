package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.BadRowPolicy;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.Coverage;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that reads through a {@link CandleStore}: what the store holds of a query's range comes
 * from the store, only the missing sub-ranges are fetched from the upstream source, and what the
 * upstream sends is written back, so the same range asked again costs no upstream request. The
 * answer is the same series the upstream source would give.
 *
 * <p><b>Planning.</b> The cursor's first request reads the store's {@link
 * CandleStore#coverage(Symbol, Interval, java.time.ZoneId) coverage} and answers with an empty
 * page; it then splits the query's range into the parts the store holds complete (read from the
 * store's cursor, at weight 0, so they cost no rate-limit budget) and the parts it does not (read
 * from the upstream cursor at the upstream's weights), in time order. Ranges the store recorded as
 * empty (the venue had no candles) are held parts: they are not asked again, except that a recent
 * one is asked again a bounded number of times ({@link EmptyRecheck}). Every page says which window
 * it answers, clipped to its part, so the caller's page checks, retries and rate limits apply to
 * each page as to those of any source. The range is aligned inward to the interval's grid first,
 * which changes no candle of the answer.
 *
 * <p><b>Writing back.</b> Each upstream page's candles are written with {@link
 * CandleStore#write(CandleSeries, TimeRange)}, covering the page's window (a full page, one holding
 * the most rows a request returns, only up to its last candle; a page without a window, up to its
 * last candle, or to the end of its part when it is the last one). Candles the venue's clock says
 * are still forming are flagged in progress first, and the range written is cut at the start of the
 * candle forming now (by the venue's clock and by this source's clock, whichever is earlier): the
 * forming candle is never stored as final, and it is fetched again from the upstream until it has
 * closed. The write ends before the page is passed on, on the given executor. A write that fails is
 * logged at WARN and the page is passed on all the same: the answer comes from the upstream, and
 * the range is fetched again next time.
 *
 * <p><b>Resampling and the rest.</b> The store and the upstream are asked for candles of the
 * query's own interval, without resampling, gap filling or a limit; the caller resamples, fills and
 * limits them as for any source. (An upstream that resamples on its side therefore gives candles
 * resampled in the JVM here, which equal its own.)
 *
 * <p><b>Passed through.</b> A {@code latest(n)} query, a query whose interval or zone the store
 * cannot keep or whose symbol it does not serve, and one that drops or flags bad rows ({@link
 * BadRowPolicy#DROP}, {@link BadRowPolicy#FLAG}: its pages do not hold every candle the venue sent
 * as it sent it, so they cannot make a range complete) goes to the upstream unchanged and is not
 * stored; so do, after the first such write, queries of an interval the store refused to write
 * ({@link IllegalArgumentException}: a ClickHouse table keeps its own interval only). A range open
 * at the end ({@code from(t)} alone) reads through up to now; its last part is asked of the
 * upstream open-ended, so the upstream decides where "now" is.
 *
 * <p>Thread-safe. Closing it closes neither the store nor the upstream: their owner does.
 */
public final class ReadThroughSource implements CandleSource {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j");

  private final CandleStore store;
  private final CandleSource upstream;
  private final Clock clock;
  private final Executor executor;
  private final io.github.ohlcv4j.OhlcvEventListener listener;
  private final EmptyRecheck.Tracker recheck;

  /** Intervals (with the zone, for calendar ones) whose candles the store refused to keep. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  /**
   * @param store where candles are kept
   * @param upstream where the candles the store lacks come from
   * @param clock "now" when the upstream's clock is unknown
   * @param executor runs the store's coverage reads and writes (they block)
   * @param listener told how much of each query's range the store held ({@code storeRead})
   */
  public ReadThroughSource(
      CandleStore store,
      CandleSource upstream,
      Clock clock,
      Executor executor,
      io.github.ohlcv4j.OhlcvEventListener listener) {
    this(store, upstream, clock, executor, listener, EmptyRecheck.DEFAULT.tracker());
  }

  /**
   * @param store where candles are kept
   * @param upstream where the candles the store lacks come from
   * @param clock "now" when the upstream's clock is unknown, and for the age of empty ranges
   * @param executor runs the store's coverage reads and writes (they block)
   * @param listener told how much of each query's range the store held ({@code storeRead})
   * @param recheck which recent empty ranges are asked of the upstream again (may be shared)
   */
  public ReadThroughSource(
      CandleStore store,
      CandleSource upstream,
      Clock clock,
      Executor executor,
      io.github.ohlcv4j.OhlcvEventListener listener,
      EmptyRecheck.Tracker recheck) {
    this.recheck = Objects.requireNonNull(recheck, "recheck");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.store = Objects.requireNonNull(store, "store");
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** The source the candles the store lacks come from. */
  public CandleSource upstream() {
    return upstream;
  }

  /** The store read through. */
  public CandleStore store() {
    return store;
  }

  /** The upstream's name: errors, metrics and guards see the venue. */
  @Override
  public String name() {
    return upstream.name();
  }

  /** The upstream's capabilities. */
  @Override
  public SourceCapabilities capabilities() {
    return upstream.capabilities();
  }

  /** Whether the upstream serves {@code symbol}. */
  @Override
  public boolean serves(Symbol symbol) {
    return upstream.serves(symbol);
  }

  /** The upstream's health. */
  @Override
  public Health health() {
    return upstream.health();
  }

  /** Whether queries like {@code query} are read through the store; else passed through. */
  boolean readsThrough(OhlcvQuery query) {
    if (query.from().isEmpty()
        || query.badRows() != BadRowPolicy.REJECT
        || !store.serves(query.symbol())) {
      return false;
    }
    SourceCapabilities c = store.capabilities();
    Interval iv = query.interval();
    return c.supports(iv)
        && (iv.isFixed() || c.servesCalendarZone(query.zone()))
        && !refused.contains(key(query));
  }

  /** A cursor reading through the store, or the upstream's own one for a query passed through. */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    if (!readsThrough(query)) {
      return upstream.cursor(query);
    }
    Interval iv = query.interval();
    long from = ceil(iv, query.from().get().toEpochMilli(), query);
    Optional<Instant> to = query.to();
    if (to.isPresent() && ceil(iv, to.get().toEpochMilli(), query) <= from) {
      return upstream.cursor(query); // no candle can open in the range
    }
    return new Cursor(query, from, to.map(t -> ceil(iv, t.toEpochMilli(), query)).orElse(null));
  }

  /** The interval of a query's candles, with the zone for calendar ones. */
  private static String key(OhlcvQuery q) {
    return q.interval().isFixed() ? q.interval().toString() : q.interval() + " " + q.zone();
  }

  /** The first open time of the query's interval at or after {@code t}. */
  private static long ceil(Interval iv, long t, OhlcvQuery q) {
    long start = iv.bucketStart(t, q.zone());
    return start == t ? t : iv.plus(start, 1, q.zone());
  }

  @Override
  public String toString() {
    return "ReadThroughSource{store=" + store.name() + ", upstream=" + upstream.name() + "}";
  }

  /** One part of a planned range: held by the store, or to fetch from the upstream. */
  private record Part(long from, long to, boolean held, boolean openEnded) {}

  /** The cursor of one query read through the store. */
  private final class Cursor implements PageCursor {
    private final OhlcvQuery query;
    private final long from;
    private final @Nullable Long to;
    private final int maxRows;
    private @Nullable List<Part> plan;
    private int index;
    private @Nullable Part part;
    private @Nullable PageCursor current;
    private volatile @Nullable CompletableFuture<?> inflight;
    private volatile boolean closed;

    Cursor(OhlcvQuery query, long from, @Nullable Long to) {
      this.query = query;
      this.from = from;
      this.to = to;
      this.maxRows = upstream.capabilities().maxRowsPerRequest();
    }

    @Override
    public synchronized boolean hasNext() {
      if (closed) {
        return false;
      }
      return plan == null || advance();
    }

    @Override
    public synchronized int nextWeight() {
      if (plan == null || !advance()) {
        return 0;
      }
      Part p = Objects.requireNonNull(part);
      return p.held() ? 0 : Objects.requireNonNull(current).nextWeight();
    }

    @Override
    public synchronized CompletableFuture<Page> next() {
      if (plan == null) {
        CompletableFuture<Page> f =
            CompletableFuture.supplyAsync(
                () -> {
                  Coverage c;
                  try {
                    c =
                        store.coverage(
                            query.symbol(),
                            query.interval(),
                            query.zone(),
                            recheck.emptyAfter(clock.instant()));
                  } catch (RuntimeException e) {
                    throw Errors.wrap(e, store.name(), "while reading the coverage for " + query);
                  }
                  List<Part> planned = plan(c);
                  synchronized (this) {
                    plan = planned;
                  }
                  reportRead(planned);
                  return Page.of(CandleSeries.empty(query.symbol(), query.interval()));
                },
                executor);
        inflight = f;
        return f;
      }
      if (!advance()) {
        throw new NoSuchElementException("The read-through of " + query + " has no more pages");
      }
      Part p = Objects.requireNonNull(part);
      PageCursor c = Objects.requireNonNull(current);
      CompletableFuture<Page> sub = c.next();
      CompletableFuture<Page> out;
      if (p.held()) {
        out = sub.thenApply(page -> clip(page, p, page.serverTime()));
      } else {
        out =
            sub.thenCompose(
                page -> {
                  boolean last = !c.hasNext();
                  return CompletableFuture.supplyAsync(
                      () -> {
                        writeBack(page, p, last);
                        return clip(page, p, page.serverTime());
                      },
                      executor);
                });
      }
      out.whenComplete(
          (r, e) -> {
            if (out.isCancelled()) {
              sub.cancel(true);
            }
          });
      inflight = out;
      return out;
    }

    /** Moves to the part with a next page; false when none is left. Needs the plan. */
    private boolean advance() {
      List<Part> parts = Objects.requireNonNull(plan);
      while (true) {
        PageCursor c = current;
        if (c != null && c.hasNext()) {
          return true;
        }
        if (c != null) {
          c.close();
          current = null;
          part = null;
        }
        if (index >= parts.size()) {
          return false;
        }
        Part p = parts.get(index++);
        part = p;
        current = (p.held() ? store : upstream).cursor(subQuery(p));
      }
    }

    /** The query for one part: the interval's candles of its range, nothing else. */
    private OhlcvQuery subQuery(Part p) {
      OhlcvQuery.Builder b =
          OhlcvQuery.builder().symbol(query.symbol()).interval(query.interval()).zone(query.zone());
      if (p.openEnded()) {
        b.from(Instant.ofEpochMilli(p.from()));
      } else {
        b.between(Instant.ofEpochMilli(p.from()), Instant.ofEpochMilli(p.to()));
      }
      return b.build();
    }

    /** Tells the listener whether the store held all, part or none of the query's range. */
    private void reportRead(List<Part> parts) {
      boolean held = parts.stream().anyMatch(Part::held);
      boolean fetched = parts.stream().anyMatch(p -> !p.held());
      io.github.ohlcv4j.OhlcvEventListener.StoreRead result =
          !fetched
              ? io.github.ohlcv4j.OhlcvEventListener.StoreRead.HIT
              : held
                  ? io.github.ohlcv4j.OhlcvEventListener.StoreRead.PARTIAL
                  : io.github.ohlcv4j.OhlcvEventListener.StoreRead.MISS;
      listener.storeRead(store.name(), upstream.name(), query.symbol(), query.interval(), result);
    }

    /** Splits the range into held parts and parts to fetch, in time order. */
    private List<Part> plan(Coverage coverage) {
      long end =
          to != null ? to : query.rangeAt(clock.instant()).toMillis(); // open ended: up to now
      List<Part> parts = new ArrayList<>();
      if (end > from) {
        long at = from;
        TimeRange whole = new TimeRange(Instant.ofEpochMilli(from), Instant.ofEpochMilli(end));
        List<TimeRange> missing = coverage.missing(whole);
        List<TimeRange> again =
            recheck.due(query.symbol() + " " + key(query), coverage, whole, clock.instant());
        if (!again.isEmpty()) {
          missing =
              union(missing, again); // recent empty ranges asked again: a venue publishes late
        }
        for (TimeRange m : missing) {
          if (m.fromMillis() > at) {
            parts.add(new Part(at, m.fromMillis(), true, false));
          }
          parts.add(new Part(m.fromMillis(), m.toMillis(), false, false));
          at = m.toMillis();
        }
        if (at < end) {
          parts.add(new Part(at, end, true, false));
        }
      }
      if (to == null) {
        // The upstream decides where "now" is: its part is asked open-ended.
        Part last = parts.isEmpty() ? null : parts.get(parts.size() - 1);
        if (last != null && !last.held()) {
          parts.set(parts.size() - 1, new Part(last.from(), Long.MAX_VALUE, false, true));
        } else {
          parts.add(new Part(Math.max(from, end), Long.MAX_VALUE, false, true));
        }
      }
      return List.copyOf(parts);
    }

    /**
     * The page restricted to its part, with the window it answers: the sub-cursor's window (or the
     * part, for a page without one) clipped to the part.
     */
    private Page clip(Page page, Part p, Optional<Instant> serverTime) {
      long a = p.from();
      long b = p.openEnded() ? OhlcvQuery.MAX_TIME.toEpochMilli() : p.to();
      if (page.window().isPresent()) {
        a = Math.max(a, page.window().get().fromMillis());
        b = Math.min(b, page.window().get().toMillis());
      }
      CandleSeries c = page.candles();
      if (b <= a) {
        return new Page(c.slice(0, 0), page.bytes(), serverTime, a, a + 1);
      }
      return new Page(slice(c, a, b), page.bytes(), serverTime, a, b);
    }

    /**
     * Writes an upstream page back to the store, with the range it covers. Never throws. A page the
     * caller's page check will refuse (another interval, a time off the grid) is not written.
     */
    private void writeBack(Page page, Part p, boolean lastOfPart) {
      try {
        CandleSeries c = page.candles();
        if (!c.interval().equals(query.interval()) || !onGrid(c)) {
          return; // a faulty page: the caller's page check fails the query; nothing is stored
        }
        long a = p.from();
        long b = p.openEnded() ? OhlcvQuery.MAX_TIME.toEpochMilli() : p.to();
        if (page.window().isPresent()) {
          a = Math.max(a, page.window().get().fromMillis());
          b = Math.min(b, page.window().get().toMillis());
        }
        if (b <= a) {
          return;
        }
        CandleSeries in = slice(c, a, b);
        long coveredTo = b;
        if (!in.isEmpty()) {
          long lastOpen = in.openTimeMillis(in.size() - 1);
          long lastEnd = in.end().map(Instant::toEpochMilli).orElse(b);
          if (page.window().isPresent() ? in.size() >= maxRows && lastEnd < b : !lastOfPart) {
            // A full page may have been cut by the venue; a page without a window may continue in
            // the next one: cover only what it surely holds.
            coveredTo = page.window().isPresent() ? lastEnd : lastOpen;
          }
        } else if (page.window().isEmpty() && !lastOfPart) {
          coveredTo = a;
        }
        if (p.openEnded() && (page.window().isEmpty() || in.isEmpty())) {
          coveredTo = Math.min(coveredTo, in.end().map(Instant::toEpochMilli).orElse(a));
        }
        // Never cover the candle forming now, by either clock.
        Instant now = clock.instant();
        if (page.serverTime().isPresent() && page.serverTime().get().isBefore(now)) {
          now = page.serverTime().get();
        }
        Interval iv = query.interval();
        coveredTo = Math.min(coveredTo, iv.bucketStart(now.toEpochMilli(), query.zone()));
        if (page.serverTime().isPresent()) {
          in = in.markInProgress(page.serverTime().get());
        }
        if (coveredTo > a) {
          store.write(in, new TimeRange(Instant.ofEpochMilli(a), Instant.ofEpochMilli(coveredTo)));
        } else if (!in.isEmpty()) {
          store.write(in);
        }
      } catch (IllegalArgumentException e) {
        // A store that keeps one interval (a ClickHouse table) refuses the others: stop asking it.
        if (refused.add(key(query))) {
          log.warn(
              "read-through store={} does not keep {} candles ({}); queries of them go to {}"
                  + " unchanged",
              store.name(),
              key(query),
              e.getMessage(),
              upstream.name());
        }
      } catch (Throwable e) { // the answer comes from the upstream all the same
        log.warn(
            "read-through write failed store={} source={} symbol={} interval={}: {}; the range is"
                + " fetched from the source again next time",
            store.name(),
            upstream.name(),
            query.symbol(),
            query.interval(),
            e.toString());
      }
    }

    @Override
    public int remainingEstimate() {
      return -1;
    }

    @Override
    public synchronized void close() {
      closed = true;
      CompletableFuture<?> f = inflight;
      if (f != null) {
        f.cancel(true);
      }
      PageCursor c = current;
      current = null;
      if (c != null) {
        c.close();
      }
    }
  }

  /** The ranges of {@code a} and {@code b} (each sorted and disjoint) merged, in time order. */
  private static List<TimeRange> union(List<TimeRange> a, List<TimeRange> b) {
    List<TimeRange> all = new ArrayList<>(a);
    all.addAll(b);
    all.sort((x, y) -> Long.compare(x.fromMillis(), y.fromMillis()));
    List<TimeRange> out = new ArrayList<>();
    for (TimeRange r : all) {
      int last = out.size() - 1;
      if (last >= 0 && out.get(last).toMillis() >= r.fromMillis()) {
        TimeRange prev = out.get(last);
        if (r.toMillis() > prev.toMillis()) {
          out.set(last, new TimeRange(prev.from(), r.to()));
        }
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** Whether every open time of {@code s} starts a candle of its interval (in its zone). */
  private static boolean onGrid(CandleSeries s) {
    Interval iv = s.interval();
    for (int i = 0; i < s.size(); i++) {
      long t = s.openTimeMillis(i);
      if (iv.isFixed()
          ? Math.floorMod(t, iv.fixedMillis()) != 0
          : iv.bucketStart(t, s.zone()) != t) {
        return false;
      }
    }
    return true;
  }

  /** The candles of {@code s} opening in {@code [from, to)}. */
  private static CandleSeries slice(CandleSeries s, long from, long to) {
    if (s.isEmpty() || (s.openTimeMillis(0) >= from && s.openTimeMillis(s.size() - 1) < to)) {
      return s;
    }
    int a = lowerBound(s, from);
    int b = Math.max(a, lowerBound(s, to));
    return s.slice(a, b);
  }

  private static int lowerBound(CandleSeries s, long t) {
    int i = s.indexOf(t);
    return i >= 0 ? i : -i - 1;
  }
}
