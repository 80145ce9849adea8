package io.github.ohlcv4j.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how often a failed request is tried again. Only errors whose {@link
 * io.github.ohlcv4j.OhlcvException#isRetryable()} is true are retried; when the venue said how long
 * to wait ({@link io.github.ohlcv4j.OhlcvException#retryAfter()}), that wait replaces the backoff;
 * a venue ban is never retried before it ends.
 *
 * <p>Immutable values: start from {@link #exponential(Duration, Duration, int)}, {@link
 * #linear(Duration, int)}, {@link #fixed(Duration, int)}, {@link #none()} or {@link #ofDefaults()}
 * and adjust with the {@code with...} methods.
 *
 * <p>The wait before attempt {@code n + 1} (after {@code n} failures) is {@code initial ×
 * multiplier^(n−1)} for exponential backoff, {@code initial × n} for linear and {@code initial} for
 * fixed, capped at {@link #maxWait()}, then spread by ±{@link #jitter()} (a fraction) to keep many
 * clients from retrying in step. No retry starts once {@link #maxElapsed()} has passed since the
 * first attempt.
 */
public final class RetryPolicy {

  /** The shape of the backoff. */
  public enum Backoff {
    /** Each wait {@code multiplier} times the last. */
    EXPONENTIAL,
    /** Each wait one step longer than the last. */
    LINEAR,
    /** The same wait every time. */
    FIXED
  }

  private static final RetryPolicy NONE =
      new RetryPolicy(Backoff.FIXED, Duration.ZERO, 1.0, Duration.ZERO, 1, 0.0, Duration.ZERO);

  private final Backoff backoff;
  private final Duration initial;
  private final double multiplier;
  private final Duration maxWait;
  private final int maxAttempts;
  private final double jitter;
  private final Duration maxElapsed;

  private RetryPolicy(
      Backoff backoff,
      Duration initial,
      double multiplier,
      Duration maxWait,
      int maxAttempts,
      double jitter,
      Duration maxElapsed) {
    this.backoff = backoff;
    this.initial = initial;
    this.multiplier = multiplier;
    this.maxWait = maxWait;
    this.maxAttempts = maxAttempts;
    this.jitter = jitter;
    this.maxElapsed = maxElapsed;
  }

  /**
   * Exponential backoff doubling from {@code initial} up to {@code maxWait}, at most {@code
   * maxAttempts} attempts in all (the first included), ±20% jitter, and at most 2 minutes from the
   * first attempt to the start of the last.
   */
  public static RetryPolicy exponential(Duration initial, Duration maxWait, int maxAttempts) {
    return new RetryPolicy(
        Backoff.EXPONENTIAL,
        positive(initial, "initial"),
        2.0,
        positive(maxWait, "maxWait"),
        attempts(maxAttempts),
        0.2,
        Duration.ofMinutes(2));
  }

  /**
   * Linear backoff: waits {@code step}, {@code 2 × step}, ...; at most {@code maxAttempts} attempts
   * in all.
   */
  public static RetryPolicy linear(Duration step, int maxAttempts) {
    return new RetryPolicy(
        Backoff.LINEAR,
        positive(step, "step"),
        1.0,
        Duration.ofMinutes(1),
        attempts(maxAttempts),
        0.2,
        Duration.ofMinutes(2));
  }

  /** The same wait before every retry; at most {@code maxAttempts} attempts in all. */
  public static RetryPolicy fixed(Duration wait, int maxAttempts) {
    return new RetryPolicy(
        Backoff.FIXED,
        positive(wait, "wait"),
        1.0,
        wait,
        attempts(maxAttempts),
        0.0,
        Duration.ofMinutes(2));
  }

  /** No retries: every request is tried once. */
  public static RetryPolicy none() {
    return NONE;
  }

  /** The default: exponential from 250 ms to 8 s, 4 attempts, ±20% jitter, 2 minutes in all. */
  public static RetryPolicy ofDefaults() {
    return exponential(Duration.ofMillis(250), Duration.ofSeconds(8), 4);
  }

  /** This policy with another multiplier for exponential backoff (at least 1). */
  public RetryPolicy withMultiplier(double multiplier) {
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }
    return new RetryPolicy(backoff, initial, multiplier, maxWait, maxAttempts, jitter, maxElapsed);
  }

  /**
   * This policy with a jitter fraction in {@code [0, 1)}: each wait is spread by up to ± that
   * fraction.
   */
  public RetryPolicy withJitter(double jitter) {
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
    }
    return new RetryPolicy(backoff, initial, multiplier, maxWait, maxAttempts, jitter, maxElapsed);
  }

  /** This policy with another maximum number of attempts, the first included. */
  public RetryPolicy withMaxAttempts(int maxAttempts) {
    return new RetryPolicy(
        backoff, initial, multiplier, maxWait, attempts(maxAttempts), jitter, maxElapsed);
  }

  /** This policy with another cap on a single wait. */
  public RetryPolicy withMaxWait(Duration maxWait) {
    return new RetryPolicy(
        backoff,
        initial,
        multiplier,
        positive(maxWait, "maxWait"),
        maxAttempts,
        jitter,
        maxElapsed);
  }

  /**
   * This policy with another total time budget: no retry starts later than this after the first
   * attempt.
   */
  public RetryPolicy withMaxElapsed(Duration maxElapsed) {
    return new RetryPolicy(
        backoff,
        initial,
        multiplier,
        maxWait,
        maxAttempts,
        jitter,
        positive(maxElapsed, "maxElapsed"));
  }

  /** The shape of the backoff. */
  public Backoff backoff() {
    return backoff;
  }

  /** The first wait (the step, for linear backoff). */
  public Duration initialWait() {
    return initial;
  }

  /** The growth factor of exponential backoff. */
  public double multiplier() {
    return multiplier;
  }

  /** The longest single wait (before a venue's own {@code Retry-After}, which may be longer). */
  public Duration maxWait() {
    return maxWait;
  }

  /** The most attempts, the first included; 1 means no retries. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The jitter fraction. */
  public double jitter() {
    return jitter;
  }

  /** The total time budget. */
  public Duration maxElapsed() {
    return maxElapsed;
  }

  /** Whether this policy retries at all. */
  public boolean isEnabled() {
    return maxAttempts > 1;
  }

  /**
   * The wait before the attempt after {@code failures} failures (so {@code failures >= 1}), without
   * jitter.
   */
  public Duration backoff(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1: " + failures);
    }
    double ms;
    switch (backoff) {
      case EXPONENTIAL:
        ms = initial.toMillis() * Math.pow(multiplier, failures - 1);
        break;
      case LINEAR:
        ms = (double) initial.toMillis() * failures;
        break;
      default:
        ms = initial.toMillis();
        break;
    }
    return Duration.ofMillis((long) Math.min(ms, maxWait.toMillis()));
  }

  /**
   * The wait after {@code failures} failures with jitter applied, given a uniform random number in
   * {@code [0, 1)}.
   */
  public Duration backoff(int failures, double random) {
    long base = backoff(failures).toMillis();
    double spread = 1 + jitter * (2 * random - 1);
    return Duration.ofMillis(Math.max(0, Math.round(base * spread)));
  }

  @Override
  public String toString() {
    if (!isEnabled()) {
      return "RetryPolicy.none()";
    }
    return "RetryPolicy{"
        + backoff.name().toLowerCase(java.util.Locale.ROOT)
        + " from "
        + initial
        + " to "
        + maxWait
        + ", maxAttempts="
        + maxAttempts
        + ", jitter="
        + jitter
        + ", maxElapsed="
        + maxElapsed
        + "}";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RetryPolicy)) {
      return false;
    }
    RetryPolicy p = (RetryPolicy) o;
    return backoff == p.backoff
        && initial.equals(p.initial)
        && multiplier == p.multiplier
        && maxWait.equals(p.maxWait)
        && maxAttempts == p.maxAttempts
        && jitter == p.jitter
        && maxElapsed.equals(p.maxElapsed);
  }

  @Override
  public int hashCode() {
    return Objects.hash(backoff, initial, multiplier, maxWait, maxAttempts, jitter, maxElapsed);
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  private static int attempts(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + n);
    }
    return n;
  }
}
