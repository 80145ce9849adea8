package io.github.ohlcv4j.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * When to stop sending requests to a failing source for a while. The client keeps one breaker per
 * source: after {@link #minimumCalls()} calls in a sliding window of {@link #windowSize()} calls,
 * if the share of failures reaches {@link #failureRateThreshold()} percent, or the share of calls
 * slower than {@link #slowCallDuration()} reaches {@link #slowCallRateThreshold()} percent, the
 * circuit opens: calls fail at once with a {@link io.github.ohlcv4j.SourceUnavailableException}
 * saying when the source will be tried again. After {@link #openDuration()} it lets {@link
 * #halfOpenProbes()} probe calls through; if they succeed it closes again.
 *
 * <p>Only failures that say something about the source count: unreachable, timeouts, 5xx, a
 * response cut short ({@link io.github.ohlcv4j.SourceUnavailableException}, retryable {@link
 * io.github.ohlcv4j.DataFormatException}). Rate limits do not (the venue is fine, the client is too
 * fast, and the rate limiter waits as the venue asks), nor do invalid queries, unknown symbols or
 * refused credentials. Slow calls are timed from when the request is sent, so time spent waiting
 * for the rate limiter never makes a call slow. An open circuit starts no thread: the first request
 * after {@link #openDuration()} is a probe. The open time follows the client's clock.
 *
 * <p>Immutable; start from {@link #ofDefaults()} or {@link #none()}.
 */
public final class CircuitBreakerPolicy {

  private static final CircuitBreakerPolicy NONE =
      new CircuitBreakerPolicy(
          false, 100, 100, Duration.ofSeconds(60), Duration.ofSeconds(30), 1, 1, 1);

  private final boolean enabled;
  private final float failureRateThreshold;
  private final float slowCallRateThreshold;
  private final Duration slowCallDuration;
  private final Duration openDuration;
  private final int halfOpenProbes;
  private final int minimumCalls;
  private final int windowSize;

  private CircuitBreakerPolicy(
      boolean enabled,
      float failureRateThreshold,
      float slowCallRateThreshold,
      Duration slowCallDuration,
      Duration openDuration,
      int halfOpenProbes,
      int minimumCalls,
      int windowSize) {
    this.enabled = enabled;
    this.failureRateThreshold = failureRateThreshold;
    this.slowCallRateThreshold = slowCallRateThreshold;
    this.slowCallDuration = slowCallDuration;
    this.openDuration = openDuration;
    this.halfOpenProbes = halfOpenProbes;
    this.minimumCalls = minimumCalls;
    this.windowSize = windowSize;
  }

  /**
   * Opens at 50% failures or 80% calls slower than 30 s, over a window of 20 calls once 10 were
   * made; stays open 30 s; probes with 2 calls.
   */
  public static CircuitBreakerPolicy ofDefaults() {
    return new CircuitBreakerPolicy(
        true, 50, 80, Duration.ofSeconds(30), Duration.ofSeconds(30), 2, 10, 20);
  }

  /** Never opens. */
  public static CircuitBreakerPolicy none() {
    return NONE;
  }

  /** This policy with another failure-rate threshold, in percent (0, 100]. */
  public CircuitBreakerPolicy withFailureRateThreshold(float percent) {
    return new CircuitBreakerPolicy(
        true,
        percent(percent),
        slowCallRateThreshold,
        slowCallDuration,
        openDuration,
        halfOpenProbes,
        minimumCalls,
        windowSize);
  }

  /**
   * This policy counting calls slower than {@code duration} as slow, opening when {@code percent}
   * of calls are.
   */
  public CircuitBreakerPolicy withSlowCalls(Duration duration, float percent) {
    return new CircuitBreakerPolicy(
        true,
        failureRateThreshold,
        percent(percent),
        positive(duration, "duration"),
        openDuration,
        halfOpenProbes,
        minimumCalls,
        windowSize);
  }

  /** This policy staying open for {@code duration} before probing. */
  public CircuitBreakerPolicy withOpenDuration(Duration duration) {
    return new CircuitBreakerPolicy(
        true,
        failureRateThreshold,
        slowCallRateThreshold,
        slowCallDuration,
        positive(duration, "duration"),
        halfOpenProbes,
        minimumCalls,
        windowSize);
  }

  /** This policy with {@code probes} calls allowed through while half open. */
  public CircuitBreakerPolicy withHalfOpenProbes(int probes) {
    return new CircuitBreakerPolicy(
        true,
        failureRateThreshold,
        slowCallRateThreshold,
        slowCallDuration,
        openDuration,
        atLeastOne(probes, "probes"),
        minimumCalls,
        windowSize);
  }

  /**
   * This policy judging the last {@code windowSize} calls, once at least {@code minimumCalls} were
   * made.
   */
  public CircuitBreakerPolicy withWindow(int windowSize, int minimumCalls) {
    return new CircuitBreakerPolicy(
        true,
        failureRateThreshold,
        slowCallRateThreshold,
        slowCallDuration,
        openDuration,
        halfOpenProbes,
        atLeastOne(minimumCalls, "minimumCalls"),
        atLeastOne(windowSize, "windowSize"));
  }

  /** Whether the breaker can open at all. */
  public boolean isEnabled() {
    return enabled;
  }

  /** Failure share, in percent, at which the circuit opens. */
  public float failureRateThreshold() {
    return failureRateThreshold;
  }

  /** Slow-call share, in percent, at which the circuit opens. */
  public float slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /** How long a call must take to count as slow. */
  public Duration slowCallDuration() {
    return slowCallDuration;
  }

  /** How long the circuit stays open before probing. */
  public Duration openDuration() {
    return openDuration;
  }

  /** How many probe calls go through while half open. */
  public int halfOpenProbes() {
    return halfOpenProbes;
  }

  /** How many calls must be made before the rates count. */
  public int minimumCalls() {
    return minimumCalls;
  }

  /** How many recent calls the rates are computed over. */
  public int windowSize() {
    return windowSize;
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "CircuitBreakerPolicy.none()";
    }
    return "CircuitBreakerPolicy{failureRate="
        + failureRateThreshold
        + "%, slowCalls>"
        + slowCallDuration
        + " at "
        + slowCallRateThreshold
        + "%, open "
        + openDuration
        + ", probes="
        + halfOpenProbes
        + ", window="
        + windowSize
        + "/"
        + minimumCalls
        + "}";
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CircuitBreakerPolicy)) {
      return false;
    }
    CircuitBreakerPolicy p = (CircuitBreakerPolicy) o;
    return enabled == p.enabled
        && failureRateThreshold == p.failureRateThreshold
        && slowCallRateThreshold == p.slowCallRateThreshold
        && slowCallDuration.equals(p.slowCallDuration)
        && openDuration.equals(p.openDuration)
        && halfOpenProbes == p.halfOpenProbes
        && minimumCalls == p.minimumCalls
        && windowSize == p.windowSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        enabled,
        failureRateThreshold,
        slowCallRateThreshold,
        slowCallDuration,
        openDuration,
        halfOpenProbes,
        minimumCalls,
        windowSize);
  }

  private static float percent(float p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("A threshold is a percentage in (0, 100]: " + p);
    }
    return p;
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  private static int atLeastOne(int n, String name) {
    if (n < 1) {
      throw new IllegalArgumentException(name + " must be at least 1: " + n);
    }
    return n;
  }
}
