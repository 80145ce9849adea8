package io.github.ohlcv4j.internal.http;

import java.util.Collection;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The former home of {@link io.github.ohlcv4j.source.http.Redact}, kept while a module still names
 * it; everything here forwards there.
 *
 * @deprecated use {@link io.github.ohlcv4j.source.http.Redact}
 */
@Deprecated
public final class Redact {
  private Redact() {}

  /** See {@link io.github.ohlcv4j.source.http.Redact#MASK}. */
  public static final String MASK = io.github.ohlcv4j.source.http.Redact.MASK;

  /** See {@link io.github.ohlcv4j.source.http.Redact#url}. */
  public static String url(HttpUrl url) {
    return io.github.ohlcv4j.source.http.Redact.url(url);
  }

  /** See {@link io.github.ohlcv4j.source.http.Redact#isSecret}. */
  public static boolean isSecret(String name) {
    return io.github.ohlcv4j.source.http.Redact.isSecret(name);
  }

  /** See {@link io.github.ohlcv4j.source.http.Redact#secrets}. */
  public static List<String> secrets(Request request) {
    return io.github.ohlcv4j.source.http.Redact.secrets(request);
  }

  /** See {@link io.github.ohlcv4j.source.http.Redact#forms}. */
  public static List<String> forms(Collection<String> secrets) {
    return io.github.ohlcv4j.source.http.Redact.forms(secrets);
  }

  /** See {@link io.github.ohlcv4j.source.http.Redact#text(String, String...)}. */
  public static String text(String text, @Nullable String... secrets) {
    return io.github.ohlcv4j.source.http.Redact.text(text, secrets);
  }

  /** See {@link io.github.ohlcv4j.source.http.Redact#text(String, Collection)}. */
  public static String text(String text, Collection<String> secrets) {
    return io.github.ohlcv4j.source.http.Redact.text(text, secrets);
  }

  /** See {@link io.github.ohlcv4j.source.http.Redact#snippet(String, int, Collection)}. */
  public static String snippet(@Nullable String text, int max, Collection<String> secrets) {
    return io.github.ohlcv4j.source.http.Redact.snippet(text, max, secrets);
  }
}
