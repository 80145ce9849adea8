/** Aggregate bars from Polygon: {@link io.github.ohlcv4j.exchange.polygon.PolygonSource}. */
@NullMarked
package io.github.ohlcv4j.exchange.polygon;

import org.jspecify.annotations.NullMarked;
