package io.github.ohlcv4j.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ohlcv4j.source.SourceContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** Timeouts from the {@link SourceContext}, over the shared client's or the application's own. */
class HttpTimeoutsTest {

  @Test
  void withoutTimeoutsTheSharedClientIsUsedAsItIs() {
    OkHttpClient shared = Http.client(SourceContext.ofDefaults());
    assertSame(shared, Http.client(SourceContext.builder().build()));
    assertEquals(10_000, shared.connectTimeoutMillis());
    assertEquals(30_000, shared.readTimeoutMillis());
    assertEquals(60_000, shared.callTimeoutMillis());
  }

  @Test
  void timeoutsSetInTheContextApplyAndTheRestStayAsTheyWere() {
    OkHttpClient shared = Http.client(SourceContext.ofDefaults());
    OkHttpClient c =
        Http.client(SourceContext.builder().readTimeout(Duration.ofSeconds(2)).build());
    assertEquals(2_000, c.readTimeoutMillis());
    assertEquals(2_000, c.writeTimeoutMillis());
    assertEquals(10_000, c.connectTimeoutMillis());
    assertEquals(60_000, c.callTimeoutMillis());
    assertSame(shared.connectionPool(), c.connectionPool(), "one pool for all");
    assertSame(shared.dispatcher(), c.dispatcher(), "and one set of threads");
  }

  @Test
  void theApplicationsClientKeepsItsTimeoutsExceptThoseSet() {
    OkHttpClient own =
        new OkHttpClient.Builder()
            .connectTimeout(3, TimeUnit.SECONDS)
            .readTimeout(4, TimeUnit.SECONDS)
            .callTimeout(5, TimeUnit.SECONDS)
            .build();
    SourceContext.Builder ctx = SourceContext.builder().component(OkHttpClient.class, own);
    assertSame(own, Http.client(ctx.build()));
    OkHttpClient c =
        Http.client(ctx.callTimeout(Duration.ZERO).connectTimeout(Duration.ofMillis(1500)).build());
    assertEquals(1_500, c.connectTimeoutMillis());
    assertEquals(4_000, c.readTimeoutMillis());
    assertEquals(0, c.callTimeoutMillis(), "zero is no limit");
    assertSame(own.connectionPool(), c.connectionPool());
  }

  @Test
  void aNegativeTimeoutIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SourceContext.builder().readTimeout(Duration.ofSeconds(-1)));
    assertEquals("readTimeout must not be negative (zero means no limit): PT-1S", e.getMessage());
  }
}
