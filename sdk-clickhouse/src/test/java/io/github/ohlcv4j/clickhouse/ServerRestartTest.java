package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.testing.ClientThreads;
import io.github.ohlcv4j.testing.HttpIdle;
import io.github.ohlcv4j.testing.RecordingListener;
import io.github.ohlcv4j.testing.VirtualTime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.SocketFactory;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import okio.Throttler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A ClickHouse server of the test's own, killed (SIGKILL) while a query's answer is streaming and
 * started again on the same port with the same data: the query in flight is retried to the complete
 * series; while the server is down another client's circuit opens, and it closes again once the
 * server is back.
 */
@Timeout(120)
class ServerRestartTest {

  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  /** 200,000 candles, about 8.8 MB of RowBinary: more than the sockets between hold. */
  private static final OhlcvQuery QUERY =
      OhlcvQuery.builder()
          .symbol("BINANCE:BTCUSDT")
          .interval(Interval.M1)
          .between(START, START.plus(Duration.ofMinutes(200_000)))
          .build();

  @Test
  void aServerKilledDuringAQueryAndStartedAgain() throws Exception {
    ClientThreads threads = ClientThreads.snapshot();
    try (ClickHouseServer own = ClickHouseServer.startOwn()) {
      seed(own);
      String uri = "clickhouse://127.0.0.1:" + own.port() + "/restart?table=candles";

      // Client A reads its answer slowly until the kill, so that the kill comes mid-body.
      AtomicBoolean slow = new AtomicBoolean(true);
      CountDownLatch streaming = new CountDownLatch(1);
      OkHttpClient httpA = slowReader(slow, streaming);
      RecordingListener eventsA = new RecordingListener();
      // Client B has a strict breaker and a clock of its own, to end the open state at will.
      OkHttpClient httpB = new OkHttpClient.Builder().build();
      RecordingListener eventsB = new RecordingListener();
      VirtualTime clockB = new VirtualTime(Instant.now());
      try (OhlcvClient a =
              OhlcvClient.builder()
                  .source(uri)
                  .okHttpClient(httpA)
                  .retryPolicy(
                      RetryPolicy.fixed(Duration.ofMillis(100), 100)
                          .withMaxElapsed(Duration.ofSeconds(60)))
                  // A retries until the server is back, however long its restart takes on a busy
                  // machine; the breaker is B's part of the test.
                  .circuitBreakerPolicy(CircuitBreakerPolicy.none())
                  .eventListener(eventsA)
                  .autoDiscover(false)
                  .build();
          OhlcvClient b =
              OhlcvClient.builder()
                  .source(uri)
                  .okHttpClient(httpB)
                  .clock(clockB)
                  .retryPolicy(RetryPolicy.none())
                  .circuitBreakerPolicy(
                      CircuitBreakerPolicy.ofDefaults().withWindow(4, 3).withHalfOpenProbes(1))
                  .eventListener(eventsB)
                  .autoDiscover(false)
                  .build()) {
        CandleSeries expected = b.fetch(QUERY);
        assertEquals(200_000, expected.size());

        CompletableFuture<CandleSeries> inFlight = a.fetchAsync(QUERY);
        assertTrue(streaming.await(20, TimeUnit.SECONDS), "the answer never started");
        own.kill();
        slow.set(false);

        // Down: B's requests fail (retryable) until its circuit opens; then it fails at once.
        for (int i = 0; i < 2; i++) {
          SourceUnavailableException e =
              assertThrows(SourceUnavailableException.class, () -> b.fetch(QUERY));
          assertTrue(e.isRetryable(), e.getMessage());
        }
        SourceUnavailableException open =
            assertThrows(SourceUnavailableException.class, () -> b.fetch(QUERY));
        assertFalse(open.isRetryable());
        assertTrue(open.retryAfter().isPresent(), open.getMessage());
        assertEquals(
            List.of(b.sources().get(0).name() + " CLOSED->OPEN"),
            eventsB.circuitChanges().stream()
                .map(c -> c.source() + " " + c.from() + "->" + c.to())
                .toList());
        Health h = b.health().values().iterator().next();
        assertNotEquals(Health.Status.UP, h.status());
        assertTrue(h.detail().contains("circuit open"), h.detail());

        own.restart();

        // A's query, cut off mid-body, was retried until the server was back, and is whole.
        assertEquals(expected, inFlight.get(60, TimeUnit.SECONDS));
        assertTrue(eventsA.retries().size() >= 1, eventsA.lines().toString());
        assertInstanceOf(SourceUnavailableException.class, eventsA.retries().get(0).cause());
        assertTrue(eventsA.retries().get(0).cause().isRetryable());

        // B's circuit lets a probe through after its open time, and closes on its success.
        clockB.advance(CircuitBreakerPolicy.ofDefaults().openDuration().plusSeconds(1));
        assertEquals(expected, b.fetch(QUERY));
        assertEquals(
            List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"),
            eventsB.circuitChanges().stream().map(c -> c.from() + "->" + c.to()).toList());
        assertEquals(Health.Status.UP, b.health().values().iterator().next().status());
      }
      HttpIdle.await(httpA, Duration.ofSeconds(10));
      HttpIdle.await(httpB, Duration.ofSeconds(10));
      threads.assertEnded(Duration.ofSeconds(10));
      for (OkHttpClient c : List.of(httpA, httpB)) {
        c.dispatcher().executorService().shutdown();
        c.connectionPool().evictAll();
      }
      own.kill(); // its data goes with it: no need for a clean shutdown, which takes seconds
    }
  }

  private static void seed(ClickHouseServer server) {
    SampleSource sample =
        SampleSource.builder()
            .clock(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC))
            .pageSize(200_000)
            .build();
    ClickHouseSource source = server.source("restart", "candles").build();
    ClickHouseSchema.builder(source).build().migrate();
    ClickHouseWriter.builder(source).build().write(sample.fetch(QUERY));
  }

  /**
   * An HTTP client that reads candle answers at 2 MB/s while {@code slow} holds, through a small
   * socket receive buffer (so that the server cannot hand the whole answer to the kernel), and
   * counts {@code streaming} down once a megabyte has been read.
   */
  private static OkHttpClient slowReader(AtomicBoolean slow, CountDownLatch streaming) {
    return new OkHttpClient.Builder()
        .socketFactory(new SmallReceiveBuffer())
        .addNetworkInterceptor(
            chain -> {
              Response r = chain.proceed(chain.request());
              MediaType t = r.body().contentType();
              if (t == null || !t.subtype().equals("octet-stream") || r.code() != 200) {
                return r;
              }
              Throttler throttler = new Throttler();
              AtomicLong read = new AtomicLong();
              ForwardingSource counting =
                  new ForwardingSource(r.body().source()) {
                    @Override
                    public long read(Buffer sink, long byteCount) throws IOException {
                      throttler.bytesPerSecond(slow.get() ? 2_000_000 : 0);
                      long n = super.read(sink, byteCount);
                      if (n > 0 && read.addAndGet(n) > 1_000_000) {
                        streaming.countDown();
                      }
                      return n;
                    }
                  };
              BufferedSource body = Okio.buffer(throttler.source(counting));
              return r.newBuilder().body(ResponseBody.create(body, t, -1)).build();
            })
        .build();
  }

  /** Sockets with a 64 KiB receive buffer. */
  private static final class SmallReceiveBuffer extends SocketFactory {
    @Override
    public Socket createSocket() throws IOException {
      Socket s = new Socket();
      s.setReceiveBufferSize(64 * 1024);
      return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw new UnsupportedOperationException("OkHttp asks for unconnected sockets");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException("OkHttp asks for unconnected sockets");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) {
      throw new UnsupportedOperationException("OkHttp asks for unconnected sockets");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
      throw new UnsupportedOperationException("OkHttp asks for unconnected sockets");
    }
  }
}
