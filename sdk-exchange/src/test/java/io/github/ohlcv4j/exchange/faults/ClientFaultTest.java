package io.github.ohlcv4j.exchange.faults;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.exchange.FakeMarket;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.resilience.CircuitState;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.testing.ClientThreads;
import io.github.ohlcv4j.testing.HttpIdle;
import io.github.ohlcv4j.testing.RecordingListener;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The rig of the fault matrix through the client: a fake venue on a MockWebServer whose clock is
 * the real one, an OkHttp client with short timeouts for the {@link OhlcvClient}, a recording
 * listener, and, after each test, the checks every row shares: the OkHttp client is idle (no call
 * left, every pooled connection idle) and the client's {@code ohlcv4j-*} threads have ended.
 */
abstract class ClientFaultTest {

  /** Candles exist up to this time in the fake market. */
  static final long MARKET_NOW = Instant.parse("2024-06-01T12:34:56Z").toEpochMilli();

  /** The start of the queries' ranges. */
  static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");

  /** The read timeout of {@link #http}. */
  static final Duration READ_TIMEOUT = Duration.ofMillis(300);

  /** Retries quickly, so that healed rows take milliseconds. */
  static final RetryPolicy FAST =
      RetryPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(200), 4);

  final FakeMarket market =
      new FakeMarket(Interval.M1, Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
  final MockWebServer server = new MockWebServer();
  final RecordingListener events = new RecordingListener();

  /** Counts down when the client schedules its first retry. */
  final CountDownLatch firstRetry = new CountDownLatch(1);

  /** A request the client sent: the query's symbol, and when, by {@link System#nanoTime()}. */
  record Sent(String symbol, long nanoTime) {}

  /** Every request the client sent, in order. */
  final List<Sent> sent = new CopyOnWriteArrayList<>();

  /**
   * When the client first learnt of a ban (a page failed with one), by {@link System#nanoTime()}.
   */
  final AtomicLong banLearnt = new AtomicLong(Long.MAX_VALUE);

  private final OhlcvEventListener listener =
      new OhlcvEventListener() {
        @Override
        public void fetchStart(Fetch fetch) {
          events.fetchStart(fetch);
        }

        @Override
        public void pageStart(Fetch fetch, int page, int attempt) {
          sent.add(new Sent(fetch.query().symbol().toString(), System.nanoTime()));
          events.pageStart(fetch, page, attempt);
        }

        @Override
        public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
          events.pageEnd(fetch, page, rows, bytes, duration);
        }

        @Override
        public void pageFailed(Fetch fetch, int page, OhlcvException error, Duration duration) {
          if (error instanceof RateLimitException r && r.isBan()) {
            banLearnt.compareAndSet(Long.MAX_VALUE, System.nanoTime());
          }
          events.pageFailed(fetch, page, error, duration);
        }

        @Override
        public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
          events.retry(fetch, attempt, cause, wait);
          firstRetry.countDown();
        }

        @Override
        public void rateLimitWait(Fetch fetch, Duration wait) {
          events.rateLimitWait(fetch, wait);
        }

        @Override
        public void circuitStateChanged(
            String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {
          events.circuitStateChanged(source, from, to, fetch);
        }

        @Override
        public void fetchEnd(Fetch fetch, int rows, Duration duration) {
          events.fetchEnd(fetch, rows, duration);
        }

        @Override
        public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
          events.fetchFailed(fetch, error, duration);
        }
      };
  final OkHttpClient http =
      new OkHttpClient.Builder()
          .connectTimeout(2, TimeUnit.SECONDS)
          .readTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .callTimeout(10, TimeUnit.SECONDS)
          .build();
  private final ClientThreads threads = ClientThreads.snapshot();

  @BeforeEach
  void startServer() throws IOException {
    server.start();
  }

  @AfterEach
  void nothingLeftBehind() {
    try {
      HttpIdle.await(http, Duration.ofSeconds(10));
      threads.assertEnded(Duration.ofSeconds(10));
    } finally {
      server.close();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  /** The server's base URL. */
  String base() {
    return server.url("/").toString();
  }

  /** A client of the given source URIs, with this rig's HTTP client and listener. */
  OhlcvClient.Builder client(String... uris) {
    OhlcvClient.Builder b =
        OhlcvClient.builder().okHttpClient(http).eventListener(listener).autoDiscover(false);
    for (String u : uris) {
      b.source(u);
    }
    return b;
  }

  /** {@code minutes} 1m candles of {@code symbol} from {@link #DAY} plus {@code offset}. */
  static OhlcvQuery query(String symbol, Duration offset, int minutes) {
    Instant from = DAY.plus(offset);
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(Interval.M1)
        .between(from, from.plus(Duration.ofMinutes(minutes)))
        .build();
  }

  /** The answer a client gives when nothing fails. */
  CandleSeries faultFree(OhlcvQuery q, String uri) {
    try (OhlcvClient c =
        OhlcvClient.builder().okHttpClient(http).autoDiscover(false).source(uri).build()) {
      return c.fetch(q);
    }
  }

  /** Waits for the client's first retry. */
  void awaitFirstRetry() throws InterruptedException {
    if (!firstRetry.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no retry within 10 s; events: " + events.lines());
    }
  }

  /** The index of the first request answered with {@code code}. */
  static int first(List<FakeVenue.Hit> hits, int code) {
    for (int i = 0; i < hits.size(); i++) {
      if (hits.get(i).code() == code) {
        return i;
      }
    }
    throw new AssertionError("no request was answered with HTTP " + code + ": " + hits);
  }

  /** The message, causes, suppressed exceptions and stack trace of {@code t}: all a log shows. */
  static String everything(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }
}
