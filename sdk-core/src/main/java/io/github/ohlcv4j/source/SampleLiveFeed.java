package io.github.ohlcv4j.source;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import io.github.ohlcv4j.source.live.LiveSink;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The sample market's live feed: for each stream, a timer that pushes the candle in progress about
 * every second of market time (at most every 50 ms of real time) and each candle's close at its
 * end, computed exactly as a fetch computes it for the same time. Calendar candles are UTC.
 */
final class SampleLiveFeed implements LiveFeed {
  private static final long NONE = Long.MIN_VALUE;

  private final SampleSource source;
  private final String name;
  private final Clock clock;
  private final double speed;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

  SampleLiveFeed(SampleSource source, String name, Clock clock, double speed) {
    this.source = source;
    this.name = name;
    this.clock = clock;
    this.speed = speed;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Two seconds of market time: closes are pushed on time, so this is only a bound (the client
   * keeps at least a quarter second of real time when the market runs faster).
   */
  @Override
  public Duration closeGrace() {
    return Duration.ofSeconds(2);
  }

  @Override
  public Optional<Clock> clock() {
    return Optional.of(clock);
  }

  @Override
  public double speed() {
    return speed;
  }

  @Override
  public Handle open(Symbol symbol, Interval interval, LiveSink sink, LiveEnvironment environment) {
    if (!source.capabilities().supports(interval)) {
      throw new UnsupportedIntervalException(
          symbol + ": the sample market streams whole seconds, not " + interval, name, null, null);
    }
    Stream s = new Stream(source.market(symbol, interval), interval, sink, environment);
    streams.add(s);
    s.schedule(Duration.ZERO);
    return s::close;
  }

  @Override
  public void close() {
    for (Stream s : streams) {
      s.close();
    }
  }

  @Override
  public String toString() {
    return "SampleLiveFeed{" + name + (speed == 1 ? "" : ", speed=" + speed) + "}";
  }

  /** One stream's timer and market. */
  private final class Stream {
    private final SampleSource.Market market;
    private final Interval interval;
    private final LiveSink sink;
    private final LiveEnvironment env;
    private final double[] v = new double[5];
    private long current = NONE;
    private @Nullable Future<?> next;
    private boolean closed;

    Stream(SampleSource.Market market, Interval interval, LiveSink sink, LiveEnvironment env) {
      this.market = market;
      this.interval = interval;
      this.sink = sink;
      this.env = env;
    }

    synchronized void schedule(Duration wait) {
      if (!closed) {
        next = env.schedule(this::tick, wait);
      }
    }

    synchronized void close() {
      closed = true;
      if (next != null) {
        next.cancel(false);
      }
      streams.remove(this);
    }

    private synchronized void tick() {
      if (closed) {
        return;
      }
      long now = clock.millis();
      long bucket = interval.bucketStart(now, ZoneOffset.UTC);
      if (current == NONE) {
        current = bucket; // earlier candles are history, which the client fetches
      }
      while (current < bucket) {
        long end = interval.bucketEnd(current, ZoneOffset.UTC);
        if (market.values(current, end, end, v)) {
          sink.candle(current, v[0], v[1], v[2], v[3], v[4], true, now);
        }
        current = end;
      }
      long end = interval.bucketEnd(bucket, ZoneOffset.UTC);
      if (market.values(bucket, end, now, v)) {
        sink.candle(bucket, v[0], v[1], v[2], v[3], v[4], false, now);
      }
      long step = Math.max(1000, (long) Math.ceil(50 * speed));
      long at = Math.min(now + step, end);
      long nanos = (long) Math.ceil((at - now) * 1_000_000.0 / speed);
      next = env.schedule(this::tick, Duration.ofNanos(Math.max(1, nanos)));
    }
  }
}
