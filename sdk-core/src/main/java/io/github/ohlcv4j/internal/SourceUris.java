package io.github.ohlcv4j.internal;

import java.net.URI;
import java.util.Map;

/**
 * The former home of {@link io.github.ohlcv4j.source.SourceUris}, kept while a module still names
 * it; everything here forwards there.
 *
 * @deprecated use {@link io.github.ohlcv4j.source.SourceUris}
 */
@Deprecated
public final class SourceUris {
  private SourceUris() {}

  /** See {@link io.github.ohlcv4j.source.SourceUris#params}. */
  public static Map<String, String> params(URI uri) {
    return io.github.ohlcv4j.source.SourceUris.params(uri);
  }

  /** See {@link io.github.ohlcv4j.source.SourceUris#opaquePath}. */
  public static String opaquePath(URI uri) {
    return io.github.ohlcv4j.source.SourceUris.opaquePath(uri);
  }

  /** See {@link io.github.ohlcv4j.source.SourceUris#parseLong}. */
  public static long parseLong(URI uri, String name, String value) {
    return io.github.ohlcv4j.source.SourceUris.parseLong(uri, name, value);
  }

  /** See {@link io.github.ohlcv4j.source.SourceUris#redact(URI)}. */
  public static String redact(URI uri) {
    return io.github.ohlcv4j.source.SourceUris.redact(uri);
  }

  /** See {@link io.github.ohlcv4j.source.SourceUris#redact(String)}. */
  public static String redact(String uri) {
    return io.github.ohlcv4j.source.SourceUris.redact(uri);
  }
}
