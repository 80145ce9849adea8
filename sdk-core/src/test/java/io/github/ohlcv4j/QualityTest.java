package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.quality.QualityIssue.Kind;
import io.github.ohlcv4j.quality.QualityOptions;
import io.github.ohlcv4j.quality.QualityReport;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityTest {
  static final Symbol SYM = Symbol.parse("TEST:ABC");
  static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  /** A calm series: close moves by ±0.1% alternately with a little noise, volume around 100. */
  static CandleSeries.Builder calm(int n) {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1).badRows(BadRowPolicy.FLAG);
    double p = 100;
    for (int i = 0; i < n; i++) {
      double c = p * (1 + ((i % 2 == 0) ? 0.001 : -0.001) * (1 + (i % 5) * 0.1));
      b.add(T0 + i * MIN, p, Math.max(p, c) + 0.01, Math.min(p, c) - 0.01, c, 100 + (i % 7));
      p = c;
    }
    return b;
  }

  @Test
  void aCleanSeriesScoresOne() {
    QualityReport r = calm(500).build().quality();
    assertTrue(r.isClean(), r.toString());
    assertEquals(1.0, r.score());
    assertEquals(500, r.rows());
  }

  @Test
  void findsEachKindWithItsPosition() {
    CandleSeries.Builder b = calm(200);
    long t = T0 + 200 * MIN;
    b.add(t, 100, 100.5, 99.5, 101, 100); // close above high: invariant (row 200)
    b.add(t + MIN, 101, 101, 0, 0, 100); // zero price (row 201)
    b.add(t + 2 * MIN, 100, 100.5, 99.5, 100, -1); // negative volume, kept as suspect (row 202)
    b.add(t + 3 * MIN, 100, 100, 100, 100, 100);
    b.add(t + 3 * MIN, 100, 100, 100, 100, 100); // exact duplicate
    b.add(t + 6 * MIN, 100, 100, 100, 100, 5000); // 2 missing before; volume spike (row 204)
    b.add(t + 7 * MIN, 100, 200, 100, 200, 100); // price spike: +69% (row 205)
    b.add(t + 8 * MIN, 200, 200, 199, 199.5, 100);
    QualityReport r = b.build().quality();
    assertEquals(1, r.count(Kind.OHLC_INVARIANT));
    assertEquals(List.of(200), r.issue(Kind.OHLC_INVARIANT).orElseThrow().rows());
    assertEquals(1, r.count(Kind.NON_POSITIVE_PRICE));
    assertEquals(List.of(201), r.issue(Kind.NON_POSITIVE_PRICE).orElseThrow().rows());
    assertEquals(1, r.count(Kind.NEGATIVE_VOLUME));
    assertEquals(1, r.count(Kind.DUPLICATE));
    assertEquals(2, r.count(Kind.GAP));
    assertEquals(2, r.missing());
    assertEquals(
        List.of(Instant.ofEpochMilli(t + 4 * MIN)), r.issue(Kind.GAP).orElseThrow().times());
    assertTrue(r.issue(Kind.VOLUME_SPIKE).orElseThrow().rows().contains(204), r.toString());
    assertTrue(r.issue(Kind.PRICE_SPIKE).orElseThrow().rows().contains(205), r.toString());
  }

  @Test
  void scoreFollowsTheDocumentedFormula() {
    CandleSeries.Builder b = calm(100);
    b.add(T0 + 100 * MIN, 100, 100.5, 99.5, 101, 100); // one invalid row
    b.add(T0 + 104 * MIN, 101, 101.1, 100.9, 101, 100); // three missing
    b.add(T0 + 104 * MIN, 101, 101.1, 100.9, 101, 100); // one duplicate
    QualityReport r =
        b.build()
            .quality(QualityOptions.ofDefaults().withPriceSpikeMads(1e9).withVolumeSpikeMads(1e9));
    double penalty = 1 + 3 + 0.5;
    double seen = 102 + 3 + 1;
    assertEquals(1 - penalty / seen, r.score(), 1e-12);
  }

  @Test
  void filledCandlesAreReportedButCostNothing() {
    CandleSeries s =
        CandleSeries.builder(SYM, Interval.M1)
            .add(T0, 1, 1, 1, 1, 1)
            .add(T0 + 3 * MIN, 1, 1, 1, 1, 1)
            .build();
    QualityReport gappy = s.quality();
    QualityReport filled = s.fill(GapFill.PREVIOUS_CLOSE).quality();
    assertEquals(2, filled.count(Kind.FILLED));
    assertTrue(filled.isClean());
    assertEquals(1.0, filled.score());
    assertTrue(gappy.score() < 1.0);
  }

  @Test
  void anEmptySeriesHasNothingWrong() {
    QualityReport r = CandleSeries.empty(SYM, Interval.M1).quality();
    assertEquals(1.0, r.score());
    assertTrue(r.isClean());
  }

  @Test
  void positionsAreCappedButCountsComplete() {
    CandleSeries.Builder b = CandleSeries.builder(SYM, Interval.M1).badRows(BadRowPolicy.FLAG);
    for (int i = 0; i < 50; i++) {
      b.add(T0 + i * MIN, 2, 1, 1, 1, 1); // open above high
    }
    QualityReport r = b.build().quality(QualityOptions.ofDefaults().withMaxPositions(10));
    assertEquals(50, r.count(Kind.OHLC_INVARIANT));
    assertEquals(10, r.issue(Kind.OHLC_INVARIANT).orElseThrow().rows().size());
    assertEquals(0.0, r.score());
  }
}
