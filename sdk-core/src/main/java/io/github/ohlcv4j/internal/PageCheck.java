package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.Page;
import java.time.Instant;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each page a cursor returns against the request it answered, before {@link SeriesProcessor}
 * sees it, the same way for every source:
 *
 * <ul>
 *   <li>the page is at the query's interval, or at its resample target;
 *   <li>every open time is the start of a candle of that interval ({@link
 *       Interval#bucketStart(long, ZoneId)} in the page's zone), else a {@link DataFormatException}
 *       names the row: a time off the grid means the source misreads its venue's times (seconds for
 *       milliseconds, a shifted clock), and no row of such a page can be trusted;
 *   <li>rows whose open times lie outside the page's {@linkplain Page#window() window} (the query's
 *       range for a page without one) are dropped, counted and logged at WARN. They answer a
 *       question that was not asked; the request whose window holds their time brings the same
 *       candles, so dropping them loses nothing, while keeping them could displace the rows of a
 *       later page (see {@link Page}).
 * </ul>
 *
 * One instance per query; not thread-safe.
 */
final class PageCheck {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j");

  private final OhlcvQuery query;
  private final String source;
  private long dropped;

  PageCheck(OhlcvQuery query, String source) {
    this.query = query;
    this.source = source;
  }

  /** Rows dropped so far for lying outside their page's window. */
  long dropped() {
    return dropped;
  }

  /**
   * The rows of page number {@code n} that lie in its window.
   *
   * @throws DataFormatException if the page is at another interval or a row is off the grid
   */
  CandleSeries accept(Page page, int n) {
    CandleSeries c = page.candles();
    Interval iv = c.interval();
    if (!iv.equals(query.interval()) && !iv.equals(query.outputInterval())) {
      throw DataFormatException.of(
              source,
              source
                  + ": page "
                  + n
                  + " of "
                  + query
                  + " holds "
                  + iv
                  + " candles, but "
                  + query.interval()
                  + (query.outputInterval().equals(query.interval())
                      ? ""
                      : " or " + query.outputInterval())
                  + " candles were asked for. The source is faulty; report it.")
          .build();
    }
    if (c.isEmpty()) {
      return c;
    }
    checkGrid(c, n);
    long from;
    long to;
    if (page.window().isPresent()) {
      from = page.window().get().fromMillis();
      to = page.window().get().toMillis();
    } else {
      from = query.from().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
      to = query.to().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
    }
    if (from != Long.MIN_VALUE && !iv.equals(query.interval())) {
      // A candle resampled by the source opens at the start of the bucket holding the window's
      // start, which may lie before it.
      from = iv.bucketStart(from, c.zone());
    }
    int size = c.size();
    if (c.openTimeMillis(0) >= from && c.openTimeMillis(size - 1) < to) {
      return c;
    }
    int a = lowerBound(c, from);
    int b = Math.max(a, lowerBound(c, to));
    int out = size - (b - a);
    dropped += out;
    long first = a > 0 ? c.openTimeMillis(0) : c.openTimeMillis(b);
    if (log.isWarnEnabled()) {
      log.warn(
          "dropped rows source={} symbol={} interval={} page={} rows={} window=[{}, {}) first={}:"
              + " the source returned candles outside the window it asked for; they were not used",
          source,
          query.symbol(),
          iv,
          n,
          out,
          from == Long.MIN_VALUE ? "-" : Instant.ofEpochMilli(from),
          to == Long.MAX_VALUE ? "-" : Instant.ofEpochMilli(to),
          Instant.ofEpochMilli(first));
    }
    return c.slice(a, b);
  }

  private void checkGrid(CandleSeries c, int n) {
    Interval iv = c.interval();
    ZoneId zone = c.zone();
    int size = c.size();
    if (iv.isFixed()) {
      long step = iv.fixedMillis();
      for (int i = 0; i < size; i++) {
        if (Math.floorMod(c.openTimeMillis(i), step) != 0) {
          throw offGrid(c, i, n);
        }
      }
      return;
    }
    for (int i = 0; i < size; i++) {
      long t = c.openTimeMillis(i);
      if (iv.bucketStart(t, zone) != t) {
        throw offGrid(c, i, n);
      }
    }
  }

  private DataFormatException offGrid(CandleSeries c, int i, int n) {
    long t = c.openTimeMillis(i);
    Interval iv = c.interval();
    long start = iv.bucketStart(t, c.zone());
    return DataFormatException.of(
            source,
            source
                + ": row "
                + i
                + " of page "
                + n
                + " of "
                + query
                + " opens at "
                + Instant.ofEpochMilli(t)
                + " ("
                + t
                + " ms), which is not the start of a "
                + iv
                + " candle"
                + (iv.isCalendar() ? " in " + c.zone() : "")
                + ": the candle holding that time opens at "
                + Instant.ofEpochMilli(start)
                + ". The source misreads its venue's times (units, zone or clock); no row of this"
                + " answer is used.")
        .build();
  }

  private static int lowerBound(CandleSeries s, long t) {
    if (t == Long.MIN_VALUE) {
      return 0;
    }
    if (t == Long.MAX_VALUE) {
      return s.size();
    }
    int i = s.indexOf(t);
    return i >= 0 ? i : -i - 1;
  }
}
