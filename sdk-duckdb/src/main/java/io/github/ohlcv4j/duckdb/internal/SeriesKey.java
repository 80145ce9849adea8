package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * How the store names one series: the symbol's text form, the interval's short form, and the zone
 * its buckets are aligned in — {@code UTC} for fixed intervals, which the zone does not move, and
 * the zone's id for calendar intervals, whose days start at a local midnight.
 *
 * @param symbol {@link Symbol#toString()}
 * @param interval {@link Interval#toString()}
 * @param zone {@code UTC}, or the normalized zone id of a calendar interval
 */
public record SeriesKey(String symbol, String interval, String zone) {

  /** Validates. */
  public SeriesKey {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(zone, "zone");
  }

  /** The key of {@code symbol}'s {@code interval} candles aligned in {@code zone}. */
  public static SeriesKey of(Symbol symbol, Interval interval, ZoneId zone) {
    return new SeriesKey(
        symbol.toString(), interval.toString(), interval.isFixed() ? "UTC" : zoneText(zone));
  }

  /** The text a zone is stored as: {@code UTC} for the zero offset, else the normalized id. */
  public static String zoneText(ZoneId zone) {
    ZoneId z = zone.normalized();
    return z.equals(ZoneOffset.UTC) ? "UTC" : z.getId();
  }

  @Override
  public String toString() {
    return symbol + " " + interval + (zone.equals("UTC") ? "" : " in " + zone);
  }
}
