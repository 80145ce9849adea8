package io.github.ohlcv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.GapFill;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesProcessorTest {

  static final Instant FROM = Instant.parse("2024-03-29T10:17:00Z");
  static final Instant TO = Instant.parse("2024-04-02T03:00:00Z");
  static final Instant NOW = Instant.parse("2024-04-02T02:30:20Z");

  static List<OhlcvQuery> queries() {
    OhlcvQuery.Builder base = OhlcvQuery.builder().symbol("BTCUSDT").between(FROM, TO);
    return List.of(
        base.build(),
        base.build().newBuilder().resample(Interval.H1).build(),
        base.build().newBuilder().resample(Interval.D1).zone(ZoneId.of("Europe/Berlin")).build(),
        base.build().newBuilder().resample(Interval.H4).completeOnly().limit(7).build(),
        base.build().newBuilder().fill(GapFill.PREVIOUS_CLOSE).limit(5000).build(),
        OhlcvQuery.builder().symbol("BTCUSDT").latest(30).resample(Interval.M15).build());
  }

  /** The raw candles with a hole, cut into pages at {@code cuts}. */
  static List<CandleSeries> pages(OhlcvQuery q, int... cuts) {
    SampleSource sample = SampleSource.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    CandleSeries all =
        sample.fetch(
            q.newBuilder()
                .resample(q.interval())
                .fill(GapFill.NONE)
                .completeOnly(false)
                .build()
                .newBuilder()
                .build());
    CandleSeries.Builder holes = CandleSeries.builder(all.symbol(), all.interval());
    for (int i = 0; i < all.size(); i++) {
      if (i % 211 != 5) {
        holes.add(
            all.openTimeMillis(i),
            all.open(i),
            all.high(i),
            all.low(i),
            all.close(i),
            all.volume(i));
      }
    }
    CandleSeries s = holes.build();
    List<CandleSeries> out = new ArrayList<>();
    int prev = 0;
    for (int c : cuts) {
      int at = Math.min(c, s.size());
      out.add(s.slice(prev, at));
      prev = at;
    }
    out.add(s.slice(prev, s.size()));
    return out;
  }

  @Test
  void theLastPageGivesTheSameAnswerAsAcceptAndFinish() {
    int[][] cutsets = {{}, {1}, {700}, {700, 701, 2000}, {3000, 3100}};
    for (OhlcvQuery q : queries()) {
      for (int[] cuts : cutsets) {
        List<CandleSeries> pages = pages(q, cuts);
        SeriesProcessor old = new SeriesProcessor(q);
        SeriesProcessor last = new SeriesProcessor(q);
        List<CandleSeries> a = new ArrayList<>();
        List<CandleSeries> b = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
          a.add(old.accept(pages.get(i)));
          b.add(
              i == pages.size() - 1
                  ? last.acceptLast(pages.get(i), NOW)
                  : last.accept(pages.get(i)));
        }
        a.add(old.finish(NOW));
        b.add(last.finish(NOW));
        assertEquals(join(a), join(b), q + " cut at " + java.util.Arrays.toString(cuts));
      }
    }
  }

  @Test
  void aSinglePageIsPassedOnUncopied() {
    OhlcvQuery q = OhlcvQuery.builder().symbol("BTCUSDT").between(FROM, TO).build();
    CandleSeries page = pages(q).get(0);
    assertSame(page, new SeriesProcessor(q).acceptLast(page, TO)); // nothing in progress at TO
  }

  static CandleSeries join(List<CandleSeries> parts) {
    List<CandleSeries> nonEmpty = new ArrayList<>();
    for (CandleSeries p : parts) {
      if (!p.isEmpty()) {
        nonEmpty.add(p);
      }
    }
    return nonEmpty.isEmpty() ? parts.get(parts.size() - 1) : CandleSeries.concat(nonEmpty);
  }

  @Test
  void aResampledBucketEndingAfterNowIsInProgressEvenWithoutItsNewestInput() {
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .between(Instant.parse("2024-04-02T01:00:00Z"), Instant.parse("2024-04-02T03:00:00Z"))
            .resample(Interval.H1)
            .build();
    // Minutes up to 02:29, all complete at 02:30:20: the newest input of the 02:00 hour is not in
    // yet.
    CandleSeries.Builder b = CandleSeries.builder(q.symbol(), Interval.M1);
    for (long t = Instant.parse("2024-04-02T01:00:00Z").toEpochMilli();
        t < Instant.parse("2024-04-02T02:30:00Z").toEpochMilli();
        t += 60_000) {
      b.add(t, 1, 1, 1, 1, 1);
    }
    CandleSeries minutes = b.build();
    CandleSeries out = new SeriesProcessor(q).acceptLast(minutes, NOW);
    assertEquals(2, out.size());
    assertEquals(false, out.isInProgress(0));
    assertEquals(true, out.isInProgress(1));
    assertEquals(true, out.isPartial(1));
    CandleSeries complete =
        new SeriesProcessor(q.newBuilder().completeOnly().build()).acceptLast(minutes, NOW);
    assertEquals(1, complete.size());
  }
}
