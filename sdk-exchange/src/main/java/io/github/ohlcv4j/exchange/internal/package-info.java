/**
 * Plumbing of the exchange sources: request planning, the kline scanner, decimal parsing, error
 * bodies. <b>Not API</b>: anything here may change in any release without notice.
 */
@NullMarked
package io.github.ohlcv4j.exchange.internal;

import org.jspecify.annotations.NullMarked;
