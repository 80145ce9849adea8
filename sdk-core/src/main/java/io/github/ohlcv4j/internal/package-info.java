/**
 * Plumbing shared by the ohlcv4j modules. <b>Not API</b>: anything here may change in any release
 * without notice; do not use it from applications.
 */
@NullMarked
package io.github.ohlcv4j.internal;

import org.jspecify.annotations.NullMarked;
