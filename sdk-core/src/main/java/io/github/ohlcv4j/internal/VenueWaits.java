package io.github.ohlcv4j.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * How far what a venue says about waiting is trusted: a {@code Retry-After}, a ban's end, a rate
 * limit's reset. At most {@link #MAX} ahead: a venue (or a proxy, or a bug) that says "wait until
 * the year 9999" would otherwise refuse every later query of the client for centuries, and the
 * arithmetic on such times overflows. Past the cap, the client waits the cap and then asks again; a
 * venue still banning the client says so again. The sources and guards log each cap at WARN.
 */
public final class VenueWaits {

  /** The longest wait a venue is believed: one day. */
  public static final Duration MAX = Duration.ofDays(1);

  private VenueWaits() {}

  /** {@code wait}, no less than zero and no more than {@link #MAX}. */
  public static Duration cap(Duration wait) {
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(MAX) > 0 ? MAX : wait;
  }

  /** Whether {@code wait} is longer than {@link #MAX}. */
  public static boolean exceeds(Duration wait) {
    return wait.compareTo(MAX) > 0;
  }

  /** {@code now + wait}, the wait capped (so it never overflows). */
  public static Instant after(Instant now, Duration wait) {
    return now.plus(cap(wait));
  }

  /** The wait from {@code now} until {@code at}: zero if past, at most {@link #MAX}. */
  public static Duration until(Instant now, Instant at) {
    if (!at.isAfter(now)) {
      return Duration.ZERO;
    }
    if (at.isAfter(now.plus(MAX))) {
      return MAX;
    }
    return Duration.between(now, at);
  }

  /** {@code at}, or {@code now + MAX} if it lies further ahead. */
  public static Instant capInstant(Instant now, Instant at) {
    Instant limit = now.plus(MAX);
    return at.isAfter(limit) ? limit : at;
  }
}
