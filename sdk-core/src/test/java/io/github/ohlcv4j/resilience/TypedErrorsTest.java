package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Candle;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.QueryCancelledException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every way a query can end early gets its own type, never a bare {@link OhlcvException}: a
 * cancelled future, an interrupted wait and a stream closed early are a {@link
 * QueryCancelledException}; a client closed under a query is a {@link ClientClosedException}; a
 * symbol no source serves is an {@link InvalidQueryException}.
 */
@Timeout(60)
class TypedErrorsTest {

  private static final OhlcvQuery QUERY =
      OhlcvQuery.builder()
          .symbol("BTCUSDT")
          .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-01T04:10:00Z"))
          .build();

  private final List<OhlcvException> failures = new CopyOnWriteArrayList<>();
  private final CountDownLatch asked = new CountDownLatch(1);

  private final OhlcvEventListener listener =
      new OhlcvEventListener() {
        @Override
        public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
          failures.add(error);
        }
      };

  /** A request that says it was sent, then never answers. */
  private Outcome hangs() {
    return (s, page) -> {
      asked.countDown();
      return new CompletableFuture<>();
    };
  }

  private OhlcvClient client(ScriptedSource s) {
    return OhlcvClient.builder()
        .source(s)
        .eventListener(listener)
        .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(30), Duration.ofSeconds(30), 3))
        .build();
  }

  private void awaitRequest() throws InterruptedException {
    assertTrue(asked.await(10, TimeUnit.SECONDS), "the request was sent");
  }

  /** Waits until the request in flight was cancelled (the cancel may race its sending). */
  private static void awaitCancelled(ScriptedSource s) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (s.cancelled() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(1, s.cancelled(), "the request was cancelled with the query");
  }

  private void assertOnlyFailure(Class<? extends OhlcvException> type) {
    assertEquals(1, failures.size(), failures.toString());
    assertEquals(type, failures.get(0).getClass(), failures.get(0).toString());
  }

  @Test
  void aCancelledFutureIsAQueryCancelledException() throws Exception {
    ScriptedSource s = ScriptedSource.of("scripted", 100).then(Outcome.ok(), hangs());
    try (OhlcvClient c = client(s)) {
      CompletableFuture<CandleSeries> f = c.fetchAsync(QUERY);
      awaitRequest();
      assertTrue(f.cancel(true));
      assertOnlyFailure(QueryCancelledException.class);
      assertTrue(failures.get(0).getMessage().contains("cancelled"));
      awaitCancelled(s);
    }
  }

  @Test
  void anInterruptedFetchIsAQueryCancelledException() throws Exception {
    ScriptedSource s = ScriptedSource.of("scripted", 100).then(hangs());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    try (OhlcvClient c = client(s)) {
      Thread t =
          new Thread(
              () -> {
                try {
                  c.fetch(QUERY);
                } catch (Throwable e) {
                  thrown.set(e);
                  stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
              });
      t.start();
      awaitRequest();
      t.interrupt();
      t.join(10_000);
      assertInstanceOf(QueryCancelledException.class, thrown.get());
      assertTrue(stillInterrupted.get(), "the interrupt is kept");
      awaitCancelled(s);
    }
  }

  @Test
  void aStreamClosedEarlyIsAQueryCancelledException() throws Exception {
    ScriptedSource s = ScriptedSource.of("scripted", 100);
    try (OhlcvClient c = client(s)) {
      try (Stream<Candle> candles = c.stream(QUERY)) {
        Iterator<Candle> it = candles.iterator();
        for (int i = 0; i < 150; i++) {
          it.next();
        }
      }
      assertOnlyFailure(QueryCancelledException.class);
      assertTrue(failures.get(0).getMessage().contains("closed after"));
    }
  }

  @Test
  void closingTheClientDuringARetryWaitIsAClientClosedException() throws Exception {
    ScriptedSource s =
        ScriptedSource.of("scripted", 100)
            .then(
                Outcome.ok(),
                (src, page) -> {
                  asked.countDown();
                  return CompletableFuture.failedFuture(
                      SourceUnavailableException.retryable("scripted", "503").build());
                });
    OhlcvClient c = client(s);
    CompletableFuture<CandleSeries> f = c.fetchAsync(QUERY);
    awaitRequest();
    c.close();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    assertInstanceOf(ClientClosedException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
  }

  @Test
  void aSymbolNoSourceServesIsAnInvalidQuery() {
    ScriptedSource s = ScriptedSource.of("scripted", 100);
    try (OhlcvClient c =
        OhlcvClient.builder().source(new VenueOnly(s)).eventListener(listener).build()) {
      OhlcvException e =
          assertThrows(OhlcvException.class, () -> c.query("KRAKEN:XBTUSD").latest(3).fetch());
      assertInstanceOf(InvalidQueryException.class, e);
      assertNotEquals(OhlcvException.class, e.getClass());
      assertTrue(e.getMessage().contains("autoDiscover(true)"), e.getMessage());
    }
  }

  /** A scripted source that serves BYBIT symbols only. */
  private static final class VenueOnly implements io.github.ohlcv4j.source.CandleSource {
    final ScriptedSource delegate;

    VenueOnly(ScriptedSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return "bybit-only";
    }

    @Override
    public io.github.ohlcv4j.source.SourceCapabilities capabilities() {
      return io.github.ohlcv4j.source.SourceCapabilities.builder()
          .anyMultipleOf(io.github.ohlcv4j.Interval.M1)
          .venues(java.util.Set.of("BYBIT"))
          .build();
    }

    @Override
    public io.github.ohlcv4j.source.PageCursor cursor(OhlcvQuery query) {
      return delegate.cursor(query);
    }
  }
}
