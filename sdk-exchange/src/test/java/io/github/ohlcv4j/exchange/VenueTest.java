package io.github.ohlcv4j.exchange;

import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.VenueLimits;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A MockWebServer per test, a fixed clock, an OkHttp client with short timeouts, and a recorder of
 * venue limits, wired into a {@link SourceContext}.
 */
public abstract class VenueTest {
  /** The venue's clock in these tests: 2024-06-01T12:34:56Z. */
  protected static final long NOW = Instant.parse("2024-06-01T12:34:56Z").toEpochMilli();

  protected MockWebServer server;
  protected final RecordingLimits limits = new RecordingLimits();
  protected OkHttpClient http =
      new OkHttpClient.Builder()
          .connectTimeout(2, TimeUnit.SECONDS)
          .readTimeout(2, TimeUnit.SECONDS)
          .callTimeout(5, TimeUnit.SECONDS)
          .build();

  @BeforeEach
  void startServer() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** The server's base URL. */
  protected String base() {
    return server.url("/").toString();
  }

  /** A context with the clock at {@code clockMillis}. */
  protected SourceContext context(long clockMillis, Map<String, String> env) {
    return SourceContext.builder()
        .clock(Clock.fixed(Instant.ofEpochMilli(clockMillis), ZoneOffset.UTC))
        .environment(env::get)
        .component(OkHttpClient.class, http)
        .component(VenueLimits.class, limits)
        .build();
  }

  /** A context with the clock at {@link #NOW}. */
  protected SourceContext context() {
    return context(NOW, Map.of());
  }

  /** A response with a body and the venue's {@code Date}. */
  protected static MockResponse response(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Date", FakeVenue.httpDate(NOW))
        .body(body)
        .build();
  }

  /** Epoch milliseconds of an ISO instant. */
  protected static long ms(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }
}
