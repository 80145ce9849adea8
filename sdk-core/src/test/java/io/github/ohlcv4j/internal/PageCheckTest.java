package io.github.ohlcv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.testing.LogCapture;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.event.Level;

/**
 * Every row a source returns is checked against the window of the request it answered: rows outside
 * it are dropped (with a WARN and a count) and never displace the rows of another page; rows off
 * the interval's grid fail the query with a {@link DataFormatException} naming the row.
 */
@Timeout(60)
class PageCheckTest {

  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");

  private static OhlcvQuery minutes(int n) {
    return OhlcvQuery.builder()
        .symbol("BTCUSDT")
        .interval(Interval.M1)
        .between(FROM, FROM.plus(Duration.ofMinutes(n)))
        .build();
  }

  /** An outcome that answers with the planned page changed by {@code change}. */
  private static Outcome changed(UnaryOperator<Page> change) {
    return (s, page) -> CompletableFuture.completedFuture(change.apply(page.get()));
  }

  /** The page with {@code extra} rows added (the builder sorts them in). */
  private static Page plus(Page p, CandleSeries extra) {
    return new Page(
        CandleSeries.concat(List.of(p.candles(), extra)), p.bytes(), p.serverTime(), p.window());
  }

  private static List<LogCapture.Event> dropped(LogCapture logs) {
    return logs.events(e -> e.level() == Level.WARN && e.message().startsWith("dropped rows"));
  }

  @Test
  void aPageCarryingACorrectRowOfTheNextWindowLosesNothing() {
    // Bybit: one extra, correct row from the middle of the next page's window.
    OhlcvQuery q = minutes(2000);
    for (int run = 0; run < 2; run++) {
      ScriptedSource s = ScriptedSource.of("scripted", 1000);
      CandleSeries truth = s.expected(q);
      s.then(changed(p -> plus(p, truth.slice(1500, 1501))));
      try (LogCapture logs = LogCapture.start()) {
        CandleSeries got = run == 0 ? s.fetch(q) : CandleSeries.concat(s.pages(q).toList());
        assertEquals(2000, got.size());
        assertEquals(truth, got);
        List<LogCapture.Event> warned = dropped(logs);
        assertEquals(1, warned.size(), warned.toString());
        assertTrue(warned.get(0).message().contains("rows=1"), warned.get(0).message());
        assertTrue(warned.get(0).message().contains("page=1"), warned.get(0).message());
      }
    }
  }

  @Test
  void rowsAfterTheQuerysEndOrBeforeItsStartAreDropped() {
    OhlcvQuery q = minutes(250);
    ScriptedSource s = ScriptedSource.of("scripted", 100);
    CandleSeries truth = s.expected(q);
    OhlcvQuery wider =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .interval(Interval.M1)
            .between(FROM.minus(Duration.ofHours(1)), FROM.plus(Duration.ofDays(1)))
            .build();
    CandleSeries around = s.expected(wider);
    CandleSeries before = around.slice(0, 3);
    CandleSeries after = around.slice(around.size() - 2, around.size());
    s.then(
        changed(p -> plus(plus(p, before), after)),
        changed(p -> plus(p, after)),
        changed(p -> plus(p, before)));
    try (LogCapture logs = LogCapture.start()) {
      assertEquals(truth, s.fetch(q));
      assertEquals(3, dropped(logs).size());
    }
  }

  @Test
  void aPageWithoutAWindowIsCheckedAgainstTheQuerysRange() {
    OhlcvQuery q = minutes(250);
    ScriptedSource s = ScriptedSource.of("scripted", 100);
    CandleSeries truth = s.expected(q);
    CandleSeries next = s.expected(minutes(300)).slice(260, 261);
    s.then(
        changed(p -> Page.of(p.candles())),
        changed(p -> Page.of(p.candles())),
        changed(p -> Page.of(CandleSeries.concat(List.of(p.candles(), next)))));
    try (LogCapture logs = LogCapture.start()) {
      assertEquals(truth, s.fetch(q));
      assertEquals(1, dropped(logs).size());
    }
  }

  @Test
  void withoutWindowsAForwardRowDoesNotPushTheNextPageOut() {
    // The seam rule alone, for pages without a window: a page that ends with a row from further
    // on. (Only a window tells a stray row from a real one in general; see Page.)
    OhlcvQuery q = minutes(300);
    ScriptedSource s = ScriptedSource.of("scripted", 100);
    CandleSeries truth = s.expected(q);
    Outcome[] script = {
      changed(p -> Page.of(CandleSeries.concat(List.of(p.candles(), truth.slice(150, 151))))),
      changed(p -> Page.of(p.candles())),
      changed(p -> Page.of(p.candles()))
    };
    s.then(script);
    assertEquals(truth, s.fetch(q));
    s.then(script);
    assertEquals(truth, CandleSeries.concat(s.pages(q).toList()));
  }

  @Test
  void aRowOffTheGridFailsNamingTheRow() {
    OhlcvQuery q = minutes(250);
    ScriptedSource s = ScriptedSource.of("scripted", 100);
    s.then(Outcome.ok(), changed(p -> shifted(p, 7, 1000)));
    DataFormatException e = assertThrows(DataFormatException.class, () -> s.fetch(q));
    assertTrue(e.getMessage().contains("row 7 of page 2"), e.getMessage());
    assertTrue(e.getMessage().contains("2024-01-01T01:47:01Z"), e.getMessage());
    assertTrue(e.getMessage().contains("not the start of a 1m candle"), e.getMessage());
    s.then(Outcome.ok(), changed(p -> shifted(p, 7, 1000)));
    assertThrows(DataFormatException.class, () -> s.pages(q).count(), "stream too");
  }

  @Test
  void aCalendarCandleOffItsZonesMidnightFails() {
    OhlcvQuery q =
        OhlcvQuery.builder()
            .symbol("BTCUSDT")
            .interval(Interval.D1)
            .between(FROM, FROM.plus(Duration.ofDays(30)))
            .build();
    SampleSource sample =
        SampleSource.builder()
            .clock(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
            .build();
    CandleSeries days = sample.fetch(q);
    CandleSource s = fixedPages(q, List.of(shifted(Page.of(days), 3, 3_600_000L)));
    DataFormatException e = assertThrows(DataFormatException.class, () -> s.fetch(q));
    assertTrue(e.getMessage().contains("row 3 of page 1"), e.getMessage());
    assertTrue(e.getMessage().contains("not the start of a 1d candle in Z"), e.getMessage());
  }

  @Test
  void aPageAtAnotherIntervalFails() {
    OhlcvQuery q = minutes(60);
    SampleSource sample = SampleSource.create();
    CandleSeries fives =
        sample.fetch(
            OhlcvQuery.builder()
                .symbol("BTCUSDT")
                .interval(Interval.M5)
                .between(FROM, FROM.plus(Duration.ofHours(1)))
                .build());
    CandleSource s = fixedPages(q, List.of(Page.of(fives)));
    DataFormatException e = assertThrows(DataFormatException.class, () -> s.fetch(q));
    assertTrue(e.getMessage().contains("holds 5m candles, but 1m"), e.getMessage());
  }

  @Test
  void aWindowIsTakenAsAskedForAndPageOfKeepsWorking() {
    CandleSeries c = SampleSource.create().fetch(minutes(10));
    TimeRange w = new TimeRange(FROM, FROM.plus(Duration.ofMinutes(10)));
    assertEquals(Optional.of(w), Page.of(c, w).window());
    assertEquals(Optional.empty(), Page.of(c).window());
    assertEquals(
        Optional.empty(),
        new Page(c, 0, Optional.empty(), 5, 5).window(),
        "an empty window is none");
  }

  /** The page with row {@code i} moved by {@code millis}. */
  private static Page shifted(Page p, int i, long millis) {
    CandleSeries c = p.candles();
    CandleSeries.Builder b = CandleSeries.builder(c.symbol(), c.interval()).zone(c.zone());
    for (int k = 0; k < c.size(); k++) {
      b.add(
          c.openTimeMillis(k) + (k == i ? millis : 0),
          c.open(k),
          c.high(k),
          c.low(k),
          c.close(k),
          c.volume(k));
    }
    return new Page(b.build(), p.bytes(), p.serverTime(), p.window());
  }

  /** A source that answers with these pages, in order. */
  private static CandleSource fixedPages(OhlcvQuery q, List<Page> pages) {
    return new CandleSource() {
      @Override
      public String name() {
        return "fixed";
      }

      @Override
      public SourceCapabilities capabilities() {
        return SourceCapabilities.builder().anyMultipleOf(Interval.M1).build();
      }

      @Override
      public PageCursor cursor(OhlcvQuery query) {
        List<Page> left = new ArrayList<>(pages);
        return new PageCursor() {
          @Override
          public boolean hasNext() {
            return !left.isEmpty();
          }

          @Override
          public CompletableFuture<Page> next() {
            if (left.isEmpty()) {
              throw new NoSuchElementException();
            }
            return CompletableFuture.completedFuture(left.remove(0));
          }

          @Override
          public void close() {}
        };
      }
    };
  }
}
