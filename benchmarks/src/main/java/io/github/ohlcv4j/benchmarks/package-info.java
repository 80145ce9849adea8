/**
 * JMH benchmarks of ohlcv4j's hot paths, with peer libraries and hand-written loops as baselines in
 * the same run. {@link io.github.ohlcv4j.benchmarks.Payloads} generates the shared payloads every
 * benchmark measures; {@code benchmarks/run.sh} builds and runs them. Not published.
 */
@NullMarked
package io.github.ohlcv4j.benchmarks;

import org.jspecify.annotations.NullMarked;
