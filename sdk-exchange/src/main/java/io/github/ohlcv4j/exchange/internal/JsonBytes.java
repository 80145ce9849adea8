package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.DataFormatException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A forward-only reader of JSON in a byte array, for the kline parsers: reads numbers and decimal
 * strings straight into doubles and longs without creating strings, and skips what it does not
 * need. It keeps track of the row and field being read, so that an error says where it happened:
 * the byte offset, the row, the field, what was expected and what was found. Not thread-safe.
 */
public final class JsonBytes {
  private final byte[] b;
  private final int end;
  private final String source;
  private final String what;
  private int pos;
  private int row = -1;
  private @Nullable String field;

  /**
   * @param body the response body
   * @param length how many bytes of {@code body} hold the response
   * @param source the source's name, for errors
   * @param what what was asked, for errors (e.g. {@code "BYBIT:BTCUSDT.P 1m klines"})
   */
  public JsonBytes(byte[] body, int length, String source, String what) {
    this.b = body;
    this.end = length;
    this.source = source;
    this.what = what;
  }

  /** The offset of the next byte to read. */
  public int pos() {
    return pos;
  }

  /** Sets the row being read (from 0), for errors; -1 when not in a row. */
  public void row(int row) {
    this.row = row;
  }

  /** Sets the field being read, for errors; null when not in a field. */
  public void field(@Nullable String field) {
    this.field = field;
  }

  /** Skips white space; returns the next byte, or -1 at the end. */
  public int peek() {
    while (pos < end) {
      byte c = b[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c & 0xff;
      }
      pos++;
    }
    return -1;
  }

  /** Skips white space and consumes {@code c}, or fails saying {@code expected}. */
  public void expect(char c, String expected) {
    int n = peek();
    if (n != c) {
      throw fail(expected);
    }
    pos++;
  }

  /** Skips white space and consumes {@code c} if it comes next. */
  public boolean consume(char c) {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  /**
   * After a value in an array or object: consumes a comma and returns true, or consumes {@code
   * close} and returns false.
   */
  public boolean more(char close, String expected) {
    int n = peek();
    if (n == ',') {
      pos++;
      return true;
    }
    if (n == close) {
      pos++;
      return false;
    }
    throw fail(expected);
  }

  /**
   * Reads an object key and the colon after it; returns the index of the key in {@code keys}, or -1
   * if it is none of them.
   */
  public int key(byte[][] keys) {
    expect('"', "a key in quotes");
    int s = pos;
    int e = stringEnd();
    pos = e + 1;
    expect(':', "':' after a key");
    int n = e - s;
    outer:
    for (int k = 0; k < keys.length; k++) {
      byte[] key = keys[k];
      if (key.length != n) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (key[j] != b[s + j]) {
          continue outer;
        }
      }
      return k;
    }
    return -1;
  }

  /** Reads a number or a string holding a number, as a correctly rounded double. */
  public double number() {
    int c = peek();
    boolean quoted = c == '"';
    if (!quoted && c != '-' && (c < '0' || c > '9')) {
      throw fail("a number or a decimal string");
    }
    int s = quoted ? pos + 1 : pos;
    double v = fastDecimal(s, quoted);
    if (fastEnd >= 0) {
      pos = quoted ? fastEnd + 1 : fastEnd;
      return v;
    }
    int e = slowEnd(s, quoted);
    try {
      return Decimals.parse(b, s, e);
    } catch (NumberFormatException x) {
      pos = s;
      throw fail("a decimal number, got " + x.getMessage().replace("not a number: ", ""));
    }
  }

  /** Where {@link #fastDecimal} or {@link #fastWhole} stopped, or -1 if it gave up. */
  private int fastEnd;

  private static final long TWO_53 = 1L << 53;
  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  private static final long[] LONG_POW10 = {
    1L,
    10L,
    100L,
    1000L,
    10_000L,
    100_000L,
    1_000_000L,
    10_000_000L,
    100_000_000L,
    1_000_000_000L,
    10_000_000_000L,
    100_000_000_000L,
    1_000_000_000_000L,
    10_000_000_000_000L,
    100_000_000_000_000L,
    1_000_000_000_000_000L,
    10_000_000_000_000_000L,
    100_000_000_000_000_000L,
    1_000_000_000_000_000_000L
  };

  /**
   * The common case in one pass: {@code -?digits[.digits]} closed by a quote (or, bare, by anything
   * but an exponent), at most 18 significant digits below 2<sup>53</sup>, scaled by at most
   * 10<sup>22</sup>: one exact division or multiplication, as in {@link Decimals#parse}. Sets
   * {@link #fastEnd} to the closing byte, or to -1 to leave the number to {@link Decimals}.
   */
  private double fastDecimal(int s, boolean quoted) {
    fastEnd = -1;
    int i = s;
    boolean negative = false;
    if (i < end && b[i] == '-') {
      negative = true;
      i++;
    }
    long m = 0;
    int digits = 0;
    int pending = 0;
    int fraction = 0;
    boolean point = false;
    boolean any = false;
    while (i < end) {
      byte ch = b[i];
      int d = ch - '0';
      if (d >= 0 && d <= 9) {
        any = true;
        if (point) {
          fraction++;
        }
        if (d == 0) {
          if (m != 0) {
            pending++;
          }
        } else {
          int grow = pending + 1;
          if (digits + grow > 18) {
            return 0;
          }
          m = m * LONG_POW10[grow] + d;
          digits += grow;
          pending = 0;
        }
        i++;
      } else if (ch == '.' && !point) {
        point = true;
        i++;
      } else {
        break;
      }
    }
    if (!any || i >= end || m >= TWO_53) {
      return 0;
    }
    byte t = b[i];
    if (quoted ? t != '"' : (t == 'e' || t == 'E' || t == '+' || t == '-' || t == '.')) {
      return 0;
    }
    int e10 = pending - fraction;
    double v = m;
    if (m != 0 && e10 != 0) {
      if (e10 < 0) {
        if (e10 < -22) {
          return 0;
        }
        v = v / POW10[-e10];
      } else {
        if (e10 > 22) {
          return 0;
        }
        v = v * POW10[e10];
      }
    }
    fastEnd = i;
    return negative ? -v : v;
  }

  /** Plain {@code -?digits} (at most 18) closed by a quote, or bare by anything but a fraction. */
  private long fastWhole(int s, boolean quoted) {
    fastEnd = -1;
    int i = s;
    boolean negative = false;
    if (i < end && b[i] == '-') {
      negative = true;
      i++;
    }
    int first = i;
    long v = 0;
    while (i < end) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      v = v * 10 + d;
      i++;
    }
    if (i == first || i - first > 18 || i >= end) {
      return 0;
    }
    byte t = b[i];
    if (quoted ? t != '"' : (t == '.' || t == 'e' || t == 'E' || t == '+' || t == '-')) {
      return 0;
    }
    fastEnd = i;
    return negative ? -v : v;
  }

  /**
   * Where a number that the fast path could not take ends, for the exact parser: at the closing
   * quote of a string, or where a bare number's characters stop. Moves past it.
   */
  private int slowEnd(int s, boolean quoted) {
    if (!quoted) {
      pos = numberEnd(s);
      return pos;
    }
    int e = s;
    while (e < end && b[e] != '"') {
      e++;
    }
    if (e >= end) {
      pos = end;
      throw fail("a closing '\"'");
    }
    pos = e + 1;
    return e;
  }

  /** Reads a whole number, bare or in a string. */
  public long whole() {
    int c = peek();
    boolean quoted = c == '"';
    if (!quoted && c != '-' && (c < '0' || c > '9')) {
      throw fail("a whole number");
    }
    int s = quoted ? pos + 1 : pos;
    long fast = fastWhole(s, quoted);
    if (fastEnd >= 0) {
      pos = quoted ? fastEnd + 1 : fastEnd;
      return fast;
    }
    int e = slowEnd(s, quoted);
    try {
      return Decimals.parseLong(b, s, e);
    } catch (NumberFormatException x) {
      // A whole number may come as 1.0E12 or 1672531200000.0; accept it if it is whole.
      try {
        double d = Decimals.parse(b, s, e);
        if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
          return (long) d;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      pos = s;
      throw fail("a whole number, got " + x.getMessage().replace("not a number: ", ""));
    }
  }

  /** Skips one value of any kind. */
  public void skipValue() {
    int c = peek();
    switch (c) {
      case '"':
        pos = stringEnd() + 1;
        return;
      case '{':
      case '[':
        skipNested();
        return;
      case 't':
      case 'f':
      case 'n':
        while (pos < end && b[pos] >= 'a' && b[pos] <= 'z') {
          pos++;
        }
        return;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          pos = numberEnd(pos);
          return;
        }
        throw fail("a value");
    }
  }

  /** Fails unless only white space is left. */
  public void expectEnd() {
    if (peek() != -1) {
      throw fail("the end of the body");
    }
  }

  private void skipNested() {
    int depth = 0;
    while (pos < end) {
      byte c = b[pos];
      if (c == '"') {
        pos = stringEnd() + 1;
        continue;
      }
      pos++;
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return;
        }
      }
    }
    throw fail("the end of a nested value");
  }

  /** The offset of the quote closing the string whose opening quote is at {@code pos}. */
  private int stringEnd() {
    int i = pos + 1;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      i += c == '\\' ? 2 : 1;
    }
    pos = end;
    throw fail("a closing '\"'");
  }

  private int numberEnd(int s) {
    int i = s;
    while (i < end) {
      byte c = b[i];
      if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * An error at the current position: says what was expected and what was found, where (byte, row,
   * field), and whether the body was cut short (then retryable).
   */
  public DataFormatException fail(String expected) {
    boolean truncated = pos >= end;
    StringBuilder m = new StringBuilder();
    m.append(source).append(": cannot read the response to ").append(what).append(": ");
    if (truncated) {
      m.append("the body ends after ").append(end).append(" bytes, in the middle of the data");
    } else {
      m.append("unexpected ").append(describe(b[pos])).append(" at byte ").append(pos);
    }
    if (row >= 0) {
      m.append(", row ").append(row);
    }
    if (field != null) {
      m.append(", field '").append(field).append('\'');
    }
    m.append("; expected ").append(expected).append('.');
    if (truncated) {
      m.append(" The response was cut short; fetching again may help.");
    } else if (looksLikeHtml()) {
      m.append(" The body is an HTML page, not JSON (")
          .append(snippet(80))
          .append("): a proxy, firewall or maintenance page answered instead of the API.");
    } else {
      int from = Math.max(0, pos - 40);
      m.append(" Near: \"").append(text(from, Math.min(end, pos + 40))).append('"');
    }
    return new DataFormatException(m.toString(), source, truncated, null, null, null);
  }

  /**
   * A row the {@link io.github.ohlcv4j.CandleSeries.Builder} refused (NaN, high below low, negative
   * volume): the builder's reason, with the source, the request and the row of the response.
   */
  public DataFormatException badRow(int row, DataFormatException e) {
    return new DataFormatException(
        source
            + ": row "
            + row
            + " of the response to "
            + what
            + " (before byte "
            + pos
            + ") is not a valid candle: "
            + e.getMessage(),
        source,
        null,
        e);
  }

  /** Whether the body starts like an HTML page. */
  public boolean looksLikeHtml() {
    int i = 0;
    while (i < end && b[i] <= ' ') {
      i++;
    }
    return i < end && b[i] == '<';
  }

  /** The first {@code max} characters of the body, white space collapsed, for messages. */
  public String snippet(int max) {
    return text(0, Math.min(end, max)).strip().replaceAll("\\s+", " ");
  }

  private String text(int from, int to) {
    StringBuilder s = new StringBuilder();
    for (char ch : new String(b, from, to - from, StandardCharsets.UTF_8).toCharArray()) {
      s.append(Character.isISOControl(ch) ? ' ' : ch);
    }
    return s.toString();
  }

  private static String describe(byte c) {
    if (c >= ' ' && c < 127) {
      return "'" + (char) c + "'";
    }
    return String.format("byte 0x%02x", c & 0xff);
  }
}
