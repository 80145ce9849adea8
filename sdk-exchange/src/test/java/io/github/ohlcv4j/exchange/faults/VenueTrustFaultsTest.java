package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.exchange.FakeBybit;
import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a real venue's limit headers say is believed only within bounds: a usage window that resets
 * centuries ahead is not a reason to hold every later request back.
 */
@Timeout(60)
class VenueTrustFaultsTest extends ClientFaultTest {

  private FakeBybit venue;

  @BeforeEach
  void venue() {
    venue = new FakeBybit(market, MARKET_NOW, Set.of("BTCUSDT"));
    venue.clock(System::currentTimeMillis);
    server.setDispatcher(venue);
  }

  private String linear() {
    return "bybit:linear?baseUrl=" + base() + "&pageSize=100";
  }

  @Test
  void aBybitLimitResetCenturiesAheadOnASuccessfulAnswerHoldsNothingBack() {
    OhlcvQuery q = query("BYBIT:BTCUSDT.P", Duration.ZERO, 250);
    CandleSeries expected = faultFree(q, linear());
    int before = venue.hits().size();
    // A good answer whose headers say the budget is spent until 9e18 ms (year 285 million).
    Fault spentForever =
        new Fault(
            "limit reset 9e18",
            r ->
                r.newBuilder()
                    .setHeader("X-Bapi-Limit", "600")
                    .setHeader("X-Bapi-Limit-Status", "0")
                    .setHeader("X-Bapi-Limit-Reset-Timestamp", "9000000000000000000")
                    .build());
    venue.faults(spentForever);
    try (OhlcvClient client = client(linear()).retryPolicy(FAST).build()) {
      assertEquals(expected, client.fetch(q));
      assertEquals(expected, client.fetch(q), "and the next query too");
    }
    assertEquals(6, venue.hits().size() - before);
    assertTrue(events.waits().isEmpty(), "no request waited: " + events.waits());
  }
}
