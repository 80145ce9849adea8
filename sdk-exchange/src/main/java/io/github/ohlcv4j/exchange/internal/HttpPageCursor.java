package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.http.Redact;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request loop shared by the exchange cursors: sends the request for the current position,
 * reads the response on OkHttp's callback thread, and moves forward only when the page succeeded,
 * so that a retry repeats the same request. Cancelling a page's future cancels its call; {@link
 * #close()} cancels the call in flight.
 *
 * @param <S> what reading one response yields: the page, plus whatever the cursor needs to move on
 */
public abstract class HttpPageCursor<S> implements PageCursor {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j.exchange");

  private final Http http;
  private final String source;
  private final OhlcvQuery query;
  private final AtomicReference<@Nullable CompletableFuture<?>> inflight = new AtomicReference<>();
  private volatile boolean closed;

  /** The buffer the cursor's responses are read into. */
  protected final BodyBuffer buffer;

  /**
   * A cursor whose bodies may hold up to {@link BodyBuffer#DEFAULT_MAX_BODY} bytes.
   *
   * @param http sends the requests
   * @param source the source's name
   * @param query the query, for messages
   */
  protected HttpPageCursor(Http http, String source, OhlcvQuery query) {
    this(http, source, query, BodyBuffer.DEFAULT_MAX_BODY);
  }

  /**
   * @param http sends the requests
   * @param source the source's name
   * @param query the query, for messages
   * @param maxBody the largest response body accepted, in bytes ({@link BodyBuffer#maxBody})
   */
  protected HttpPageCursor(Http http, String source, OhlcvQuery query, int maxBody) {
    this.http = http;
    this.source = source;
    this.query = query;
    this.buffer =
        new BodyBuffer(
            64 * 1024, maxBody, source, query.symbol() + " " + query.interval() + " candles");
  }

  /** Whether the plan has another request. */
  protected abstract boolean more();

  /** The request for the current position; called once per attempt. */
  protected abstract Request request();

  /**
   * Reads the response to {@link #request()}; runs on OkHttp's callback thread.
   *
   * @throws OhlcvException for what the response says (venue errors, malformed bodies)
   * @throws IOException if reading the body fails
   */
  protected abstract S read(Response response) throws IOException;

  /** Moves past the request whose response gave {@code step}; returns its page. */
  protected abstract Page advance(S step);

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
