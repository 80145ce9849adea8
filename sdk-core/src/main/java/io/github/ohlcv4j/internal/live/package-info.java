/**
 * The live-candle engine: ordering, exactly-once closes, backfills, revisions, incremental
 * resampling, delivery with conflation and bounded buffers, and the WebSocket connections of {@link
 * io.github.ohlcv4j.source.live.WebSocketFeed}. <b>Not API</b>: anything here may change in any
 * release without notice.
 */
@NullMarked
package io.github.ohlcv4j.internal.live;

import org.jspecify.annotations.NullMarked;
