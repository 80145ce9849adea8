package io.github.ohlcv4j.clickhouse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.internal.RowLayout.TimeKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowBinaryReaderTest {

  static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final Symbol BTC = Symbol.parse("BTCUSDT");
  static final Symbol ETH = Symbol.parse("ETHUSDT");

  /** Writes RowBinary rows as ClickHouse does. */
  static final class Rows {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Rows string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      int n = b.length;
      while ((n & ~0x7F) != 0) {
        out.write((n & 0x7F) | 0x80);
        n >>>= 7;
      }
      out.write(n);
      out.writeBytes(b);
      return this;
    }

    Rows u32(long v) {
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
      return this;
    }

    Rows i64(long v) {
      out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
      return this;
    }

    Rows f64(double v) {
      return i64(Double.doubleToRawLongBits(v));
    }

    Rows candle(double o) {
      return f64(o).f64(o + 2).f64(o - 1).f64(o + 1).f64(10);
    }

    Rows text(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  /** Hands out at most {@code chunk} bytes per read, to exercise buffer boundaries. */
  static InputStream trickle(byte[] data, int chunk) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  static RowBinaryReader.Target target(Symbol s, Interval i) {
    return new RowBinaryReader.Target(s.toString(), CandleSeries.builder(s, i));
  }

  static RowBinaryReader raw(RowLayout layout, List<RowBinaryReader.Target> targets) {
    return new RowBinaryReader(
        layout, targets, ZoneOffset.UTC, T0, Long.MAX_VALUE, null, "test", "reading");
  }

  @Test
  void readsStoredRowsAcrossAnyBufferBoundaries() throws IOException {
    int n = 20_000; // about 900 KB: many refills and a compaction
    Rows rows = new Rows();
    for (int i = 0; i < n; i++) {
      rows.u32(T0 / 1000 + 60L * i).candle(100 + i);
    }
    byte[] data = rows.bytes();
    for (int chunk : new int[] {1, 7, 4096, 1 << 20}) {
      RowBinaryReader.Target t = target(BTC, Interval.M1);
      RowBinaryReader r = raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(t));
      assertEquals(data.length, r.read(trickle(data, chunk)));
      CandleSeries s = t.builder().build();
      assertEquals(n, s.size());
      for (int i = 0; i < n; i += 997) {
        assertEquals(T0 + 60_000L * i, s.openTimeMillis(i));
        assertEquals(100 + i, s.open(i));
        assertEquals(102 + i, s.high(i));
        assertEquals(99 + i, s.low(i));
        assertEquals(101 + i, s.close(i));
        assertEquals(10, s.volume(i));
      }
    }
  }

  @Test
  void readsMillisecondTimes() throws IOException {
    byte[] data = new Rows().i64(T0 + 5).candle(1).i64(T0 + 1005).candle(2).bytes();
    RowBinaryReader.Target t = target(BTC, Interval.of(1, Interval.Unit.SECOND));
    raw(new RowLayout(false, TimeKind.MILLIS, false), List.of(t))
        .read(new ByteArrayInputStream(data));
    CandleSeries s = t.builder().build();
    assertEquals(T0 + 5, s.openTimeMillis(0));
    assertEquals(T0 + 1005, s.openTimeMillis(1));
  }

  @Test
  void sortsRowsOfSeveralSymbolsToTheirSeries() throws IOException {
    Rows rows = new Rows();
    for (int i = 0; i < 3; i++) {
      rows.string("BTCUSDT").u32(T0 / 1000 + 60L * i).candle(100 + i);
    }
    for (int i = 0; i < 2; i++) {
      rows.string("ETHUSDT").u32(T0 / 1000 + 60L * i).candle(10 + i);
    }
    RowBinaryReader.Target btc = target(BTC, Interval.M1);
    RowBinaryReader.Target eth = target(ETH, Interval.M1);
    raw(new RowLayout(true, TimeKind.SECONDS, false), List.of(btc, eth))
        .read(trickle(rows.bytes(), 3));
    assertEquals(3, btc.builder().build().size());
    CandleSeries e = eth.builder().build();
    assertEquals(2, e.size());
    assertEquals(11, e.open(1));
  }

  @Test
  void aSymbolNotAskedForIsAnError() {
    byte[] data = new Rows().string("DOGE").u32(T0 / 1000).candle(1).bytes();
    RowBinaryReader r =
        raw(new RowLayout(true, TimeKind.SECONDS, false), List.of(target(BTC, Interval.M1)));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> r.read(new ByteArrayInputStream(data)));
    assertTrue(e.getMessage().contains("DOGE"), e.getMessage());
  }

  @Test
  void aRowCutShortIsARetryableErrorNeverAShorterSeries() {
    byte[] whole = new Rows().u32(T0 / 1000).candle(1).u32(T0 / 1000 + 60).candle(2).bytes();
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
    RowBinaryReader r =
        raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(target(BTC, Interval.M1)));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> r.read(new ByteArrayInputStream(cut)));
    assertTrue(e.isRetryable());
    assertTrue(e.getMessage().contains("ends inside a row"), e.getMessage());
    assertTrue(e.getMessage().contains("byte 44"), e.getMessage());
  }

  @Test
  void findsAnErrorAppendedAfterRowsInBothFormats() {
    String[] errors = {
      "Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded,"
          + " e.what() = DB::Exception\n",
      "Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB."
          + " (MEMORY_LIMIT_EXCEEDED) (version 24.3.1.2672 (official build))\n"
    };
    for (String error : errors) {
      Rows rows = new Rows();
      for (int i = 0; i < 30_000; i++) {
        rows.u32(T0 / 1000 + 60L * i).candle(100);
      }
      byte[] data = rows.text(error).bytes();
      RowBinaryReader r =
          raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(target(BTC, Interval.M1)));
      RowBinaryReader.TrailingServerError e =
          assertThrows(
              RowBinaryReader.TrailingServerError.class, () -> r.read(trickle(data, 5000)));
      assertEquals(error.strip(), e.text);
      assertEquals(241, ServerError.parse(e.text).orElseThrow().code());
    }
  }

  @Test
  void findsAnErrorWhoseLengthIsAWholeNumberOfRows() {
    // Rows of 44 bytes; pad the message so that rows + text still divide into whole rows.
    String base = "Code: 159, e.displayText() = DB::Exception: Timeout exceeded, e.what() = E";
    StringBuilder msg = new StringBuilder(base);
    while ((msg.length() + 1) % 44 != 0) {
      msg.append('x');
    }
    msg.append('\n');
    Rows rows = new Rows();
    for (int i = 0; i < 100; i++) {
      rows.u32(T0 / 1000 + 60L * i).candle(100);
    }
    byte[] data = rows.text(msg.toString()).bytes();
    assertEquals(0, data.length % 44);
    RowBinaryReader r =
        raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(target(BTC, Interval.M1)));
    RowBinaryReader.TrailingServerError e =
        assertThrows(
            RowBinaryReader.TrailingServerError.class,
            () -> r.read(new ByteArrayInputStream(data)));
    assertEquals(159, ServerError.parse(e.text).orElseThrow().code());
    assertEquals(100, e.rows);
  }

  @Test
  void findsAnErrorLongerThanWhatIsHeldBack() {
    String error =
        "Code: 62. DB::Exception: "
            + "y".repeat(RowBinaryReader.HOLD_BACK + 5000)
            + " (SYNTAX_ERROR) (version 23.8.1)\n";
    Rows rows = new Rows();
    for (int i = 0; i < 1000; i++) {
      rows.u32(T0 / 1000 + 60L * i).candle(100);
    }
    byte[] data = rows.text(error).bytes();
    RowBinaryReader r =
        raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(target(BTC, Interval.M1)));
    RowBinaryReader.TrailingServerError e =
        assertThrows(RowBinaryReader.TrailingServerError.class, () -> r.read(trickle(data, 999)));
    assertEquals(62, ServerError.parse(e.text).orElseThrow().code());
  }

  @Test
  void timesOutOfOrderOrOutsideTheWindowAreErrors() {
    byte[] backwards = new Rows().u32(T0 / 1000 + 60).candle(1).u32(T0 / 1000).candle(2).bytes();
    RowBinaryReader r =
        raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(target(BTC, Interval.M1)));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> r.read(new ByteArrayInputStream(backwards)));
    assertTrue(e.getMessage().contains("byte 44"), e.getMessage());
    assertFalse(e.isRetryable());

    byte[] early = new Rows().u32(T0 / 1000 - 60).candle(1).bytes();
    RowBinaryReader r2 =
        raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(target(BTC, Interval.M1)));
    DataFormatException e2 =
        assertThrows(DataFormatException.class, () -> r2.read(new ByteArrayInputStream(early)));
    assertTrue(e2.getMessage().contains("outside the requested"), e2.getMessage());
  }

  @Test
  void equalStoredTimesAreLeftToTheBuilderWhichKeepsTheLast() throws IOException {
    byte[] data = new Rows().u32(T0 / 1000).candle(1).u32(T0 / 1000).candle(2).bytes();
    RowBinaryReader.Target t = target(BTC, Interval.M1);
    raw(new RowLayout(false, TimeKind.SECONDS, false), List.of(t))
        .read(new ByteArrayInputStream(data));
    CandleSeries s = t.builder().build();
    assertEquals(1, s.size());
    assertEquals(2, s.open(0));
  }

  @Test
  void aggregatedRowsCarryCalendarKeysAndPartialFlags() throws IOException {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    long day = LocalDate.of(2024, 3, 30).toEpochDay();
    // The day of the DST change has 23 hours: 1380 minutes make it full.
    byte[] data =
        new Rows()
            .i64(day)
            .candle(1)
            .i64(1440)
            .i64(day + 1)
            .candle(2)
            .i64(1380)
            .i64(day + 2)
            .candle(3)
            .i64(1439)
            .bytes();
    RowBinaryReader.Target t = target(BTC, Interval.D1);
    long from = LocalDate.of(2024, 3, 30).atStartOfDay(berlin).toInstant().toEpochMilli();
    new RowBinaryReader(
            new RowLayout(false, TimeKind.KEY_DAY, true),
            List.of(t),
            berlin,
            from,
            Long.MAX_VALUE,
            start ->
                Buckets.units(Interval.M1, start, Interval.D1.bucketEnd(start, berlin), berlin),
            "test",
            "reading")
        .read(new ByteArrayInputStream(data));
    CandleSeries s = t.builder().build();
    assertEquals(3, s.size());
    assertEquals(from, s.openTimeMillis(0));
    assertEquals(
        LocalDate.of(2024, 3, 31).atStartOfDay(berlin).toInstant().toEpochMilli(),
        s.openTimeMillis(1));
    assertFalse(s.isPartial(0));
    assertFalse(s.isPartial(1));
    assertTrue(s.isPartial(2));
  }

  @Test
  void monthKeysCountFromJanuary1970() throws IOException {
    long key = (2024 - 1970) * 12L + 1; // February 2024
    byte[] data = new Rows().i64(key).candle(1).i64(5).bytes();
    RowBinaryReader.Target t = target(BTC, Interval.MN1);
    new RowBinaryReader(
            new RowLayout(false, TimeKind.KEY_MONTH, true),
            List.of(t),
            ZoneOffset.UTC,
            0,
            Long.MAX_VALUE,
            start -> 41760,
            "test",
            "reading")
        .read(new ByteArrayInputStream(data));
    assertEquals(
        Instant.parse("2024-02-01T00:00:00Z").toEpochMilli(),
        t.builder().build().openTimeMillis(0));
  }

  @Test
  void aGiantStringLengthIsAFormatErrorNotAnOverflow() {
    // A symbol length of 2^31 - 100 passed the old plausibility check, then overflowed an int.
    Rows rows = new Rows().string("BTCUSDT").u32(T0 / 1000).candle(1);
    rows.out.writeBytes(new byte[] {(byte) 0x9C, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
    for (int i = 0; i < 40; i++) {
      rows.u32(T0 / 1000 + 60).candle(2);
    }
    byte[] data = rows.bytes();
    for (int chunk : new int[] {data.length, 3}) {
      RowBinaryReader r =
          raw(
              new RowLayout(true, TimeKind.SECONDS, false),
              List.of(target(BTC, Interval.M1), target(ETH, Interval.M1)));
      DataFormatException e =
          assertThrows(DataFormatException.class, () -> r.read(trickle(data, chunk)));
      assertTrue(e.getMessage().contains("longer than any symbol asked for"), e.getMessage());
      assertTrue(e.getMessage().contains("byte 52"), e.getMessage());
    }
  }

  @Test
  void bucketKeysThatAreNoDateAreFormatErrors() {
    for (TimeKind kind :
        new TimeKind[] {TimeKind.KEY_DAY, TimeKind.KEY_MONTH, TimeKind.KEY_SECONDS}) {
      long[] keys =
          kind == TimeKind.KEY_SECONDS
              ? new long[] {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 999}
              : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 400_000_000_000L};
      for (long key : keys) {
        byte[] data = new Rows().i64(key).candle(1).i64(1).bytes();
        RowBinaryReader r =
            new RowBinaryReader(
                new RowLayout(false, kind, true),
                List.of(target(BTC, Interval.D1)),
                ZoneOffset.UTC,
                0,
                Long.MAX_VALUE,
                start -> 1,
                "test",
                "reading");
        DataFormatException e =
            assertThrows(
                DataFormatException.class,
                () -> r.read(new ByteArrayInputStream(data)),
                kind + " " + key);
        assertTrue(e.getMessage().contains("byte 0"), e.getMessage());
      }
    }
  }

  @Test
  void aBucketKeyThatIsNoDateDoesNotHideTheServersErrorAfterIt() {
    // The server broke off: what came before its error text is no row at all.
    byte[] data =
        new Rows()
            .i64(LocalDate.of(2024, 1, 1).toEpochDay())
            .candle(1)
            .i64(1)
            .i64(Long.MAX_VALUE / 3)
            .candle(2)
            .i64(1)
            .text(
                "Code: 241, e.displayText() = DB::Exception: Memory limit exceeded, e.what() = E\n")
            .bytes();
    RowBinaryReader r =
        new RowBinaryReader(
            new RowLayout(false, TimeKind.KEY_DAY, true),
            List.of(target(BTC, Interval.D1)),
            ZoneOffset.UTC,
            0,
            Long.MAX_VALUE,
            start -> 1,
            "test",
            "reading");
    RowBinaryReader.TrailingServerError e =
        assertThrows(
            RowBinaryReader.TrailingServerError.class,
            () -> r.read(new ByteArrayInputStream(data)));
    assertEquals(241, ServerError.parse(e.text).orElseThrow().code());
  }
}
