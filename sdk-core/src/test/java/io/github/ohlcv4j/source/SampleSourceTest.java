package io.github.ohlcv4j.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.quality.QualityIssue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleSourceTest {
  static final Instant NOW = Instant.parse("2024-06-01T12:34:56Z");
  static final SampleSource SAMPLE =
      SampleSource.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

  static OhlcvQuery range(String symbol, Interval interval, String from, String to) {
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(interval)
        .between(Instant.parse(from), Instant.parse(to))
        .build();
  }

  @Test
  void theSameQueryGivesTheSameCandles() {
    OhlcvQuery q = range("BTCUSDT", Interval.M1, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z");
    CandleSeries a = SAMPLE.fetch(q);
    CandleSeries b =
        SampleSource.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build().fetch(q);
    assertEquals(1440, a.size());
    assertEquals(a, b);
  }

  @Test
  void aRangeFetchedInPiecesEqualsTheWhole() {
    CandleSeries whole =
        SAMPLE.fetch(range("ETHUSDT", Interval.M5, "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z"));
    List<CandleSeries> parts = new ArrayList<>();
    String[] cuts = {
      "2024-01-01T00:00:00Z", "2024-01-02T13:35:00Z", "2024-01-05T00:00:00Z", "2024-01-08T00:00:00Z"
    };
    for (int i = 0; i + 1 < cuts.length; i++) {
      parts.add(SAMPLE.fetch(range("ETHUSDT", Interval.M5, cuts[i], cuts[i + 1])));
    }
    assertEquals(whole, CandleSeries.concat(parts));
  }

  @Test
  void pagesAreStitchedExactly() {
    SampleSource small =
        SampleSource.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).pageSize(7).build();
    OhlcvQuery q = range("SOLUSDT", Interval.M1, "2024-01-01T00:00:00Z", "2024-01-01T03:00:00Z");
    assertEquals(SAMPLE.fetch(q), small.fetch(q));
    assertEquals(
        180, small.pages(q).mapToInt(CandleSeries::size).sum(), "180 candles in pages of 7");
  }

  @Test
  void ohlcIsAlwaysValidAndCandlesChain() {
    for (String sym : List.of("BTCUSDT", "AAPL", "X:ETHUSD", "ZZZ", "doge.P")) {
      for (Interval iv :
          List.of(Interval.of(1, Interval.Unit.SECOND), Interval.M1, Interval.H4, Interval.D1)) {
        CandleSeries s =
            SAMPLE.fetch(OhlcvQuery.builder().symbol(sym).interval(iv).latest(300).build());
        assertFalse(s.isEmpty());
        for (int i = 0; i < s.size(); i++) {
          assertTrue(s.low(i) > 0, sym + " " + iv);
          assertTrue(s.low(i) <= Math.min(s.open(i), s.close(i)), sym + " " + iv + " row " + i);
          assertTrue(s.high(i) >= Math.max(s.open(i), s.close(i)), sym + " " + iv + " row " + i);
          assertTrue(s.volume(i) >= 0);
          if (i > 0) {
            assertEquals(s.close(i - 1), s.open(i), "each candle opens at the previous close");
          }
        }
        var q = s.completeOnly().quality();
        assertEquals(0, q.count(QualityIssue.Kind.OHLC_INVARIANT));
        assertEquals(0, q.count(QualityIssue.Kind.GAP));
      }
    }
  }

  @Test
  void servesCalendarIntervalsOnTheirBoundaries() {
    CandleSeries months =
        SAMPLE.fetch(
            range("BTCUSDT", Interval.MN1, "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z"));
    assertEquals(12, months.size());
    assertEquals(Instant.parse("2023-02-01T00:00:00Z").toEpochMilli(), months.openTimeMillis(1));
    CandleSeries weeks =
        SAMPLE.fetch(range("BTCUSDT", Interval.W1, "2024-01-03T00:00:00Z", "2024-02-01T00:00:00Z"));
    assertEquals(Instant.parse("2024-01-08T00:00:00Z").toEpochMilli(), weeks.openTimeMillis(0));
  }

  @Test
  void thereAreNoCandlesAfterNowAndTheCurrentOneIsInProgress() {
    CandleSeries s =
        SAMPLE.fetch(
            OhlcvQuery.builder().symbol("BTCUSDT").interval(Interval.H1).latest(5).build());
    assertEquals(5, s.size());
    assertEquals(Instant.parse("2024-06-01T12:00:00Z"), s.openTime(4));
    assertTrue(s.isInProgress(4));
    assertFalse(s.isInProgress(3));
    CandleSeries complete =
        SAMPLE.fetch(
            OhlcvQuery.builder()
                .symbol("BTCUSDT")
                .interval(Interval.H1)
                .latest(5)
                .completeOnly()
                .build());
    assertEquals(5, complete.size());
    assertEquals(Instant.parse("2024-06-01T11:00:00Z"), complete.openTime(4));
    CandleSeries future =
        SAMPLE.fetch(range("BTCUSDT", Interval.M1, "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"));
    assertTrue(future.isEmpty());
  }

  @Test
  void seedsAndSymbolsGiveDifferentMarketsButVenuesDoNot() {
    OhlcvQuery q = range("BTCUSDT", Interval.H1, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z");
    CandleSeries a = SAMPLE.fetch(q);
    CandleSeries seven =
        SampleSource.builder().seed(7).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build().fetch(q);
    assertNotEquals(a, seven);
    CandleSeries bybit = SAMPLE.fetch(q.newBuilder().symbol("BYBIT:BTCUSDT").build());
    assertEquals(List.of(a.closes()[0]), List.of(bybit.closes()[0]));
    CandleSeries perp = SAMPLE.fetch(q.newBuilder().symbol(Symbol.parse("BTCUSDT.P")).build());
    assertNotEquals(a.closes()[0], perp.closes()[0]);
  }

  @Test
  void pricesLookLikeTheirNames() {
    OhlcvQuery q = range("BTCUSDT", Interval.D1, "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z");
    double btc = SAMPLE.fetch(q).close(0);
    double eth = SAMPLE.fetch(q.newBuilder().symbol("ETHUSDT").build()).close(0);
    assertTrue(btc > 5_000 && btc < 200_000, "BTC " + btc);
    assertTrue(eth > 300 && eth < 15_000, "ETH " + eth);
  }

  @Test
  void isLabelledSynthetic() {
    CandleSeries s = SAMPLE.fetch(OhlcvQuery.of("BTCUSDT"));
    assertTrue(s.isSynthetic());
    assertTrue(s.toString().contains("SYNTHETIC"), s.toString());
  }

  @Test
  void opensByUriWithParameters() {
    SourceContext ctx = SourceContext.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    CandleSource seven = CandleSources.open("sample:?seed=7", ctx);
    CandleSource plain = CandleSources.open("sample:", ctx);
    OhlcvQuery q = range("BTCUSDT", Interval.H1, "2024-01-01T00:00:00Z", "2024-01-01T05:00:00Z");
    assertEquals(
        SampleSource.builder().seed(7).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build().fetch(q),
        seven.fetch(q));
    assertEquals(SAMPLE.fetch(q), plain.fetch(q));
    String msg =
        org.junit.jupiter.api.Assertions.assertThrows(
                InvalidQueryException.class, () -> CandleSources.open("sample:?colour=red", ctx))
            .getMessage();
    assertTrue(msg.contains("colour"), msg);
  }

  @Test
  void unknownSchemesAreExplained() {
    String msg =
        org.junit.jupiter.api.Assertions.assertThrows(
                InvalidQueryException.class, () -> CandleSources.open("nasdaq:itch"))
            .getMessage();
    assertTrue(msg.contains("No source for \"nasdaq:\""), msg);
    assertTrue(msg.contains("sample"), msg);
    String hint =
        org.junit.jupiter.api.Assertions.assertThrows(
                InvalidQueryException.class, () -> CandleSources.open("x y:z"))
            .getMessage();
    assertTrue(hint.contains("Malformed source URI"), hint);
  }

  @Test
  void secondCandlesAreServed() {
    CandleSeries s =
        SAMPLE.fetch(
            range(
                "BTCUSDT",
                Interval.of(15, Interval.Unit.SECOND),
                "2024-01-01T00:00:00Z",
                "2024-01-01T00:05:00Z"));
    assertEquals(20, s.size());
    assertEquals(15_000L, s.openTimeMillis(1) - s.openTimeMillis(0));
  }
}
