/**
 * Micrometer metrics for ohlcv4j: {@link io.github.ohlcv4j.micrometer.OhlcvMetrics} binds a
 * client's events to a {@code MeterRegistry}.
 */
@NullMarked
package io.github.ohlcv4j.micrometer;

import org.jspecify.annotations.NullMarked;
