package io.github.ohlcv4j.source.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SampleSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CsvSource} through a client, on files the test writes: the form {@code toCsv} writes, and
 * Binance's kline dumps in their published form (twelve columns, no header; microseconds in spot
 * files since 2025, milliseconds in USD-M futures files, which have a header).
 */
class CsvSourceTest {

  private static final Instant JAN = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant DEC = Instant.parse("2024-12-01T00:00:00Z");

  @TempDir Path dir;

  /** The sample market's one-minute BTCUSDT candles over {@code [from, from + minutes)}. */
  private static CandleSeries minutes(Instant from, int minutes) {
    return SampleSource.create()
        .fetch(
            OhlcvQuery.builder()
                .symbol("BTCUSDT")
                .interval(Interval.M1)
                .between(from, from.plus(Duration.ofMinutes(minutes)))
                .build());
  }

  /**
   * A Binance kline dump of {@code s}: open time, OHLCV, close time (open + interval - 1 unit),
   * quote volume, trades, taker buy base and quote volume, ignore; times in microseconds if {@code
   * micros}.
   */
  private static String binance(CandleSeries s, boolean micros, boolean header) {
    StringBuilder b = new StringBuilder();
    if (header) {
      b.append(
          "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
              + "taker_buy_quote_volume,ignore\n");
    }
    long unit = micros ? 1000 : 1;
    for (int i = 0; i < s.size(); i++) {
      long t = s.openTimeMillis(i);
      double quote = s.close(i) * s.volume(i);
      b.append(t * unit)
          .append(',')
          .append(plain(s.open(i)))
          .append(',')
          .append(plain(s.high(i)))
          .append(',')
          .append(plain(s.low(i)))
          .append(',')
          .append(plain(s.close(i)))
          .append(',')
          .append(plain(s.volume(i)))
          .append(',')
          .append((t + 60_000) * unit - 1)
          .append(',')
          .append(plain(quote))
          .append(',')
          .append(10 + i)
          .append(',')
          .append(plain(s.volume(i) / 2))
          .append(',')
          .append(plain(quote / 2))
          .append(",0\n");
    }
    return b.toString();
  }

  private static String plain(double d) {
    return new java.math.BigDecimal(Double.toString(d)).toPlainString();
  }

  private static void zip(Path zip, String entry, String content) throws IOException {
    try (OutputStream o = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(o)) {
      z.putNextEntry(new ZipEntry(entry));
      z.write(content.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
  }

  private static OhlcvQuery query(String symbol, Interval iv, Instant from, Instant to) {
    return OhlcvQuery.builder().symbol(symbol).interval(iv).between(from, to).build();
  }

  private static void assertSameCandles(CandleSeries expected, CandleSeries actual) {
    assertEquals(expected.size(), actual.size(), "rows");
    for (int i = 0; i < expected.size(); i++) {
      String row = "row " + i;
      assertEquals(expected.openTimeMillis(i), actual.openTimeMillis(i), row);
      assertEquals(expected.open(i), actual.open(i), row);
      assertEquals(expected.high(i), actual.high(i), row);
      assertEquals(expected.low(i), actual.low(i), row);
      assertEquals(expected.close(i), actual.close(i), row);
      assertEquals(expected.volume(i), actual.volume(i), row);
    }
  }

  @Test
  void whatToCsvWroteReadsBackThroughAClient() throws IOException {
    CandleSeries hourly = minutes(DEC, 600).resample(Interval.H1);
    Files.writeString(dir.resolve("BTCUSDT-1h.csv"), hourly.toCsv());
    try (OhlcvClient client = OhlcvClient.of("csv:" + dir)) {
      CandleSeries back =
          client.fetch(query("BTCUSDT", Interval.H1, DEC, DEC.plus(Duration.ofHours(10))));
      assertSameCandles(hourly, back);
      assertEquals("csv:" + dir, back.source());
      CandleSeries daily =
          client.fetch(
              query("BTCUSDT", Interval.H1, DEC, DEC.plus(Duration.ofHours(10)))
                  .newBuilder()
                  .resample(Interval.H2)
                  .build());
      assertSameCandles(hourly.resample(Interval.H2), daily);
    }
  }

  @Test
  void binanceSpotDumpsInMicrosecondsAndFuturesDumpsInMillisecondsAgree() throws IOException {
    CandleSeries jan = minutes(JAN, 180);
    CandleSeries dec = minutes(DEC, 180);
    zip(dir.resolve("BTCUSDT-1m-2025-01.zip"), "BTCUSDT-1m-2025-01.csv", binance(jan, true, false));
    Files.writeString(dir.resolve("BTCUSDT-1m-2024-12.csv"), binance(dec, false, false));
    Path futures = Files.createDirectories(dir.resolve("futures"));
    Files.writeString(futures.resolve("ETHUSDT-1m-2025-01.csv"), binance(jan, false, true));
    try (OhlcvClient client = OhlcvClient.of("csv:" + dir)) {
      CandleSeries spot =
          client.fetch(query("BTCUSDT", Interval.M1, JAN, JAN.plus(Duration.ofHours(3))));
      assertSameCandles(jan, spot);
      assertEquals(JAN.toEpochMilli() + 59_999, (long) spot.extra(ExtraColumn.CLOSE_TIME, 0));
      assertEquals(10, spot.extra(ExtraColumn.TRADE_COUNT, 0));
      CandleSeries ms =
          client.fetch(query("BTCUSDT", Interval.M1, DEC, DEC.plus(Duration.ofHours(3))));
      assertSameCandles(dec, ms);
      CandleSeries eth =
          client.fetch(query("BINANCE:ETHUSDT.P", Interval.M1, JAN, JAN.plus(Duration.ofHours(3))));
      assertSameCandles(jan, eth);
      assertEquals(spot.extra(ExtraColumn.CLOSE_TIME, 179), eth.extra(ExtraColumn.CLOSE_TIME, 179));
    }
  }

  @Test
  void pagesRetriesResamplingAndCompleteOnlyWorkAsForAnySource() throws IOException {
    CandleSeries all = minutes(JAN, 3 * 1440);
    for (int d = 0; d < 3; d++) {
      CandleSeries day = all.slice(d * 1440, (d + 1) * 1440);
      Files.writeString(
          dir.resolve(String.format(Locale.ROOT, "BTCUSDT-1m-2025-01-%02d.csv", d + 1)),
          binance(day, true, false));
    }
    Instant to = JAN.plus(Duration.ofDays(3));
    AtomicInteger pages = new AtomicInteger();
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source(CsvSource.builder().path(dir).pageSize(1000).build())
            .eventListener(
                new OhlcvEventListener() {
                  @Override
                  public void pageEnd(
                      OhlcvEventListener.Fetch f, int page, int rows, long bytes, Duration d) {
                    pages.incrementAndGet();
                  }
                })
            .build()) {
      OhlcvQuery q = query("BTCUSDT", Interval.M1, JAN.plus(Duration.ofMinutes(30)), to);
      CandleSeries got = client.fetch(q);
      assertSameCandles(all.slice(30, all.size()), got);
      assertTrue(pages.get() >= 5, "pages: " + pages.get());
      List<CandleSeries> streamed = client.pages(q).collect(Collectors.toList());
      assertEquals(got, CandleSeries.concat(streamed));
      CandleSeries hourly =
          client.fetch(
              query("BTCUSDT", Interval.M1, JAN, to).newBuilder().resample(Interval.H4).build());
      assertSameCandles(all.resample(Interval.H4), hourly);
    }
    // completeOnly: with the clock in the middle of the last file, its last candles are ahead of
    // "now" and the one in progress is dropped.
    Instant now = JAN.plus(Duration.ofDays(2)).plus(Duration.ofMinutes(90)).plusSeconds(20);
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source("csv:" + dir)
            .clock(java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))
            .build()) {
      OhlcvQuery q =
          query("BTCUSDT", Interval.M1, JAN.plus(Duration.ofDays(2)), to)
              .newBuilder()
              .resample(Interval.H1)
              .completeOnly()
              .build();
      CandleSeries complete = client.fetch(q);
      assertEquals(1, complete.size(), complete.toString());
      assertEquals(JAN.plus(Duration.ofDays(2)), complete.openTime(0));
    }
  }

  @Test
  void aFileCutShortIsReadAgainOnceItIsWhole() throws IOException {
    CandleSeries day = minutes(JAN, 120);
    String whole = binance(day, true, false);
    Path file = dir.resolve("BTCUSDT-1m-2025-01-01.csv");
    int cut = whole.lastIndexOf('\n', whole.length() - 2) + 20;
    Files.writeString(file, whole.substring(0, cut));
    List<OhlcvException> retried = new ArrayList<>();
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source("csv:" + dir)
            .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(2), 3))
            .eventListener(
                new OhlcvEventListener() {
                  @Override
                  public void retry(
                      OhlcvEventListener.Fetch f, int attempt, OhlcvException cause, Duration w) {
                    retried.add(cause);
                    try {
                      Files.writeString(file, whole); // the writer finishes the file
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }
                })
            .build()) {
      CandleSeries got =
          client.fetch(query("BTCUSDT", Interval.M1, JAN, JAN.plus(Duration.ofHours(2))));
      assertSameCandles(day, got);
    }
    assertEquals(1, retried.size());
    DataFormatException first = assertInstanceOf(DataFormatException.class, retried.get(0));
    assertTrue(first.isRetryable());
    assertTrue(first.getMessage().contains("line 120"), first.getMessage());
    assertTrue(first.getMessage().contains("BTCUSDT-1m-2025-01-01.csv"), first.getMessage());
  }

  @Test
  void aBadValueNamesTheFileTheLineAndTheColumn() throws IOException {
    String csv = binance(minutes(JAN, 10), false, false);
    String[] lines = csv.split("\n");
    lines[6] = lines[6].replaceFirst(",([0-9.]+),", ",12x.5,");
    Files.writeString(dir.resolve("BTCUSDT-1m-2025-01-01.csv"), String.join("\n", lines) + "\n");
    CsvSource s = CsvSource.of(dir);
    DataFormatException e =
        assertThrows(
            DataFormatException.class,
            () -> s.fetch(query("BTCUSDT", Interval.M1, JAN, JAN.plus(Duration.ofMinutes(10)))));
    assertTrue(
        e.getMessage().contains("BTCUSDT-1m-2025-01-01.csv, line 7, column 2"), e.getMessage());
    assertTrue(e.getMessage().contains("12x.5"), e.getMessage());
    assertFalse(e.isRetryable());
  }

  @Test
  void aFileThatChangesItsTimeUnitOrHoldsAnotherIntervalIsRefused() throws IOException {
    String ms = binance(minutes(JAN, 10), false, false);
    String us = binance(minutes(JAN.plus(Duration.ofMinutes(10)), 10), true, false);
    Files.writeString(dir.resolve("BTCUSDT-1m-2025-01-01.csv"), ms + us);
    DataFormatException unit =
        assertThrows(
            DataFormatException.class,
            () ->
                CsvSource.of(dir)
                    .fetch(query("BTCUSDT", Interval.M1, JAN, JAN.plus(Duration.ofMinutes(20)))));
    assertTrue(unit.getMessage().contains("line 11, column 1"), unit.getMessage());
    assertTrue(unit.getMessage().contains("microseconds"), unit.getMessage());

    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("ETHUSDT-1h.csv"), minutes(JAN.plusSeconds(60), 10).toCsv());
    DataFormatException grid =
        assertThrows(
            DataFormatException.class,
            () ->
                CsvSource.of(other)
                    .fetch(query("ETHUSDT", Interval.H1, JAN, JAN.plus(Duration.ofHours(1)))));
    assertTrue(grid.getMessage().contains("line 2, column 1"), grid.getMessage());
    assertTrue(grid.getMessage().contains("does not start a 1h candle"), grid.getMessage());
  }

  @Test
  void whatTheFolderDoesNotHoldIsSaidBeforeAnyFileIsRead() throws IOException {
    Files.writeString(
        dir.resolve("BTCUSDT-1m-2025-01-01.csv"), binance(minutes(JAN, 5), true, false));
    CsvSource s = CsvSource.of(dir);
    SymbolNotFoundException symbol =
        assertThrows(
            SymbolNotFoundException.class,
            () -> s.fetch(query("ETHUSDT", Interval.M1, JAN, JAN.plus(Duration.ofMinutes(5)))));
    assertTrue(symbol.getMessage().contains("BTCUSDT 1m"), symbol.getMessage());
    assertTrue(symbol.getMessage().contains("ETHUSDT"), symbol.getMessage());
    assertFalse(symbol.isRetryable());
    assertEquals(s.name(), symbol.source().orElseThrow());
    CandleSeries before =
        s.fetch(query("BTCUSDT", Interval.M1, DEC, DEC.plus(Duration.ofMinutes(5))));
    assertTrue(before.isEmpty(), "a known symbol without candles in the range: " + before);
    assertEquals(Interval.M1, before.interval());
    UnsupportedIntervalException interval =
        assertThrows(
            UnsupportedIntervalException.class,
            () -> s.fetch(query("BTCUSDT", Interval.H1, JAN, JAN.plus(Duration.ofHours(5)))));
    assertTrue(interval.getMessage().contains("[1m]"), interval.getMessage());
    InvalidQueryException zone =
        assertThrows(
            InvalidQueryException.class,
            () ->
                s.fetch(
                    query("BTCUSDT", Interval.D1, JAN, JAN.plus(Duration.ofDays(5)))
                        .newBuilder()
                        .zone(ZoneId.of("Asia/Tokyo"))
                        .build()));
    assertTrue(zone.getMessage().contains("in UTC"), zone.getMessage());
  }

  @Test
  void theUriOpensAFileWithItsSettings() throws IOException {
    CandleSeries hourly = minutes(DEC, 300).resample(Interval.H1);
    Path file = dir.resolve("quickstart export.csv");
    Files.writeString(file, hourly.toCsv());
    String uri = "csv:" + file.toString().replace(" ", "%20") + "?interval=1h&symbol=BTCUSDT";
    CandleSource s = CandleSources.open(uri);
    assertEquals("csv:" + file, s.name());
    assertSameCandles(
        hourly, s.fetch(query("BTCUSDT", Interval.H1, DEC, DEC.plus(Duration.ofHours(5)))));
    InvalidQueryException unknown =
        assertThrows(InvalidQueryException.class, () -> CandleSources.open(uri + "&x=1"));
    assertTrue(unknown.getMessage().contains("zone, pageSize, symbol and interval"));
    assertThrows(
        InvalidQueryException.class,
        () -> CandleSources.open("csv:" + dir.resolve("nothing-here")));
  }
}
