package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import io.github.ohlcv4j.clickhouse.internal.RowLayout.TimeKind;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Streams a {@code FORMAT RowBinary} response straight into {@link CandleSeries.Builder}s, one per
 * symbol, without an object per row. Decoding runs over a byte buffer that is refilled from the
 * stream.
 *
 * <p>Stored rows must come in ascending time per symbol; equal times (a table that keeps
 * duplicates) are passed on, and the builder keeps the last. Aggregated rows must be strictly
 * ascending.
 *
 * <p><b>Errors inside the stream.</b> Once ClickHouse has sent about a megabyte of a result, an
 * error that happens later is appended to the body as text ({@code Code: 241, e.displayText() =
 * ...}) under the HTTP 200 already sent. The reader therefore never decodes the last {@value
 * #HOLD_BACK} bytes before the stream has ended; at the end it looks in them for such a text first
 * and, if there is one, fails with {@link TrailingServerError} whatever the rows before it were. A
 * row cut short, a time out of order or outside the requested window, or an unknown symbol fail
 * with a {@link DataFormatException} that gives the byte offset — after a look further down the
 * stream for a server error that would explain it. Either way no series is built from the rows read
 * so far: the caller drops the builders.
 *
 * <p><b>Tagged errors (ClickHouse 25.11 and later).</b> These servers name a random token in the
 * {@code X-ClickHouse-Exception-Tag} header of every answer, and write an error that happens after
 * rows as a block marked with it, {@code __exception__\r\n<tag>\r\n<text>\n<length>
 * <tag>\r\n__exception__\r\n}, before they cut the connection. Given the tag, the reader looks for
 * that block when the stream ends or breaks, before anything else. Servers from 24.11 also cut the
 * connection after an error text without a tag; a stream that breaks is therefore searched for a
 * trailing error text too, before the I/O error is passed on.
 *
 * <p>Not thread-safe; one instance per response.
 */
public final class RowBinaryReader {

  /** Bytes held back from decoding until the end of the stream, where an error text could be. */
  static final int HOLD_BACK = 64 * 1024;

  private static final byte[] EXCEPTION_MARK = "__exception__".getBytes(StandardCharsets.US_ASCII);

  /** How much more of the stream to read after a bad row, looking for the server's error. */
  private static final int ERROR_SCAN = 1 << 20;

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Where the rows of one symbol go. */
  public static final class Target {
    final byte[] symbol;
    final CandleSeries.Builder builder;

    /** Length of the symbol as RowBinary writes it: LEB128 length, then the bytes. */
    final int prefixLength;

    /** The prefix as a little-endian long, when it fits in 8 bytes, and the mask of its bytes. */
    final long prefixKey;

    final long prefixMask;

    /** The extra columns of this symbol, as a mask ({@link StoreColumns#bit}). */
    final int extras;

    long last = Long.MIN_VALUE;
    long rows;

    /**
     * @param symbol the symbol's text form, as stored in the table
     * @param builder receives the rows in order
     */
    public Target(String symbol, CandleSeries.Builder builder) {
      this(symbol, builder, 0);
    }

    /**
     * @param symbol the symbol's text form, as stored in the table
     * @param builder receives the rows in order
     * @param extras the extra columns this symbol's series has ({@link StoreColumns#bit}): of the
     *     extra columns a row holds, only these are passed on
     */
    public Target(String symbol, CandleSeries.Builder builder, int extras) {
      this.extras = extras;
      this.symbol = symbol.getBytes(StandardCharsets.UTF_8);
      this.builder = Objects.requireNonNull(builder, "builder");
      byte[] prefix = RowBinaryWriter.string(symbol);
      this.prefixLength = prefix.length;
      long key = 0;
      for (int i = 0; i < Math.min(8, prefixLength); i++) {
        key |= (prefix[i] & 0xFFL) << (8 * i);
      }
      this.prefixKey = key;
      this.prefixMask =
          prefixLength > 8 ? 0 : prefixLength == 8 ? -1L : (1L << (8 * prefixLength)) - 1;
    }

    /** The builder. */
    public CandleSeries.Builder builder() {
      return builder;
    }

    /** How many rows were read for this symbol. */
    public long rows() {
      return rows;
    }
  }

  /** How many inputs a full bucket holds, for the partial flag of aggregated rows. */
  @FunctionalInterface
  public interface FullCount {
    /** The number of inputs a complete bucket starting at {@code bucketStartMillis} holds. */
    long of(long bucketStartMillis);
  }

  /**
   * The server's error text found at the end of a result stream. The caller turns it into a typed
   * error with {@link ServerError#toException}.
   */
  public static final class TrailingServerError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The error text. */
    public final String text;

    /** The rows read before it. */
    public final long rows;

    TrailingServerError(String text, long rows, long offset) {
      super("ClickHouse error after " + rows + " rows at byte " + offset + ": " + text, null);
      this.text = text;
      this.rows = rows;
    }
  }

  private final RowLayout layout;
  private final Target[] targets;
  private final ZoneId zone;
  private final long minTime;
  private final long maxTime;
  private final @Nullable FullCount fullCount;
  private final String source;
  private final String what;
  private final int maxSymbolLength;
  private byte[] buf;
  private int pos;
  private int end;
  private long base; // stream offset of buf[0]
  private long rows;
  private int current; // index of the target of the last row
  private int symbolLength; // set by symbolStart
  private byte @Nullable [] tag; // X-ClickHouse-Exception-Tag, if the server sent one

  /**
   * @param layout the row shape
   * @param targets one per symbol; with one target the rows may come without the symbol
   * @param zone the zone of calendar bucket keys
   * @param minTime the earliest valid time (bucket start), epoch ms
   * @param maxTime times must be before this, epoch ms
   * @param fullCount for aggregated rows, how many inputs make a full bucket; null for raw rows
   * @param source the source's name, for errors
   * @param what what was asked, for messages
   */
  public RowBinaryReader(
      RowLayout layout,
      List<Target> targets,
      ZoneId zone,
      long minTime,
      long maxTime,
      @Nullable FullCount fullCount,
      String source,
      String what) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.targets = targets.toArray(new Target[0]);
    if (this.targets.length == 0 || (!layout.symbol() && this.targets.length != 1)) {
      throw new IllegalArgumentException("Rows without a symbol need exactly one target");
    }
    if (layout.count() != (fullCount != null)) {
      throw new IllegalArgumentException("Aggregated rows, and only those, need a full count");
    }
    this.zone = Objects.requireNonNull(zone, "zone");
    this.minTime = minTime;
    this.maxTime = maxTime;
    this.fullCount = fullCount;
    this.source = Objects.requireNonNull(source, "source");
    this.what = Objects.requireNonNull(what, "what");
    int longest = 0;
    for (Target t : this.targets) {
      longest = Math.max(longest, t.symbol.length);
    }
    this.maxSymbolLength = longest;
    this.buf = new byte[4 * HOLD_BACK];
  }

  /** The number of rows read. */
  public long rows() {
    return rows;
  }

  /**
   * Reads the whole stream (without closing it).
   *
   * @return the number of bytes read
   * @throws IOException if reading fails
   * @throws DataFormatException if the stream is not whole rows of the expected shape
   * @throws TrailingServerError if the server appended an error
   */
  public long read(InputStream in) throws IOException {
    return read(in, Optional.empty());
  }

  /**
   * Reads the whole stream (without closing it) of an answer that named an exception tag.
   *
   * @param exceptionTag the {@code X-ClickHouse-Exception-Tag} of the answer, if any
   * @return the number of bytes read
   * @throws IOException if reading fails, and no error of the server's explains it
   * @throws DataFormatException if the stream is not whole rows of the expected shape
   * @throws TrailingServerError if the server wrote an error into the stream
   */
  public long read(InputStream in, Optional<String> exceptionTag) throws IOException {
    this.tag = exceptionTag.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    boolean eof = false;
    while (true) {
      if (!eof) {
        if (end == buf.length) {
          makeRoom();
        }
        int n = receive(in, buf, end, buf.length - end);
        if (n < 0) {
          eof = true;
        } else {
          end += n;
          if (end - pos <= HOLD_BACK) {
            continue;
          }
        }
      }
      if (eof) {
        finish(in);
        return base + end;
      }
      try {
        pos = decode(end - HOLD_BACK);
      } catch (DataFormatException e) {
        throw explain(e, in);
      }
    }
  }

  /** Decodes the rest once the stream has ended: an error text, else whole rows. */
  private void finish(InputStream in) throws IOException {
    TrailingServerError tagged = taggedError();
    if (tagged != null) {
      throw tagged;
    }
    int errorAt = errorStart(buf, pos, end);
    if (errorAt >= 0) {
      String text = new String(buf, errorAt, end - errorAt, StandardCharsets.UTF_8).strip();
      try {
        pos = decode(errorAt); // only to count the rows before it, for the message
      } catch (DataFormatException e) {
        // the server's error explains it
      }
      throw new TrailingServerError(text, rows, base + errorAt);
    }
    try {
      pos = decode(end);
    } catch (DataFormatException e) {
      throw explain(e, in);
    }
    if (pos != end) {
      throw new DataFormatException(
          what
              + ": the response ends inside a row: "
              + (end - pos)
              + " bytes after the last whole row at byte "
              + (base + pos)
              + " (row "
              + rows
              + "). The connection or the server cut the result short, usually a temporary"
              + " fault.",
          source,
          true,
          null,
          null,
          null);
    }
  }

  /** After a bad row: if the server's error follows, that is the real cause. */
  private RuntimeException explain(DataFormatException e, InputStream in) throws IOException {
    int room = ERROR_SCAN;
    while (room > 0) {
      if (end == buf.length) {
        if (buf.length >= 8 * ERROR_SCAN) {
          break;
        }
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = receive(in, buf, end, Math.min(room, buf.length - end));
      if (n < 0) {
        break;
      }
      end += n;
      room -= n;
    }
    int at = errorStart(buf, pos, end);
    if (at >= 0) {
      String text = new String(buf, at, end - at, StandardCharsets.UTF_8).strip();
      return new TrailingServerError(text, rows, base + at);
    }
    return e;
  }

  /**
   * Reads from the stream. When it breaks, an error the server wrote before it cut the connection
   * is the real cause, and is thrown instead of the I/O error (which goes along as suppressed).
   */
  private int receive(InputStream in, byte[] b, int off, int len) throws IOException {
    try {
      return in.read(b, off, len);
    } catch (IOException e) {
      TrailingServerError server = taggedError();
      if (server == null) {
        int at = errorStart(buf, pos, end);
        if (at >= 0) {
          String text = new String(buf, at, end - at, StandardCharsets.UTF_8).strip();
          server = new TrailingServerError(text, rows, base + at);
        }
      }
      if (server != null) {
        server.addSuppressed(e);
        throw server;
      }
      throw e;
    }
  }

  /**
   * The error block of a server that named an exception tag, if the bytes not yet decoded hold one:
   * {@code __exception__}, line break, the tag, line break, the text, and normally a line break,
   * the text's length, a space, the tag, a line break and {@code __exception__} again.
   */
  private @Nullable TrailingServerError taggedError() {
    byte[] t = tag;
    if (t == null) {
      return null;
    }
    for (int i = pos; i + EXCEPTION_MARK.length <= end; i++) {
      if (!Arrays.equals(
          buf, i, i + EXCEPTION_MARK.length, EXCEPTION_MARK, 0, EXCEPTION_MARK.length)) {
        continue;
      }
      int start = skipLineBreaks(i + EXCEPTION_MARK.length);
      if (start + t.length > end || !Arrays.equals(buf, start, start + t.length, t, 0, t.length)) {
        continue;
      }
      int from = skipLineBreaks(start + t.length);
      int to = end;
      for (int j = from; j + t.length <= end; j++) {
        if (Arrays.equals(buf, j, j + t.length, t, 0, t.length)) {
          to = j; // the closing "<length> <tag>"; the length and the line break before go too
          while (to > from && (buf[to - 1] == ' ' || Character.isDigit(buf[to - 1]))) {
            to--;
          }
          break;
        }
      }
      String text = new String(buf, from, Math.max(0, to - from), StandardCharsets.UTF_8).strip();
      return new TrailingServerError(
          text.isEmpty() ? "the server reported an error without a text" : text, rows, base + i);
    }
    return null;
  }

  private int skipLineBreaks(int i) {
    int j = i;
    while (j < end && (buf[j] == '\r' || buf[j] == '\n')) {
      j++;
    }
    return j;
  }

  private void makeRoom() {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, end - pos);
      base += pos;
      end -= pos;
      pos = 0;
    } else {
      buf = Arrays.copyOf(buf, buf.length * 2); // a row longer than the buffer
    }
  }

  /**
   * Where a server error text starts in {@code [from, to)}, or -1: the first {@code Code: N,} or
   * {@code Code: N.} from which everything to the end is text.
   */
  static int errorStart(byte[] b, int from, int to) {
    int textFrom = to;
    while (textFrom > from && isText(b[textFrom - 1])) {
      textFrom--;
    }
    for (int i = textFrom; i + 6 <= to; i++) {
      if (b[i] == 'C'
          && b[i + 1] == 'o'
          && b[i + 2] == 'd'
          && b[i + 3] == 'e'
          && b[i + 4] == ':'
          && b[i + 5] == ' ') {
        String text = new String(b, i, to - i, StandardCharsets.UTF_8);
        if (ServerError.parse(text).isPresent()) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Printable ASCII, white space, or a byte of a multi-byte UTF-8 character. */
  private static boolean isText(byte x) {
    int c = x & 0xFF;
    return c >= 0x20 && c != 0x7F && c != 0xFF && c != 0xFE && c != 0xC0 && c != 0xC1
        || c == '\n'
        || c == '\r'
        || c == '\t';
  }

  /** Decodes the whole rows that end before {@code limit}; returns the position after them. */
  private int decode(int limit) {
    if (!layout.count() && !layout.stored()) {
      if (layout.symbol()) {
        return symbolRows(limit);
      }
      return rawRows(limit);
    }
    return general(limit);
  }

  /**
   * Stored rows that start with the symbol (several symbols in one request). Rows of one symbol
   * come together, so the symbol is first compared with the current one, as a single long when it
   * is short.
   */
  private int symbolRows(int limit) {
    final byte[] b = buf;
    final boolean seconds = layout.time() == TimeKind.SECONDS;
    final int fixed = seconds ? 44 : 48;
    Target target = targets[current];
    CandleSeries.Builder builder = target.builder;
    long last = target.last;
    long n = 0;
    int p = pos;
    try {
      while (true) {
        int q;
        if (target.prefixMask != 0
            && p + target.prefixLength + fixed <= limit
            && ((long) LONG.get(b, p) & target.prefixMask) == target.prefixKey) {
          q = p + target.prefixLength;
        } else {
          // Another symbol, a long one, or the end of the buffer: the general way.
          int start = symbolStart(b, p, limit);
          if (start < 0) {
            return p;
          }
          int len = symbolLength;
          if (start + len + fixed > limit) {
            return p;
          }
          if (!(len == target.symbol.length
              && Arrays.equals(b, start, start + len, target.symbol, 0, len))) {
            target.last = last;
            target.rows += n;
            rows += n;
            n = 0;
            target = find(b, start, len, p);
            builder = target.builder;
            last = target.last;
          }
          q = start + len;
        }
        long t;
        int d;
        if (seconds) {
          t = ((int) INT.get(b, q) & 0xFFFF_FFFFL) * 1000;
          d = q + 4;
        } else {
          t = (long) LONG.get(b, q);
          d = q + 8;
        }
        if (t < last || t < minTime || t >= maxTime) {
          throw badTime(t, last, p);
        }
        builder.add(
            t,
            Double.longBitsToDouble((long) LONG.get(b, d)),
            Double.longBitsToDouble((long) LONG.get(b, d + 8)),
            Double.longBitsToDouble((long) LONG.get(b, d + 16)),
            Double.longBitsToDouble((long) LONG.get(b, d + 24)),
            Double.longBitsToDouble((long) LONG.get(b, d + 32)));
        last = t;
        p = d + 40;
        n++;
      }
    } finally {
      target.last = last;
      target.rows += n;
      rows += n;
    }
  }

  /** The common case: one symbol, no symbol column, stored rows of DateTime or DateTime64(3). */
  private int rawRows(int limit) {
    final byte[] b = buf;
    final boolean seconds = layout.time() == TimeKind.SECONDS;
    final int size = seconds ? 44 : 48;
    final Target target = targets[0];
    final CandleSeries.Builder builder = target.builder;
    long last = target.last;
    int p = pos;
    long n = 0;
    try {
      while (p + size <= limit) {
        long t;
        int d;
        if (seconds) {
          t = ((int) INT.get(b, p) & 0xFFFF_FFFFL) * 1000;
          d = p + 4;
        } else {
          t = (long) LONG.get(b, p);
          d = p + 8;
        }
        if (t < last || t < minTime || t >= maxTime) {
          throw badTime(t, last, p);
        }
        builder.add(
            t,
            Double.longBitsToDouble((long) LONG.get(b, d)),
            Double.longBitsToDouble((long) LONG.get(b, d + 8)),
            Double.longBitsToDouble((long) LONG.get(b, d + 16)),
            Double.longBitsToDouble((long) LONG.get(b, d + 24)),
            Double.longBitsToDouble((long) LONG.get(b, d + 32)));
        last = t;
        p += size;
        n++;
      }
      return p;
    } finally {
      target.last = last;
      target.rows += n;
      rows += n;
    }
  }

  /** Any layout: with a symbol, a bucket key or a count. */
  private int general(int limit) {
    final byte[] b = buf;
    final TimeKind kind = layout.time();
    final int fixed = layout.fixedBytes();
    final boolean hasSymbol = layout.symbol();
    final boolean hasCount = layout.count();
    final @Nullable FullCount full = fullCount;
    final boolean hasFlags = layout.flags();
    final ExtraColumn[] extras = layout.extras().toArray(new ExtraColumn[0]);
    int p = pos;
    while (p < limit) {
      int q = p;
      Target target = targets[current];
      if (hasSymbol) {
        q = symbolStart(b, p, limit);
        if (q < 0) {
          return p;
        }
        int len = symbolLength;
        if (q + len + fixed > limit) {
          return p;
        }
        if (!(len == target.symbol.length && Arrays.equals(b, q, q + len, target.symbol, 0, len))) {
          target = find(b, q, len, p);
        }
        q += len;
      } else if (q + fixed > limit) {
        return p;
      }
      long t;
      int d;
      if (kind == TimeKind.SECONDS) {
        t = ((int) INT.get(b, q) & 0xFFFF_FFFFL) * 1000;
        d = q + 4;
      } else {
        long raw = (long) LONG.get(b, q);
        t = kind == TimeKind.MILLIS ? raw : bucketStart(kind, raw, p);
        d = q + 8;
      }
      if (t < target.last || (hasCount && t == target.last) || t < minTime || t >= maxTime) {
        throw badTime(t, target.last, p);
      }
      target.builder.add(
          t,
          Double.longBitsToDouble((long) LONG.get(b, d)),
          Double.longBitsToDouble((long) LONG.get(b, d + 8)),
          Double.longBitsToDouble((long) LONG.get(b, d + 16)),
          Double.longBitsToDouble((long) LONG.get(b, d + 24)),
          Double.longBitsToDouble((long) LONG.get(b, d + 32)));
      int e = d + 40;
      if (full != null) { // exactly when hasCount: the constructor checks it
        long inputs = (long) LONG.get(b, e);
        if (inputs < full.of(t)) {
          target.builder.flag(CandleSeries.PARTIAL);
        }
        e += 8;
      }
      if (hasFlags) {
        int f = b[e] & StoreColumns.STORED_FLAGS;
        if (f != 0) {
          target.builder.flag(f);
        }
        e++;
      }
      for (int k = 0; k < extras.length; k++) {
        if ((target.extras & StoreColumns.bit(extras[k])) != 0) {
          target.builder.extra(extras[k], Double.longBitsToDouble((long) LONG.get(b, e)));
        }
        e += 8;
      }
      target.last = t;
      target.rows++;
      rows++;
      p = e;
    }
    return p;
  }

  /** The start of the bucket a key denotes; a key that denotes no instant is a format error. */
  private long bucketStart(TimeKind kind, long key, int rowStart) {
    try {
      return Buckets.startOf(kind, key, zone);
    } catch (DateTimeException | ArithmeticException e) {
      throw error(
          ": row "
              + rows
              + " at byte "
              + (base + rowStart)
              + " has the bucket key "
              + key
              + " ("
              + kind
              + "), which is no time: "
              + e.getMessage()
              + ". The response is not the expected RowBinary rows.");
    }
  }

  /**
   * Reads the LEB128 length of a string at {@code p}: returns where its bytes start and leaves the
   * length in {@link #symbolLength}; -1 if the length does not end before {@code limit}.
   */
  private int symbolStart(byte[] b, int p, int limit) {
    long len = 0;
    int shift = 0;
    int q = p;
    while (true) {
      if (q >= limit) {
        return -1;
      }
      int x = b[q++];
      len |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 35) {
        throw error(": malformed string length at byte " + (base + p) + " (row " + rows + ")");
      }
    }
    if (len > maxSymbolLength) {
      // No symbol asked for is that long; reading on would wait for (or allocate) up to gigabytes.
      throw error(
          ": row "
              + rows
              + " at byte "
              + (base + p)
              + " starts with a string of "
              + len
              + " bytes, longer than any symbol asked for ("
              + maxSymbolLength
              + "). The response is not the expected RowBinary rows.");
    }
    symbolLength = (int) len;
    return q;
  }

  private Target find(byte[] b, int at, int len, int rowStart) {
    for (int i = 0; i < targets.length; i++) {
      Target t = targets[i];
      if (t.symbol.length == len && Arrays.equals(b, at, at + len, t.symbol, 0, len)) {
        current = i;
        return t;
      }
    }
    throw error(
        ": row "
            + rows
            + " at byte "
            + (base + rowStart)
            + " is for symbol \""
            + Sql.printable(new String(b, at, len, StandardCharsets.UTF_8))
            + "\", which was not asked for");
  }

  private DataFormatException badTime(long t, long last, int at) {
    String why;
    if (t <= last) {
      why = "is not after the previous row's " + Instant.ofEpochMilli(last);
    } else {
      why =
          "is outside the requested ["
              + Instant.ofEpochMilli(minTime)
              + ", "
              + Instant.ofEpochMilli(maxTime)
              + ")";
    }
    return error(
        ": row "
            + rows
            + " at byte "
            + (base + at)
            + " has time "
            + Instant.ofEpochMilli(t)
            + ", which "
            + why
            + ". The response is not the expected RowBinary rows (wrong column types, or a"
            + " corrupt stream).");
  }

  private DataFormatException error(String detail) {
    return new DataFormatException(what + detail, source, null, null);
  }
}
