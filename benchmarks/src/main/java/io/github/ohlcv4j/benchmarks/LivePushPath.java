package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import io.github.ohlcv4j.source.live.LiveSink;
import io.github.ohlcv4j.source.live.VenueProtocol;
import io.github.ohlcv4j.source.live.WebSocketSession;
import java.lang.reflect.Constructor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The path a live push takes through the library, minus the socket: a text frame goes to the
 * venue's own {@link VenueProtocol} (Bybit's or Binance's, the classes {@code BybitLive} and {@code
 * BinanceLive} run), which parses it and hands each candle to the {@code WebSocketSession}, which
 * finds the topic's sinks as the connection hub does (a {@link ConcurrentHashMap} from topic to
 * sinks) and passes the candle on to the {@link LiveSubscription} an {@link OhlcvClient} made for a
 * 1m query resampled to 1h. That subscription orders it, applies it to the live series and the
 * incremental resampler, and delivers the {@code UPDATE} to the consumer, on the calling thread
 * (the client's executor runs tasks in place).
 *
 * <p>The protocols are package-private in the exchange module; they are constructed here by
 * reflection, so that what runs is the venue's real code, not a copy. The client's clock stands
 * still inside the candle's minute, so no deadline passes and nothing is fetched.
 */
public final class LivePushPath implements AutoCloseable {

  /** The candle's open time: the first minute of an hour, 2026-01-01T00:00Z. */
  public static final long OPEN = 1_767_225_600_000L;

  /** The venue's time in the pushes, and the client's clock: 30 s into the candle. */
  public static final long NOW = OPEN + 30_000;

  /** What a protocol handed to its {@code WebSocketSession}: one candle of one push. */
  public static final class Push {
    /** The push's topic. */
    public @Nullable String topic;

    /** Open time. */
    public long start;

    /** Open price. */
    public double open;

    /** High price. */
    public double high;

    /** Low price. */
    public double low;

    /** Close price. */
    public double close;

    /** Volume. */
    public double volume;

    /** Whether the candle is closed. */
    public boolean closed;

    /** The venue's time of the push. */
    public long venueTime;

    void set(
        @Nullable String topic,
        long start,
        double open,
        double high,
        double low,
        double close,
        double volume,
        boolean closed,
        long venueTime) {
      this.topic = topic;
      this.start = start;
      this.open = open;
      this.high = high;
      this.low = low;
      this.close = close;
      this.volume = volume;
      this.closed = closed;
      this.venueTime = venueTime;
    }

    @Override
    public String toString() {
      return topic
          + " "
          + Instant.ofEpochMilli(start)
          + " o="
          + open
          + " h="
          + high
          + " l="
          + low
          + " c="
          + close
          + " v="
          + volume
          + (closed ? " closed" : "")
          + " @"
          + venueTime;
    }
  }

  private final VenueProtocol protocol;
  private final ConcurrentHashMap<String, LiveSink[]> sinks = new ConcurrentHashMap<>();
  private final Session session = new Session();
  private final OhlcvClient client;
  private final LiveSubscription subscription;
  private final Push last = new Push();
  private @Nullable CandleEvent event;

  private LivePushPath(CandleSource rest, VenueProtocol protocol, String symbol) {
    this.protocol = protocol;
    CandleSource source = new Wrapped(rest, new Feed(rest.name()));
    this.client =
        OhlcvClient.builder()
            .source(source)
            .executor(Runnable::run)
            .clock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC))
            .build();
    this.subscription =
        client
            .query(symbol)
            .interval(Interval.M1)
            .resample(Interval.H1)
            .live()
            .subscribe(e -> event = e);
    if (sinks.isEmpty()) {
      throw new IllegalStateException("the subscription opened no stream");
    }
  }

  /** Bybit linear's protocol, streaming {@code BYBIT:BTCUSDT.P}. */
  public static LivePushPath bybit() {
    BybitSource rest = BybitSource.create(BybitSource.Category.LINEAR);
    return new LivePushPath(
        rest,
        protocol(
            "io.github.ohlcv4j.exchange.bybit.BybitProtocol",
            BybitSource.Category.class,
            BybitSource.Category.LINEAR,
            rest.name()),
        "BYBIT:BTCUSDT.P");
  }

  /** Binance spot's protocol, streaming {@code BINANCE:BTCUSDT}. */
  public static LivePushPath binance() {
    BinanceSource rest = BinanceSource.create(BinanceSource.Market.SPOT);
    return new LivePushPath(
        rest,
        protocol(
            "io.github.ohlcv4j.exchange.binance.BinanceProtocol",
            BinanceSource.Market.class,
            BinanceSource.Market.SPOT,
            rest.name()),
        "BINANCE:BTCUSDT");
  }

  private static VenueProtocol protocol(
      String className, Class<?> marketType, Object market, String name) {
    try {
      Constructor<?> c = Class.forName(className).getDeclaredConstructor(marketType, String.class);
      c.setAccessible(true);
      return (VenueProtocol) c.newInstance(market, name);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + className, e);
    }
  }

  /**
   * Reads one frame as the venue's connection would and returns the event the consumer got (the 1h
   * candle in progress).
   */
  public @Nullable CandleEvent push(String frame) {
    protocol.message(frame, session);
    return event;
  }

  /** What the protocol handed to its {@code WebSocketSession} last. */
  public Push lastPush() {
    return last;
  }

  /** The event the consumer got last. */
  public @Nullable CandleEvent lastEvent() {
    return event;
  }

  /** The subscription's snapshot holds the candle in progress. */
  public LiveSubscription subscription() {
    return subscription;
  }

  @Override
  public void close() {
    subscription.close();
    client.close();
  }

  /** Routes a push to the topic's sinks, as the connection hub's session does. */
  private final class Session implements WebSocketSession {
    @Override
    public String feed() {
      return "benchmark";
    }

    @Override
    public int connection() {
      return 1;
    }

    @Override
    public void candle(
        String topic,
        long openTimeMillis,
        double open,
        double high,
        double low,
        double close,
        double volume,
        boolean closed,
        long venueTimeMillis) {
      last.set(topic, openTimeMillis, open, high, low, close, volume, closed, venueTimeMillis);
      LiveSink[] s = sinks.get(topic);
      if (s == null) {
        return;
      }
      for (LiveSink sink : s) {
        sink.candle(openTimeMillis, open, high, low, close, volume, closed, venueTimeMillis);
      }
    }

    @Override
    public void acknowledged(String requestId) {}

    @Override
    public void refused(String requestId, OhlcvException error) {
      throw error;
    }

    @Override
    public void ready() {}

    @Override
    public void send(String text) {}

    @Override
    public void rotate() {}

    @Override
    public void fail(OhlcvException error) {
      throw error;
    }
  }

  /** A feed without a socket: it registers the sink under the protocol's topic. */
  private final class Feed implements LiveFeed {
    private final String name;

    Feed(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Duration closeGrace() {
      return Duration.ofSeconds(5);
    }

    @Override
    public Handle open(
        Symbol symbol, Interval interval, LiveSink sink, LiveEnvironment environment) {
      String topic = protocol.topic(symbol, interval);
      sinks.merge(
          topic,
          new LiveSink[] {sink},
          (a, b) -> {
            LiveSink[] c = java.util.Arrays.copyOf(a, a.length + 1);
            c[a.length] = b[0];
            return c;
          });
      return () -> sinks.remove(topic);
    }
  }

  /** The venue's REST source, with the feed above as its live feed. */
  private static final class Wrapped implements CandleSource {
    private final CandleSource rest;
    private final LiveFeed feed;

    Wrapped(CandleSource rest, LiveFeed feed) {
      this.rest = rest;
      this.feed = feed;
    }

    @Override
    public String name() {
      return rest.name();
    }

    @Override
    public SourceCapabilities capabilities() {
      return rest.capabilities();
    }

    @Override
    public boolean serves(Symbol symbol) {
      return rest.serves(symbol);
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      return rest.cursor(query);
    }

    @Override
    public Optional<LiveFeed> live() {
      return Optional.of(feed);
    }
  }
}
