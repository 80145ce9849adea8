package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link SampleSource}s by {@code sample:} URI: {@code sample:}, {@code sample:?seed=7},
 * {@code sample:?seed=7&pageSize=1000}. Registered with {@link java.util.ServiceLoader}; not for
 * direct use.
 */
public final class SampleSourceProvider implements CandleSourceProvider {
  /** For the service loader. */
  public SampleSourceProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("sample");
  }

  @Override
  public CandleSource open(URI uri, SourceContext context) {
    Map<String, String> p = SourceUris.params(uri);
    SampleSource.Builder b = SampleSource.builder().clock(context.clock());
    for (Map.Entry<String, String> e : p.entrySet()) {
      switch (e.getKey()) {
        case "seed":
          b.seed(SourceUris.parseLong(uri, e.getKey(), e.getValue()));
          break;
        case "pageSize":
          b.pageSize((int) SourceUris.parseLong(uri, e.getKey(), e.getValue()));
          break;
        case "speed":
          b.speed(parseSpeed(uri, e.getValue()));
          break;
        default:
          throw new IllegalArgumentException(
              "Unknown parameter \""
                  + e.getKey()
                  + "\" in "
                  + uri
                  + "; sample: accepts seed, pageSize and speed");
      }
    }
    return b.build();
  }

  private static double parseSpeed(URI uri, String value) {
    double v;
    try {
      v = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "Parameter speed=\""
              + value
              + "\" in "
              + uri
              + " is not a positive number; sample:?speed=60 runs the market's clock 60 times"
              + " faster than the wall clock");
    }
    return v;
  }
}
