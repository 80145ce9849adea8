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
    int s;
    int e;
    if (c == '"') {
      s = ++pos;
      e = s;
      while (e < end && b[e] != '"') {
        e++;
      }
      if (e >= end) {
        pos = end;
        throw fail("a closing '\"'");
      }
      pos = e + 1;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      s = pos;
      e = numberEnd(s);
      pos = e;
    } else {
      throw fail("a number or a decimal string");
    }
    try {
      return Decimals.parse(b, s, e);
    } catch (NumberFormatException x) {
      pos = s;
      throw fail("a decimal number, got " + x.getMessage().replace("not a number: ", ""));
    }
  }

  /** Reads a whole number, bare or in a string. */
  public long whole() {
    int c = peek();
    int s;
    int e;
    if (c == '"') {
      s = ++pos;
      e = s;
      while (e < end && b[e] != '"') {
        e++;
      }
      if (e >= end) {
        pos = end;
        throw fail("a closing '\"'");
      }
      pos = e + 1;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      s = pos;
      e = numberEnd(s);
      pos = e;
    } else {
      throw fail("a whole number");
    }
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
