package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.Alignment;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.GapFill;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns the raw pages of a query into its answer, incrementally: merges page seams (a row repeated
 * by the next page is replaced by the newer copy; rows a page holds back are merged with the next
 * page, never cut off by it), clips to the query's range, resamples in the JVM unless the source
 * already did, flags and optionally drops the candle in progress, fills gaps and applies the limit.
 * It holds back the rows of the last, possibly unfinished, output bucket until the next page or
 * {@link #finish(Instant)}, so streamed output equals the output of one big fetch.
 *
 * <p>One instance per query; not thread-safe.
 */
public final class SeriesProcessor {
  private final OhlcvQuery query;
  private final @Nullable Interval jvmTarget;
  private final boolean keepAll;
  private @Nullable CandleSeries carry;
  private @Nullable CandleSeries lastEmitted;

  /** Raw rows before this time were consumed (emitted, or resampled into emitted buckets). */
  private long consumedUntil = Long.MIN_VALUE;

  private long emitted;
  private long rawRows;
  private boolean done;

  /**
   * @param query the query
   */
  public SeriesProcessor(OhlcvQuery query) {
    this.query = Objects.requireNonNull(query, "query");
    this.jvmTarget = query.resample().orElse(null);
    this.keepAll = query.latest().isPresent();
  }

  /** Whether the limit has been reached: no further page can change the answer. */
  public boolean isDone() {
    return done;
  }

  /** How many raw rows have been accepted. */
  public long rawRows() {
    return rawRows;
  }

  /** How many output rows have been produced. */
  public long emitted() {
    return emitted;
  }

  /** Takes one raw page; returns the output that is final already (possibly empty). */
  public CandleSeries accept(CandleSeries page) {
    Objects.requireNonNull(page, "page");
    rawRows += page.size();
    if (done) {
      return empty(page);
    }
    CandleSeries rows = merge(clip(page));
    if (rows.isEmpty()) {
      return empty(rows);
    }
    if (keepAll) {
      carry = rows;
      return empty(rows);
    }
    int hold = holdBackFrom(rows);
    carry = rows.slice(hold, rows.size());
    if (hold > 0) {
      consumedUntil = consumedEnd(rows.openTimeMillis(hold - 1));
    }
    return emit(rows.slice(0, hold), null);
  }

  /**
   * Takes the last raw page and processes it together with what is held back: the same output as
   * {@link #accept(CandleSeries)} followed by {@link #finish(Instant)}, without cutting the page to
   * hold its last bucket back — so a one-page answer is passed on without a copy.
   *
   * @param now the venue's clock (or the local one), to flag the candle still in progress
   */
  public CandleSeries acceptLast(CandleSeries page, Instant now) {
    Objects.requireNonNull(page, "page");
    rawRows += page.size();
    if (done) {
      carry = null;
      return empty(page);
    }
    CandleSeries rows = merge(clip(page));
    carry = null;
    if (rows.isEmpty()) {
      return empty(rows);
    }
    return emit(rows, now);
  }

  /**
   * Processes what is held back, as the last page of the answer.
   *
   * @param now the venue's clock (or the local one), to flag the candle still in progress
   */
  public CandleSeries finish(Instant now) {
    CandleSeries rows = carry;
    carry = null;
    if (rows == null || done) {
      return rows == null
          ? CandleSeries.empty(query.symbol(), query.outputInterval())
          : empty(rows);
    }
    return emit(rows, now);
  }

  private CandleSeries empty(CandleSeries like) {
    Interval out = query.outputInterval();
    return CandleSeries.builder(like.symbol(), out)
        .zone(like.zone())
        .source(like.source())
        .synthetic(like.isSynthetic())
        .build();
  }

  /**
   * Drops rows outside the bounds the query states. Open ends (a range until now, {@code
   * latest(n)}) are left to the source, whose clock may differ from ours; {@code latest(n)} is cut
   * to size at the end.
   */
  private CandleSeries clip(CandleSeries page) {
    if (page.isEmpty() || query.from().isEmpty()) {
      return page;
    }
    long from = query.from().get().toEpochMilli();
    long to = query.to().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
    if (page.openTimeMillis(0) >= from && page.openTimeMillis(page.size() - 1) < to) {
      return page;
    }
    int a = lowerBound(page, from);
    int b = to == Long.MAX_VALUE ? page.size() : Math.max(a, lowerBound(page, to));
    return page.slice(a, b);
  }

  private static int lowerBound(CandleSeries s, long t) {
    int i = s.indexOf(t);
    return i >= 0 ? i : -i - 1;
  }

  private CandleSeries merge(CandleSeries page) {
    CandleSeries c = carry;
    if (c == null || c.isEmpty()) {
      return page;
    }
    if (page.isEmpty()) {
      return c;
    }
    // Rows before consumedUntil were emitted already (this page repeats them at the seam): keep
    // the emitted version. The rest joins what is held back, the newer copy winning, even rows
    // older than the held-back ones: a page that ended with a row from further on must not push
    // this page's rows out.
    CandleSeries fresh =
        consumedUntil == Long.MIN_VALUE
            ? page
            : page.slice(lowerBound(page, consumedUntil), page.size());
    if (fresh.isEmpty()) {
      return c;
    }
    return CandleSeries.concat(List.of(c, fresh));
  }

  /** The end of the output bucket holding the raw row at {@code t}, the last one emitted. */
  private long consumedEnd(long t) {
    if (jvmTarget == null || carry == null || carry.interval().equals(jvmTarget)) {
      return t + 1;
    }
    Alignment a = query.alignment();
    return jvmTarget.bucketEnd(jvmTarget.bucketStart(t, query.zone(), a), query.zone(), a);
  }

  /** Index of the first row to hold back: the last output bucket may continue in the next page. */
  private int holdBackFrom(CandleSeries rows) {
    int n = rows.size();
    long last = rows.openTimeMillis(n - 1);
    if (jvmTarget == null || rows.interval().equals(jvmTarget)) {
      return n - 1;
    }
    long bucket = jvmTarget.bucketStart(last, query.zone(), query.alignment());
    int i = rows.indexOf(bucket);
    return i >= 0 ? i : -i - 1;
  }

  private CandleSeries emit(CandleSeries rows, @Nullable Instant now) {
    if (rows.isEmpty()) {
      return empty(rows);
    }
    CandleSeries out = rows;
    if (now != null) {
      out = out.markInProgress(now);
    }
    if (jvmTarget != null && !out.interval().equals(jvmTarget)) {
      out = out.resample(jvmTarget, query.zone(), query.alignment());
      if (now != null) {
        // A bucket that ends after now is in progress even when its newest input has not arrived
        // yet:
        // the same rule as a source that resamples on its side.
        out = out.markInProgress(now);
      }
    }
    if (query.completeOnly()) {
      out = out.completeOnly();
    }
    if (keepAll) {
      out = out.tail(query.latest().getAsInt());
    }
    if (query.fill() != GapFill.NONE && !out.isEmpty()) {
      CandleSeries prev = lastEmitted;
      if (prev != null) {
        CandleSeries joined = CandleSeries.concat(List.of(prev, out)).fill(query.fill());
        out = joined.slice(1, joined.size());
      } else {
        out = out.fill(query.fill());
      }
    }
    if (query.limit().isPresent()) {
      long room = query.limit().getAsInt() - emitted;
      if (out.size() >= room) {
        out = out.head((int) room);
        done = true;
      }
    }
    if (!out.isEmpty()) {
      lastEmitted = out.slice(out.size() - 1, out.size());
    }
    emitted += out.size();
    return out;
  }
}
