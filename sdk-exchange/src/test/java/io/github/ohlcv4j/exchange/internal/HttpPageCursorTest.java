package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.UnexpectedFailureException;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.source.Page;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request loop of the exchange cursors ends a page whatever its steps throw, {@link Error}s
 * included: the page's future fails, it never waits forever.
 */
@Timeout(30)
class HttpPageCursorTest {

  private static final OhlcvQuery QUERY =
      OhlcvQuery.builder()
          .symbol("BTCUSDT")
          .interval(Interval.M1)
          .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-01T01:00:00Z"))
          .build();

  /** A one-request cursor whose reading or moving on throws what it is told to. */
  private static final class Cursor extends HttpPageCursor<String> {
    final String url;
    final boolean failInRead;
    boolean done;

    Cursor(Http http, String url, boolean failInRead) {
      super(http, "test", QUERY);
      this.url = url;
      this.failInRead = failInRead;
    }

    @Override
    protected boolean more() {
      return !done;
    }

    @Override
    protected Request request() {
      return new Request.Builder().url(url).build();
    }

    @Override
    protected String read(Response response) {
      if (failInRead) {
        throw new NoClassDefFoundError("com/squareup/moshi/JsonReader");
      }
      return "read";
    }

    @Override
    protected Page advance(String step) {
      throw new AssertionError("advance failed");
    }
  }

  @Test
  void anErrorWhileReadingOrMovingOnFailsThePage() throws Exception {
    OkHttpClient client = new OkHttpClient();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (boolean inRead : new boolean[] {true, false}) {
        server.enqueue(new MockResponse.Builder().body("[]").build());
        Cursor c = new Cursor(new Http(client, "test"), server.url("/k").toString(), inRead);
        ExecutionException e =
            assertThrows(ExecutionException.class, () -> c.next().get(10, TimeUnit.SECONDS));
        if (inRead) {
          UnexpectedFailureException u =
              assertInstanceOf(UnexpectedFailureException.class, e.getCause());
          assertInstanceOf(NoClassDefFoundError.class, u.getCause());
        } else {
          assertInstanceOf(AssertionError.class, e.getCause());
        }
        c.close();
      }
    } finally {
      client.dispatcher().executorService().shutdown();
    }
  }
}
