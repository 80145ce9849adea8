/**
 * Spring Boot auto-configuration for ohlcv4j: an {@link io.github.ohlcv4j.OhlcvClient} bean from
 * {@link io.github.ohlcv4j.spring.boot.OhlcvProperties} ({@code ohlcv4j.*}), a health indicator per
 * source, and metrics and tracing when Micrometer and OpenTelemetry are present.
 */
@NullMarked
package io.github.ohlcv4j.spring.boot;

import org.jspecify.annotations.NullMarked;
