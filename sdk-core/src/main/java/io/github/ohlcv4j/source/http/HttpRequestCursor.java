package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.io.IOException;
import java.util.NoSuchElementException;
import java.util.Objects;
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
 * so that a retry repeats the same request. Cancelling a page's future cancels whatever it waits
 * for (its call, or the work before or after it); {@link #close()} cancels what is in flight.
 *
 * <p>A cursor says what to ask ({@link #more()}, {@link #request()}), how to read the answer
 * ({@link #read(Response)}) and how to move on ({@link #advance(Object)}). Two steps are optional:
 * {@link #prepare()}, work the request depends on (a server's version, a lookup), and {@link
 * #confirm(Object)}, a check of a read answer that needs a request of its own. Most sources extend
 * {@link HttpPageCursor}, which reads every answer into a bounded buffer and parses it; a source
 * that decodes its answers as they stream in (a binary row format) extends this class and reads the
 * response's body itself. Requests are logged at DEBUG with their URL redacted.
 *
 * @param <S> what reading one response yields: the page, plus whatever the cursor needs to move on
 */
public abstract class HttpRequestCursor<S> implements PageCursor {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j.source.http");
  private static final CompletableFuture<?> DONE = CompletableFuture.completedFuture(null);

  private final Http http;
  private final String source;
  private final OhlcvQuery query;
  private final AtomicReference<@Nullable CompletableFuture<?>> inflight = new AtomicReference<>();
  private volatile boolean closed;

  /**
   * A cursor over the requests that answer {@code query}.
   *
   * @param http the HTTP component requests are sent with
   * @param source the source's name, for logs and messages
   * @param query the query
   */
  protected HttpRequestCursor(Http http, String source, OhlcvQuery query) {
    this.http = Objects.requireNonNull(http, "http");
    this.source = Objects.requireNonNull(source, "source");
    this.query = Objects.requireNonNull(query, "query");
  }

  /** The query. */
  protected final OhlcvQuery query() {
    return query;
  }

  /** Whether the plan has another request. */
  protected abstract boolean more();

  /**
   * What the next request depends on, done before {@link #request()} is called: completed (the
   * default) when nothing is; otherwise a future that completes once the request can be built, or
   * fails with the page's error. Called once per attempt; cancelling the page cancels it.
   */
  protected CompletableFuture<?> prepare() {
    return DONE;
  }

  /**
   * The request for the current position; called once per attempt, after {@link #prepare()} has
   * completed. Called in {@link #next()} when nothing is to be prepared, so what it throws is
   * thrown there.
   */
  protected abstract Request request();

  /**
   * Reads the response to {@link #request()} and says what it gave; runs on OkHttp's callback
   * thread. It checks the status itself and throws the typed error of a refusal.
   *
   * @throws io.github.ohlcv4j.OhlcvException for a refusal or what the body says (a malformed body:
   *     a {@link io.github.ohlcv4j.DataFormatException} that says where)
   * @throws IOException if reading fails
   */
  protected abstract S read(Response response) throws IOException;

  /**
   * A last check of a read answer before the cursor moves past it, for a check that needs a request
   * of its own (whether an empty answer means a symbol the venue does not know): completed (the
   * default) when there is none, else a future that fails with the page's error. The cursor stays
   * where it is if it fails; cancelling the page cancels it.
   */
  protected CompletableFuture<?> confirm(S step) {
    return DONE;
  }

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
    CompletableFuture<?> ready = prepare();
    if (ready.isDone() && !ready.isCompletedExceptionally()) {
      return send();
    }
    CompletableFuture<Page> page = new CompletableFuture<>();
    follow(page, ready);
    then(
        page,
        ready,
        r -> {
          if (!page.isDone()) {
            CompletableFuture<Page> sent = send();
            follow(page, sent);
            then(page, sent, page::complete);
          }
        });
    return page;
  }

  private CompletableFuture<Page> send() {
    Request request = request();
    if (log.isDebugEnabled()) {
      log.debug("request source={} url={}", source, Redact.url(request.url()));
    }
    CompletableFuture<S> call = http.send(request, this::read);
    CompletableFuture<Page> page = new CompletableFuture<>();
    follow(page, call);
    then(
        page,
        call,
        step -> {
          CompletableFuture<?> confirmed = confirm(step);
          if (!confirmed.isDone()) {
            follow(page, confirmed);
          }
          then(page, confirmed, ok -> page.complete(advance(step)));
        });
    return page;
  }

  /** What to do with a value once it is there. */
  @FunctionalInterface
  private interface Then<T> {
    void accept(T value);
  }

  /**
   * Once {@code work} completes: {@code page} fails with its error, else {@code then} runs with its
   * value, and what {@code then} throws (an {@code Error} too) fails the page, which never hangs.
   */
  private <T> void then(CompletableFuture<Page> page, CompletableFuture<T> work, Then<T> then) {
    work.whenComplete(
        (value, error) -> {
          inflight.compareAndSet(work, null);
          if (error != null) {
            page.completeExceptionally(cause(error));
            return;
          }
          try {
            then.accept(value);
          } catch (Throwable e) {
            page.completeExceptionally(e);
          }
        });
  }

  /** Makes {@code work} what {@code page} waits for: cancelled with it, and by {@link #close()}. */
  private void follow(CompletableFuture<Page> page, CompletableFuture<?> work) {
    inflight.set(work);
    page.whenComplete(
        (p, e) -> {
          if (page.isCancelled()) {
            work.cancel(true);
          }
        });
    if (closed) {
      work.cancel(true);
    }
  }

  private static Throwable cause(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
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
