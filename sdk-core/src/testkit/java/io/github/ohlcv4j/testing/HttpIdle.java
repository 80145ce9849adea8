package io.github.ohlcv4j.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Checks that an OkHttp client has nothing left to do: no call running or queued and every pooled
 * connection idle. Waits for the dispatcher's idle callback rather than polling.
 */
public final class HttpIdle {
  private HttpIdle() {}

  /**
   * Waits up to {@code limit} for {@code client} to be idle.
   *
   * @throws AssertionError if it is not idle by then, saying what is still busy
   */
  public static void await(OkHttpClient client, Duration limit) {
    Dispatcher d = client.dispatcher();
    CountDownLatch idle = new CountDownLatch(1);
    d.setIdleCallback(idle::countDown);
    try {
      if (d.runningCallsCount() + d.queuedCallsCount() > 0
          && !idle.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "OkHttp still busy after "
                + limit
                + ": running="
                + d.runningCallsCount()
                + " queued="
                + d.queuedCallsCount());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      d.setIdleCallback(null);
    }
    ConnectionPool pool = client.connectionPool();
    if (pool.connectionCount() != pool.idleConnectionCount()) {
      throw new AssertionError(
          "connections still in use: "
              + pool.connectionCount()
              + " pooled, "
              + pool.idleConnectionCount()
              + " idle");
    }
  }
}
