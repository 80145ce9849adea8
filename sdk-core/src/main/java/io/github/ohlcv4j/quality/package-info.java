/**
 * Data-quality checks on a {@link io.github.ohlcv4j.CandleSeries}: invariant violations, gaps,
 * duplicates, spikes, and a score. Start from {@link io.github.ohlcv4j.CandleSeries#quality()}.
 */
@NullMarked
package io.github.ohlcv4j.quality;

import org.jspecify.annotations.NullMarked;
