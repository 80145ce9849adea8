/**
 * Live candles from a venue: the {@link io.github.ohlcv4j.source.live.LiveFeed} a source offers
 * ({@link io.github.ohlcv4j.source.CandleSource#live()}), and a WebSocket kit that turns a small
 * venue adapter ({@link io.github.ohlcv4j.source.live.VenueProtocol}) into a feed that connects,
 * subscribes within the venue's limits, keeps the connection alive, replaces a silent one and
 * reconnects ({@link io.github.ohlcv4j.source.live.WebSocketFeed}).
 *
 * <p>Applications use {@link io.github.ohlcv4j.LiveCandles} from {@code client.query(...).live()};
 * this package is for those who add a venue. A feed only reports what the venue pushes; ordering,
 * de-duplication, closes that never arrive, backfills after a reconnect and revisions are the
 * client's work, the same for every venue.
 */
@NullMarked
package io.github.ohlcv4j.source.live;

import org.jspecify.annotations.NullMarked;
