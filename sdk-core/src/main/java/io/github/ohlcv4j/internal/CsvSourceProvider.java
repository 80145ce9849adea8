package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import io.github.ohlcv4j.source.csv.CsvSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link CsvSource}s by {@code csv:PATH} URI: {@code csv:/data/klines}, {@code
 * csv:quickstart/BTCUSDT-1h.csv} (relative to the working directory), percent-encoded where the
 * path has spaces. Parameters: {@code zone}, {@code pageSize}, {@code symbol}, {@code interval}.
 * Registered with {@link java.util.ServiceLoader}; not for direct use.
 */
public final class CsvSourceProvider implements CandleSourceProvider {
  /** For the service loader. */
  public CsvSourceProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("csv");
  }

  @Override
  public CandleSource open(URI uri, SourceContext context) {
    String p = uri.isOpaque() ? SourceUris.opaquePath(uri) : uri.getPath();
    if (p == null || p.isBlank()) {
      throw new IllegalArgumentException(
          "Source URI " + SourceUris.redact(uri) + " names no path; expected csv:PATH");
    }
    CsvSource.Builder b = CsvSource.builder().path(Path.of(p)).context(context);
    for (Map.Entry<String, String> e : SourceUris.params(uri).entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      switch (k) {
        case "zone":
          b.zone(ZoneId.of(v));
          break;
        case "pageSize":
          b.pageSize(SourceUris.parseInt(uri, k, v));
          break;
        case "symbol":
          b.symbol(v);
          break;
        case "interval":
          b.interval(Interval.parse(v));
          break;
        default:
          throw SourceUris.unknownParameter(uri, k, "zone, pageSize, symbol and interval");
      }
    }
    return b.build();
  }
}
