package io.github.ohlcv4j;

/**
 * Where the buckets of a fixed interval (seconds, minutes, hours) start when candles are resampled
 * in a time zone: {@link #EPOCH}, as every venue does, or at the zone's {@link #ZONE_MIDNIGHT}.
 * Calendar intervals (days, weeks, months) always start at local midnights of the zone, whatever
 * the alignment.
 *
 * <p>The difference shows in zones whose offset is not a multiple of the interval, and across
 * daylight-saving changes: 4h buckets in New York start at 23:00, 03:00, 07:00 … local time in
 * winter and at 00:00, 04:00, 08:00 … in summer when they stay epoch-aligned, but at 00:00, 04:00,
 * 08:00 … all year when aligned to the zone's midnight.
 *
 * <pre>{@code
 * CandleSeries h4 = minutes.resample(Interval.H4, ZoneId.of("America/New_York"), Alignment.ZONE_MIDNIGHT);
 * }</pre>
 */
public enum Alignment {
  /**
   * Buckets start at whole multiples of the interval counted from the Unix epoch ({@code
   * 1970-01-01T00:00Z}), whatever the zone: the same instants everywhere, every bucket equally
   * long. The default, and what venues and ClickHouse's {@code toStartOfInterval} do.
   */
  EPOCH,

  /**
   * Buckets start at the zone's local midnight and every interval after it on the local clock (for
   * 4h: 00:00, 04:00, … 20:00), so they follow the zone's day. Only for fixed intervals that divide
   * a day evenly (1m, 5m, 15m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h, …).
   *
   * <p>On a daylight-saving day one bucket is shorter or longer: in New York on the spring change
   * the 00:00 bucket of 4h lasts 3 hours (02:00 does not exist), on the autumn change 5 hours
   * (01:00 to 02:00 happens twice). A local start that falls in the skipped hour starts at the end
   * of the gap, and one that happens twice starts at its first occurrence. A bucket is flagged
   * {@linkplain CandleSeries#PARTIAL partial} only when it holds fewer candles than its own length
   * holds, so a full 3-hour bucket is not partial. The base candles' boundaries must fall on the
   * zone's local grid (true for whole-hour zones and sub-hour candles of zones with half-hour
   * offsets).
   */
  ZONE_MIDNIGHT
}
