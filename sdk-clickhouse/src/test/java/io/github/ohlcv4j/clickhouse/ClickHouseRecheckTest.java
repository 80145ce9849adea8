package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.testing.VirtualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A range a ClickHouse store holds as empty (worked out from the gaps in its complete ranges) is
 * asked of the venue again while it is recent, a bounded number of times, and what a re-check finds
 * is stored: the answer then equals a direct fetch.
 */
@ExtendWith(ClickHouseServer.Extension.class)
class ClickHouseRecheckTest {

  private static final String DB = "ohlcv4j_recheck";
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final Instant T0 = Instant.parse("2023-06-01T00:00:00Z");
  private static final TimeRange HALT = new TimeRange(T0.plusSeconds(600), T0.plusSeconds(1800));

  private ClickHouseServer server;

  @BeforeEach
  void server(ClickHouseServer server) {
    this.server = server;
  }

  private OhlcvClient client(VirtualTime time, LateVenue venue, int times) {
    ClickHouseSource store = server.source(DB, "candles_" + TABLES.incrementAndGet()).build();
    ClickHouseSchema.builder(store).build().migrate();
    return OhlcvClient.builder()
        .source(venue)
        .store(store)
        .clock(time)
        .autoDiscover(false)
        .recheckEmpty(Duration.ofHours(3), times, Duration.ofMinutes(1))
        .build();
  }

  @Test
  void aRecentEmptyRangeIsAskedAgainAtMostTheGivenTimes() {
    VirtualTime time = new VirtualTime(T0.plusSeconds(2 * 3600));
    LateVenue venue = new LateVenue(SampleSource.builder().clock(time).build());
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(3600)).build();
    try (OhlcvClient c = client(time, venue, 2)) {
      for (int i = 0; i < 8; i++) {
        assertEquals(40, c.fetch(q).size());
        time.advance(Duration.ofMinutes(2));
      }
      assertEquals(List.of("[00:00, 01:00)", "[00:10, 00:30)", "[00:10, 00:30)"), venue.asked());
      assertEquals(
          List.of(HALT),
          c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1).empty());
    }
  }

  @Test
  void aRecheckThatFindsCandlesStoresThem() {
    VirtualTime time = new VirtualTime(T0.plusSeconds(2 * 3600));
    LateVenue venue = new LateVenue(SampleSource.builder().clock(time).build());
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(3600)).build();
    try (OhlcvClient c = client(time, venue, 3)) {
      assertEquals(40, c.fetch(q).size());
      assertEquals(40, c.fetch(q).size());
      venue.publish();
      time.advance(Duration.ofMinutes(1));
      CandleSeries filled = c.fetch(q);
      CandleSeries direct = SampleSource.builder().clock(time).build().fetch(q);
      assertEquals(direct, filled);
      assertEquals(List.of("[00:00, 01:00)", "[00:10, 00:30)"), venue.asked());
      assertEquals(
          List.of(),
          c.store().orElseThrow().coverage(Symbol.parse("BTCUSDT"), Interval.M1).empty());
      time.advance(Duration.ofMinutes(10));
      assertEquals(direct, c.fetch(q));
      assertEquals(2, venue.asked().size(), "held complete now");
    }
  }

  /** A sample market without the candles of {@link #HALT} until {@link #publish()}. */
  private static final class LateVenue implements CandleSource {
    private final SampleSource market;
    private final List<String> asked = new ArrayList<>();
    private volatile @Nullable TimeRange halt = HALT;

    LateVenue(SampleSource market) {
      this.market = market;
    }

    void publish() {
      halt = null;
    }

    synchronized List<String> asked() {
      return List.copyOf(asked);
    }

    @Override
    public String name() {
      return "late";
    }

    @Override
    public SourceCapabilities capabilities() {
      return market.capabilities();
    }

    @Override
    public PageCursor cursor(OhlcvQuery query) {
      synchronized (this) {
        asked.add(
            "["
                + hhmm(query.from().orElseThrow())
                + ", "
                + query.to().map(LateVenue::hhmm).orElse("open")
                + ")");
      }
      PageCursor inner = market.cursor(query);
      return new PageCursor() {
        @Override
        public boolean hasNext() {
          return inner.hasNext();
        }

        @Override
        public CompletableFuture<Page> next() {
          return inner.next().thenApply(this::withoutHalt);
        }

        private Page withoutHalt(Page p) {
          TimeRange h = halt;
          CandleSeries c = p.candles();
          if (h == null || c.isEmpty()) {
            return p;
          }
          CandleSeries.Builder b = CandleSeries.builder(c.symbol(), c.interval());
          for (int i = 0; i < c.size(); i++) {
            if (!h.contains(Instant.ofEpochMilli(c.openTimeMillis(i)))) {
              b.add(c.openTimeMillis(i), c.open(i), c.high(i), c.low(i), c.close(i), c.volume(i));
            }
          }
          return new Page(b.build(), p.bytes(), p.serverTime(), p.window());
        }

        @Override
        public void close() {
          inner.close();
        }
      };
    }

    private static String hhmm(Instant t) {
      return t.toString().substring(11, 16);
    }
  }
}
