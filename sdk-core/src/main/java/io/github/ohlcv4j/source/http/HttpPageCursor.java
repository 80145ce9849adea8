package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request loop of an HTTP source, written once: sends the request for the current position,
 * reads the response on OkHttp's callback thread, and moves forward only when the page succeeded,
 * so that a retry repeats the same request. Cancelling a page's future cancels its call; {@link
 * #close()} cancels the call in flight.
 *
 * <p>A venue's cursor says what to ask ({@link #more()}, {@link #request()}), how to read a good
 * answer ({@link #parse(Reply)}) and how to move on ({@link #advance(Object)}). Reading a response
 * ({@link #read(Response)}) always goes the same way: the venue's clock from {@code Date} (trusted
 * within two minutes of the local one) → the usage headers to the venue's budget ({@link
 * HttpErrors#reportUsage}) → the body into a bounded buffer that never trusts {@code
 * Content-Length} ({@link BodyBuffer}) → a refused status to a typed error ({@link HttpErrors#map})
 * → a {@link CandleSeries.Builder} for the query's symbol, interval, zone, bad-row policy and
 * expected size → {@link #parse(Reply)} → the buffer released. Requests are logged at DEBUG with
 * their URL redacted.
 *
 * @param <S> what reading one response yields: the page, plus whatever the cursor needs to move on
 */
public abstract class HttpPageCursor<S> implements PageCursor {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j.source.http");

  private final Http http;
  private final String source;
  private final Clock clock;
  private final OhlcvQuery query;
  private final HttpErrors errors;
  private final BodyBuffer buffer;
  private final AtomicReference<@Nullable CompletableFuture<?>> inflight = new AtomicReference<>();
  private volatile boolean closed;

  /**
   * A cursor over the requests that answer {@code query}.
   *
   * @param source the source: its HTTP component, name, clock and body cap
   * @param query the query
   * @param errors maps what the venue refuses
   */
  protected HttpPageCursor(HttpCandleSource source, OhlcvQuery query, HttpErrors errors) {
    Objects.requireNonNull(source, "source");
    this.http = source.http();
    this.source = source.name();
    this.clock = source.context().clock();
    this.query = Objects.requireNonNull(query, "query");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.buffer =
        new BodyBuffer(
            64 * 1024,
            source.maxBodyBytes(),
            source.name(),
            query.symbol() + " " + query.interval() + " candles");
  }

  /** The query. */
  protected final OhlcvQuery query() {
    return query;
  }

  /** The error mapper. */
  protected final HttpErrors errors() {
    return errors;
  }

  /** Whether the plan has another request. */
  protected abstract boolean more();

  /** The request for the current position; called once per attempt. */
  protected abstract Request request();

  /**
   * Reads an accepted response ({@link #accepts(Response)}) into the series builder and says what
   * it gave; runs on OkHttp's callback thread.
   *
   * @throws OhlcvException for what the body says (a venue error in an envelope, a malformed body:
   *     a {@link io.github.ohlcv4j.DataFormatException} that says where)
   * @throws IOException if reading fails
   */
  protected abstract S parse(Reply reply) throws IOException;

  /** Moves past the request whose response gave {@code step}; returns its page. */
  protected abstract Page advance(S step);

  /**
   * The rows the request in flight asks for, to size the series builder (so that a full page is
   * built without a copy); 0 when unknown.
   */
  protected int expectedRows() {
    return 0;
  }

  /** The zone of the series built: the query's unless the venue's candles live in another. */
  protected ZoneId seriesZone() {
    return query.zone();
  }

  /** Whether a response's status means an answer to parse: 200, by default. */
  protected boolean accepts(Response response) {
    return response.code() == 200;
  }

  /**
   * Reads one response as the class comment says. A source that streams its answers instead of
   * buffering them overrides this.
   */
  protected S read(Response response) throws IOException {
    Optional<Instant> date = Http.serverTime(response, clock);
    Instant now = date.orElseGet(clock::instant);
    errors.reportUsage(response, now);
    BodyBuffer.Body body = buffer.read(response);
    try {
      if (!accepts(response)) {
        throw errors.map(response, body, now);
      }
      CandleSeries.Builder b =
          CandleSeries.builder(query.symbol(), query.interval())
              .zone(seriesZone())
              .source(source)
              .badRows(query.badRows());
      int rows = expectedRows();
      if (rows > 0) {
        b.expectedSize(rows);
      }
      return parse(new Reply(response, body, date, now, b, errors));
    } finally {
      body.release();
    }
  }

  @Override
  public final boolean hasNext() {
    return !closed && more();
  }

  @Override
  public final CompletableFuture<Page> next() {
    if (!hasNext()) {
      throw new NoSuchElementException("No more pages for " + query + " from " + source);
    }
    Request request = request();
    if (log.isDebugEnabled()) {
      log.debug("request source={} url={}", source, Redact.url(request.url()));
    }
    CompletableFuture<S> call = http.send(request, this::read);
    inflight.set(call);
    CompletableFuture<Page> page = new CompletableFuture<>();
    page.whenComplete(
        (p, e) -> {
          if (page.isCancelled()) {
            call.cancel(true);
          }
        });
    call.whenComplete(
        (step, error) -> {
          inflight.compareAndSet(call, null);
          if (error != null) {
            page.completeExceptionally(
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error);
            return;
          }
          try {
            page.complete(advance(step));
          } catch (Throwable e) { // an Error too: the page fails, it never hangs
            page.completeExceptionally(e);
          }
        });
    if (closed) {
      call.cancel(true);
    }
    return page;
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> f = inflight.getAndSet(null);
    if (f != null) {
      f.cancel(true);
    }
  }
}
