package io.github.ohlcv4j.source;

import io.github.ohlcv4j.Symbol;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * Opens sources of one kind by URI; found through {@link java.util.ServiceLoader}. A module that
 * brings sources lists its providers in {@code
 * META-INF/services/io.github.ohlcv4j.source.CandleSourceProvider}.
 *
 * <p>Implementations must be thread-safe and have a public no-argument constructor.
 */
public interface CandleSourceProvider {

  /**
   * The URI schemes this provider opens, lower case: {@code "bybit"}, {@code "clickhouse"}, {@code
   * "sample"}.
   */
  Set<String> schemes();

  /**
   * Opens a source.
   *
   * @param uri a URI with one of {@link #schemes()}, e.g. {@code bybit:linear} or {@code
   *     clickhouse://localhost:8123/market?table=ohlcv}
   * @param context clock, listener, environment and shared components
   * @throws IllegalArgumentException if the URI is malformed for this scheme, saying what is
   *     expected
   */
  CandleSource open(URI uri, SourceContext context);

  /**
   * The URI of the source that serves {@code symbol}'s venue and market type, if this provider
   * serves it; lets a client route {@code BYBIT:BTCUSDT.P} to {@code bybit:linear} with no
   * configuration.
   */
  default Optional<URI> uriFor(Symbol symbol) {
    return Optional.empty();
  }
}
