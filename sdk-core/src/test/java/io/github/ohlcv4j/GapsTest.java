package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GapsTest {
  static final Symbol SYM = Symbol.parse("TEST:ABC");
  static final long T0 = Instant.parse("2017-11-26T08:50:00Z").toEpochMilli();
  static final long M5 = 300_000;

  static CandleSeries withMissingSlot() {
    return CandleSeries.builder(SYM, Interval.M5)
        .add(T0, 8.794e-05, 8.948e-05, 8.794e-05, 8.88e-05, 2255)
        .add(T0 + M5, 8.88e-05, 8.942e-05, 8.88e-05, 8.893e-05, 9911)
        .add(T0 + 3 * M5, 8.891e-05, 8.893e-05, 8.875e-05, 8.877e-05, 2251)
        .build();
  }

  @Test
  void findsTypedGaps() {
    assertEquals(
        List.of(new Gap(Instant.ofEpochMilli(T0 + 2 * M5), Instant.ofEpochMilli(T0 + 3 * M5), 1)),
        withMissingSlot().gaps());
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M5)
            .add(T0, 1, 1, 1, 1, 1)
            .add(T0 + 10 * M5, 1, 1, 1, 1, 1)
            .build();
    assertEquals(9, s.gaps().get(0).missing());
  }

  @Test
  void previousCloseFillsAFlatCandleWithZeroVolume() {
    CandleSeries f = withMissingSlot().fill(GapFill.PREVIOUS_CLOSE);
    assertEquals(4, f.size());
    assertEquals(
        new Candle(
            Instant.ofEpochMilli(T0 + 2 * M5),
            8.893e-05,
            8.893e-05,
            8.893e-05,
            8.893e-05,
            0,
            CandleSeries.FILLED),
        f.get(2));
    assertTrue(f.isFilled(2));
    assertTrue(f.get(2).filled());
    assertTrue(f.gaps().isEmpty());
    assertEquals(withMissingSlot().get(2), f.get(3));
  }

  @Test
  void nanFillMakesTheHoleVisible() {
    CandleSeries f = withMissingSlot().fill(GapFill.NAN);
    assertTrue(Double.isNaN(f.open(2)) && Double.isNaN(f.close(2)) && Double.isNaN(f.volume(2)));
    assertTrue(f.isFilled(2));
  }

  @Test
  void noneAndGaplessSeriesAreUnchanged() {
    CandleSeries s = withMissingSlot();
    assertSame(s, s.fill(GapFill.NONE));
    CandleSeries full = s.fill(GapFill.PREVIOUS_CLOSE);
    assertSame(full, full.fill(GapFill.PREVIOUS_CLOSE));
  }

  @Test
  void calendarGapsCountCalendarBuckets() {
    long jan = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    long may = Instant.parse("2024-05-01T00:00:00Z").toEpochMilli();
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.MN1)
            .add(jan, 1, 1, 1, 1, 1)
            .add(may, 2, 2, 2, 2, 1)
            .build();
    Gap g = s.gaps().get(0);
    assertEquals(Instant.parse("2024-02-01T00:00:00Z"), g.from());
    assertEquals(3, g.missing());
    CandleSeries f = s.fill(GapFill.PREVIOUS_CLOSE);
    assertEquals(Instant.parse("2024-03-01T00:00:00Z").toEpochMilli(), f.openTimeMillis(2));
    assertEquals(5, f.size());
  }

  @Test
  void fillKeepsExtraColumnsConsistent() {
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M5)
            .add(T0, 1, 1, 1, 1, 1)
            .extra(ExtraColumn.QUOTE_VOLUME, 5)
            .add(T0 + 2 * M5, 1, 1, 1, 1, 1)
            .extra(ExtraColumn.QUOTE_VOLUME, 6)
            .build();
    CandleSeries f = s.fill(GapFill.PREVIOUS_CLOSE);
    assertEquals(0, f.extra(ExtraColumn.QUOTE_VOLUME, 1));
    assertEquals(6, f.extra(ExtraColumn.QUOTE_VOLUME, 2));
  }
}
