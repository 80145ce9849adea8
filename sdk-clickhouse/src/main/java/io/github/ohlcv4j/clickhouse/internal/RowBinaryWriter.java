package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.GzipSink;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * Writes candles as {@code RowBinary} rows of {@code (symbol String, time, open, high, low, close,
 * volume Float64)}: the body of an {@code INSERT ... FORMAT RowBinary}. Rows are encoded into a
 * small buffer and streamed into the request, never held as a whole. The body is {@linkplain
 * RequestBody#isOneShot() one-shot}: the HTTP client must not send it again by itself when a
 * connection fails, as the server may have stored the rows already.
 */
public final class RowBinaryWriter {
  private RowBinaryWriter() {}

  private static final MediaType BINARY = MediaType.get("application/octet-stream");
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * A {@code String} as RowBinary writes it: the LEB128 length of its UTF-8 bytes, then the bytes.
   */
  public static byte[] string(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[bytes.length + 5];
    int n = 0;
    int len = bytes.length;
    while ((len & ~0x7F) != 0) {
      out[n++] = (byte) ((len & 0x7F) | 0x80);
      len >>>= 7;
    }
    out[n++] = (byte) len;
    System.arraycopy(bytes, 0, out, n, bytes.length);
    return Arrays.copyOf(out, n + bytes.length);
  }

  /** Whether row {@code i} can be stored: finite values, not invented by gap filling. */
  public static boolean writable(CandleSeries s, int i) {
    if (s.isFilled(i)) {
      return false;
    }
    double sum = s.open(i) + s.high(i) + s.low(i) + s.close(i) + s.volume(i);
    return !Double.isNaN(sum) && !Double.isInfinite(sum);
  }

  /**
   * Checks that a row's open time fits the column type.
   *
   * @throws IllegalArgumentException saying which row, if not
   */
  public static void checkTime(CandleSeries s, int i, TimeColumnType type) {
    long t = s.openTimeMillis(i);
    if (type == TimeColumnType.DATE_TIME) {
      if (t % 1000 != 0 || t < 0 || t / 1000 > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            s.symbol()
                + " "
                + s.interval()
                + ": the candle at "
                + Instant.ofEpochMilli(t)
                + " cannot be stored in a DateTime column, which holds whole seconds from 1970 to"
                + " 2106; use a DateTime64(3) table");
      }
    }
  }

  /**
   * The request body holding rows {@code [from, to)} of {@code series} that are {@link #writable}.
   *
   * @param symbol the text stored in the symbol column
   * @param gzip whether to compress the body (the request then needs {@code Content-Encoding:
   *     gzip})
   */
  public static RequestBody body(
      CandleSeries series, int from, int to, String symbol, TimeColumnType type, boolean gzip) {
    byte[] prefix = string(symbol);
    int rowBytes = prefix.length + (type == TimeColumnType.DATE_TIME ? 4 : 8) + 40;
    long rows = 0;
    for (int i = from; i < to; i++) {
      if (writable(series, i)) {
        rows++;
      }
    }
    return new Rows(series, null, from, to, prefix, type, null, rows * rowBytes, rowBytes, gzip);
  }

  /**
   * The bytes of one store row: the symbol prefix, the time, the five values, the flags and the six
   * extra columns.
   */
  public static int storeRowBytes(int prefixLength, TimeColumnType type) {
    return prefixLength + (type == TimeColumnType.DATE_TIME ? 4 : 8) + 40 + 1 + 8 * 6;
  }

  /**
   * The request body holding rows {@code rows[from..to)} of {@code series} as a store keeps them:
   * {@code (symbol, time, open, high, low, close, volume, flags, quote_volume, trade_count,
   * taker_buy_volume, taker_buy_quote_volume, vwap, close_time)}, with the partial and suspect
   * flags, and NaN for an extra column the series does not have. Values are written as they are,
   * NaN included.
   *
   * @param rows indices of the rows to write, ascending
   */
  public static RequestBody storeBody(
      CandleSeries series,
      int[] rows,
      int from,
      int to,
      String symbol,
      TimeColumnType type,
      boolean gzip) {
    byte[] prefix = string(symbol);
    int rowBytes = storeRowBytes(prefix.length, type);
    ExtraColumn[] all = ExtraColumn.values();
    double[] @Nullable [] extras = new double[all.length][];
    for (int k = 0; k < all.length; k++) {
      extras[k] = series.has(all[k]) ? series.extras(all[k]) : null;
    }
    long length = (long) (to - from) * rowBytes;
    return new Rows(series, rows, from, to, prefix, type, extras, length, rowBytes, gzip);
  }

  /**
   * Rows of a series as a one-shot body, encoded in chunks of about 64 KiB: every {@link #writable}
   * row of {@code [from, to)} ({@link #body}), or the rows {@code rows[from..to)} with their flags
   * and extra columns ({@link #storeBody}).
   */
  private static final class Rows extends RequestBody {
    private static final long NAN = Double.doubleToRawLongBits(Double.NaN);

    private final CandleSeries series;
    private final int @Nullable [] rows;
    private final int from;
    private final int to;
    private final byte[] prefix;
    private final TimeColumnType type;
    private final double @Nullable [] @Nullable [] extras;
    private final long length;
    private final int rowBytes;
    private final boolean gzip;

    /**
     * @param rows the indices of the rows to write, or null for the writable rows of the range
     * @param extras the extra columns of a store row (null for a column the series lacks), or null
     *     for rows without flags and extra columns
     */
    Rows(
        CandleSeries series,
        int @Nullable [] rows,
        int from,
        int to,
        byte[] prefix,
        TimeColumnType type,
        double @Nullable [] @Nullable [] extras,
        long length,
        int rowBytes,
        boolean gzip) {
      this.series = series;
      this.rows = rows;
      this.from = from;
      this.to = to;
      this.prefix = prefix;
      this.type = type;
      this.extras = extras;
      this.length = length;
      this.rowBytes = rowBytes;
      this.gzip = gzip;
    }

    @Override
    public @Nullable MediaType contentType() {
      return BINARY;
    }

    @Override
    public long contentLength() {
      return gzip ? -1 : length;
    }

    @Override
    public boolean isOneShot() {
      return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      if (gzip) {
        try (BufferedSink z = Okio.buffer(new GzipSink(sink))) {
          write(z);
        }
      } else {
        write(sink);
      }
    }

    private void write(BufferedSink sink) throws IOException {
      int[] rows = this.rows;
      double @Nullable [] @Nullable [] extras = this.extras;
      int prefixLength = prefix.length;
      int perChunk = Math.max(1, 65536 / rowBytes);
      byte[] chunk = new byte[perChunk * rowBytes];
      int p = 0;
      for (int r = from; r < to; r++) {
        int i = rows == null ? r : rows[r];
        if (rows == null && !writable(series, i)) {
          continue;
        }
        System.arraycopy(prefix, 0, chunk, p, prefixLength);
        p += prefixLength;
        long t = series.openTimeMillis(i);
        if (type == TimeColumnType.DATE_TIME) {
          INT.set(chunk, p, (int) (t / 1000));
          p += 4;
        } else {
          LONG.set(chunk, p, t);
          p += 8;
        }
        LONG.set(chunk, p, Double.doubleToRawLongBits(series.open(i)));
        LONG.set(chunk, p + 8, Double.doubleToRawLongBits(series.high(i)));
        LONG.set(chunk, p + 16, Double.doubleToRawLongBits(series.low(i)));
        LONG.set(chunk, p + 24, Double.doubleToRawLongBits(series.close(i)));
        LONG.set(chunk, p + 32, Double.doubleToRawLongBits(series.volume(i)));
        p += 40;
        if (extras != null) {
          chunk[p++] = (byte) (series.flags(i) & StoreColumns.STORED_FLAGS);
          for (double[] x : extras) {
            LONG.set(chunk, p, x == null ? NAN : Double.doubleToRawLongBits(x[i]));
            p += 8;
          }
        }
        if (p == chunk.length) {
          sink.write(chunk, 0, p);
          p = 0;
        }
      }
      sink.write(chunk, 0, p);
    }
  }
}
