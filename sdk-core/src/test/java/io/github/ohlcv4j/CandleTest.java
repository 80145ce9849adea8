package io.github.ohlcv4j;

import static io.github.ohlcv4j.CandleSeriesTest.MIN;
import static io.github.ohlcv4j.CandleSeriesTest.SYM;
import static io.github.ohlcv4j.CandleSeriesTest.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A candle taken out of its series keeps the series' flags. */
class CandleTest {

  @Test
  void aPlainCandleHasNoFlags() {
    Candle c = new Candle(Instant.ofEpochMilli(T0), 1, 2, 0.5, 1.5, 10);
    assertEquals(0, c.flags());
    assertFalse(c.inProgress() || c.partial() || c.filled() || c.suspect());
    assertEquals(new Candle(Instant.ofEpochMilli(T0), 1, 2, 0.5, 1.5, 10, 0), c);
    assertNotEquals(
        new Candle(Instant.ofEpochMilli(T0), 1, 2, 0.5, 1.5, 10, CandleSeries.IN_PROGRESS), c);
  }

  @Test
  void eachFlagHasItsAccessorAndUnknownBitsAreRefused() {
    Instant t = Instant.ofEpochMilli(T0);
    assertTrue(new Candle(t, 1, 1, 1, 1, 1, CandleSeries.IN_PROGRESS).inProgress());
    assertTrue(new Candle(t, 1, 1, 1, 1, 1, CandleSeries.PARTIAL).partial());
    assertTrue(new Candle(t, 1, 1, 1, 1, 1, CandleSeries.FILLED).filled());
    assertTrue(new Candle(t, 1, 1, 1, 1, 1, CandleSeries.SUSPECT).suspect());
    Candle all = new Candle(t, 1, 1, 1, 1, 1, CandleSeries.ALL_FLAGS);
    assertTrue(all.inProgress() && all.partial() && all.filled() && all.suspect());
    assertFalse(new Candle(t, 1, 1, 1, 1, 1, CandleSeries.PARTIAL).inProgress());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Candle(t, 1, 1, 1, 1, 1, 16));
    assertTrue(e.getMessage().contains("16"), e.getMessage());
  }

  @Test
  void getStreamAndIterationCarryEachRowsFlags() {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1).badRows(BadRowPolicy.FLAG);
    for (int i = 0; i < 10; i++) {
      b.add(T0 + i * MIN, 1, 2, 0.5, 1.5, 1);
    }
    b.add(T0 + 10 * MIN, 1, 0.5, 2, 1.5, 1); // high below low: kept, suspect
    b.add(T0 + 12 * MIN, 1, 2, 0.5, 1.5, 1);
    CandleSeries s =
        b.build()
            .fill(GapFill.PREVIOUS_CLOSE) // 11 minutes is filled
            .markInProgress(Instant.ofEpochMilli(T0 + 12 * MIN + 30_000));
    List<Candle> iterated = new ArrayList<>();
    s.forEach(iterated::add);
    assertEquals(s.toList(), iterated);
    assertEquals(s.toList(), s.stream().toList());
    for (int i = 0; i < s.size(); i++) {
      Candle c = s.get(i);
      assertEquals(s.flags(i), c.flags(), "row " + i);
      assertEquals(s.isInProgress(i), c.inProgress());
      assertEquals(s.isFilled(i), c.filled());
      assertEquals(s.isSuspect(i), c.suspect());
    }
    assertTrue(s.last().orElseThrow().inProgress());
    assertTrue(s.get(10).suspect());
    assertTrue(s.get(11).filled());
    assertEquals(1, s.stream().filter(Candle::inProgress).count());
    CandleSeries resampled = s.resample(Interval.M5);
    assertEquals(resampled.isPartial(0), resampled.first().orElseThrow().partial());
    assertTrue(resampled.last().orElseThrow().partial(), "the last 5m bucket holds 3 minutes");
  }

  @Test
  void candlesAddedBackGiveTheSameSeriesFlagsIncluded() {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1);
    for (int i = 0; i < 7; i++) {
      b.add(T0 + i * MIN, 1 + i, 2 + i, 0.5 + i, 1.5 + i, i);
    }
    CandleSeries s =
        b.build().resample(Interval.M5).markInProgress(Instant.ofEpochMilli(T0 + 6 * MIN));
    assertTrue(s.hasFlags());
    CandleSeries.Builder again = CandleSeries.builder(SYM, Interval.M5);
    s.stream().forEach(again::add);
    assertEquals(s, again.build());
  }

  @Test
  void theClientsStreamDoesNotPresentTheFormingCandleAsClosed() {
    Instant now = Instant.parse("2024-06-01T12:34:56Z");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    try (OhlcvClient client =
            OhlcvClient.builder()
                .clock(clock)
                .retryPolicy(RetryPolicy.none())
                .autoDiscover(false)
                .source(SampleSource.builder().clock(clock).pageSize(7).build())
                .build();
        Stream<Candle> candles =
            client.stream(
                OhlcvQuery.builder()
                    .symbol("BTCUSDT")
                    .interval(Interval.M1)
                    .from(Instant.parse("2024-06-01T12:00:00Z"))
                    .resample(Interval.M15)
                    .build())) {
      List<Candle> list = candles.toList();
      assertEquals(3, list.size());
      assertFalse(list.get(0).inProgress() || list.get(1).inProgress());
      Candle forming = list.get(2);
      assertEquals(Instant.parse("2024-06-01T12:30:00Z"), forming.openTime());
      assertTrue(forming.inProgress(), forming.toString());
    }
  }
}
