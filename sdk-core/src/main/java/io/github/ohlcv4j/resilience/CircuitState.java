package io.github.ohlcv4j.resilience;

/**
 * The state of a source's circuit breaker, as {@link
 * io.github.ohlcv4j.OhlcvEventListener#circuitStateChanged} reports it. A breaker starts {@link
 * #CLOSED}; see {@link CircuitBreakerPolicy} for when it moves.
 */
public enum CircuitState {
  /** Requests go to the source; failures are counted. */
  CLOSED,
  /** Requests fail at once, until the policy's open duration has passed. */
  OPEN,
  /** A few probe requests go through; they decide whether the circuit closes or opens again. */
  HALF_OPEN
}
