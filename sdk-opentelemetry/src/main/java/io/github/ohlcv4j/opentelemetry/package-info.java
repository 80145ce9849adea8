/**
 * OpenTelemetry tracing for ohlcv4j: {@link io.github.ohlcv4j.opentelemetry.OhlcvTracing} turns a
 * client's events into spans.
 */
@NullMarked
package io.github.ohlcv4j.opentelemetry;

import org.jspecify.annotations.NullMarked;
