package io.github.ohlcv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.testing.PropertyCheck;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Several series on one time axis, the gaps visible. */
class SeriesTableTest {
  static final SampleSource SAMPLE =
      SampleSource.builder()
          .clock(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
          .build();
  static final Instant A = Instant.parse("2024-01-01T00:00:00Z");

  static CandleSeries hours(String symbol, int from, int to) {
    return SAMPLE.fetch(
        OhlcvQuery.builder()
            .symbol(symbol)
            .interval(Interval.H1)
            .between(A.plusSeconds(3600L * from), A.plusSeconds(3600L * to))
            .build());
  }

  /** The series without the rows whose hour (from A) is in {@code drop}. */
  static CandleSeries without(CandleSeries s, int... drop) {
    CandleSeries.Builder b = CandleSeries.builder(s.symbol(), s.interval());
    outer:
    for (int i = 0; i < s.size(); i++) {
      long hour = (s.openTimeMillis(i) - A.toEpochMilli()) / 3_600_000;
      for (int d : drop) {
        if (hour == d) {
          continue outer;
        }
      }
      b.add(s.get(i));
    }
    return b.build();
  }

  @Test
  void gapsOfOneSeriesAndOfAllAreRowsOfNaN() {
    CandleSeries btc = without(hours("BTCUSDT", 0, 6), 2, 4);
    CandleSeries eth = without(hours("ETHUSDT", 1, 8), 4);
    SeriesTable t = SeriesTable.of(btc, eth);

    assertEquals(8, t.size(), "hours 0 to 7, hour 4 included though neither has it");
    assertEquals(List.of(btc.symbol(), eth.symbol()), t.symbols());
    assertEquals(A, t.openTime(0));
    assertEquals(A.plusSeconds(7 * 3600), t.openTime(7));
    double[] b = t.closes(btc.symbol());
    double[] e = t.closes(eth.symbol());
    assertEquals(btc.close(0), b[0]);
    assertTrue(Double.isNaN(b[2]) && Double.isNaN(b[4]) && Double.isNaN(b[6]));
    assertTrue(Double.isNaN(e[0]) && Double.isNaN(e[4]));
    assertEquals(eth.close(0), e[1]);
    assertFalse(t.has(4, btc.symbol()) || t.has(4, eth.symbol()));
    assertEquals(4, t.missing(btc.symbol()), "hours 2, 4, 6 and 7");
    assertEquals(2, t.missing(eth.symbol()));
    assertEquals(btc.volume(1), t.volumes(btc.symbol())[1]);
    assertEquals(btc.high(1), t.highs(btc.symbol())[1]);
    assertEquals(btc.low(1), t.lows(btc.symbol())[1]);
    assertEquals(btc.open(1), t.opens(btc.symbol())[1]);
    assertEquals(t.closes(btc.symbol())[3], t.close(3, btc.symbol()));

    String text = t.toString();
    assertTrue(
        text.startsWith(
            "SeriesTable 1h closes · 2 series · 8 rows · 2024-01-01 00:00 → 2024-01-01 07:00 UTC"
                + " · missing: BTCUSDT 4, ETHUSDT 2\n"),
        text);
    assertTrue(text.contains("open time"), text);
    assertTrue(text.contains("NaN"), text);
    assertEquals(10, text.split("\n").length, "a header, the column names and every row");
    assertTrue(
        SeriesTable.of(hours("BTCUSDT", 0, 2))
            .toString()
            .contains("no gaps · SYNTHETIC sample data, not market prices"));
    String shorter = t.toTable(2);
    assertTrue(shorter.contains("… 4 more"), shorter);

    StringBuilder csv = new StringBuilder();
    t.toCsv(csv);
    String[] lines = csv.toString().split("\n");
    assertEquals("open_time,BTCUSDT,ETHUSDT", lines[0]);
    assertEquals(9, lines.length);
    assertTrue(lines[5].startsWith("2024-01-01T04:00:00Z,NaN,NaN"), lines[5]);
  }

  @Test
  void aGridTooLargeToHoldKeepsOnlyTheOpenTimesPresent() {
    Interval s1 = Interval.ofSeconds(1);
    long a = A.toEpochMilli();
    long far = a + 200L * 24 * 3600 * 1000; // 17 million one-second buckets later
    CandleSeries x = CandleSeries.builder(Symbol.of("X"), s1).add(a, 1, 2, 1, 2, 5).build();
    CandleSeries y =
        CandleSeries.builder(Symbol.of("Y"), s1)
            .add(a + 1000, 3, 4, 3, 4, 5)
            .add(far, 5, 6, 5, 6, 5)
            .build();
    SeriesTable t = SeriesTable.of(x, y);
    assertArrayEquals(new long[] {a, a + 1000, far}, t.openTimes());
    assertArrayEquals(new double[] {2, Double.NaN, Double.NaN}, t.closes(x.symbol()));
    assertArrayEquals(new double[] {Double.NaN, 4, 6}, t.closes(y.symbol()));
  }

  @Test
  void misuseIsRefused() {
    CandleSeries h = hours("BTCUSDT", 0, 3);
    InvalidQueryException mixed =
        assertThrows(InvalidQueryException.class, () -> SeriesTable.of(h, h.resample(Interval.H2)));
    assertTrue(mixed.getMessage().contains("one interval"), mixed.getMessage());
    assertThrows(InvalidQueryException.class, () -> SeriesTable.of(h, h));
    assertThrows(IllegalArgumentException.class, () -> SeriesTable.of(h).closes(Symbol.of("X")));
    SeriesTable empty = SeriesTable.of();
    assertEquals(0, empty.size());
    assertTrue(empty.toString().startsWith("SeriesTable 1m closes · 0 series · 0 rows"));
  }

  @Test
  void everyCellIsTheSeriesCandleAtThatTimeOrNaN() {
    PropertyCheck.of("table cells", 120)
        .forAll(
            (Random r, Integer size) -> {
              List<CandleSeries> list = new ArrayList<>();
              int n = 1 + r.nextInt(4);
              for (int k = 0; k < n; k++) {
                int from = r.nextInt(size + 1);
                CandleSeries s = hours("S" + k, from, from + 1 + r.nextInt(size + 1));
                int[] drop = r.ints(r.nextInt(size + 1), from, from + size + 2).toArray();
                list.add(without(s, drop));
              }
              return list;
            },
            list -> {
              SeriesTable t = SeriesTable.of(list);
              TreeSet<Long> times = new TreeSet<>();
              for (CandleSeries s : list) {
                for (long x : s.openTimes()) {
                  times.add(x);
                }
              }
              if (times.isEmpty()) {
                assertEquals(0, t.size());
                return;
              }
              assertEquals(
                  (times.last() - times.first()) / 3_600_000 + 1, t.size(), "every hour between");
              for (CandleSeries s : list) {
                double[] closes = t.closes(s.symbol());
                int present = 0;
                for (int row = 0; row < t.size(); row++) {
                  int i = s.indexOf(t.openTimeMillis(row));
                  if (i >= 0) {
                    present++;
                    assertEquals(s.close(i), closes[row]);
                  } else {
                    assertTrue(Double.isNaN(closes[row]));
                  }
                }
                assertEquals(s.size(), present);
                assertEquals(t.size() - s.size(), t.missing(s.symbol()));
              }
              assertArrayEquals(
                  times.stream().mapToLong(Long::longValue).toArray(),
                  java.util.Arrays.stream(t.openTimes()).filter(times::contains).toArray());
            });
  }
}
