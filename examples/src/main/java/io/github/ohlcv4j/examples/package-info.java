/** Runnable example programs; they use the public API of ohlcv4j only. */
package io.github.ohlcv4j.examples;
