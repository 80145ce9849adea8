package io.github.ohlcv4j.source;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.UnsupportedIntervalException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link SourceCapabilities#check}: the one check a query passes before any source sees it. */
class CapabilitiesCheckTest {

  private static final SourceCapabilities SPOT =
      SourceCapabilities.builder()
          .intervals(Set.of(Interval.M1, Interval.H1, Interval.D1))
          .calendarZones(Set.of(ZoneOffset.UTC))
          .calendarOffsets(ZoneOffset.ofHours(-12), ZoneOffset.ofHours(14))
          .venues(Set.of("BINANCE"))
          .build();

  private static OhlcvQuery query(String symbol, Interval iv, ZoneId zone) {
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(iv)
        .between(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-05T00:00:00Z"))
        .zone(zone)
        .build();
  }

  @Test
  void anIntervalNotServedIsRefusedWithWhatIs() {
    UnsupportedIntervalException e =
        assertThrows(
            UnsupportedIntervalException.class,
            () -> SPOT.check("binance:spot", query("BTCUSDT", Interval.H4, ZoneOffset.UTC)));
    assertEquals("binance:spot", e.source().orElseThrow());
    assertTrue(e.getMessage().contains("fetch 1h candles and resample them to 4h"), e.getMessage());
  }

  @Test
  void calendarCandlesAreServedInTheirZonesAndAtFixedOffsetsInRange() {
    for (ZoneId ok :
        new ZoneId[] {
          ZoneOffset.UTC,
          ZoneId.of("Etc/UTC"),
          ZoneId.of("GMT"),
          ZoneOffset.ofHours(8),
          ZoneOffset.ofHoursMinutes(5, 45),
          ZoneOffset.ofHours(-12)
        }) {
      assertDoesNotThrow(
          () -> SPOT.check("binance:spot", query("BTCUSDT", Interval.D1, ok)), ok.getId());
    }
    for (ZoneId refused :
        new ZoneId[] {
          ZoneId.of("Asia/Tokyo"), ZoneOffset.ofHours(-13), ZoneId.of("Europe/Berlin")
        }) {
      InvalidQueryException e =
          assertThrows(
              InvalidQueryException.class,
              () -> SPOT.check("binance:spot", query("BTCUSDT", Interval.D1, refused)));
      assertTrue(
          e.getMessage().contains("in UTC or at a fixed offset between -12:00 and +14:00"),
          e.getMessage());
    }
    // Fixed intervals start on the epoch grid whatever the zone.
    assertDoesNotThrow(
        () -> SPOT.check("binance:spot", query("BTCUSDT", Interval.H1, ZoneId.of("Asia/Tokyo"))));
    SourceCapabilities ny =
        SourceCapabilities.builder()
            .intervals(Set.of(Interval.D1))
            .calendarZones(Set.of(ZoneOffset.UTC, ZoneId.of("America/New_York")))
            .build();
    assertDoesNotThrow(
        () -> ny.check("polygon", query("AAPL", Interval.D1, ZoneId.of("US/Eastern"))));
  }

  @Test
  void aSymbolOfAnotherVenueIsRefusedAndOneWithoutAVenueIsNot() {
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> SPOT.check("binance:spot", query("BYBIT:BTCUSDT", Interval.M1, ZoneOffset.UTC)));
    assertTrue(e.getMessage().contains("is not a BINANCE symbol"), e.getMessage());
    assertDoesNotThrow(
        () -> SPOT.check("binance:spot", query("BTCUSDT", Interval.M1, ZoneOffset.UTC)));
    assertEquals(SPOT.toString(), SPOT.newBuilder().build().toString());
    assertEquals(SPOT.calendarZones(), SPOT.newBuilder().build().calendarZones());
  }
}
