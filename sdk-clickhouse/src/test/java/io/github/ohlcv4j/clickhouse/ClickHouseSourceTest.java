package io.github.ohlcv4j.clickhouse;

import static io.github.ohlcv4j.clickhouse.Candles.assertSameCandles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reading the seeded table: every query shape against plain SQL and the in-JVM resampler. */
@ExtendWith(ClickHouseServer.Extension.class)
class ClickHouseSourceTest {

  static final String TABLE = SeededMarket.DATABASE + "." + SeededMarket.TABLE;
  static final Symbol BTC = SeededMarket.SYMBOLS.get(0);
  static final Symbol HOLES = SeededMarket.SYMBOLS.get(1);
  static final Instant START = SeededMarket.START;
  static final Instant END = SeededMarket.END;

  static OhlcvQuery.Builder range(Symbol s, Instant from, Instant to) {
    return OhlcvQuery.builder().symbol(s).between(from, to);
  }

  @Test
  void storedCandlesOfAnyRangeAreWhatPlainSqlReturns(SeededMarket m) {
    ClickHouseSource source = m.source().build();
    Instant[][] ranges = {
      {START, END},
      {START.plusSeconds(90), START.plus(Duration.ofDays(3)).plusMillis(17_250)},
      {END.minusSeconds(3600), END.plusSeconds(3600)},
      {START.plus(Duration.ofDays(69)), START.plus(Duration.ofDays(70))}, // the big hole
    };
    for (Symbol s : SeededMarket.SYMBOLS) {
      for (Instant[] r : ranges) {
        CandleSeries got = source.fetch(range(s, r[0], r[1]).build());
        CandleSeries sql = Candles.direct(m.server, TABLE, s, Interval.M1, r[0], r[1]);
        assertEquals(sql, got, s + " " + r[0] + " " + r[1]);
        assertEquals(m.written.get(s).between(r[0], r[1]), got);
      }
    }
    assertEquals(SeededMarket.MINUTES, source.fetch(range(BTC, START, END).build()).size());
  }

  @Test
  void smallPagesGiveTheSameAnswerAsOneBigPage(SeededMarket m) {
    ClickHouseSource small = m.source().pageSize(7_000).build();
    Instant to = START.plus(Duration.ofDays(30));
    OhlcvQuery q = range(HOLES, START, to).build();
    assertEquals(m.written.get(HOLES).between(START, to), small.fetch(q));
    List<CandleSeries> pages = small.pages(q).collect(Collectors.toList());
    assertTrue(pages.size() > 5, "pages: " + pages.size());
    assertEquals(small.fetch(q), CandleSeries.concat(pages));
    OhlcvQuery hourly = range(HOLES, START, to).resample(Interval.H1).build();
    assertSameCandles(
        m.written.get(HOLES).between(START, to).resample(Interval.H1),
        m.source().pageSize(100).build().fetch(hourly),
        "hourly in pages of 100");
  }

  @Test
  void resamplingOnTheServerEqualsTheJvmCandleForCandle(SeededMarket m) {
    ClickHouseSource source = m.source().build();
    List<Interval> targets =
        List.of(
            Interval.M5,
            Interval.of(7, Interval.Unit.MINUTE),
            Interval.M15,
            Interval.H1,
            Interval.H4,
            Interval.of(5, Interval.Unit.HOUR),
            Interval.D1,
            Interval.of(3, Interval.Unit.DAY),
            Interval.W1,
            Interval.of(2, Interval.Unit.WEEK),
            Interval.MN1,
            Interval.of(3, Interval.Unit.MONTH));
    List<ZoneId> zones =
        List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"));
    for (Symbol s : List.of(HOLES, BTC)) {
      CandleSeries written = m.written.get(s);
      for (ZoneId zone : zones) {
        for (Interval target : targets) {
          if (!zone.equals(ZoneOffset.UTC) && target.isFixed() && s.equals(BTC)) {
            continue; // fixed buckets ignore the zone; one symbol is enough for those
          }
          Instant from = Instant.ofEpochMilli(target.bucketStart(START.toEpochMilli(), zone));
          OhlcvQuery q = range(s, from, END).resample(target).zone(zone).build();
          String what = s + " → " + target + " in " + zone;
          try (PageCursor c = source.cursor(q)) {
            Page first = c.next().join();
            assertEquals(target, first.candles().interval(), what + ": resampled on the server");
          }
          assertSameCandles(written.resample(target, zone), source.fetch(q), what);
        }
      }
    }
  }

  @Test
  void anUnalignedStartIsResampledInTheJvmWithTheSameAnswer(SeededMarket m) {
    ClickHouseSource source = m.source().build();
    Instant from = START.plus(Duration.ofMinutes(90));
    Instant to = START.plus(Duration.ofDays(10)).plusSeconds(1234);
    OhlcvQuery q = range(HOLES, from, to).resample(Interval.H4).build();
    try (PageCursor c = source.cursor(q)) {
      assertEquals(Interval.M1, c.next().join().candles().interval());
    }
    CandleSeries expected = m.written.get(HOLES).between(from, to).resample(Interval.H4);
    assertTrue(expected.isPartial(0));
    assertSameCandles(expected, source.fetch(q), "unaligned 4h");
  }

  @Test
  void coarserQueriedIntervalsAreBuiltFromTheStoredCandles(SeededMarket m) {
    ClickHouseSource source = m.source().build();
    CandleSeries written = m.written.get(HOLES);
    Instant to = START.plus(Duration.ofDays(100));
    assertSameCandles(
        written.between(START, to).resample(Interval.M5),
        source.fetch(range(HOLES, START, to).interval(Interval.M5).build()),
        "5m candles");
    // Then resampled: the partial flag counts 5m candles, as the JVM would.
    assertSameCandles(
        written.between(START, to).resample(Interval.M5).resample(Interval.H1),
        source.fetch(range(HOLES, START, to).interval(Interval.M5).resample(Interval.H1).build()),
        "5m candles to 1h");
    assertThrows(
        UnsupportedIntervalException.class,
        () ->
            source.fetch(
                range(HOLES, START, to).interval(Interval.of(30, Interval.Unit.SECOND)).build()));
  }

  @Test
  void aggregatesMatchPlainSql(SeededMarket m) {
    Instant to = START.plus(Duration.ofDays(7));
    CandleSeries got =
        m.source().build().fetch(range(HOLES, START, to).resample(Interval.H1).build());
    String tsv =
        m.server.sql(
            "SELECT toUInt32(toStartOfHour(ts)) AS h, argMin(open, ts), max(high), min(low),"
                + " argMax(close, ts), sum(volume), count() FROM "
                + TABLE
                + " FINAL WHERE symbol = 'BINANCE:ETHUSDT' AND ts < toDateTime("
                + to.getEpochSecond()
                + ") GROUP BY h ORDER BY h FORMAT TabSeparated");
    String[] lines = tsv.strip().split("\n");
    assertEquals(lines.length, got.size());
    for (int i = 0; i < lines.length; i++) {
      String[] f = lines[i].split("\t");
      assertEquals(Long.parseLong(f[0]) * 1000, got.openTimeMillis(i));
      assertEquals(Double.parseDouble(f[1]), got.open(i));
      assertEquals(Double.parseDouble(f[2]), got.high(i));
      assertEquals(Double.parseDouble(f[3]), got.low(i));
      assertEquals(Double.parseDouble(f[4]), got.close(i));
      assertEquals(Double.parseDouble(f[5]), got.volume(i));
      assertEquals(Long.parseLong(f[6]) < 60, got.isPartial(i), "row " + i);
    }
  }

  @Test
  void latestCandlesAreTheNewestOfTheRangeEndingNow(SeededMarket m) {
    Clock clock = Clock.fixed(END.minusSeconds(30), ZoneOffset.UTC);
    ClickHouseSource source =
        m.source().context(SourceContext.builder().clock(clock).build()).build();
    CandleSeries written = m.written.get(BTC);
    OhlcvQuery latest = OhlcvQuery.builder().symbol(BTC).latest(10).build();
    assertEquals(written.tail(10), source.fetch(latest));
    OhlcvQuery hourly = OhlcvQuery.builder().symbol(BTC).latest(24).resample(Interval.H1).build();
    CandleSeries h = source.fetch(hourly);
    assertSameCandles(written.resample(Interval.H1).tail(24), h, "latest 24 hours");
    assertTrue(h.isPartial(23)); // the data ends 20 minutes into the last hour
    // The server's clock (the Date header, long after 2024) says no candle is in progress.
    OhlcvQuery days =
        OhlcvQuery.builder().symbol(HOLES).latest(3).resample(Interval.D1).completeOnly().build();
    assertSameCandles(
        m.written.get(HOLES).resample(Interval.D1).tail(3), source.fetch(days), "3 days");
  }

  @Test
  void limitsArePushedDownWithTheSameAnswer(SeededMarket m) {
    ClickHouseSource source = m.source().pageSize(50).build();
    CandleSeries written = m.written.get(HOLES);
    assertEquals(written.head(100), source.fetch(range(HOLES, START, END).limit(100).build()));
    assertSameCandles(
        written.resample(Interval.H1).head(5),
        source.fetch(range(HOLES, START, END).resample(Interval.H1).limit(5).build()),
        "5 hours");
    Instant unaligned = START.plusSeconds(1800);
    assertSameCandles(
        written.between(unaligned, END).resample(Interval.H1).head(5),
        source.fetch(range(HOLES, unaligned, END).resample(Interval.H1).limit(5).build()),
        "5 hours from half past");
  }

  @Test
  void emptyAnswersKeepSymbolAndInterval(SeededMarket m) {
    ClickHouseSource source = m.source().build();
    Instant before = START.minus(Duration.ofDays(30));
    CandleSeries none = source.fetch(range(BTC, before, START).resample(Interval.H1).build());
    assertTrue(none.isEmpty());
    assertEquals(BTC, none.symbol());
    assertEquals(Interval.H1, none.interval());
    ClickHouseSource future =
        m.source()
            .context(
                SourceContext.builder()
                    .clock(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
                    .build())
            .build();
    assertTrue(future.fetch(OhlcvQuery.builder().symbol(BTC).latest(5).build()).isEmpty());
  }

  @Test
  void aSymbolTheTableHoldsNothingOfIsNotFoundAndTheCheckRunsOnlyForEmptyAnswers(SeededMarket m) {
    try (ClickHouseProxy proxy = new ClickHouseProxy(m.server.url())) {
      ClickHouseSource source = m.source().url("http://" + proxy.hostPort()).pageSize(500).build();
      Symbol nope = Symbol.parse("BINANCE:NOPEUSDT");
      SymbolNotFoundException e =
          assertThrows(
              SymbolNotFoundException.class,
              () -> source.fetch(range(nope, START, END).resample(Interval.H1).build()));
      assertTrue(e.getMessage().contains("BINANCE:NOPEUSDT"), e.getMessage());
      assertTrue(e.getMessage().contains("SELECT DISTINCT symbol FROM " + TABLE), e.getMessage());
      assertEquals(source.name(), e.source().orElseThrow());
      assertFalse(e.isRetryable());
      assertEquals(1, lookups(proxy), "one look-up for the empty answer");

      Instant before = START.minus(Duration.ofDays(30));
      assertTrue(source.fetch(range(BTC, before, START).build()).isEmpty(), "known, none then");
      assertEquals(2, lookups(proxy));

      CandleSeries written = m.written.get(BTC);
      Instant to = START.plus(Duration.ofDays(2));
      List<CandleSeries> pages = source.pages(range(BTC, START, to).build()).toList();
      assertTrue(pages.size() > 3, "pages: " + pages.size());
      assertEquals(written.between(START, to), CandleSeries.concat(pages));
      // the candles are in the first of the windows only
      Instant lastDay = END.minus(Duration.ofDays(1));
      Instant after = END.plus(Duration.ofDays(30));
      OhlcvQuery tail = range(BTC, lastDay, after).build();
      ClickHouseSource wide = m.source().url("http://" + proxy.hostPort()).pageSize(20_000).build();
      assertTrue(wide.cursor(tail).remainingEstimate() > 2);
      assertEquals(written.between(lastDay, END), wide.fetch(tail));
      assertEquals(2, lookups(proxy), "no look-up for answers with candles");
    }
  }

  private static long lookups(ClickHouseProxy proxy) {
    return proxy.statements().stream()
        .filter(s -> s.startsWith("SELECT toString(`symbol`) FROM"))
        .count();
  }

  @Test
  void severalSymbolsInOneRequestAnswerAsEachAlone(SeededMarket m) {
    ClickHouseSource source = m.source().pageSize(20_000).build();
    Instant to = START.plus(Duration.ofDays(20));
    for (OhlcvQuery q :
        List.of(
            range(BTC, START.plusSeconds(60), to).build(),
            range(BTC, START, to).resample(Interval.H1).build(),
            range(BTC, START, to).resample(Interval.D1).limit(3).build(),
            range(BTC, START.plusSeconds(600), to).resample(Interval.H1).build())) {
      Map<Symbol, CandleSeries> all = source.fetchAll(SeededMarket.SYMBOLS, q);
      assertEquals(SeededMarket.SYMBOLS, List.copyOf(all.keySet()));
      for (Symbol s : SeededMarket.SYMBOLS) {
        assertSameCandles(
            source.fetch(q.newBuilder().symbol(s).build()), all.get(s), s + " in " + q);
      }
    }
    Map<Symbol, CandleSeries> withUnknown =
        source.fetchAll(List.of(Symbol.parse("NOPE"), BTC), range(BTC, START, to).build());
    assertTrue(withUnknown.get(Symbol.parse("NOPE")).isEmpty());
    assertEquals(m.written.get(BTC).between(START, to), withUnknown.get(BTC));
  }

  @Test
  void worksBehindTheClientAndWithCompression(SeededMarket m) {
    ClickHouseSource plain = m.source().build();
    ClickHouseSource gzip = m.source().compression(true).build();
    OhlcvQuery q = range(HOLES, START, START.plus(Duration.ofDays(5))).build();
    try (OhlcvClient client = OhlcvClient.builder().source(gzip).build()) {
      assertEquals(plain.fetch(q), client.fetch(q));
    }
  }

  @Test
  void healthReportsVersionAndLatency(SeededMarket m) {
    Health h = m.source().build().health();
    assertEquals(Health.Status.UP, h.status(), h.detail());
    assertTrue(h.version().orElseThrow().matches("\\d+\\.\\d+.*"), h.version().toString());
    assertTrue(h.latency().isPresent());
    Health missing = m.server.source(SeededMarket.DATABASE, "no_such_table").build().health();
    assertEquals(Health.Status.DEGRADED, missing.status());
    assertTrue(missing.detail().contains("ClickHouseSchema"), missing.detail());
  }

  @Test
  void capabilitiesSayTheServerResamples(SeededMarket m) {
    ClickHouseSource source = m.source().build();
    assertTrue(source.capabilities().serverSideResample());
    assertTrue(source.capabilities().supports(Interval.H1));
    assertFalse(source.capabilities().supports(Interval.of(30, Interval.Unit.SECOND)));
    assertEquals("clickhouse:ohlcv4j_test.candles_1m", source.name());
  }
}
