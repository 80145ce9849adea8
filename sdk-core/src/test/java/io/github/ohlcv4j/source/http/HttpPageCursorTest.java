package io.github.ohlcv4j.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.UnexpectedFailureException;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
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
 * The request loop of the HTTP kit ends a page whatever its steps throw, {@link Error}s included:
 * the page's future fails, it never waits forever; and an accepted answer reaches {@code parse}
 * with the builder set up for the query.
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
  private static final class Cursor extends HttpPageCursor<Page> {
    final String url;
    final boolean failInRead;
    final boolean failInAdvance;
    boolean done;

    Cursor(HttpCandleSource s, String url, boolean failInRead, boolean failInAdvance) {
      super(s, QUERY, new HttpErrors(s, "BTCUSDT 1m candles"));
      this.url = url;
      this.failInRead = failInRead;
      this.failInAdvance = failInAdvance;
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
    protected Page read(Response response) throws IOException {
      if (failInRead) {
        throw new NoClassDefFoundError("com/squareup/moshi/JsonReader");
      }
      return super.read(response);
    }

    @Override
    protected Page parse(Reply reply) {
      String[] f = new String(reply.body().bytes(), 0, reply.body().length()).trim().split(",");
      reply
          .candles()
          .add(
              Long.parseLong(f[0]),
              Double.parseDouble(f[1]),
              Double.parseDouble(f[2]),
              Double.parseDouble(f[3]),
              Double.parseDouble(f[4]),
              Double.parseDouble(f[5]));
      return reply.page(1_704_067_200_000L, 1_704_070_800_000L);
    }

    @Override
    protected Page advance(Page step) {
      if (failInAdvance) {
        throw new AssertionError("advance failed");
      }
      done = true;
      return step;
    }
  }

  private static KitTestSource source(OkHttpClient client) {
    return KitTestSource.builder()
        .context(SourceContext.builder().component(OkHttpClient.class, client).build())
        .build();
  }

  @Test
  void anErrorWhileReadingOrMovingOnFailsThePage() throws Exception {
    OkHttpClient client = new OkHttpClient();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (boolean inRead : new boolean[] {true, false}) {
        server.enqueue(new MockResponse.Builder().body("1704067200000,1,2,0.5,1.5,10").build());
        Cursor c = new Cursor(source(client), server.url("/k").toString(), inRead, !inRead);
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

  @Test
  void anAcceptedAnswerIsParsedIntoAPageWithItsWindowAndClock() throws Exception {
    OkHttpClient client = new OkHttpClient();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      String body = "1704067200000,1,2,0.5,1.5,10\n";
      server.enqueue(
          new MockResponse.Builder()
              .setHeader(
                  "Date",
                  java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                      java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)))
              .body(body)
              .build());
      Cursor c = new Cursor(source(client), server.url("/k").toString(), false, false);
      Page p = c.next().get(10, TimeUnit.SECONDS);
      assertEquals(1, p.candles().size());
      assertEquals("kit:test", p.candles().source());
      assertEquals(body.length(), p.bytes());
      assertEquals(Instant.parse("2024-01-01T01:00:00Z"), p.window().orElseThrow().to());
      assertEquals(true, p.serverTime().isPresent());
      assertEquals(false, c.hasNext());
    } finally {
      client.dispatcher().executorService().shutdown();
    }
  }
}
