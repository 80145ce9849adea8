package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.SampleSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;

/**
 * A running {@link FakeVenue} on a {@code MockWebServer}, an OkHttp client with short timeouts for
 * it, and the URI that opens an {@link HttpTestSource} on it. Close it after the test.
 */
public final class FakeVenueServer implements AutoCloseable {

  /** The API key the venue expects. */
  public static final String API_KEY = "k3y-Zq8vR2xW7pL4";

  /** The password the venue expects. */
  public static final String PASSWORD = "pa55-Hn6tY1cM9sD3";

  /**
   * The read timeout of {@link #http()}: short, so that slow-body faults are quick, and long enough
   * that a busy two-core machine does not make a healthy answer time out.
   */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

  private final SampleSource market =
      SampleSource.builder()
          .clock(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
          .pageSize(100_000)
          .build();
  private final FakeVenue venue = new FakeVenue(market, API_KEY, PASSWORD);
  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient http;

  /** Starts a venue and a client for it. */
  public FakeVenueServer() {
    server.setDispatcher(venue);
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http =
        new OkHttpClient.Builder()
            .connectTimeout(2, TimeUnit.SECONDS)
            .readTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .callTimeout(10, TimeUnit.SECONDS)
            .build();
  }

  /** The venue, to script faults and read its log. */
  public FakeVenue venue() {
    return venue;
  }

  /** The OkHttp client to give the {@code OhlcvClient}. */
  public OkHttpClient http() {
    return http;
  }

  /** The source URI with the right credentials and {@code extra} parameters ({@code "a=1&b=2"}). */
  public String uri(String extra) {
    return uri(API_KEY, PASSWORD, extra);
  }

  /** The source URI with the given credentials. */
  public String uri(String key, String password, String extra) {
    return "fake-venue://"
        + server.getHostName()
        + ":"
        + server.getPort()
        + "/?key="
        + key
        + "&password="
        + password
        + (extra.isEmpty() ? "" : "&" + extra);
  }

  /** The right answer to {@code query}. */
  public CandleSeries expected(OhlcvQuery query) {
    return market.fetch(query);
  }

  /** {@code minutes} 1m candles of {@code symbol} from 2023-06-01T00:00Z plus {@code offset}. */
  public static OhlcvQuery query(String symbol, Duration offset, int minutes) {
    Instant from = Instant.parse("2023-06-01T00:00:00Z").plus(offset);
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(Interval.M1)
        .between(from, from.plus(Duration.ofMinutes(minutes)))
        .build();
  }

  /** Checks that the OkHttp client is idle: no call left, every connection back in the pool. */
  public void assertIdle() {
    HttpIdle.await(http, Duration.ofSeconds(10));
  }

  @Override
  public void close() {
    server.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
