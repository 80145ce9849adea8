package io.github.ohlcv4j.benchmarks;

import com.clickhouse.client.api.data_formats.RowBinaryFormatReader;
import com.clickhouse.client.api.data_formats.internal.BinaryStreamReader;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseColumn;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryReader;
import io.github.ohlcv4j.clickhouse.internal.RowLayout;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding the 1,000,000-row ClickHouse {@code RowBinary} body of {@link Payloads#rowBinary()} (52
 * MB: symbol, DateTime, five Float64 a row) into candles: the SDK's streaming reader into a {@link
 * CandleSeries}, beside a plain {@link ByteBuffer} loop into columns (the ceiling; once into
 * columns it reuses, as the published baseline, and once into new columns each time, as the SDK
 * must) and the official ClickHouse Java client's {@code RowBinaryFormatReader} (client-v2 0.11.0,
 * the peer).
 *
 * <p>{@code sdkWithoutSymbolColumn} decodes the same rows without the symbol (44 bytes a row), as a
 * single-symbol query reads them.
 *
 * <p>All variants read from a {@code ByteArrayInputStream} or the array itself, so the figures
 * exclude the network. Every variant is checked bit for bit against {@link Payloads#rows(int)} in
 * {@code @Setup} before it is timed. Run with {@code benchmarks/run.sh RowBinaryDecodeBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class RowBinaryDecodeBenchmark {

  static final int ROWS = Payloads.CLICKHOUSE_ROWS;
  static final Symbol SYMBOL = Symbol.of(Payloads.SYMBOL);

  /** The body, and columns the reusing loop writes into. */
  @State(Scope.Benchmark)
  public static class Body {
    byte[] body;
    byte[] withoutSymbol;
    Columns reused;

    /** Builds the body (checked against its SHA-256) and checks every variant against the rows. */
    @Setup(Level.Trial)
    public void setup() {
      body = Payloads.rowBinary();
      withoutSymbol = withoutSymbol(body);
      reused = new Columns(ROWS);
      Payloads.Rows rows = Payloads.rows(ROWS);
      check("sdk", Columns.of(sdk(body, true)), rows);
      check("sdkWithoutSizeHint", Columns.of(sdk(body, false)), rows);
      check("sdkWithoutSymbolColumn", Columns.of(sdkWithoutSymbolColumn(withoutSymbol)), rows);
      check("byteBufferLoop", byteBufferLoop(body, reused), rows);
      check("streamLoop", streamLoop(body, new Columns(ROWS)), rows);
      check("clientV2", clientV2(body, new Columns(ROWS)), rows);
    }
  }

  /**
   * The SDK as the source runs it: {@link RowBinaryReader} streaming into a {@link
   * CandleSeries.Builder} told how many rows to expect (the source knows the window's size), then
   * {@code build()}.
   */
  @Benchmark
  public CandleSeries sdk(Body b) {
    return sdk(b.body, true);
  }

  /** The SDK without a size hint: the builder grows in chunks and copies once at the end. */
  @Benchmark
  public CandleSeries sdkWithoutSizeHint(Body b) {
    return sdk(b.body, false);
  }

  /**
   * The SDK on the rows a single-symbol query actually reads: the same rows without the symbol
   * column (44 bytes a row, 44,000,000 bytes).
   */
  @Benchmark
  public CandleSeries sdkWithoutSymbolColumn(Body b) {
    return sdkWithoutSymbolColumn(b.withoutSymbol);
  }

  /** The ceiling: a plain little-endian loop into columns it reuses (no allocation). */
  @Benchmark
  public Columns byteBufferLoop(Body b) {
    return byteBufferLoop(b.body, b.reused);
  }

  /**
   * The ceiling for a decoder that reads a response stream, as the SDK does: the plain loop over 64
   * KB chunks read from an {@link java.io.InputStream}, rows cut by a chunk boundary carried over,
   * into columns it reuses ({@code rowBinaryStream} in the published baselines).
   */
  @Benchmark
  public Columns streamLoop(Body b) {
    return streamLoop(b.body, b.reused);
  }

  /** The plain loop into new columns each time, as a decoder handing out its result must. */
  @Benchmark
  public Columns byteBufferLoopNewColumns(Body b) {
    return byteBufferLoop(b.body, new Columns(ROWS));
  }

  /** The peer: client-v2's RowBinary reader, values taken by column index into reused columns. */
  @Benchmark
  public Columns clientV2(Body b) {
    return clientV2(b.body, b.reused);
  }

  static CandleSeries sdk(byte[] body, boolean sizeHint) {
    CandleSeries.Builder builder = CandleSeries.builder(SYMBOL, Interval.M1);
    if (sizeHint) {
      builder.expectedSize(ROWS);
    }
    RowBinaryReader.Target target = new RowBinaryReader.Target(Payloads.SYMBOL, builder);
    RowBinaryReader reader =
        new RowBinaryReader(
            new RowLayout(true, RowLayout.TimeKind.SECONDS, false),
            List.of(target),
            ZoneOffset.UTC,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            null,
            "benchmark",
            "decoding the payload");
    try {
      reader.read(new ByteArrayInputStream(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return builder.build();
  }

  static CandleSeries sdkWithoutSymbolColumn(byte[] body) {
    CandleSeries.Builder builder = CandleSeries.builder(SYMBOL, Interval.M1).expectedSize(ROWS);
    RowBinaryReader reader =
        new RowBinaryReader(
            new RowLayout(false, RowLayout.TimeKind.SECONDS, false),
            List.of(new RowBinaryReader.Target(Payloads.SYMBOL, builder)),
            ZoneOffset.UTC,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            null,
            "benchmark",
            "decoding the payload without its symbol column");
    try {
      reader.read(new ByteArrayInputStream(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return builder.build();
  }

  /** The payload's rows without their first 8 bytes (the symbol: one length byte and 7 bytes). */
  static byte[] withoutSymbol(byte[] body) {
    int rows = body.length / Payloads.ROW_BINARY_ROW_BYTES;
    int size = Payloads.ROW_BINARY_ROW_BYTES - 8;
    byte[] out = new byte[rows * size];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(body, i * Payloads.ROW_BINARY_ROW_BYTES + 8, out, i * size, size);
    }
    return out;
  }

  static Columns byteBufferLoop(byte[] body, Columns out) {
    ByteBuffer buf = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    int n = 0;
    while (buf.hasRemaining()) {
      int len = buf.get(); // 7: the symbol's length fits one LEB128 byte
      buf.position(buf.position() + len);
      out.time[n] = (buf.getInt() & 0xFFFF_FFFFL) * 1000;
      out.open[n] = buf.getDouble();
      out.high[n] = buf.getDouble();
      out.low[n] = buf.getDouble();
      out.close[n] = buf.getDouble();
      out.volume[n] = buf.getDouble();
      n++;
    }
    out.size = n;
    return out;
  }

  static Columns streamLoop(byte[] body, Columns out) {
    java.io.InputStream in = new ByteArrayInputStream(body);
    byte[] chunk = new byte[1 << 16];
    ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    int filled = 0;
    int n = 0;
    try {
      while (true) {
        int r = in.read(chunk, filled, chunk.length - filled);
        if (r < 0) {
          break;
        }
        filled += r;
        int pos = 0;
        while (filled - pos >= 1 && filled - pos >= 1 + chunk[pos] + 44) {
          int len = chunk[pos]; // 7: the symbol's length fits one LEB128 byte
          int at = pos + 1 + len;
          out.time[n] = (buf.getInt(at) & 0xFFFF_FFFFL) * 1000;
          out.open[n] = buf.getDouble(at + 4);
          out.high[n] = buf.getDouble(at + 12);
          out.low[n] = buf.getDouble(at + 20);
          out.close[n] = buf.getDouble(at + 28);
          out.volume[n] = buf.getDouble(at + 36);
          n++;
          pos = at + 44;
        }
        System.arraycopy(chunk, pos, chunk, 0, filled - pos);
        filled -= pos;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.size = n;
    return out;
  }

  static Columns clientV2(byte[] body, Columns out) {
    TableSchema schema =
        new TableSchema(
            List.of(
                ClickHouseColumn.of("symbol", "String"),
                ClickHouseColumn.of("ts", "DateTime"),
                ClickHouseColumn.of("open", "Float64"),
                ClickHouseColumn.of("high", "Float64"),
                ClickHouseColumn.of("low", "Float64"),
                ClickHouseColumn.of("close", "Float64"),
                ClickHouseColumn.of("volume", "Float64")));
    RowBinaryFormatReader reader =
        new RowBinaryFormatReader(
            new ByteArrayInputStream(body),
            new QuerySettings().setUseTimeZone("UTC"),
            schema,
            new BinaryStreamReader.DefaultByteBufferAllocator());
    int n = 0;
    while (reader.hasNext()) {
      reader.next();
      reader.getString(1);
      out.time[n] = reader.getInstant(2).toEpochMilli();
      out.open[n] = reader.getDouble(3);
      out.high[n] = reader.getDouble(4);
      out.low[n] = reader.getDouble(5);
      out.close[n] = reader.getDouble(6);
      out.volume[n] = reader.getDouble(7);
      n++;
    }
    out.size = n;
    return out;
  }

  static void check(String variant, Columns c, Payloads.Rows rows) {
    if (c.size != rows.size()) {
      throw new IllegalStateException(variant + ": " + c.size + " rows, not " + rows.size());
    }
    for (int i = 0; i < rows.size(); i++) {
      if (c.time[i] != rows.openTimeMillis(i)
          || Double.doubleToRawLongBits(c.open[i]) != Double.doubleToRawLongBits(rows.open(i))
          || Double.doubleToRawLongBits(c.high[i]) != Double.doubleToRawLongBits(rows.high(i))
          || Double.doubleToRawLongBits(c.low[i]) != Double.doubleToRawLongBits(rows.low(i))
          || Double.doubleToRawLongBits(c.close[i]) != Double.doubleToRawLongBits(rows.close(i))
          || Double.doubleToRawLongBits(c.volume[i])
              != Double.doubleToRawLongBits(rows.volume(i))) {
        throw new IllegalStateException(variant + ": row " + i + " differs from the payload");
      }
    }
  }

  /** Decoded rows as plain columns. */
  public static final class Columns {
    final long[] time;
    final double[] open;
    final double[] high;
    final double[] low;
    final double[] close;
    final double[] volume;
    int size;

    Columns(int capacity) {
      time = new long[capacity];
      open = new double[capacity];
      high = new double[capacity];
      low = new double[capacity];
      close = new double[capacity];
      volume = new double[capacity];
    }

    static Columns of(CandleSeries s) {
      return new Columns(s);
    }

    private Columns(CandleSeries s) {
      time = s.openTimes();
      open = s.opens();
      high = s.highs();
      low = s.lows();
      close = s.closes();
      volume = s.volumes();
      size = s.size();
    }
  }
}
