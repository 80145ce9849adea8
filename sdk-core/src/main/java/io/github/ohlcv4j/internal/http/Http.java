package io.github.ohlcv4j.internal.http;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The former home of {@link io.github.ohlcv4j.source.http.Http}, kept while a module still names
 * it; everything here forwards there.
 *
 * @deprecated use {@link io.github.ohlcv4j.source.http.Http}
 */
@Deprecated
public final class Http {
  private final io.github.ohlcv4j.source.http.Http http;

  /** See {@link io.github.ohlcv4j.source.http.Http#of(OkHttpClient, String)}. */
  public Http(OkHttpClient client, String source) {
    this.http = io.github.ohlcv4j.source.http.Http.of(client, source);
  }

  /** See {@link io.github.ohlcv4j.source.http.Http#client(SourceContext)}. */
  public static OkHttpClient client(SourceContext context) {
    return io.github.ohlcv4j.source.http.Http.client(context);
  }

  /** The underlying client. */
  public OkHttpClient client() {
    return http.client();
  }

  /** See {@link io.github.ohlcv4j.source.http.Http.Handler}. */
  @FunctionalInterface
  public interface Handler<T> extends io.github.ohlcv4j.source.http.Http.Handler<T> {}

  /** See {@link io.github.ohlcv4j.source.http.Http#send}. */
  public <T> CompletableFuture<T> send(Request request, Handler<T> handler) {
    return http.send(request, handler);
  }

  /** See {@link io.github.ohlcv4j.source.http.Http#ioError}. */
  public OhlcvException ioError(HttpUrl url, IOException e, boolean cancelled) {
    return http.ioError(url, e, cancelled);
  }

  /** See {@link io.github.ohlcv4j.source.http.Http#serverTime(Response)}. */
  public static Optional<Instant> serverTime(Response response) {
    return io.github.ohlcv4j.source.http.Http.serverTime(response);
  }

  /** See {@link io.github.ohlcv4j.source.http.Http#serverTime(Response, Clock)}. */
  public static Optional<Instant> serverTime(Response response, Clock clock) {
    return io.github.ohlcv4j.source.http.Http.serverTime(response, clock);
  }

  /** See {@link io.github.ohlcv4j.source.http.Http#retryAfter}. */
  public static Optional<Duration> retryAfter(Response response, Instant now) {
    return io.github.ohlcv4j.source.http.Http.retryAfter(response, now);
  }

  /** See {@link io.github.ohlcv4j.source.http.Http#snippet}. */
  public static String snippet(@Nullable String body, int max, String... secrets) {
    return io.github.ohlcv4j.source.http.Http.snippet(body, max, secrets);
  }
}
