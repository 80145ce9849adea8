package io.github.ohlcv4j;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.List;

/**
 * Fixed-length buckets laid on a zone's local clock, for {@link Alignment#ZONE_MIDNIGHT}: bucket
 * {@code k} starts at local time {@code 1970-01-01T00:00 + k × step}, so every local midnight is a
 * bucket start when {@code step} divides a day.
 *
 * <p>A local time maps to an instant as {@link java.time.LocalDate#atStartOfDay(ZoneId)} maps
 * midnight: a time in a gap (the hour skipped in spring) becomes the end of the gap, and a time
 * that happens twice (autumn) its first occurrence. That mapping never decreases as local time
 * grows, so the distinct bucket starts are ordered, and the bucket of an instant is the last start
 * at or before it. Starts that map to the same instant (all of a gap) make one bucket.
 */
final class LocalGrid {
  private LocalGrid() {}

  /** The start of the bucket containing {@code t}. */
  static long start(long t, long step, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    if (rules.isFixedOffset()) {
      return t - Math.floorMod(t + offsetMillis(rules, t), step);
    }
    long k = Math.floorDiv(t + offsetMillis(rules, t), step);
    while (instant(k * step, rules) > t) {
      k--;
    }
    while (instant((k + 1) * step, rules) <= t) {
      k++;
    }
    return instant(k * step, rules);
  }

  /** The first bucket start after {@code t}: the end of the bucket containing {@code t}. */
  static long next(long t, long step, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    if (rules.isFixedOffset()) {
      return start(t, step, zone) + step;
    }
    long k = Math.floorDiv(t + offsetMillis(rules, t), step) + 1;
    while (instant((k - 1) * step, rules) > t) {
      k--;
    }
    while (instant(k * step, rules) <= t) {
      k++;
    }
    return instant(k * step, rules);
  }

  /** Moves {@code n} buckets (may be negative) from the bucket start {@code t}. */
  static long plus(long t, long n, long step, ZoneId zone) {
    if (zone.getRules().isFixedOffset()) {
      return t + n * step;
    }
    long s = t;
    for (long i = 0; i < n; i++) {
      s = next(s, step, zone);
    }
    for (long i = 0; i > n; i--) {
      s = start(s - 1, step, zone);
    }
    return s;
  }

  private static long offsetMillis(ZoneRules rules, long t) {
    return rules.getOffset(Instant.ofEpochMilli(t)).getTotalSeconds() * 1000L;
  }

  /** The instant of local time {@code localMillis} (milliseconds since the local epoch). */
  private static long instant(long localMillis, ZoneRules rules) {
    LocalDateTime ldt =
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(localMillis, 1000L),
            (int) Math.floorMod(localMillis, 1000L) * 1_000_000,
            ZoneOffset.UTC);
    List<ZoneOffset> valid = rules.getValidOffsets(ldt);
    if (valid.isEmpty()) {
      return rules.getTransition(ldt).getInstant().toEpochMilli();
    }
    return localMillis - valid.get(0).getTotalSeconds() * 1000L;
  }
}
