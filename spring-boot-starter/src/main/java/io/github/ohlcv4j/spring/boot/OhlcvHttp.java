package io.github.ohlcv4j.spring.boot;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The HTTP client the auto-configured client's sources share, with the configured timeouts; closed
 * with the application context (after the client), so that no thread of it is left. Its threads are
 * daemon threads named {@code ohlcv4j-http-N}.
 */
final class OhlcvHttp implements AutoCloseable {
  private final OkHttpClient client;

  OhlcvHttp(OhlcvProperties.Http http) {
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "ohlcv4j-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.client =
        new OkHttpClient.Builder()
            .dispatcher(new Dispatcher(executor))
            .connectTimeout(http.connectTimeout())
            .readTimeout(http.readTimeout())
            .writeTimeout(http.readTimeout())
            .callTimeout(http.callTimeout())
            .build();
  }

  OkHttpClient client() {
    return client;
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdownNow();
    client.connectionPool().evictAll();
  }
}
