package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link OhlcvClient#health()} tells each source's state and latency, circuit included. */
@Timeout(60)
class HealthTest {

  private static final OhlcvQuery QUERY = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 50);

  private final FakeVenueServer server = new FakeVenueServer();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void anOpenCircuitMakesTheSourceDegradedUntilItIsTriedAgain() {
    CircuitBreakerPolicy tight =
        CircuitBreakerPolicy.ofDefaults().withWindow(2, 2).withOpenDuration(Duration.ofMinutes(1));
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(server.uri(""))
            .source("sample:")
            .okHttpClient(server.http())
            .retryPolicy(RetryPolicy.none())
            .circuitBreakerPolicy(tight)
            .autoDiscover(false)
            .build()) {
      c.fetch(QUERY);
      Health up = c.health().get("fake");
      assertEquals(Health.Status.UP, up.status(), up.toString());
      assertTrue(up.latency().isPresent(), "the last request's latency");
      assertTrue(up.latency().get().toNanos() > 0);

      server.venue().script(Fault.status(503));
      assertThrows(OhlcvException.class, () -> c.fetch(QUERY));
      Instant before = Instant.now();
      assertThrows(OhlcvException.class, () -> c.fetch(QUERY));

      Map<String, Health> all = c.health();
      Health fake = all.get("fake");
      assertEquals(Health.Status.DEGRADED, fake.status(), fake.toString());
      assertTrue(fake.detail().contains("circuit open"), fake.detail());
      assertTrue(fake.detail().contains("HTTP 503"), fake.detail());
      String until = fake.detail().replaceAll(".*requests fail at once until (\\S+).*", "$1");
      Instant at = Instant.parse(until);
      assertTrue(!at.isBefore(before.plus(Duration.ofMinutes(1)).minusSeconds(1)), until);
      assertEquals(Health.Status.UP, all.get("sample").status(), "other sources are not affected");
    }
  }

  @Test
  void aSourceWhoseVenueBannedTheClientIsNotProbedUntilTheBanEnds() {
    AtomicInteger probes = new AtomicInteger();
    Instant until = Instant.now().plus(Duration.ofMinutes(10));
    CandleSource banned =
        new CandleSource() {
          @Override
          public String name() {
            return "banned";
          }

          @Override
          public SourceCapabilities capabilities() {
            return SourceCapabilities.builder()
                .intervals(Set.of(Interval.M1))
                .rateLimitGroup("venue")
                .build();
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
                return CompletableFuture.failedFuture(
                    RateLimitException.ban("banned", "HTTP 418: banned until " + until, until)
                        .retryAfter(Duration.ofMinutes(10))
                        .venueCode("418")
                        .build());
              }

              @Override
              public void close() {}
            };
          }

          @Override
          public Health health() {
            probes.incrementAndGet(); // a request to the venue, in a real source
            return Health.up(name(), Instant.now());
          }
        };
    try (OhlcvClient c =
        OhlcvClient.builder()
            .source(banned)
            .retryPolicy(RetryPolicy.none())
            .autoDiscover(false)
            .build()) {
      assertEquals(Health.Status.UP, c.health().get("banned").status());
      assertEquals(1, probes.get());
      assertThrows(RateLimitException.class, () -> c.fetch(QUERY));

      Health h = c.health().get("banned");
      assertEquals(1, probes.get(), "a check is a request too: none during the ban");
      assertEquals(Health.Status.DEGRADED, h.status());
      assertTrue(h.detail().contains("banned by the venue until " + until), h.detail());
    }
  }
}
