package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.Symbol;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark payloads: one deterministic one-minute BTCUSDT series, and the exact bytes a venue
 * or ClickHouse would send for it. Every benchmark uses these, so that its figures can be set
 * beside the peer results measured on the same bytes.
 *
 * <p><b>Use.</b> The canonical payloads are checked against their published SHA-256 before they are
 * returned, so a benchmark can call them in its {@code @Setup} and trust the bytes:
 *
 * <pre>{@code
 * byte[] bybit = Payloads.bybitKlines();          // 1000 rows, 81,573 B
 * byte[] binance = Payloads.binanceKlines();      // 1000 rows, 173,392 B
 * byte[] rowBinary = Payloads.rowBinary();        // 1,000,000 rows, 52,000,000 B
 * Payloads.Rows expected = Payloads.rows(1000);   // the values a parser must produce
 * CandleSeries series = Payloads.candleSeries(1_000_000);
 * }</pre>
 *
 * A parser is checked bit for bit against {@link Rows}: {@code parsed.open(i) == expected.open(i)}
 * and so on, where row {@code i} is the {@code i}-th oldest (the Bybit body lists rows newest
 * first; the others oldest first). {@link #tabSeparated()} and {@link #jsonEachRow()} (67 and 124
 * MB) are the same 1,000,000 rows as ClickHouse prints them.
 *
 * <p><b>The algorithm.</b> One series from {@code new java.util.Random(42)}, in integer units
 * (price tick 0.1 USDT, volume unit 0.001 BTC, quote volume unit 0.0001 USDT); exactly six {@code
 * nextInt} calls a candle, in this order:
 *
 * <pre>
 * open   = previous close (200000 before the first candle)
 * close  = max(1000, open + nextInt(101) - 50)
 * high   = max(open, close) + nextInt(100)
 * low    = max(1, min(open, close) - nextInt(100))
 * volume = 1 + nextInt(500000)
 * trades = 1 + nextInt(5000)
 * takerPercent = nextInt(101)
 * openTime = 2023-01-01T00:00:00Z + i minutes
 * quote volume = volume * close; taker buy volume = volume * takerPercent / 100 (rounded down);
 * taker buy quote volume = taker buy volume * close
 * </pre>
 *
 * Decimal strings are built from the integers (never from a {@code double}), so the bytes are the
 * same on every JVM; each {@code double} is the integer divided by its unit's power of ten, which
 * is the correctly rounded value of the decimal. The first {@code n} rows of any length are the
 * same, so {@code rows(1000)} is a prefix of {@code rows(1_000_000)}.
 *
 * <p>Everything here is stateless and thread-safe; each call generates afresh (the 1,000,000 rows
 * take some tens of milliseconds).
 */
public final class Payloads {

  /** Rows in each exchange kline body. */
  public static final int KLINE_ROWS = 1000;

  /** Rows in each ClickHouse body, and candles in the resampling series. */
  public static final int CLICKHOUSE_ROWS = 1_000_000;

  /** The open time of the first row: 2023-01-01T00:00:00Z, in epoch milliseconds. */
  public static final long START_MILLIS = 1_672_531_200_000L;

  /** The distance between rows: one minute, in milliseconds. */
  public static final long STEP_MILLIS = 60_000L;

  /** The instrument code in every payload. */
  public static final String SYMBOL = "BTCUSDT";

  /** The seed of the {@link Random} the series comes from. */
  public static final long SEED = 42;

  /** SHA-256 (lower-case hex) of {@link #bybitKlines()}: 81,573 bytes. */
  public static final String BYBIT_KLINES_SHA256 =
      "15e74b4bf55b5d76bd79ca949a1435add3bed9a6dd4d02919200ee3fdeff8c5b";

  /** SHA-256 of {@link #binanceKlines()}: 173,392 bytes. */
  public static final String BINANCE_KLINES_SHA256 =
      "a58354515cdee59c6cbf5ff7f00ca9603ac5b65d36e95657605febd838cc0707";

  /** SHA-256 of {@link #rowBinary()}: 52,000,000 bytes. */
  public static final String ROW_BINARY_SHA256 =
      "3f80995ddb794850050601b3f9f2bc2c83ca5ab4e73a9ca13cd6b4c7ef3f067c";

  /** SHA-256 of {@link #tabSeparated()}: 66,868,601 bytes. */
  public static final String TAB_SEPARATED_SHA256 =
      "8671ab8a4c6bf57e64e49bb8d922719ae9748a9e2cb0c0d9e8e3ea921c25b77b";

  /** SHA-256 of {@link #jsonEachRow()}: 123,868,601 bytes. */
  public static final String JSON_EACH_ROW_SHA256 =
      "6de5478142e39ad290dd8efa07e97353ee257b548f0c8f98d69ef6cd43d3f1ac";

  /** Bytes of one RowBinary row: symbol (1 + 7), UInt32 time, five Float64. */
  public static final int ROW_BINARY_ROW_BYTES = 52;

  private static final int FIRST_OPEN_TICKS = 200_000;
  private static final int TAB_SEPARATED_BYTES = 66_868_601;
  private static final int JSON_EACH_ROW_BYTES = 123_868_601;

  private Payloads() {}

  // ---------------------------------------------------------------- the series

  /**
   * The first {@code n} rows of the series, in integer units and as doubles.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public static Rows rows(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative: " + n);
    }
    int[] open = new int[n];
    int[] high = new int[n];
    int[] low = new int[n];
    int[] close = new int[n];
    int[] volume = new int[n];
    int[] trades = new int[n];
    int[] taker = new int[n];
    Random random = new Random(SEED);
    int prevClose = FIRST_OPEN_TICKS;
    for (int i = 0; i < n; i++) {
      int o = prevClose;
      int c = Math.max(1000, o + random.nextInt(101) - 50);
      int h = Math.max(o, c) + random.nextInt(100);
      int l = Math.max(1, Math.min(o, c) - random.nextInt(100));
      open[i] = o;
      high[i] = h;
      low[i] = l;
      close[i] = c;
      volume[i] = 1 + random.nextInt(500_000);
      trades[i] = 1 + random.nextInt(5000);
      taker[i] = random.nextInt(101);
      prevClose = c;
    }
    return new Rows(n, open, high, low, close, volume, trades, taker);
  }

  /**
   * The first {@code n} candles as a plain 1m {@link CandleSeries} of {@code BTCUSDT} (no venue):
   * open, high, low, close and volume, no extra columns.
   */
  public static CandleSeries candleSeries(int n) {
    return candleSeries(rows(n), Symbol.of(SYMBOL));
  }

  /**
   * {@code rows} as a 1m {@link CandleSeries} of {@code symbol}, with the extra columns asked for
   * ({@link ExtraColumn#QUOTE_VOLUME}, {@link ExtraColumn#TRADE_COUNT}, {@link
   * ExtraColumn#TAKER_BUY_VOLUME}, {@link ExtraColumn#TAKER_BUY_QUOTE_VOLUME}, {@link
   * ExtraColumn#CLOSE_TIME}): what a parser of the same payload should build.
   *
   * @throws IllegalArgumentException for an extra column the payloads do not have
   */
  public static CandleSeries candleSeries(Rows rows, Symbol symbol, ExtraColumn... extras) {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(symbol, "symbol");
    for (ExtraColumn column : extras) {
      if (column == ExtraColumn.VWAP) {
        throw new IllegalArgumentException("The payloads have no " + column + " column");
      }
    }
    CandleSeries.Builder b = CandleSeries.builder(symbol, Interval.M1).expectedSize(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      b.add(
          rows.openTimeMillis(i),
          rows.open(i),
          rows.high(i),
          rows.low(i),
          rows.close(i),
          rows.volume(i));
      for (ExtraColumn column : extras) {
        b.extra(column, rows.extra(column, i));
      }
    }
    return b.build();
  }

  // ---------------------------------------------------------------- exchange bodies

  /**
   * The Bybit v5 {@code /v5/market/kline} body for the first {@link #KLINE_ROWS} rows (linear
   * BTCUSDT, 1m), checked against {@link #BYBIT_KLINES_SHA256}.
   */
  public static byte[] bybitKlines() {
    return verified("bybit-kline-1000.json", bybitKlines(rows(KLINE_ROWS)), BYBIT_KLINES_SHA256);
  }

  /**
   * A compact Bybit v5 kline body for {@code rows}: newest row first, each row seven strings {@code
   * [openTime, open, high, low, close, volume, turnover]} with trailing zeros stripped, {@code
   * "time"} one minute after the last open time.
   */
  public static byte[] bybitKlines(Rows rows) {
    Objects.requireNonNull(rows, "rows");
    ByteSink out = new ByteSink(64 + rows.size() * 96);
    out.ascii("{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\",\"symbol\":\"")
        .ascii(SYMBOL)
        .ascii("\",\"list\":[");
    for (int i = rows.size() - 1; i >= 0; i--) {
      out.ascii("[\"").integer(rows.openTimeMillis(i));
      out.ascii("\",\"").decimal(rows.openTicks(i), 1);
      out.ascii("\",\"").decimal(rows.highTicks(i), 1);
      out.ascii("\",\"").decimal(rows.lowTicks(i), 1);
      out.ascii("\",\"").decimal(rows.closeTicks(i), 1);
      out.ascii("\",\"").decimal(rows.volumeUnits(i), 3);
      out.ascii("\",\"").decimal(rows.quoteVolumeUnits(i), 4);
      out.ascii(i == 0 ? "\"]" : "\"],");
    }
    long time =
        rows.size() == 0 ? START_MILLIS : rows.openTimeMillis(rows.size() - 1) + STEP_MILLIS;
    out.ascii("]},\"retExtInfo\":{},\"time\":").integer(time).ascii("}");
    return out.toByteArray();
  }

  /**
   * The Binance {@code /api/v3/klines} body for the first {@link #KLINE_ROWS} rows, checked against
   * {@link #BINANCE_KLINES_SHA256}.
   */
  public static byte[] binanceKlines() {
    return verified(
        "binance-klines-1000.json", binanceKlines(rows(KLINE_ROWS)), BINANCE_KLINES_SHA256);
  }

  /**
   * A compact Binance klines body for {@code rows}: oldest first, each row {@code [openTime,
   * "open", "high", "low", "close", "volume", closeTime, "quoteVolume", trades, "takerBuyVolume",
   * "takerBuyQuoteVolume", "0"]} with exactly eight decimals, {@code closeTime = openTime + 59999}.
   */
  public static byte[] binanceKlines(Rows rows) {
    Objects.requireNonNull(rows, "rows");
    ByteSink out = new ByteSink(8 + rows.size() * 192);
    out.ascii("[");
    for (int i = 0; i < rows.size(); i++) {
      out.ascii(i == 0 ? "[" : ",[").integer(rows.openTimeMillis(i));
      out.ascii(",\"").fixed(rows.openTicks(i), 1, 8);
      out.ascii("\",\"").fixed(rows.highTicks(i), 1, 8);
      out.ascii("\",\"").fixed(rows.lowTicks(i), 1, 8);
      out.ascii("\",\"").fixed(rows.closeTicks(i), 1, 8);
      out.ascii("\",\"").fixed(rows.volumeUnits(i), 3, 8);
      out.ascii("\",").integer(rows.closeTimeMillis(i));
      out.ascii(",\"").fixed(rows.quoteVolumeUnits(i), 4, 8);
      out.ascii("\",").integer(rows.trades(i));
      out.ascii(",\"").fixed(rows.takerBuyVolumeUnits(i), 3, 8);
      out.ascii("\",\"").fixed(rows.takerBuyQuoteVolumeUnits(i), 4, 8);
      out.ascii("\",\"0\"]");
    }
    out.ascii("]");
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- ClickHouse bodies

  /**
   * The ClickHouse {@code RowBinary} body of {@link #CLICKHOUSE_ROWS} rows of {@code (symbol
   * String, ts DateTime, open Float64, high Float64, low Float64, close Float64, volume Float64)},
   * checked against {@link #ROW_BINARY_SHA256}.
   */
  public static byte[] rowBinary() {
    return verified("candles-1m.rowbinary", rowBinary(rows(CLICKHOUSE_ROWS)), ROW_BINARY_SHA256);
  }

  /**
   * {@code rows} as RowBinary: per row the symbol (LEB128 length, then its bytes), the open time as
   * UInt32 little-endian epoch seconds, then open, high, low, close and volume as Float64
   * little-endian; {@link #ROW_BINARY_ROW_BYTES} bytes a row.
   */
  public static byte[] rowBinary(Rows rows) {
    Objects.requireNonNull(rows, "rows");
    ByteSink out = new ByteSink(rows.size() * ROW_BINARY_ROW_BYTES);
    rowBinary(rows, out);
    return out.toByteArray();
  }

  /**
   * Writes {@link #rowBinary(Rows)} to {@code out} without holding the whole body.
   *
   * @throws UncheckedIOException if {@code out} throws
   */
  public static void writeRowBinary(Rows rows, OutputStream out) {
    Objects.requireNonNull(rows, "rows");
    ByteSink sink = new ByteSink(out);
    rowBinary(rows, sink);
    sink.flush();
  }

  private static void rowBinary(Rows rows, ByteSink out) {
    byte[] symbol = SYMBOL.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < rows.size(); i++) {
      out.leb128(symbol.length).bytes(symbol);
      out.int32le((int) (rows.openTimeMillis(i) / 1000));
      out.float64le(rows.open(i));
      out.float64le(rows.high(i));
      out.float64le(rows.low(i));
      out.float64le(rows.close(i));
      out.float64le(rows.volume(i));
    }
  }

  /**
   * The same {@link #CLICKHOUSE_ROWS} rows in ClickHouse's {@code TabSeparated} format, checked
   * against {@link #TAB_SEPARATED_SHA256}.
   */
  public static byte[] tabSeparated() {
    ByteSink out = new ByteSink(TAB_SEPARATED_BYTES);
    tabSeparated(rows(CLICKHOUSE_ROWS), out);
    return verified("candles-1m.tsv", out.toByteArray(), TAB_SEPARATED_SHA256);
  }

  /**
   * Writes {@code rows} as ClickHouse prints them in {@code TabSeparated}: {@code
   * BTCUSDT\t2023-01-01 00:00:00\t20000\t20006.3\t19991.7\t19996.5\t448.885\n} (DateTime in UTC,
   * Float64 in the shortest form that reads back the same).
   *
   * @throws UncheckedIOException if {@code out} throws
   */
  public static void writeTabSeparated(Rows rows, OutputStream out) {
    Objects.requireNonNull(rows, "rows");
    ByteSink sink = new ByteSink(out);
    tabSeparated(rows, sink);
    sink.flush();
  }

  private static void tabSeparated(Rows rows, ByteSink out) {
    for (int i = 0; i < rows.size(); i++) {
      out.ascii(SYMBOL).ascii("\t").dateTime(rows.openTimeMillis(i) / 1000);
      out.ascii("\t").decimal(rows.openTicks(i), 1);
      out.ascii("\t").decimal(rows.highTicks(i), 1);
      out.ascii("\t").decimal(rows.lowTicks(i), 1);
      out.ascii("\t").decimal(rows.closeTicks(i), 1);
      out.ascii("\t").decimal(rows.volumeUnits(i), 3);
      out.ascii("\n");
    }
  }

  /**
   * The same {@link #CLICKHOUSE_ROWS} rows in ClickHouse's {@code JSONEachRow} format, checked
   * against {@link #JSON_EACH_ROW_SHA256}.
   */
  public static byte[] jsonEachRow() {
    ByteSink out = new ByteSink(JSON_EACH_ROW_BYTES);
    jsonEachRow(rows(CLICKHOUSE_ROWS), out);
    return verified("candles-1m.jsoneachrow", out.toByteArray(), JSON_EACH_ROW_SHA256);
  }

  /**
   * Writes {@code rows} as ClickHouse prints them in {@code JSONEachRow}: one object a line, the
   * DateTime quoted, Float64 bare in the shortest form that reads back the same.
   *
   * @throws UncheckedIOException if {@code out} throws
   */
  public static void writeJsonEachRow(Rows rows, OutputStream out) {
    Objects.requireNonNull(rows, "rows");
    ByteSink sink = new ByteSink(out);
    jsonEachRow(rows, sink);
    sink.flush();
  }

  private static void jsonEachRow(Rows rows, ByteSink out) {
    for (int i = 0; i < rows.size(); i++) {
      out.ascii("{\"symbol\":\"").ascii(SYMBOL).ascii("\",\"ts\":\"");
      out.dateTime(rows.openTimeMillis(i) / 1000);
      out.ascii("\",\"open\":").decimal(rows.openTicks(i), 1);
      out.ascii(",\"high\":").decimal(rows.highTicks(i), 1);
      out.ascii(",\"low\":").decimal(rows.lowTicks(i), 1);
      out.ascii(",\"close\":").decimal(rows.closeTicks(i), 1);
      out.ascii(",\"volume\":").decimal(rows.volumeUnits(i), 3);
      out.ascii("}\n");
    }
  }

  // ---------------------------------------------------------------- checking

  /** The SHA-256 of {@code bytes} in lower-case hex. */
  public static String sha256(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  /** A fresh SHA-256 digest, for hashing a streamed payload. */
  public static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }

  /**
   * Returns {@code payload} if its SHA-256 is {@code expectedSha256}.
   *
   * @throws IllegalStateException naming the payload if it differs: the generator no longer matches
   *     the published algorithm, and no figure measured on it can be compared
   */
  public static byte[] verified(String name, byte[] payload, String expectedSha256) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expectedSha256, "expectedSha256");
    String actual = sha256(payload);
    if (!actual.equals(expectedSha256)) {
      throw new IllegalStateException(
          name
              + " ("
              + payload.length
              + " bytes) has SHA-256 "
              + actual
              + ", not the published "
              + expectedSha256
              + ": the generator differs from the payload algorithm, so results measured on it"
              + " cannot be compared with the baselines");
    }
    return payload;
  }

  // ---------------------------------------------------------------- rows

  /**
   * The first {@link #size()} rows of the series, oldest first, in integer units (prices in ticks
   * of 0.1 USDT, volumes in 0.001 BTC, quote volumes in 0.0001 USDT) and as the doubles a correct
   * parser yields. Immutable and thread-safe.
   */
  public static final class Rows {
    private final int size;
    private final int[] open;
    private final int[] high;
    private final int[] low;
    private final int[] close;
    private final int[] volume;
    private final int[] trades;
    private final int[] takerPercent;

    private Rows(
        int size,
        int[] open,
        int[] high,
        int[] low,
        int[] close,
        int[] volume,
        int[] trades,
        int[] takerPercent) {
      this.size = size;
      this.open = open;
      this.high = high;
      this.low = low;
      this.close = close;
      this.volume = volume;
      this.trades = trades;
      this.takerPercent = takerPercent;
    }

    /** The number of rows. */
    public int size() {
      return size;
    }

    /** Open time of row {@code i} in epoch milliseconds (UTC). */
    public long openTimeMillis(int i) {
      Objects.checkIndex(i, size);
      return START_MILLIS + i * STEP_MILLIS;
    }

    /** Close time of row {@code i} as Binance gives it: open time plus 59,999 ms. */
    public long closeTimeMillis(int i) {
      return openTimeMillis(i) + STEP_MILLIS - 1;
    }

    /** Open price of row {@code i} in ticks of 0.1 USDT. */
    public int openTicks(int i) {
      return open[i];
    }

    /** High price in ticks of 0.1 USDT. */
    public int highTicks(int i) {
      return high[i];
    }

    /** Low price in ticks of 0.1 USDT. */
    public int lowTicks(int i) {
      return low[i];
    }

    /** Close price in ticks of 0.1 USDT. */
    public int closeTicks(int i) {
      return close[i];
    }

    /** Volume in units of 0.001 BTC. */
    public int volumeUnits(int i) {
      return volume[i];
    }

    /** Number of trades. */
    public int trades(int i) {
      return trades[i];
    }

    /** Share of the volume bought by takers, in whole percent (0 to 100). */
    public int takerPercent(int i) {
      return takerPercent[i];
    }

    /** Quote volume (Bybit turnover) in units of 0.0001 USDT: volume times close. */
    public long quoteVolumeUnits(int i) {
      return (long) volume[i] * close[i];
    }

    /** Taker buy volume in units of 0.001 BTC: volume times the taker share, rounded down. */
    public long takerBuyVolumeUnits(int i) {
      return (long) volume[i] * takerPercent[i] / 100;
    }

    /** Taker buy quote volume in units of 0.0001 USDT: taker buy volume times close. */
    public long takerBuyQuoteVolumeUnits(int i) {
      return takerBuyVolumeUnits(i) * close[i];
    }

    /** Open price in USDT. */
    public double open(int i) {
      return open[i] / 10.0;
    }

    /** High price in USDT. */
    public double high(int i) {
      return high[i] / 10.0;
    }

    /** Low price in USDT. */
    public double low(int i) {
      return low[i] / 10.0;
    }

    /** Close price in USDT. */
    public double close(int i) {
      return close[i] / 10.0;
    }

    /** Volume in BTC. */
    public double volume(int i) {
      return volume[i] / 1000.0;
    }

    /** Quote volume (Bybit turnover, Binance quote asset volume) in USDT. */
    public double quoteVolume(int i) {
      return quoteVolumeUnits(i) / 10000.0;
    }

    /** Taker buy base volume in BTC. */
    public double takerBuyVolume(int i) {
      return takerBuyVolumeUnits(i) / 1000.0;
    }

    /** Taker buy quote volume in USDT. */
    public double takerBuyQuoteVolume(int i) {
      return takerBuyQuoteVolumeUnits(i) / 10000.0;
    }

    /**
     * The value of {@code column} for row {@code i}, as the SDK stores it in a {@link CandleSeries}
     * (close time in epoch milliseconds).
     *
     * @throws IllegalArgumentException for {@link ExtraColumn#VWAP}, which the payloads lack
     */
    public double extra(ExtraColumn column, int i) {
      switch (column) {
        case QUOTE_VOLUME:
          return quoteVolume(i);
        case TRADE_COUNT:
          return trades(i);
        case TAKER_BUY_VOLUME:
          return takerBuyVolume(i);
        case TAKER_BUY_QUOTE_VOLUME:
          return takerBuyQuoteVolume(i);
        case CLOSE_TIME:
          return closeTimeMillis(i);
        default:
          throw new IllegalArgumentException("The payloads have no " + column + " column");
      }
    }
  }

  // ---------------------------------------------------------------- bytes

  /**
   * An append-only byte buffer that writes numbers without going through {@code String}; growable
   * in memory, or flushed to a stream every 64 KB.
   */
  private static final class ByteSink {
    private static final long[] POW10 = {
      1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
    };

    private final @Nullable OutputStream target;
    private byte[] buf;
    private int pos;
    private final byte[] digits = new byte[20];

    ByteSink(int initialCapacity) {
      this.target = null;
      this.buf = new byte[Math.max(16, initialCapacity)];
    }

    ByteSink(OutputStream target) {
      this.target = Objects.requireNonNull(target, "out");
      this.buf = new byte[1 << 16];
    }

    private void ensure(int more) {
      if (pos + more <= buf.length) {
        return;
      }
      if (target != null) {
        flush();
        if (more <= buf.length) {
          return;
        }
      }
      buf = Arrays.copyOf(buf, Math.max(pos + more, buf.length + (buf.length >> 1)));
    }

    void flush() {
      if (target == null) {
        return;
      }
      try {
        target.write(buf, 0, pos);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      pos = 0;
    }

    byte[] toByteArray() {
      return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    ByteSink ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int k = 0; k < n; k++) {
        buf[pos++] = (byte) s.charAt(k);
      }
      return this;
    }

    ByteSink bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
      return this;
    }

    /** A non-negative integer in decimal. */
    ByteSink integer(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("negative: " + v);
      }
      int d = 0;
      do {
        digits[d++] = (byte) ('0' + (v % 10));
        v /= 10;
      } while (v != 0);
      ensure(d);
      while (d > 0) {
        buf[pos++] = digits[--d];
      }
      return this;
    }

    /** {@code units / 10^scale} with at least one digit before the point, zeros stripped. */
    ByteSink decimal(long units, int scale) {
      long whole = units / POW10[scale];
      long frac = units % POW10[scale];
      integer(whole);
      if (frac != 0) {
        int keep = scale;
        while (frac % 10 == 0) {
          frac /= 10;
          keep--;
        }
        fraction(keep, frac);
      }
      return this;
    }

    /** {@code units / 10^scale} with exactly {@code places} decimals ({@code places >= scale}). */
    ByteSink fixed(long units, int scale, int places) {
      integer(units / POW10[scale]);
      fraction(scale, units % POW10[scale]);
      ensure(places - scale);
      for (int k = scale; k < places; k++) {
        buf[pos++] = '0';
      }
      return this;
    }

    /** A point, then {@code frac} left-padded with zeros to {@code width} digits. */
    private void fraction(int width, long frac) {
      ensure(1 + width);
      buf[pos++] = '.';
      for (int k = width - 1; k >= 0; k--) {
        buf[pos + k] = (byte) ('0' + (frac % 10));
        frac /= 10;
      }
      pos += width;
    }

    /** {@code YYYY-MM-DD hh:mm:ss} in UTC. */
    ByteSink dateTime(long epochSecond) {
      long day = Math.floorDiv(epochSecond, 86_400);
      int secs = (int) Math.floorMod(epochSecond, 86_400);
      LocalDate date = LocalDate.ofEpochDay(day);
      ensure(19);
      two(date.getYear() / 100).two(date.getYear() % 100);
      buf[pos++] = '-';
      two(date.getMonthValue());
      buf[pos++] = '-';
      two(date.getDayOfMonth());
      buf[pos++] = ' ';
      two(secs / 3600);
      buf[pos++] = ':';
      two(secs / 60 % 60);
      buf[pos++] = ':';
      two(secs % 60);
      return this;
    }

    private ByteSink two(int v) {
      buf[pos++] = (byte) ('0' + v / 10);
      buf[pos++] = (byte) ('0' + v % 10);
      return this;
    }

    ByteSink leb128(int v) {
      ensure(5);
      while ((v & ~0x7F) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
      return this;
    }

    ByteSink int32le(int v) {
      ensure(4);
      buf[pos++] = (byte) v;
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 24);
      return this;
    }

    ByteSink float64le(double d) {
      long v = Double.doubleToRawLongBits(d);
      ensure(8);
      for (int k = 0; k < 8; k++) {
        buf[pos++] = (byte) (v >>> (8 * k));
      }
      return this;
    }
  }
}
