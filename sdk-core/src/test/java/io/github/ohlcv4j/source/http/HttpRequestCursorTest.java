package io.github.ohlcv4j.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.source.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request loop's optional steps: a request waits for what {@code prepare()} does, and is never
 * sent when its page is cancelled first or the preparation fails; a page that {@code confirm}
 * refuses fails and the cursor stays, so the next page asks the same request again.
 */
@Timeout(30)
class HttpRequestCursorTest {

  private static final Instant START = Instant.parse("2024-03-01T00:00:00Z");
  private static final OhlcvQuery QUERY =
      OhlcvQuery.builder()
          .symbol("ETHUSDT")
          .interval(Interval.M5)
          .between(START, START.plusSeconds(7200))
          .build();

  private final OkHttpClient client = new OkHttpClient();
  private final MockWebServer server = new MockWebServer();

  /** Asks {@code /p/0}, {@code /p/1}: each answer's body is the page's position. */
  private final class Cursor extends HttpRequestCursor<String> {
    final List<CompletableFuture<?>> preparations = new ArrayList<>();
    CompletableFuture<?> preparation = CompletableFuture.completedFuture(null);
    CompletableFuture<?> confirmation = CompletableFuture.completedFuture(null);
    int position;

    Cursor() {
      super(Http.of(client, "kit:test"), "kit:test", QUERY);
    }

    @Override
    protected boolean more() {
      return position < 2;
    }

    @Override
    protected CompletableFuture<?> prepare() {
      preparations.add(preparation);
      return preparation;
    }

    @Override
    protected Request request() {
      return new Request.Builder().url(server.url("/p/" + position)).build();
    }

    @Override
    protected String read(Response response) throws java.io.IOException {
      return response.body().string();
    }

    @Override
    protected CompletableFuture<?> confirm(String step) {
      return confirmation;
    }

    @Override
    protected Page advance(String step) {
      position++;
      return new Page(
          CandleSeries.empty(QUERY.symbol(), QUERY.interval()), step.length(), Optional.empty());
    }
  }

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    client.dispatcher().executorService().shutdown();
  }

  @Test
  void theRequestWaitsForItsPreparation() throws Exception {
    server.enqueue(new MockResponse.Builder().body("0").build());
    Cursor c = new Cursor();
    CompletableFuture<Object> prepared = new CompletableFuture<>();
    c.preparation = prepared;
    CompletableFuture<Page> page = c.next();
    assertEquals(0, server.getRequestCount());
    assertFalse(page.isDone());
    prepared.complete("ready");
    assertEquals(1, page.get(10, TimeUnit.SECONDS).bytes());
    assertEquals("/p/0", server.takeRequest().getTarget());
    assertEquals(1, c.position);
  }

  @Test
  void aPageCancelledWhilePreparingCancelsThePreparationAndSendsNothing() throws Exception {
    Cursor c = new Cursor();
    CompletableFuture<Object> prepared = new CompletableFuture<>();
    c.preparation = prepared;
    CompletableFuture<Page> page = c.next();
    page.cancel(true);
    assertTrue(prepared.isCancelled());
    c.close();
    assertEquals(0, server.getRequestCount());
    assertEquals(0, c.position);
  }

  @Test
  void aFailedPreparationFailsThePageAndTheNextPageTriesAgain() throws Exception {
    server.enqueue(new MockResponse.Builder().body("0").build());
    Cursor c = new Cursor();
    IllegalStateException refused = new IllegalStateException("no table");
    c.preparation = CompletableFuture.failedFuture(refused);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> c.next().get(10, TimeUnit.SECONDS));
    assertSame(refused, e.getCause());
    assertEquals(0, server.getRequestCount());
    c.preparation = CompletableFuture.completedFuture(null);
    c.next().get(10, TimeUnit.SECONDS);
    assertEquals(2, c.preparations.size());
    assertEquals("/p/0", server.takeRequest().getTarget());
  }

  @Test
  void aRefusedConfirmationFailsThePageAndTheCursorStays() throws Exception {
    server.enqueue(new MockResponse.Builder().body("0").build());
    server.enqueue(new MockResponse.Builder().body("0").build());
    Cursor c = new Cursor();
    CompletableFuture<Object> confirmed = new CompletableFuture<>();
    c.confirmation = confirmed;
    CompletableFuture<Page> page = c.next();
    RecordedRequest first = server.takeRequest(10, TimeUnit.SECONDS);
    assertEquals("/p/0", first.getTarget());
    confirmed.completeExceptionally(SymbolNotFoundException.of("kit:test", "unknown").build());
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> page.get(10, TimeUnit.SECONDS));
    assertInstanceOf(SymbolNotFoundException.class, e.getCause());
    assertEquals(0, c.position);
    c.confirmation = CompletableFuture.completedFuture(null);
    c.next().get(10, TimeUnit.SECONDS);
    assertEquals("/p/0", server.takeRequest(10, TimeUnit.SECONDS).getTarget());
    assertEquals(1, c.position);
  }

  @Test
  void aPageCancelledWhileConfirmingCancelsTheConfirmation() throws Exception {
    server.enqueue(new MockResponse.Builder().body("0").build());
    Cursor c = new Cursor();
    CompletableFuture<Object> confirmed = new CompletableFuture<>();
    c.confirmation = confirmed;
    CompletableFuture<Page> page = c.next();
    server.takeRequest(10, TimeUnit.SECONDS);
    while (confirmed.getNumberOfDependents() == 0) { // until the loop waits for the confirmation
      Thread.onSpinWait();
    }
    c.close();
    assertTrue(confirmed.isCancelled());
    assertThrows(java.util.concurrent.CancellationException.class, () -> page.getNow(null));
    assertEquals(0, c.position);
  }
}
