package io.github.ohlcv4j.exchange;

import io.github.ohlcv4j.source.VenueLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Keeps what sources report about venue limits. */
public final class RecordingLimits implements VenueLimits {

  /** One {@link #reportUsage} call. */
  public record Usage(String group, long used, long limit, Instant resetAt) {}

  /** One {@link #pauseUntil} or {@link #banUntil} call. */
  public record Pause(String group, Instant until) {}

  private final List<Usage> usage = new ArrayList<>();
  private final List<Pause> pauses = new ArrayList<>();
  private final List<Pause> bans = new ArrayList<>();

  @Override
  public synchronized void reportUsage(String group, long used, long limit, Instant resetAt) {
    usage.add(new Usage(group, used, limit, resetAt));
  }

  @Override
  public synchronized void pauseUntil(String group, Instant until) {
    pauses.add(new Pause(group, until));
  }

  @Override
  public synchronized void banUntil(String group, Instant until) {
    bans.add(new Pause(group, until));
  }

  public synchronized List<Usage> usage() {
    return List.copyOf(usage);
  }

  public synchronized List<Pause> pauses() {
    return List.copyOf(pauses);
  }

  /** The {@link #banUntil} calls. */
  public synchronized List<Pause> bans() {
    return List.copyOf(bans);
  }
}
