package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * One page request of a query on its way through the guards, as OkHttp's interceptors see a {@code
 * Chain}: what is asked (the source, the run, the page number, the cursor positioned at the page)
 * and a hook that is told when each attempt is actually sent. A guard that needs to know when an
 * attempt goes out, or to number attempts itself, passes an amended copy inward ({@link
 * #beforeAttempt}, {@link #asAttempt}); the innermost guard calls {@link #send()}. Immutable.
 */
public final class PageRequest {
  private final CandleSource source;
  private final FetchContext fetch;
  private final int page;
  private final PageCursor cursor;
  private final IntConsumer attemptStart;

  private PageRequest(
      CandleSource source, FetchContext fetch, int page, PageCursor cursor, IntConsumer start) {
    this.source = Objects.requireNonNull(source, "source");
    this.fetch = Objects.requireNonNull(fetch, "fetch");
    this.page = page;
    this.cursor = Objects.requireNonNull(cursor, "cursor");
    this.attemptStart = Objects.requireNonNull(start, "start");
  }

  /**
   * A request for page {@code page} (counting from 1) of {@code fetch}'s run.
   *
   * @param attemptStart told the attempt number (from 1) as each attempt is sent, after any wait
   */
  public static PageRequest of(
      CandleSource source,
      FetchContext fetch,
      int page,
      PageCursor cursor,
      IntConsumer attemptStart) {
    return new PageRequest(source, fetch, page, cursor, attemptStart);
  }

  /** The source, for its name, rate-limit group and policies. */
  public CandleSource source() {
    return source;
  }

  /** The source's name. */
  public String sourceName() {
    return fetch.source();
  }

  /** The run of the query, for events and logs. */
  public FetchContext fetch() {
    return fetch;
  }

  /** The query. */
  public OhlcvQuery query() {
    return fetch.query();
  }

  /** The page number, counting from 1. */
  public int page() {
    return page;
  }

  /** The cursor, positioned at the page. */
  public PageCursor cursor() {
    return cursor;
  }

  /** Says that attempt {@code attempt} is being sent now. */
  public void attemptStarted(int attempt) {
    attemptStart.accept(attempt);
  }

  /** This request, with {@code hook} told of each attempt before the hooks already there. */
  public PageRequest beforeAttempt(IntConsumer hook) {
    Objects.requireNonNull(hook, "hook");
    IntConsumer outer = attemptStart;
    return new PageRequest(
        source,
        fetch,
        page,
        cursor,
        a -> {
          hook.accept(a);
          outer.accept(a);
        });
  }

  /**
   * This request as attempt {@code attempt}: whatever an inner guard says about attempts, the hooks
   * are told {@code attempt} (the retry guard numbers attempts across retries).
   */
  public PageRequest asAttempt(int attempt) {
    IntConsumer outer = attemptStart;
    return new PageRequest(source, fetch, page, cursor, a -> outer.accept(attempt));
  }

  /**
   * Sends the request once, unprotected: says attempt 1 starts and calls {@link PageCursor#next()},
   * whose completion runs within the run's MDC so that the guards and the engine log with its
   * fields.
   */
  public CompletableFuture<Page> send() {
    attemptStarted(1);
    return fetch.relay(cursor.next());
  }

  @Override
  public String toString() {
    return "page " + page + " of " + fetch;
  }
}
