package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.UnexpectedFailureException;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.http.Http;
import io.github.ohlcv4j.testing.LogCapture;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

/**
 * An {@link Error} thrown at any stage of a query — by the source's {@code cursor()} or {@code
 * next()}, in a page's future, by a parser on OkHttp's callback thread, by an event listener, by
 * the executor — never leaves the query waiting: it fails with a typed {@link OhlcvException} (or,
 * from a listener, is logged and ignored). Each query is awaited with a time limit, so a hang fails
 * the test rather than blocking the build.
 */
@Timeout(60)
class ErrorInjectionTest {

  private static final Duration LIMIT = Duration.ofSeconds(10);
  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");

  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static OhlcvQuery query(int minutes) {
    return OhlcvQuery.builder()
        .symbol("BTCUSDT")
        .interval(Interval.M1)
        .between(FROM, FROM.plus(Duration.ofMinutes(minutes)))
        .build();
  }

  private static OhlcvClient.Builder client(CandleSource source) {
    return OhlcvClient.builder()
        .source(source)
        .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(20), 3));
  }

  /** Waits for the future at most {@link #LIMIT}; returns what it failed with. */
  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS),
            "the query must fail, not hang");
    return e.getCause();
  }

  private static Outcome throwing(Supplier<Error> error) {
    return (s, page) -> {
      throw error.get();
    };
  }

  private static void assertUnexpected(Throwable t, Class<? extends Error> cause, String advice) {
    UnexpectedFailureException e = assertInstanceOf(UnexpectedFailureException.class, t);
    assertInstanceOf(cause, e.getCause());
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains(advice), e.getMessage());
  }

  // ---------------------------------------------------------------- the source

  @Test
  void anErrorFromCursorFailsTheQuery() throws Exception {
    CandleSource broken =
        new ScriptedSourceWrapper(ScriptedSource.of("scripted", 100)) {
          @Override
          public PageCursor cursor(OhlcvQuery query) {
            throw new NoClassDefFoundError("com/squareup/moshi/Moshi");
          }
        };
    try (OhlcvClient c = client(broken).build()) {
      assertUnexpected(
          failure(c.fetchAsync(query(250))), NoClassDefFoundError.class, "runtime class path");
      assertInstanceOf(UnexpectedFailureException.class, catching(() -> c.fetch(query(250))));
      assertInstanceOf(
          UnexpectedFailureException.class,
          catching(() -> c.stream(query(250)).count()),
          "stream too");
    }
  }

  @Test
  void anErrorThrownByNextFailsTheQuery() throws Exception {
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(Outcome.ok(), throwing(() -> new OutOfMemoryError("injected")));
    try (OhlcvClient c = client(s).build()) {
      assertUnexpected(failure(c.fetchAsync(query(250))), OutOfMemoryError.class, "-Xmx");
    }
  }

  @Test
  void anErrorThrownByNextAfterARetryWaitFailsTheQuery() throws Exception {
    // The retry runs on the client's timer: an Error there must still reach the query.
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.ok(),
                Outcome.fail(() -> SourceUnavailableException.retryable("scripted", "503").build()),
                throwing(() -> new AssertionError("injected after a retry wait")));
    try (OhlcvClient c = client(s).build()) {
      Throwable t = failure(c.fetchAsync(query(250)));
      assertInstanceOf(AssertionError.class, assertInstanceOf(OhlcvException.class, t).getCause());
      assertEquals(3, s.requests().size());
    }
  }

  @Test
  void anErrorThrownByNextAfterARateLimitWaitFailsTheQuery() throws Exception {
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(Outcome.ok(), throwing(() -> new StackOverflowError()));
    try (OhlcvClient c =
        client(s).rateLimitPolicy(RateLimitPolicy.of(1, Duration.ofMillis(200))).build()) {
      // the second page waits for the budget on the timer, then its request throws
      assertUnexpected(failure(c.fetchAsync(query(250))), StackOverflowError.class, "stack");
    }
  }

  @Test
  void anErrorInAPageFutureFailsTheQueryAndTheStream() throws Exception {
    Outcome failsWithError =
        (src, page) -> CompletableFuture.failedFuture(new NoClassDefFoundError("okio/Buffer"));
    ScriptedSource s = ScriptedSource.of("scripted", 100).then(Outcome.ok(), failsWithError);
    try (OhlcvClient c = client(s).build()) {
      assertUnexpected(failure(c.fetchAsync(query(250))), NoClassDefFoundError.class, "scope");
    }
    ScriptedSource t = ScriptedSource.of("scripted", 100).then(Outcome.ok(), failsWithError);
    try (OhlcvClient c = client(t).build()) {
      Throwable e = catching(() -> c.stream(query(250)).count());
      assertInstanceOf(
          NoClassDefFoundError.class, assertInstanceOf(OhlcvException.class, e).getCause());
    }
  }

  @Test
  void anErrorInAPageFutureFailsADirectFetchToo() {
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.ok(),
                (src, page) -> CompletableFuture.failedFuture(new OutOfMemoryError("injected")));
    OhlcvException e = assertThrows(OhlcvException.class, () -> s.fetch(query(250)));
    assertInstanceOf(OutOfMemoryError.class, e.getCause());
  }

  // ---------------------------------------------------------------- the parser

  /** A source whose parser, on OkHttp's callback thread, throws what it is given. */
  private static final class ParserSource implements CandleSource {
    final Http http;
    final String base;
    final Supplier<Error> error;

    ParserSource(OkHttpClient client, String base, Supplier<Error> error) {
      this.http = Http.of(client, "parser");
      this.base = base;
      this.error = error;
    }

    @Override
    public String name() {
      return "parser";
    }

    @Override
    public SourceCapabilities capabilities() {
      return SourceCapabilities.builder().anyMultipleOf(Interval.M1).build();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      return new PageCursor() {
        boolean done;

        @Override
        public boolean hasNext() {
          return !done;
        }

        @Override
        public CompletableFuture<Page> next() {
          if (done) {
            throw new NoSuchElementException();
          }
          return http.send(
              new Request.Builder().url(base).build(),
              r -> {
                r.body().string();
                throw error.get();
              });
        }

        @Override
        public void close() {
          done = true;
        }
      };
    }
  }

  @Test
  void anErrorFromAParserOnOkHttpsThreadFailsTheQuery() throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 3; i++) {
        server.enqueue(new MockResponse.Builder().body("[[1,2,3]]").build());
      }
      List<Supplier<Error>> errors =
          List.of(
              () -> new OutOfMemoryError("Java heap space"),
              () -> new NoClassDefFoundError("com/squareup/moshi/JsonReader"),
              () -> new AssertionError("parser invariant"));
      for (Supplier<Error> error : errors) {
        ParserSource src = new ParserSource(http, server.url("/klines").toString(), error);
        try (OhlcvClient c = client(src).okHttpClient(http).build()) {
          Throwable t = failure(c.fetchAsync(query(10)));
          UnexpectedFailureException e = assertInstanceOf(UnexpectedFailureException.class, t);
          assertSame(error.get().getClass(), e.getCause().getClass());
          assertTrue(e.getMessage().contains("reading the response"), e.getMessage());
        }
      }
    } finally {
      http.dispatcher().executorService().shutdown();
    }
  }

  // ---------------------------------------------------------------- the listener

  @Test
  void aListenerThatThrowsErrorsIsLoggedAndIgnored() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    OhlcvEventListener assertive =
        new OhlcvEventListener() {
          @Override
          public void fetchStart(Fetch fetch) {
            calls.incrementAndGet();
            throw new AssertionError("fetchStart");
          }

          @Override
          public void pageStart(Fetch fetch, int page, int attempt) {
            calls.incrementAndGet();
            throw new NoClassDefFoundError("io/micrometer/core/instrument/Counter");
          }

          @Override
          public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
            calls.incrementAndGet();
            throw new AssertionError("pageEnd");
          }

          @Override
          public void progress(Fetch fetch, Progress progress) {
            calls.incrementAndGet();
            throw new OutOfMemoryError("progress");
          }

          @Override
          public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
            calls.incrementAndGet();
            throw new AssertionError("retry");
          }

          @Override
          public void fetchEnd(Fetch fetch, int rows, Duration duration) {
            calls.incrementAndGet();
            throw new AssertionError("fetchEnd");
          }
        };
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.ok(),
                Outcome.fail(
                    () -> SourceUnavailableException.retryable("scripted", "503").build()));
    try (LogCapture logs = LogCapture.start();
        OhlcvClient c = client(s).eventListener(assertive).build()) {
      CandleSeries got = c.fetchAsync(query(250)).get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      assertEquals(s.expected(query(250)), got);
      List<String> warned =
          logs
              .events(e -> e.level() == Level.WARN && e.message().contains("threw; ignored"))
              .stream()
              .map(e -> String.valueOf(e.error()))
              .collect(Collectors.toList());
      assertEquals(calls.get(), warned.size(), warned.toString());
      assertTrue(
          warned.stream().anyMatch(w -> w.contains("AssertionError: pageEnd")), warned.toString());
      assertTrue(warned.stream().anyMatch(w -> w.contains("AssertionError: retry")));
    }
    assertTrue(calls.get() >= 1 + 4 + 3 + 3 + 1 + 1, "every event was delivered: " + calls);
  }

  // ---------------------------------------------------------------- the executor

  @Test
  void anErrorFromTheExecutorFailsTheQuery() throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    // The first page completes only once the first task (the query's first step) has returned, so
    // the query must go back to the executor for its next step, which throws.
    CountDownLatch firstStepDone = new CountDownLatch(1);
    java.util.concurrent.Executor failsOnTheSecondTask =
        r -> {
          int n = tasks.incrementAndGet();
          if (n == 2) {
            throw new OutOfMemoryError("unable to create native thread");
          }
          pool.execute(
              () -> {
                try {
                  r.run();
                } finally {
                  if (n == 1) {
                    firstStepDone.countDown();
                  }
                }
              });
        };
    ScriptedSource async =
        ScriptedSource.of("scripted", 100)
            .then(
                (src, page) ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            firstStepDone.await(30, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return page.get();
                        },
                        pool));
    try (OhlcvClient c = client(async).executor(failsOnTheSecondTask).build()) {
      Throwable t = failure(c.fetchAsync(query(250)));
      assertUnexpected(t, OutOfMemoryError.class, "memory");
    }
    assertEquals(1, async.requests().size(), "the query stopped at the step the executor refused");
  }

  @Test
  void anExecutorThatRefusesWorkFailsTheQueryWithAMessageThatSaysSo() throws Exception {
    ExecutorService stopped = Executors.newSingleThreadExecutor();
    stopped.shutdown();
    try (OhlcvClient c = client(ScriptedSource.of("scripted", 100)).executor(stopped).build()) {
      Throwable t = failure(c.fetchAsync(query(250)));
      UnexpectedFailureException e = assertInstanceOf(UnexpectedFailureException.class, t);
      assertTrue(e.getMessage().contains("executor"), e.getMessage());
    }
  }

  @Test
  void closingTheClientFailsAQueryWaitingForItsExecutorWithClientClosed() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(
                (src, page) -> {
                  asked.countDown();
                  return new CompletableFuture<>();
                });
    OhlcvClient c = client(s).build();
    CompletableFuture<CandleSeries> f = c.fetchAsync(query(250));
    assertTrue(asked.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    c.close();
    assertInstanceOf(ClientClosedException.class, failure(f));
  }

  // ---------------------------------------------------------------- helpers

  private static Throwable catching(org.junit.jupiter.api.function.Executable e) {
    return assertThrows(Throwable.class, e);
  }

  /** A source that delegates to a scripted one, for overriding one method. */
  private static class ScriptedSourceWrapper implements CandleSource {
    final ScriptedSource delegate;

    ScriptedSourceWrapper(ScriptedSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public SourceCapabilities capabilities() {
      return delegate.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      return delegate.cursor(query);
    }
  }
}
