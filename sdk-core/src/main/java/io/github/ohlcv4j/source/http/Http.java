package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.UnexpectedFailureException;
import io.github.ohlcv4j.internal.VenueWaits;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP component of a source: sends requests with the client's OkHttp client (or a shared
 * default) and turns each response into a value on OkHttp's callback thread. Futures returned here
 * cancel their call when cancelled, and fail only with {@link OhlcvException}s whose messages carry
 * a redacted URL (see {@link Redact}). Also reads the headers every venue sends alike: {@code Date}
 * (the venue's clock) and {@code Retry-After}. Thread-safe.
 */
public final class Http {

  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j");

  /** The prefix of the names of the shared default client's threads. */
  public static final String SHARED_THREAD_PREFIX = "ohlcv4j-shared-http-";

  /**
   * How far a venue's {@code Date} header may be from the local clock and still be its clock: two
   * minutes (the header has whole seconds, and a long answer is read a while after it was stamped).
   * Farther, the header is not trusted ({@link #serverTime(Response, Clock)}).
   */
  public static final Duration DATE_TOLERANCE = Duration.ofMinutes(2);

  /**
   * A shared default client: 10 s connect, 30 s read, 60 s call timeout. Sources share its pool
   * unless given another. Its dispatcher's threads are daemon threads ({@value
   * #SHARED_THREAD_PREFIX}N) that end after a minute idle, so a program that used it exits as soon
   * as its own threads end; OkHttp's default dispatcher threads would keep the JVM alive for that
   * minute.
   */
  private static final OkHttpClient DEFAULT =
      new OkHttpClient.Builder()
          .dispatcher(new Dispatcher(sharedExecutor()))
          .connectTimeout(SourceContext.DEFAULT_CONNECT_SECONDS, TimeUnit.SECONDS)
          .readTimeout(SourceContext.DEFAULT_READ_SECONDS, TimeUnit.SECONDS)
          .callTimeout(SourceContext.DEFAULT_CALL_SECONDS, TimeUnit.SECONDS)
          .build();

  /** When each host's untrusted {@code Date} was last logged ({@link System#nanoTime()}). */
  private static final ConcurrentHashMap<String, Long> dateWarnings = new ConcurrentHashMap<>();

  private static ThreadPoolExecutor sharedExecutor() {
    AtomicInteger n = new AtomicInteger();
    // OkHttp's own dispatcher executor, with daemon threads.
    return new ThreadPoolExecutor(
        0,
        Integer.MAX_VALUE,
        60,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, SHARED_THREAD_PREFIX + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private final OkHttpClient client;
  private final String source;

  private Http(OkHttpClient client, String source) {
    this.client = Objects.requireNonNull(client, "client");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * An instance sending with {@code client}, for a source that needs a client of its own (other
   * timeouts, no redirects).
   */
  public static Http of(OkHttpClient client, String source) {
    return new Http(client, source);
  }

  /**
   * An instance using the context's OkHttp client (from {@code OhlcvClient.Builder.okHttpClient})
   * or the default.
   */
  public static Http of(SourceContext context, String source) {
    return new Http(client(context), source);
  }

  /**
   * The context's OkHttp client, or the shared default, with the context's timeouts applied where
   * set ({@link SourceContext#connectTimeout()} and the others; the write timeout follows the read
   * timeout). A client with other timeouts shares the original's connection pool and threads.
   */
  public static OkHttpClient client(SourceContext context) {
    OkHttpClient base = context.component(OkHttpClient.class).orElse(DEFAULT);
    if (context.connectTimeout().isEmpty()
        && context.readTimeout().isEmpty()
        && context.callTimeout().isEmpty()) {
      return base;
    }
    OkHttpClient.Builder b = base.newBuilder();
    context.connectTimeout().ifPresent(b::connectTimeout);
    context
        .readTimeout()
        .ifPresent(
            t -> {
              b.readTimeout(t);
              b.writeTimeout(t);
            });
    context.callTimeout().ifPresent(b::callTimeout);
    return b.build();
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
     * Turns the response into a value, or null for a {@code Handler<Void>} that only checks it. The
     * response is closed afterwards by the caller.
     *
     * @throws IOException if reading the body fails (mapped to a retryable {@link
     *     SourceUnavailableException})
     */
    @Nullable T handle(Response response) throws IOException;
  }

  /**
   * Sends {@code request} asynchronously and hands the response to {@code handler}. Cancelling the
   * future cancels the call. I/O failures become {@link SourceUnavailableException}s (retryable);
   * anything else the handler throws that is not an {@link OhlcvException} — a bug, or an {@link
   * Error} such as {@link OutOfMemoryError} or {@link NoClassDefFoundError} — becomes an {@link
   * UnexpectedFailureException}: the future always completes.
   */
  public <T> CompletableFuture<T> send(Request request, Handler<T> read) {
    Handler<T> handler = withCallerMdc(read);
    CompletableFuture<T> future = new CompletableFuture<>();
    Call call;
    try {
      call = client.newCall(request);
    } catch (Throwable e) {
      future.completeExceptionally(unexpected(request.url(), "sending the request", e));
      return future;
    }
    future.whenComplete(
        (v, e) -> {
          if (future.isCancelled()) {
            call.cancel();
          }
        });
    try {
      call.enqueue(
          new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
              try {
                future.completeExceptionally(ioError(request.url(), e, future.isCancelled()));
              } catch (Throwable t) {
                future.completeExceptionally(unexpected(request.url(), "sending the request", t));
              }
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
              } catch (Throwable e) { // never leave the future waiting, whatever was thrown
                future.completeExceptionally(unexpected(request.url(), "reading the response", e));
              }
            }
          });
    } catch (Throwable e) {
      future.completeExceptionally(unexpected(request.url(), "sending the request", e));
    }
    return future;
  }

  /**
   * {@code read}, run on OkHttp's callback thread with the MDC of the thread that sends: the fields
   * of the query's run ({@code fetch_id}), so that what a source logs while it reads says which run
   * it belongs to.
   */
  private static <T> Handler<T> withCallerMdc(Handler<T> read) {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    if (mdc == null) {
      return read;
    }
    return response -> {
      Map<String, String> before = MDC.getCopyOfContextMap();
      MDC.setContextMap(mdc);
      try {
        return read.handle(response);
      } finally {
        if (before == null) {
          MDC.clear();
        } else {
          MDC.setContextMap(before);
        }
      }
    };
  }

  private OhlcvException unexpected(HttpUrl url, String doing, Throwable e) {
    if (e instanceof OhlcvException) {
      return (OhlcvException) e;
    }
    return io.github.ohlcv4j.internal.Errors.wrap(
        e, source, "while " + doing + " (" + Redact.url(url) + ")");
  }

  /** Maps an I/O failure to a typed error that names the (redacted) URL and says what happened. */
  public OhlcvException ioError(HttpUrl url, IOException e, boolean cancelled) {
    String where = Redact.url(url);
    if (cancelled) {
      return QueryCancelledException.of(
              source, "Request to " + source + " (" + where + ") was cancelled")
          .cause(e)
          .build();
    }
    if (e instanceof UnknownHostException) {
      return SourceUnavailableException.permanent(
              source,
              "Cannot resolve the host of "
                  + where
                  + " for "
                  + source
                  + ": "
                  + e.getMessage()
                  + ". Check the URL and the network (DNS, proxy).")
          .cause(e)
          .build();
    }
    if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException) {
      return SourceUnavailableException.retryable(
              source,
              "Timed out waiting for "
                  + source
                  + " ("
                  + where
                  + "): "
                  + e.getMessage()
                  + ". The server or the network is slow; for very large responses, raise the read timeout.")
          .cause(e)
          .build();
    }
    if (e instanceof ConnectException) {
      return SourceUnavailableException.retryable(
              source,
              "Cannot connect to "
                  + source
                  + " ("
                  + where
                  + "): "
                  + e.getMessage()
                  + ". Is the server up?")
          .cause(e)
          .build();
    }
    return SourceUnavailableException.retryable(
            source, "I/O error talking to " + source + " (" + where + "): " + e)
        .cause(e)
        .build();
  }

  /**
   * The server's clock from the {@code Date} header, if present and valid, whatever it says. Prefer
   * {@link #serverTime(Response, Clock)}, which does not trust a clock far from the local one.
   */
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
   * The server's clock from the {@code Date} header, if present, valid and within {@link
   * #DATE_TOLERANCE} of {@code clock}. A {@code Date} farther off (a stale answer replayed by a
   * cache, a venue whose clock is wrong, a local clock that is) is not trusted to say which candle
   * is still in progress: it is logged at WARN (at most once a minute per host) and the local clock
   * decides.
   */
  public static Optional<Instant> serverTime(Response response, Clock clock) {
    Optional<Instant> date = serverTime(response);
    if (date.isEmpty()) {
      return date;
    }
    Instant now = clock.instant();
    Duration off = Duration.between(now, date.get()).abs();
    if (off.compareTo(DATE_TOLERANCE) <= 0) {
      return date;
    }
    if (shouldWarn(response.request().url())) {
      log.warn(
          "venue clock not trusted: the Date header of {} says {}, {} s from the local clock ({}),"
              + " more than the tolerated {} s; the local clock decides which candle is in progress",
          Redact.url(response.request().url()),
          date.get(),
          off.getSeconds(),
          now,
          DATE_TOLERANCE.getSeconds());
    }
    return Optional.empty();
  }

  /** Whether to log an untrusted {@code Date} from {@code url}'s host: once a minute per host. */
  private static boolean shouldWarn(HttpUrl url) {
    String host = url.host() + ":" + url.port();
    long t = System.nanoTime();
    if (dateWarnings.size() > 1000) {
      dateWarnings.clear();
    }
    Long last = dateWarnings.get(host);
    if (last != null && t - last < TimeUnit.MINUTES.toNanos(1)) {
      return false;
    }
    return last == null
        ? dateWarnings.putIfAbsent(host, t) == null
        : dateWarnings.replace(host, last, t);
  }

  /**
   * The wait a {@code Retry-After} header asks for: delta-seconds or an HTTP date relative to
   * {@code now}; never more than a day (a longer one, or one too large to be a number, is cut to it
   * and logged at WARN).
   */
  public static Optional<Duration> retryAfter(Response response, Instant now) {
    String v = response.header("Retry-After");
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    v = v.trim();
    Duration wait = null;
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // delta-seconds; more digits than a long holds is longer than any cap
      wait =
          v.length() > 18
              ? Duration.ofSeconds(Long.MAX_VALUE)
              : Duration.ofSeconds(Long.parseLong(v));
    } else if (v.startsWith("-")
        && v.length() > 1
        && v.chars().skip(1).allMatch(Character::isDigit)) {
      wait = Duration.ZERO;
    } else {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        wait = at.isAfter(now) ? VenueWaits.until(now, at) : Duration.ZERO;
        if (wait.equals(VenueWaits.MAX) && at.isAfter(now.plus(VenueWaits.MAX))) {
          wait = Duration.ofSeconds(Long.MAX_VALUE); // logged below
        }
      } catch (DateTimeParseException | ArithmeticException e) {
        return Optional.empty();
      }
    }
    if (VenueWaits.exceeds(wait)) {
      log.warn(
          "Retry-After \"{}\" from {} asks for more than {}; waiting {} and then asking again",
          v.length() > 40 ? v.substring(0, 40) + "…" : v,
          Redact.url(response.request().url()),
          VenueWaits.MAX,
          VenueWaits.MAX);
      wait = VenueWaits.MAX;
    }
    return Optional.of(wait);
  }

  /**
   * The first {@code max} characters of a text body, for error messages, with every secret (and its
   * encoded forms, see {@link Redact#forms}) masked before the text is cut; null-safe.
   */
  public static String snippet(@Nullable String body, int max, String... secrets) {
    return Redact.snippet(body, max, Redact.forms(java.util.Arrays.asList(secrets)));
  }
}
