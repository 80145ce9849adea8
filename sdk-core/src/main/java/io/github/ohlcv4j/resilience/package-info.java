/**
 * Resilience policies as plain values: {@link io.github.ohlcv4j.resilience.RetryPolicy}, {@link
 * io.github.ohlcv4j.resilience.CircuitBreakerPolicy} and {@link
 * io.github.ohlcv4j.resilience.RateLimitPolicy}. Hand them to {@link
 * io.github.ohlcv4j.OhlcvClient.Builder}.
 */
@NullMarked
package io.github.ohlcv4j.resilience;

import org.jspecify.annotations.NullMarked;
