package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.source.CandleSource;
import java.util.concurrent.CompletableFuture;

/**
 * Where a source's requests that are not pages of candles (its instruments, every page of them)
 * wait for the client's rate limits as page requests do: a component of the {@link
 * io.github.ohlcv4j.source.SourceContext} a client gives its sources. A source opened on its own
 * has none and sends at once. Thread-safe.
 */
public interface RequestGate {

  /**
   * Completes when a request of {@code weight} to {@code source}'s venue may be sent: after the
   * venue's pause or spent budget and the client's own budget for the source's group allow it.
   * Fails with a {@link io.github.ohlcv4j.RateLimitException} if that would take longer than the
   * group's {@link io.github.ohlcv4j.resilience.RateLimitPolicy#maxWait()}, or a {@link
   * io.github.ohlcv4j.ClientClosedException} once the client is closed. Cancelling it stops the
   * wait.
   *
   * @param weight what the request costs of the client's budget
   * @param what what the request asks for, for messages: {@code "stocks instruments"}
   */
  CompletableFuture<Void> admit(CandleSource source, int weight, String what);
}
