/**
 * Resilience policies as plain values: {@link io.github.ohlcv4j.resilience.RetryPolicy}, {@link
 * io.github.ohlcv4j.resilience.CircuitBreakerPolicy} and {@link
 * io.github.ohlcv4j.resilience.RateLimitPolicy}. Hand them to {@link
 * io.github.ohlcv4j.OhlcvClient.Builder}.
 *
 * <p>All three are built the same way: an immutable value from a named factory ({@code none()} for
 * off; {@code ofDefaults()} where the client has a default; {@code exponential}, {@code linear},
 * {@code fixed} or {@code of} for a common shape), adjusted with {@code with...} methods that each
 * return a changed copy, as {@link io.github.ohlcv4j.quality.QualityOptions} is. They have no
 * builder, so no {@code newBuilder()}: each setting is a factory argument or a wither.
 */
@NullMarked
package io.github.ohlcv4j.resilience;

import org.jspecify.annotations.NullMarked;
