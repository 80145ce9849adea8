package io.github.ohlcv4j.internal.http;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Sends HTTP requests for a source and turns the response into a value on OkHttp's callback thread.
 * Futures returned here cancel their call when cancelled, and fail only with {@link
 * OhlcvException}s whose messages carry a redacted URL (see {@link Redact}).
 */
public final class Http {

  /**
   * A shared default client: 10 s connect, 30 s read, 60 s call timeout. Sources share its pool
   * unless given another.
   */
  private static final OkHttpClient DEFAULT =
      new OkHttpClient.Builder()
          .connectTimeout(10, TimeUnit.SECONDS)
          .readTimeout(30, TimeUnit.SECONDS)
          .callTimeout(60, TimeUnit.SECONDS)
          .build();

  private final OkHttpClient client;
  private final String source;

  /**
   * @param client the OkHttp client
   * @param source the source's name, for errors
   */
  public Http(OkHttpClient client, String source) {
    this.client = client;
    this.source = source;
  }

  /**
   * An instance using the context's OkHttp client (from {@code OhlcvClient.Builder.okHttpClient})
   * or the default.
   */
  public static Http of(SourceContext context, String source) {
    return new Http(client(context), source);
  }

  /** The context's OkHttp client, or the shared default. */
  public static OkHttpClient client(SourceContext context) {
    return context.component(OkHttpClient.class).orElse(DEFAULT);
  }

  /** The underlying client. */
  public OkHttpClient client() {
    return client;
  }

  /**
   * Reads a response; runs on OkHttp's callback thread. Throw {@link OhlcvException}s for what the
   * body says.
   */
  @FunctionalInterface
  public interface Handler<T> {
    /**
     * Turns the response into a value. The response is closed afterwards by the caller.
     *
     * @throws IOException if reading the body fails (mapped to a retryable {@link
     *     SourceUnavailableException})
     */
    T handle(Response response) throws IOException;
  }

  /**
   * Sends {@code request} asynchronously and hands the response to {@code handler}. Cancelling the
   * future cancels the call. I/O failures become {@link SourceUnavailableException}s (retryable); a
   * {@link RuntimeException} from the handler that is not an {@link OhlcvException} is wrapped in
   * one.
   */
  public <T> CompletableFuture<T> send(Request request, Handler<T> handler) {
    Call call = client.newCall(request);
    CompletableFuture<T> future = new CompletableFuture<>();
    future.whenComplete(
        (v, e) -> {
          if (future.isCancelled()) {
            call.cancel();
          }
        });
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            future.completeExceptionally(ioError(request.url(), e, future.isCancelled()));
          }

          @Override
          public void onResponse(Call c, Response response) {
            try (Response r = response) {
              future.complete(handler.handle(r));
            } catch (OhlcvException e) {
              future.completeExceptionally(e);
            } catch (IOException e) {
              // Not c.isCanceled(): OkHttp cancels the call itself when its call timeout fires,
              // and that is a timeout to retry, not the caller giving up.
              future.completeExceptionally(ioError(request.url(), e, future.isCancelled()));
            } catch (RuntimeException e) {
              future.completeExceptionally(
                  new OhlcvException(
                      "Unexpected error reading the response of "
                          + source
                          + " to "
                          + Redact.url(request.url())
                          + ": "
                          + e,
                      e));
            }
          }
        });
    return future;
  }

  /** Maps an I/O failure to a typed error that names the (redacted) URL and says what happened. */
  public OhlcvException ioError(HttpUrl url, IOException e, boolean cancelled) {
    String where = Redact.url(url);
    if (cancelled) {
      return new OhlcvException("Request to " + source + " (" + where + ") was cancelled", e);
    }
    if (e instanceof UnknownHostException) {
      return new SourceUnavailableException(
          "Cannot resolve the host of "
              + where
              + " for "
              + source
              + ": "
              + e.getMessage()
              + ". Check the URL and the network (DNS, proxy).",
          source,
          false,
          null,
          null,
          e);
    }
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      return new SourceUnavailableException(
          "Timed out waiting for "
              + source
              + " ("
              + where
              + "): "
              + e.getMessage()
              + ". The request will be retried; raise the read timeout for very large responses.",
          source,
          e);
    }
    if (e instanceof ConnectException) {
      return new SourceUnavailableException(
          "Cannot connect to "
              + source
              + " ("
              + where
              + "): "
              + e.getMessage()
              + ". Is the server up?",
          source,
          e);
    }
    return new SourceUnavailableException(
        "I/O error talking to " + source + " (" + where + "): " + e, source, e);
  }

  /** The server's clock from the {@code Date} header, if present and valid. */
  public static Optional<Instant> serverTime(Response response) {
    String d = response.header("Date");
    if (d == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The wait a {@code Retry-After} header asks for: delta-seconds or an HTTP date relative to
   * {@code now}.
   */
  public static Optional<Duration> retryAfter(Response response, Instant now) {
    String v = response.header("Retry-After");
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    v = v.trim();
    try {
      long s = Long.parseLong(v);
      return Optional.of(Duration.ofSeconds(Math.max(0, s)));
    } catch (NumberFormatException ignored) {
      // an HTTP date
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The first {@code max} characters of a text body, for error messages, with every secret (and its
   * encoded forms, see {@link Redact#forms}) masked before the text is cut; null-safe.
   */
  public static String snippet(@Nullable String body, int max, String... secrets) {
    return Redact.snippet(body, max, Redact.forms(java.util.Arrays.asList(secrets)));
  }
}
