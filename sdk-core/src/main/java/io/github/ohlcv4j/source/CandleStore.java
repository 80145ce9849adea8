package io.github.ohlcv4j.source;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link CandleSource} that also keeps candles: it stores what it is given ({@link
 * #write(CandleSeries, TimeRange)}) and says what it holds ({@link #coverage(Symbol, Interval)}),
 * so that a reader fetches from a venue only what the store does not hold. Queries read the stored
 * candles like those of any source.
 *
 * <p><b>Keys.</b> A candle is identified by its symbol's full text form ({@link Symbol#toString()},
 * e.g. {@code BINANCE:BTCUSDT}, so that several sources share one store), its interval and its open
 * time. Calendar intervals (days, weeks, months) are aligned in a zone, so for them the zone of the
 * series is part of the key: days starting at midnight in New York are other candles than days
 * starting at midnight UTC. A query reads the candles stored under its own interval (and zone, for
 * calendar intervals); candles of another interval are not converted.
 *
 * <p><b>Writing.</b> A write is an upsert: a candle whose key is already stored replaces the stored
 * one (the later write wins; values are never blended), so writing the same candles again changes
 * nothing, and a corrected candle replaces the old one. Only closed candles are stored: a candle
 * flagged {@link CandleSeries#IN_PROGRESS}, or one whose end is after the store's clock, is
 * <em>skipped</em> (counted in {@link WriteResult#skippedInProgress()}), never stored as final, so
 * the forming candle is fetched again once it has closed. Rows invented by gap filling ({@link
 * CandleSeries#FILLED}) are skipped too. Every other row is stored as it is, with its extra columns
 * (quote volume, trade count, ...) and its {@link CandleSeries#PARTIAL} and {@link
 * CandleSeries#SUSPECT} flags, so reading stored candles back gives a series {@code equal} to the
 * one written, less the skipped rows.
 *
 * <p><b>Coverage.</b> {@link #write(CandleSeries, TimeRange)} records a range as complete together
 * with its candles, and the parts of it where no candle is stored as ranges the venue had no
 * candles for. The range is first aligned to the interval (in the zone, for calendar intervals) and
 * cut where candles stop being closed: before the first skipped in-progress candle, and at the
 * start of the interval containing the store's "now". A candle written later (by either write) into
 * a range recorded as empty shrinks that range, so an empty range never hides a stored candle.
 * Coverage is kept in UTC instants per symbol, interval and (for calendar intervals) zone; see
 * {@link Coverage}.
 *
 * <p><b>Atomicity and crash safety.</b> Each write is atomic: its candles and its coverage become
 * visible together, or not at all. When a write returns, it is durable; if the process dies during
 * a write (even killed with {@code SIGKILL}), the store afterwards holds either everything of that
 * write or nothing of it — so coverage never claims a range whose candles are not stored, and
 * writing again after a crash leaves no holes and no duplicates.
 *
 * <p><b>Thread safety.</b> Implementations are thread-safe. Concurrent writes may be serialized;
 * overlapping writes from several threads leave exactly one copy of each candle, that of the write
 * committed last. A store that another process holds (an embedded database file is locked by its
 * writer) fails to open with a {@link StoreLockedException}; one whose files or tables it cannot
 * use — a newer schema version, a table another program made, a damaged file — with a {@link
 * StoreSchemaException}, before anything is changed.
 */
public interface CandleStore extends CandleSource {

  /**
   * Stores the closed candles of {@code candles} without recording any coverage: use it for candles
   * that do not make a range complete (a single live candle, a sample). Atomic.
   *
   * @return what was stored and skipped; {@link WriteResult#covered()} is empty
   * @throws IllegalArgumentException if an open time is not on the series' interval grid
   * @throws io.github.ohlcv4j.OhlcvException if the store cannot write; nothing of the write is
   *     kept
   */
  WriteResult write(CandleSeries candles);

  /**
   * Stores the closed candles of {@code candles} and records {@code covered} as complete, in one
   * atomic step: {@code candles} must hold every candle the venue has with an open time in {@code
   * covered} (it may hold others too, which are stored without being covered). Open times in the
   * range with no candle stored afterwards are recorded as ranges the venue had no candles for
   * ({@link Coverage#empty()}); a range without any candle is recorded as empty as a whole. The
   * range recorded is {@code covered} aligned to the interval grid and cut before the first candle
   * that has not closed (see the class comment); it is returned in {@link WriteResult#covered()}.
   *
   * @throws IllegalArgumentException if an open time is not on the series' interval grid
   * @throws io.github.ohlcv4j.OhlcvException if the store cannot write; nothing of the write is
   *     kept
   */
  WriteResult write(CandleSeries candles, TimeRange covered);

  /**
   * What the store holds of {@code symbol}'s {@code interval} candles; for a calendar interval, of
   * those aligned in UTC. {@link Coverage#none()} when nothing was recorded.
   */
  default Coverage coverage(Symbol symbol, Interval interval) {
    return coverage(symbol, interval, ZoneOffset.UTC);
  }

  /**
   * What the store holds of {@code symbol}'s {@code interval} candles; for a calendar interval, of
   * those aligned in {@code zone} (fixed intervals ignore the zone). {@link Coverage#none()} when
   * nothing was recorded.
   */
  Coverage coverage(Symbol symbol, Interval interval, ZoneId zone);

  /**
   * {@link #coverage(Symbol, Interval, ZoneId)}, except that the store may leave out of {@link
   * Coverage#empty()} the empty ranges that end at or before {@code emptyAfter}, as long as {@link
   * Coverage#complete()} still holds them. An empty range that ends after {@code emptyAfter} is
   * given whole, from its true start. By default the whole coverage.
   *
   * <p>The read-through of a client asks this one, with the start of the window in which it asks
   * the venue again for recent empty ranges ({@code OhlcvClient.Builder.recheckEmpty}): older empty
   * ranges change nothing it does. A store whose empty ranges cost a scan of what it holds
   * (ClickHouse works them out from the stored open times) answers it by reading only the open
   * times after {@code emptyAfter}, so that a warm read of a long range does not scan it twice.
   *
   * @param emptyAfter empty ranges ending at or before it may be left out
   */
  default Coverage coverage(Symbol symbol, Interval interval, ZoneId zone, Instant emptyAfter) {
    return coverage(symbol, interval, zone);
  }
}
