package io.github.ohlcv4j.source;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Instruments;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.internal.DirectRunner;
import io.github.ohlcv4j.source.live.LiveFeed;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A place candles come from: ClickHouse, an exchange, the embedded {@link SampleSource}. Open one
 * by URI with {@link CandleSources#open(String)}, or build one directly, and either call it or hand
 * it to an {@link io.github.ohlcv4j.OhlcvClient}, which adds retries, a circuit breaker, rate
 * limits and events.
 *
 * <p><b>Implementing a source.</b> Implement {@link #name()}, {@link #capabilities()} and {@link
 * #cursor(OhlcvQuery)}: the cursor turns a query into requests, one page at a time, and parses each
 * response straight into a {@link CandleSeries}. Everything else — resampling unless the source
 * does it itself, gap filling, dropping the candle in progress, limits, merging pages — is done by
 * the caller of the cursor, the same way for every source. Make the source discoverable by URI with
 * a {@link CandleSourceProvider}.
 *
 * <p>Sources are thread-safe: one instance serves many queries at once.
 */
public interface CandleSource extends AutoCloseable {

  /**
   * A short stable name for logs, metrics and errors, such as {@code "bybit:linear"} or {@code
   * "sample"}.
   */
  String name();

  /** What this source can do. */
  SourceCapabilities capabilities();

  /**
   * Whether this source answers queries for {@code symbol}; the client routes a symbol to the first
   * registered source that serves it. By default: a symbol without a venue, or one whose venue is
   * in {@link SourceCapabilities#venues()} (or any, if that is empty). Sources that serve one
   * market of a venue (Bybit spot or linear, say) also check the market.
   */
  default boolean serves(Symbol symbol) {
    Set<String> venues = capabilities().venues();
    return venues.isEmpty() || symbol.venue().map(venues::contains).orElse(true);
  }

  /**
   * Plans the requests that answer {@code query} and returns a cursor over them. No I/O happens
   * here. The cursor returns candles of {@code query.interval()} (or of its resample target, if
   * this source resamples server-side and says so in its {@link #capabilities()}) whose open times
   * lie in {@code query.rangeAt(now)}; for a {@code latest(n)} query, at least the newest {@code n}
   * such candles.
   *
   * @throws io.github.ohlcv4j.UnsupportedIntervalException if the interval is not supported
   * @throws io.github.ohlcv4j.InvalidQueryException if the source cannot answer the query as asked
   */
  PageCursor cursor(OhlcvQuery query);

  /**
   * Fetches the whole answer to {@code query} in the calling thread, without retries: pages are
   * merged, then resampled, filled, trimmed to the candles that are complete and limited as the
   * query says. An {@link io.github.ohlcv4j.OhlcvClient} does the same with its resilience policies
   * and events.
   *
   * @throws OhlcvException if anything fails; never returns part of the answer
   */
  default CandleSeries fetch(OhlcvQuery query) {
    return DirectRunner.fetch(this, query, Clock.systemUTC());
  }

  /**
   * The answer to {@code query} as a lazy stream of consecutive series, one or more per request,
   * each already resampled and filled; holds at most a page or two in memory whatever the range.
   * Close the stream to stop early.
   */
  default Stream<CandleSeries> pages(OhlcvQuery query) {
    return DirectRunner.pages(this, query, Clock.systemUTC());
  }

  /**
   * Checks whether the source answers. Sources without a network check report {@link
   * Health.Status#UP}.
   */
  default Health health() {
    return Health.up(name(), Clock.systemUTC().instant());
  }

  /**
   * The source's stream of live candles, if it has one: what {@link io.github.ohlcv4j.LiveCandles}
   * subscribes to, while history and backfills come from this source's {@link #cursor(OhlcvQuery)}.
   * Empty by default. A venue's feed is usually a {@link
   * io.github.ohlcv4j.source.live.WebSocketFeed}; it should be one instance per source, so that all
   * streams of the source share its connections.
   */
  default Optional<LiveFeed> live() {
    return Optional.empty();
  }

  /**
   * The instruments this source's venue lists, with their base and quote assets, status, price
   * tick, size step and listing time where the venue publishes them; see {@link
   * io.github.ohlcv4j.Instruments}. Sources that list them (Bybit, Binance, Polygon) keep the list
   * for a while ({@link io.github.ohlcv4j.source.http.HttpCandleSource.Builder#instrumentsTtl}) and
   * ask the venue again once it is older. Blocks while the venue is asked.
   *
   * <p>By default a source lists nothing: it throws an {@link InvalidQueryException} that says so,
   * so that "this source cannot tell" is never mistaken for "the venue lists nothing".
   *
   * @throws InvalidQueryException if this source does not list instruments
   * @throws OhlcvException if the venue refuses or fails (the same typed errors as a fetch: a
   *     {@link io.github.ohlcv4j.RateLimitException} that says how long to wait, a {@link
   *     io.github.ohlcv4j.DataFormatException} that says where a body is malformed)
   */
  default Instruments instruments() {
    throw InvalidQueryException.of(
            name(),
            name()
                + " does not list instruments; a venue source (bybit:, binance:, polygon:) does, or"
                + " write the venue's own code as the symbol (\"BYBIT:BTCUSDT\").")
        .build();
  }

  /** Releases connections and threads this source owns. Idempotent. */
  @Override
  default void close() {}
}
