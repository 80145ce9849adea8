package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.source.StoreLockedException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The named factories decide what kind of failure an error is; the builder adds the details. */
class ErrorFactoriesTest {

  @Test
  void factoriesSayWhetherTryingAgainMayHelp() {
    assertTrue(SourceUnavailableException.retryable("s", "m").build().isRetryable());
    assertFalse(SourceUnavailableException.permanent("s", "m").build().isRetryable());
    assertTrue(DataFormatException.retryable("s", "m").build().isRetryable());
    assertFalse(DataFormatException.of("s", "m").build().isRetryable());
    assertTrue(RateLimitException.of("s", "m").build().isRetryable());
    assertTrue(StoreLockedException.of("s", "m").build().isRetryable());
    assertFalse(InvalidQueryException.of("m").build().source().isPresent());
  }

  @Test
  void theBuilderAddsTheDetails() {
    IOException cause = new IOException("reset");
    SourceUnavailableException e =
        SourceUnavailableException.retryable("bybit:linear", "HTTP 503")
            .retryAfter(Duration.ofSeconds(5))
            .venueCode("503")
            .cause(cause)
            .build();
    assertEquals("HTTP 503", e.getMessage());
    assertEquals(Optional.of("bybit:linear"), e.source());
    assertEquals(Optional.of(Duration.ofSeconds(5)), e.retryAfter());
    assertEquals(Optional.of("503"), e.venueCode());
    assertSame(cause, e.getCause());
    assertEquals(
        Optional.empty(),
        RateLimitException.of("s", "m").retryAfter(Optional.empty()).build().retryAfter());
  }

  @Test
  void aBanSaysUntilWhenAndEachSubclassFactoryMakesItsOwnType() {
    Instant until = Instant.parse("2024-06-01T12:00:00Z");
    RateLimitException ban = RateLimitException.ban("binance:spot", "banned", until).build();
    assertTrue(ban.isBan());
    assertEquals(Optional.of(until), ban.bannedUntil());
    assertFalse(RateLimitException.of("s", "m").build().isBan());
    assertInstanceOf(SymbolNotFoundException.class, SymbolNotFoundException.of("s", "m").build());
    assertInstanceOf(
        UnsupportedIntervalException.class, UnsupportedIntervalException.of("s", "m").build());
    assertEquals(
        InvalidQueryException.class, InvalidQueryException.of("s", "m").build().getClass());
  }
}
