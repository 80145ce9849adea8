package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.internal.GuardTimer;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory source whose requests answer as a test scripts them: a page, an error, an answer
 * after a delay on a {@link GuardTimer}, or no answer until cancelled. Candles come from a {@link
 * SampleSource} with a fixed clock, so {@link #expected(OhlcvQuery)} is the right answer. Each page
 * declares the window it asked for ({@link Page#window()}), as the HTTP sources do. Records every
 * request and every cancel. Thread-safe.
 */
public final class ScriptedSource implements CandleSource {

  /** What one request does. */
  public interface Outcome {
    /** The page as planned. */
    static Outcome ok() {
      return (s, page) -> CompletableFuture.completedFuture(page.get());
    }

    /** Fails with the error {@code error} makes. */
    static Outcome fail(Supplier<? extends OhlcvException> error) {
      return (s, page) -> CompletableFuture.failedFuture(error.get());
    }

    /** Answers after {@code delay} of the source's timer. */
    static Outcome after(Duration delay) {
      return (s, page) -> {
        CompletableFuture<Page> f = new CompletableFuture<>();
        s.timer().schedule(() -> f.complete(page.get()), delay);
        return f;
      };
    }

    /** Never answers: the request hangs until cancelled. */
    static Outcome hang() {
      return (s, page) -> new CompletableFuture<>();
    }

    /** Starts the request. */
    CompletableFuture<Page> run(ScriptedSource source, Supplier<Page> page);
  }

  private final String name;
  private final SampleSource market;
  private final int pageSize;
  private final int weight;
  private volatile @Nullable GuardTimer timer;
  private final SourceCapabilities capabilities;
  private final Deque<Outcome> script = new ArrayDeque<>();
  private final List<String> requests = new ArrayList<>();
  private final List<CompletableFuture<Page>> calls = new ArrayList<>();

  private ScriptedSource(
      String name,
      int pageSize,
      int weight,
      String group,
      @Nullable RateLimitPolicy rateLimit,
      @Nullable GuardTimer timer) {
    this.name = name;
    this.pageSize = pageSize;
    this.weight = weight;
    this.timer = timer;
    this.market =
        SampleSource.builder()
            .clock(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
            .pageSize(100_000)
            .build();
    SourceCapabilities.Builder b =
        SourceCapabilities.builder()
            .anyMultipleOf(Interval.M1)
            .maxRowsPerRequest(pageSize)
            .rateLimitGroup(group);
    if (rateLimit != null) {
      b.rateLimit(rateLimit);
    }
    this.capabilities = b.build();
  }

  /** A source named {@code name} serving {@code pageSize} candles per request, of weight 1. */
  public static ScriptedSource of(String name, int pageSize) {
    return new ScriptedSource(name, pageSize, 1, "", null, null);
  }

  /** A new source like this one, with requests of weight {@code weight}, in group {@code group}. */
  public ScriptedSource weighing(int weight, String group, @Nullable RateLimitPolicy suggested) {
    return new ScriptedSource(name, pageSize, weight, group, suggested, timer);
  }

  /** Makes this source answer {@link Outcome#after} on {@code timer}. */
  public ScriptedSource on(GuardTimer timer) {
    this.timer = timer;
    return this;
  }

  GuardTimer timer() {
    GuardTimer t = timer;
    if (t == null) {
      throw new IllegalStateException("give the source a timer with on(timer)");
    }
    return t;
  }

  /** Makes the next requests do these, in order; later requests succeed. */
  public synchronized ScriptedSource then(Outcome... outcomes) {
    script.addAll(List.of(outcomes));
    return this;
  }

  /** Makes the next {@code n} requests do {@code outcome}. */
  public synchronized ScriptedSource times(int n, Outcome outcome) {
    for (int i = 0; i < n; i++) {
      script.add(outcome);
    }
    return this;
  }

  /** The requests so far, as {@code "<page start>"} instants, in order. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests were cancelled while outstanding. */
  public synchronized long cancelled() {
    return calls.stream().filter(CompletableFuture::isCancelled).count();
  }

  /** The right answer to {@code query}: the sample market's. */
  public CandleSeries expected(OhlcvQuery query) {
    return market.fetch(query);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public PageCursor cursor(OhlcvQuery query) {
    TimeRange range = query.rangeAt(Instant.parse("2030-01-01T00:00:00Z"));
    return new PageCursor() {
      long next = range.fromMillis();
      boolean closed;

      @Override
      public boolean hasNext() {
        return !closed && next < range.toMillis();
      }

      @Override
      public int nextWeight() {
        return weight;
      }

      @Override
      public CompletableFuture<Page> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        long start = next;
        long stop =
            Math.min(range.toMillis(), query.interval().plus(start, pageSize, ZoneOffset.UTC));
        Outcome o;
        synchronized (ScriptedSource.this) {
          o = script.isEmpty() ? Outcome.ok() : script.poll();
          requests.add(Instant.ofEpochMilli(start).toString());
        }
        CompletableFuture<Page> f =
            o.run(
                ScriptedSource.this,
                () ->
                    new Page(
                        market.fetch(
                            OhlcvQuery.builder()
                                .symbol(query.symbol())
                                .interval(query.interval())
                                .between(Instant.ofEpochMilli(start), Instant.ofEpochMilli(stop))
                                .build()),
                        100,
                        Optional.empty(),
                        start,
                        stop));
        synchronized (ScriptedSource.this) {
          calls.add(f);
        }
        CompletableFuture<Page> out = new CompletableFuture<>();
        out.whenComplete(
            (p, e) -> {
              if (out.isCancelled()) {
                f.cancel(true);
              }
            });
        f.whenComplete(
            (p, e) -> {
              if (e == null) {
                next = stop;
                out.complete(p);
              } else {
                out.completeExceptionally(e);
              }
            });
        return out;
      }

      @Override
      public void close() {
        closed = true;
      }
    };
  }
}
