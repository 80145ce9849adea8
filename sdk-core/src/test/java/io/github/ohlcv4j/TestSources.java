package io.github.ohlcv4j;

import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Sources for tests of the client and engine: they count, hang or serve a fixed venue. */
final class TestSources {
  private TestSources() {}

  /** Wraps a source and counts cursors and page requests. */
  static class Counting implements CandleSource {
    final CandleSource delegate;
    final Set<String> venues;
    final AtomicInteger cursors = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    Counting(CandleSource delegate, Set<String> venues) {
      this.delegate = delegate;
      this.venues = venues;
    }

    @Override
    public String name() {
      return delegate.name() + (venues.isEmpty() ? "" : ":" + String.join(",", venues));
    }

    @Override
    public SourceCapabilities capabilities() {
      SourceCapabilities c = delegate.capabilities();
      SourceCapabilities.Builder b =
          SourceCapabilities.builder()
              .intervals(c.intervals())
              .maxRowsPerRequest(c.maxRowsPerRequest())
              .venues(venues);
      c.anyMultipleOf().ifPresent(b::anyMultipleOf);
      return b.build();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      cursors.incrementAndGet();
      PageCursor c = delegate.cursor(query);
      return new PageCursor() {
        @Override
        public boolean hasNext() {
          return c.hasNext();
        }

        @Override
        public CompletableFuture<Page> next() {
          requests.incrementAndGet();
          return c.next();
        }

        @Override
        public void close() {
          c.close();
        }
      };
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  /** Serves only hourly candles and counts cursors: for capability checks. */
  static final class HourlyOnly implements CandleSource {
    final AtomicInteger cursors = new AtomicInteger();

    @Override
    public String name() {
      return "hourly";
    }

    @Override
    public SourceCapabilities capabilities() {
      return SourceCapabilities.builder().intervals(Set.of(Interval.H1, Interval.D1)).build();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      cursors.incrementAndGet();
      return SampleSource.create().cursor(query);
    }
  }

  /** Every page request hangs until cancelled; records the futures it handed out. */
  static final class Hanging implements CandleSource {
    final List<CompletableFuture<Page>> handedOut = new CopyOnWriteArrayList<>();
    final AtomicInteger cursorsClosed = new AtomicInteger();

    @Override
    public String name() {
      return "hanging";
    }

    @Override
    public SourceCapabilities capabilities() {
      return SourceCapabilities.builder().anyMultipleOf(Interval.M1).build();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      return new PageCursor() {
        @Override
        public boolean hasNext() {
          return true;
        }

        @Override
        public CompletableFuture<Page> next() {
          CompletableFuture<Page> f = new CompletableFuture<>();
          handedOut.add(f);
          return f;
        }

        @Override
        public void close() {
          cursorsClosed.incrementAndGet();
        }
      };
    }
  }
}
