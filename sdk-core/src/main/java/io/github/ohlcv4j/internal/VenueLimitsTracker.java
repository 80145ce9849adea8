package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.source.VenueLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The {@link VenueLimits} of one client: remembers, per rate-limit group, until when the venue
 * asked for no requests (a 429's {@code Retry-After}, a ban) and how much of its budget the venue
 * last reported spent, and tells each request whether it may go now ({@link #pass}).
 *
 * <p>Budget: the venue's figure plus the weight this client sent since counts as spent, so
 * concurrent queries do not all take the last of it. From {@value #SLOW_DOWN_AT} of the limit on,
 * requests are spaced so that what is left lasts until the venue's window resets; from {@value
 * #HOLD_AT} on, requests wait for the reset. A report whose window has ended is forgotten. Pauses
 * only grow: a shorter pause never ends a longer one. Thread-safe.
 *
 * <p>Trust is bounded ({@link VenueWaits}): a pause or ban that would end more than {@link
 * VenueWaits#MAX} from now is cut to that and logged at WARN; a usage report whose window would
 * reset more than {@link VenueWaits#MAX} from now is nonsense (a window that long would hold every
 * request of the group for its whole length), so it is logged at WARN and ignored.
 */
public final class VenueLimitsTracker implements VenueLimits {

  /** The share of the venue's budget from which requests are spaced out. */
  public static final double SLOW_DOWN_AT = 0.8;

  /** The share of the venue's budget from which requests wait for the venue's window to reset. */
  public static final double HOLD_AT = 0.95;

  private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
  private final Clock clock;

  /** A new tracker with nothing reported, on the system clock. */
  public VenueLimitsTracker() {
    this(Clock.systemUTC());
  }

  /**
   * A new tracker with nothing reported; {@code clock} bounds how far ahead venues are believed.
   */
  public VenueLimitsTracker(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * What a request of {@code weight} to {@code group} should do at {@code now}.
   *
   * @param delay how long to wait first; zero to go at once
   * @param granted true if the request may go after {@code delay} (its weight is counted); false if
   *     it must ask again after {@code delay} (a pause or an exhausted budget)
   * @param pausedUntil the end of the venue's pause the request waits for, if that is the reason
   * @param ban whether that pause is a ban
   * @param reason what the wait is for, for events and logs
   */
  public record Pass(
      Duration delay, boolean granted, Optional<Instant> pausedUntil, boolean ban, String reason) {

    static final Pass GO = new Pass(Duration.ZERO, true, Optional.empty(), false, "");
  }

  private static final class Group {
    @Nullable Instant pausedUntil;
    boolean ban;
    String pauseReason = "";
    boolean announced;
    long used;
    long limit;
    @Nullable Instant resetAt;
    @Nullable Instant nextSlot;
  }

  private Group group(String name) {
    return groups.computeIfAbsent(Objects.requireNonNull(name, "group"), g -> new Group());
  }

  @Override
  public void reportUsage(String group, long used, long limit, Instant resetAt) {
    Objects.requireNonNull(resetAt, "resetAt");
    if (limit <= 0 || used < 0) {
      return;
    }
    Instant now = clock.instant();
    if (resetAt.isAfter(now.plus(VenueWaits.MAX))) {
      GuardLog.LOG.warn(
          "venue usage report ignored: group={} used={} limit={} reset={} is more than {} ahead of"
              + " the local clock ({}); the venue's (or a proxy's) figures are not trusted",
          group,
          used,
          limit,
          resetAt,
          VenueWaits.MAX,
          now);
      return;
    }
    Group g = group(group);
    synchronized (g) {
      if (g.resetAt == null || resetAt.isAfter(g.resetAt)) {
        // the first report, or a new window: the venue's figure is all there is
        g.used = used;
        g.limit = limit;
        g.resetAt = resetAt;
        g.nextSlot = null;
      } else if (resetAt.equals(g.resetAt)) {
        // the same window: keep what this client counted if the venue has not seen it all yet
        g.used = Math.max(g.used, used);
        g.limit = limit;
      }
      // else a late answer about a window already over: ignored
    }
  }

  @Override
  public void pauseUntil(String group, Instant until) {
    pause(group, until, false, "the venue asked to pause");
  }

  @Override
  public void banUntil(String group, Instant until) {
    pause(group, until, true, "the venue banned this client");
  }

  /**
   * Holds back every request of {@code group} until {@code until}.
   *
   * @param ban whether the venue banned this client, rather than asking it to slow down
   * @param reason what the venue said, for messages
   * @return true if this extended the pause (false if a longer one was already in force)
   */
  public boolean pause(String group, Instant until, boolean ban, String reason) {
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(reason, "reason");
    Instant now = clock.instant();
    Instant capped = VenueWaits.capInstant(now, until);
    if (!capped.equals(until)) {
      GuardLog.LOG.warn(
          "venue {} capped: group={} until={} is more than {} ahead of the local clock ({}); the"
              + " group waits until {} and then asks the venue again. {}",
          ban ? "ban" : "pause",
          group,
          until,
          VenueWaits.MAX,
          now,
          capped,
          reason);
      until = capped;
    }
    Group g = group(group);
    synchronized (g) {
      if (g.pausedUntil != null && !until.isAfter(g.pausedUntil)) {
        g.ban |= ban && until.equals(g.pausedUntil);
        return false;
      }
      g.pausedUntil = until;
      g.ban = ban;
      g.pauseReason = reason;
      g.announced = false;
      return true;
    }
  }

  /**
   * Marks the pause of {@code group} in force at {@code now} as announced, with what the venue
   * said, and returns its end if it had not been announced yet: a pause is logged once, whether the
   * source reported it first ({@link #pauseUntil}) or the client did ({@link #pause}).
   *
   * @param reason what the venue said, kept for messages if the pause had only the generic reason
   *     of {@link #pauseUntil}
   * @return the end of the pause, if it is to be announced now
   */
  public Optional<Instant> announce(String group, Instant now, String reason) {
    Objects.requireNonNull(reason, "reason");
    Group g = groups.get(group);
    if (g == null) {
      return Optional.empty();
    }
    synchronized (g) {
      if (g.announced || g.pausedUntil == null || !now.isBefore(g.pausedUntil)) {
        return Optional.empty();
      }
      g.announced = true;
      g.pauseReason = reason;
      return Optional.of(g.pausedUntil);
    }
  }

  /**
   * Whether a request of {@code weight} may go to {@code group} now; see {@link Pass}. A granted
   * pass counts the weight as spent.
   */
  public Pass pass(String group, int weight, Instant now) {
    Group g = group(group);
    synchronized (g) {
      if (g.pausedUntil != null) {
        if (now.isBefore(g.pausedUntil)) {
          return new Pass(
              Duration.between(now, g.pausedUntil),
              false,
              Optional.of(g.pausedUntil),
              g.ban,
              g.ban ? "venue ban" : "venue pause");
        }
        g.pausedUntil = null;
        g.ban = false;
      }
      if (g.resetAt == null) {
        return Pass.GO;
      }
      if (!now.isBefore(g.resetAt)) {
        g.resetAt = null; // the window the report spoke of is over
        g.nextSlot = null;
        return Pass.GO;
      }
      double hold = g.limit * HOLD_AT;
      if (g.used > 0 && g.used + weight > hold) {
        return new Pass(
            Duration.between(now, g.resetAt), false, Optional.empty(), false, "venue budget spent");
      }
      g.used += weight;
      if (g.used <= g.limit * SLOW_DOWN_AT) {
        return Pass.GO;
      }
      // Spread what is left of the budget over what is left of the window.
      double left = Math.max(weight, hold - g.used + weight);
      long spacing = (long) (Duration.between(now, g.resetAt).toNanos() * (weight / left));
      Instant slot = g.nextSlot == null || g.nextSlot.isBefore(now) ? now : g.nextSlot;
      g.nextSlot = slot.plusNanos(spacing);
      Duration wait = Duration.between(now, slot);
      return wait.isZero()
          ? Pass.GO
          : new Pass(wait, true, Optional.empty(), false, "venue budget nearly spent");
    }
  }

  /** The end of the venue's pause of {@code group}, if one is in force at {@code now}. */
  public Optional<Instant> pausedUntil(String group, Instant now) {
    Group g = groups.get(group);
    if (g == null) {
      return Optional.empty();
    }
    synchronized (g) {
      return g.pausedUntil != null && now.isBefore(g.pausedUntil)
          ? Optional.of(g.pausedUntil)
          : Optional.empty();
    }
  }

  /** Whether the pause of {@code group} in force at {@code now} is a ban. */
  public boolean isBanned(String group, Instant now) {
    Group g = groups.get(group);
    if (g == null) {
      return false;
    }
    synchronized (g) {
      return g.ban && g.pausedUntil != null && now.isBefore(g.pausedUntil);
    }
  }

  /** What the venue said when it paused {@code group}, or empty. */
  public String pauseReason(String group) {
    Group g = groups.get(group);
    if (g == null) {
      return "";
    }
    synchronized (g) {
      return g.pauseReason;
    }
  }

  /**
   * The share of the venue's budget counted as spent in the current window, if one was reported.
   */
  public OptionalDouble usage(String group, Instant now) {
    Group g = groups.get(group);
    if (g == null) {
      return OptionalDouble.empty();
    }
    synchronized (g) {
      if (g.resetAt == null || !now.isBefore(g.resetAt) || g.limit <= 0) {
        return OptionalDouble.empty();
      }
      return OptionalDouble.of((double) g.used / g.limit);
    }
  }
}
