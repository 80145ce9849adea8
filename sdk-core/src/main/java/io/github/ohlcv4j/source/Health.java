package io.github.ohlcv4j.source;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of a source as last checked: whether it answers, how fast, and what it is.
 *
 * @param source the source's name
 * @param status up, degraded (answers but something is off, e.g. an open circuit or a rate-limit
 *     ban) or down
 * @param latency round-trip time of the check, if one was made over a network
 * @param version the server's version (ClickHouse {@code SELECT version()}), if known
 * @param detail a short human-readable explanation, empty when all is well
 * @param checkedAt when the check was made
 */
public record Health(
    String source,
    Status status,
    Optional<Duration> latency,
    Optional<String> version,
    String detail,
    Instant checkedAt) {

  /** Whether a source can be used. */
  public enum Status {
    /** Answers normally. */
    UP,
    /** Answers, but with a limitation (open circuit, rate-limit ban, slow). */
    DEGRADED,
    /** Does not answer. */
    DOWN
  }

  /** Validates. */
  public Health {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(checkedAt, "checkedAt");
  }

  /** An up source with no network check. */
  public static Health up(String source, Instant checkedAt) {
    return new Health(source, Status.UP, Optional.empty(), Optional.empty(), "", checkedAt);
  }

  /** Whether the status is {@link Status#UP}. */
  public boolean isUp() {
    return status == Status.UP;
  }
}
