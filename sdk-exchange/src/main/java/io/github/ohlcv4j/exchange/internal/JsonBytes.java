package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.source.http.BodyBuffer;
import io.github.ohlcv4j.source.http.Redact;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A forward-only reader of JSON in a byte array, for the venue parsers: reads numbers and decimal
 * strings straight into doubles and longs without creating strings, and skips what it does not
 * need. It keeps track of the row and field being read, so that an error says where it happened:
 * the byte offset, the row, the field, what was expected and what was found. Not thread-safe.
 *
 * <p><b>Strict and linear.</b> It accepts JSON as RFC 8259 defines it and nothing else, also in the
 * values it skips: literals spelled out, strings without raw control characters and with valid
 * escapes, numbers in JSON's grammar ({@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}, also
 * when a venue puts them in a string) and no deeper than {@value #MAX_DEPTH} levels of nesting.
 * Every byte is looked at a bounded number of times, so any body parses or fails in time linear in
 * its size. Numbers are correctly rounded; one too large for a double is refused, not made
 * infinite.
 *
 * <p>Messages never show a secret: text quoted from the body has every occurrence of the secrets
 * given to the constructor masked before it is cut ({@link Redact#snippet}).
 */
public final class JsonBytes {
  /** The deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 512;

  private byte[] b;
  private int end;
  private String source;
  private final String what;
  private final List<String> secrets;
  private int pos;
  private int depth;
  private int row = -1;
  private @Nullable String field;

  /**
   * @param body the response body
   * @param length how many bytes of {@code body} hold the response
   * @param source the source's name, for errors
   * @param what what was asked, for errors (e.g. {@code "BYBIT:BTCUSDT.P 1m klines"})
   */
  public JsonBytes(byte[] body, int length, String source, String what) {
    this(body, length, source, what, List.of());
  }

  /**
   * @param body the response body
   * @param length how many bytes of {@code body} hold the response
   * @param source the source's name, for errors
   * @param what what was asked, for errors (e.g. {@code "BYBIT:BTCUSDT.P 1m klines"})
   * @param secrets texts never to show in an error (see {@link BodyBuffer.Body#secrets()})
   */
  public JsonBytes(byte[] body, int length, String source, String what, List<String> secrets) {
    this.b = body;
    this.end = length;
    this.source = source;
    this.what = what;
    this.secrets = secrets;
  }

  /** A reader of a body, with the secrets of the request it answered. */
  public JsonBytes(BodyBuffer.Body body, String source, String what) {
    this(body.bytes(), body.length(), source, what, body.secrets());
  }

  /**
   * Starts reading another body with this reader, from its first byte, as a new reader would (the
   * secrets and {@code what} stay): for a parser that reads many small messages, such as a
   * WebSocket's frames, without a reader for each.
   *
   * @param body the message
   * @param length how many bytes of {@code body} hold the message
   * @param source the source's name, for errors
   * @return this reader
   */
  public JsonBytes reset(byte[] body, int length, String source) {
    this.b = body;
    this.end = length;
    this.source = source;
    this.pos = 0;
    this.depth = 0;
    this.row = -1;
    this.field = null;
    this.escapes = false;
    return this;
  }

  /** The buffer {@link #reset(String, String)} copies ASCII text into, reused from text to text. */
  private byte @Nullable [] textBuffer;

  /**
   * Starts reading a text message with this reader, as {@link #reset(byte[], int, String)} does:
   * ASCII text is copied into a buffer the reader keeps from message to message, so that a stream
   * of small messages (a WebSocket's frames) allocates nothing here; other text is encoded as
   * UTF-8.
   *
   * @param text the message
   * @param source the source's name, for errors
   * @return this reader
   */
  public JsonBytes reset(String text, String source) {
    int n = text.length();
    byte[] buf = textBuffer;
    if (buf == null || buf.length < n) {
      buf = new byte[Math.max(n, buf == null ? 1024 : buf.length * 2)];
      textBuffer = buf;
    }
    int ascii = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      ascii |= c;
      buf[i] = (byte) c;
    }
    if (ascii < 0x80) {
      return reset(buf, n, source);
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return reset(utf8, utf8.length, source);
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
      if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) {
        return c & 0xff;
      }
      pos++;
    }
    return -1;
  }

  /**
   * Skips white space and consumes {@code c}, or fails saying {@code expected}. Opening {@code
   * '{'} or {@code '['} counts towards the nesting limit.
   */
  public void expect(char c, String expected) {
    int n = peek();
    if (n != c) {
      throw fail(expected);
    }
    open(c);
    pos++;
  }

  /** Skips white space and consumes {@code c} if it comes next. */
  public boolean consume(char c) {
    if (peek() == c) {
      open(c);
      pos++;
      if (c == '}' || c == ']') {
        depth--;
      }
      return true;
    }
    return false;
  }

  private void open(char c) {
    if ((c == '{' || c == '[') && ++depth > MAX_DEPTH) {
      throw fail("nesting no deeper than " + MAX_DEPTH + " levels");
    }
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
      depth--;
      return false;
    }
    throw fail(expected);
  }

  /**
   * Reads an object key and the colon after it; returns the index of the key in {@code keys}, or -1
   * if it is none of them. A key written with escapes is compared once decoded.
   */
  public int key(byte[][] keys) {
    if (peek() != '"') {
      throw fail("a key in quotes");
    }
    int s = pos + 1;
    int e = stringEnd();
    boolean escaped = escapes;
    pos = e + 1;
    expect(':', "':' after a key");
    if (escaped) {
      String k = decode(s, e);
      for (int i = 0; i < keys.length; i++) {
        if (k.equals(new String(keys[i], StandardCharsets.US_ASCII))) {
          return i;
        }
      }
      return -1;
    }
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

  /** Reads a string, decoding its escapes; bytes that are not UTF-8 become U+FFFD. */
  public String string() {
    if (peek() != '"') {
      throw fail("a string");
    }
    int s = pos + 1;
    int e = stringEnd();
    pos = e + 1;
    return escapes ? decode(s, e) : new String(b, s, e - s, StandardCharsets.UTF_8);
  }

  /**
   * Reads a string like {@link #string()}, but takes a string without escapes from {@code cache}
   * when it holds one with the same characters: for names that come again and again (topics,
   * symbols), so that reading them creates nothing.
   *
   * @throws io.github.ohlcv4j.DataFormatException if no string comes next
   */
  public String string(TextCache cache) {
    if (peek() != '"') {
      throw fail("a string");
    }
    int s = pos + 1;
    int e = stringEnd();
    pos = e + 1;
    return escapes ? decode(s, e) : cache.get(b, s, e);
  }

  /**
   * Reads {@code true} or {@code false}.
   *
   * @throws io.github.ohlcv4j.DataFormatException if neither comes next
   */
  public boolean bool() {
    int c = peek();
    if (c == 't') {
      literal("true");
      return true;
    }
    if (c == 'f') {
      literal("false");
      return false;
    }
    throw fail("true or false");
  }

  /**
   * Reads an empty string {@code ""} if it comes next and returns true: what venues send for a
   * value they do not have (Bybit's {@code "deliveryTime":""}).
   */
  public boolean emptyString() {
    if (peek() == '"' && pos + 1 < end && b[pos + 1] == '"') {
      pos += 2;
      return true;
    }
    return false;
  }

  /** Reads {@code null} if it comes next and returns true. */
  public boolean nullValue() {
    if (peek() == 'n') {
      literal("null");
      return true;
    }
    return false;
  }

  /**
   * Reads a number or a string holding a number, as a correctly rounded double.
   *
   * @throws DataFormatException if it is neither, is not in JSON's number grammar, or is too large
   *     for a double
   */
  public double number() {
    int c = peek();
    boolean quoted = c == '"';
    if (!quoted && c != '-' && (c < '0' || c > '9')) {
      throw fail("a number or a decimal string");
    }
    int s = quoted ? pos + 1 : pos;
    int e = scanNumber(s, quoted);
    double v;
    if (exact) {
      v = Decimals.exact(mantissa, e10);
      if (b[s] == '-') {
        v = -v;
      }
    } else {
      v = Decimals.parse(b, s, e);
      if (Double.isInfinite(v)) {
        pos = quoted ? s - 1 : s;
        throw fail("a number a double can hold, got " + text(s, Math.min(e, s + 40)));
      }
    }
    pos = quoted ? e + 1 : e;
    return v;
  }

  /**
   * Reads a whole number, bare or in a string: one in JSON's number grammar whose value is a whole
   * number below 10<sup>18</sup> in magnitude ({@code 1.6725312E12} and {@code 1672531200000.0} are
   * whole).
   *
   * @throws DataFormatException otherwise
   */
  public long whole() {
    int c = peek();
    boolean quoted = c == '"';
    if (!quoted && c != '-' && (c < '0' || c > '9')) {
      throw fail("a whole number");
    }
    int s = quoted ? pos + 1 : pos;
    int e = scanNumber(s, quoted);
    long v;
    if (plainDigits > 0) {
      v = plainValue;
    } else {
      v = exactWhole(s, e);
    }
    pos = quoted ? e + 1 : e;
    return v;
  }

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

  // What scanNumber found: the fast path's inputs, and a plain whole number.
  private boolean exact;
  private long mantissa;
  private int e10;
  private long plainValue;
  private int plainDigits;

  /**
   * Checks the number starting at {@code s} against JSON's grammar, in one pass that also gathers
   * what the common case needs: {@link #exact} with {@link #mantissa} and {@link #e10} when at most
   * 18 digits make a value below 2<sup>53</sup> that a power of ten up to 10<sup>22</sup> scales in
   * one exact IEEE division or multiplication (Clinger's fast path, so correctly rounded), and
   * {@link #plainValue} when the text is {@code -?digits} with at most 18 digits. Any other number
   * is left to {@link Decimals#parse}. The digit loops carry no branch on the digits' values: a
   * venue's prices are random digits, and a branch on them is mispredicted. Returns where the
   * number ends (at the closing quote if quoted).
   */
  private int scanNumber(int s, boolean quoted) {
    exact = false;
    plainDigits = 0;
    int i = s;
    boolean negative = false;
    if (i < end && b[i] == '-') {
      negative = true;
      i++;
    }
    int first = i;
    if (i >= end) {
      pos = i;
      throw fail("a digit");
    }
    // All digits go into m; it overflows only past 18 digits, and is not used then.
    long m = 0;
    int lead = b[i];
    if (lead == '0') {
      i++;
    } else if (lead >= '1' && lead <= '9') {
      while (i < end) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        m = m * 10 + d;
        i++;
      }
    } else {
      pos = i;
      throw fail("a digit");
    }
    int intDigits = i - first;
    int fraction = 0;
    boolean plain = true;
    if (i < end && b[i] == '.') {
      plain = false;
      i++;
      int f = i;
      while (i < end) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        m = m * 10 + d;
        i++;
      }
      fraction = i - f;
      if (fraction == 0) {
        pos = i;
        throw fail("a digit after the decimal point");
      }
    }
    long exponent = 0;
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      plain = false;
      i++;
      boolean negativeExponent = false;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        negativeExponent = b[i] == '-';
        i++;
      }
      int x = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        if (exponent < 1_000_000_000_000L) {
          exponent = exponent * 10 + (b[i] - '0');
        }
        i++;
      }
      if (i == x) {
        pos = i;
        throw fail("a digit in the exponent");
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    if (quoted && (i >= end || b[i] != '"')) {
      pos = i;
      throw fail("'\"' closing the number");
    }
    if (intDigits + fraction <= 18) {
      long scale = exponent - fraction;
      if (m == 0) {
        exact = true;
        mantissa = 0;
        e10 = 0;
      } else if (m < Decimals.TWO_53 && scale >= -22 && scale <= 22) {
        exact = true;
        mantissa = m;
        e10 = (int) scale;
      }
      if (plain) {
        plainValue = negative ? -m : m;
        plainDigits = intDigits;
      }
    }
    return i;
  }

  /**
   * The value of a number already checked by {@link #scanNumber} if it is a whole number below
   * 10<sup>18</sup>, computed exactly from its digits (a double would round {@code
   * 1672531200000.0000000000000000001} to a whole number).
   */
  private long exactWhole(int s, int e) {
    int i = s;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    // The significant digits, and the power of ten that scales them.
    StringBuilder digits = new StringBuilder();
    long scale = 0;
    boolean point = false;
    for (; i < e; i++) {
      byte c = b[i];
      if (c == '.') {
        point = true;
      } else if (c == 'e' || c == 'E') {
        break;
      } else {
        if (digits.length() > 0 || c != '0') {
          digits.append((char) c);
        }
        if (point) {
          scale--;
        }
      }
    }
    if (i < e) {
      i++;
      boolean negativeExponent = b[i] == '-';
      if (b[i] == '-' || b[i] == '+') {
        i++;
      }
      long x = 0;
      for (; i < e; i++) {
        if (x < 1_000_000_000_000L) {
          x = x * 10 + (b[i] - '0');
        }
      }
      scale += negativeExponent ? -x : x;
    }
    int n = digits.length();
    while (n > 0 && digits.charAt(n - 1) == '0') {
      n--;
      scale++;
    }
    if (n == 0) {
      return 0;
    }
    if (scale < 0 || n + scale > 18) {
      pos = s;
      throw fail("a whole number below 10^18, got " + text(s, (int) Math.min(e, (long) s + 40)));
    }
    long v = 0;
    for (int k = 0; k < n; k++) {
      v = v * 10 + (digits.charAt(k) - '0');
    }
    v *= LONG_POW10[(int) scale];
    return negative ? -v : v;
  }

  /** Skips one value of any kind, checking it is well-formed JSON. */
  public void skipValue() {
    int base = depth;
    while (true) {
      // a value
      int c = peek();
      switch (c) {
        case '"':
          pos = stringEnd() + 1;
          break;
        case '{':
          expect('{', "'{'");
          container(true);
          if (consume('}')) {
            break;
          }
          skipKey();
          continue;
        case '[':
          expect('[', "'['");
          container(false);
          if (consume(']')) {
            break;
          }
          continue;
        case 't':
          literal("true");
          break;
        case 'f':
          literal("false");
          break;
        case 'n':
          literal("null");
          break;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            pos = scanNumber(pos, false);
            break;
          }
          throw fail("a value");
      }
      // after a value: close what is complete, or go on to the next value
      while (depth > base) {
        int n = peek();
        if (n == ',') {
          pos++;
          if (inObject()) {
            skipKey();
          }
          break;
        }
        if (n == '}' || n == ']') {
          if ((n == '}') != inObject()) {
            throw fail(inObject() ? "',' or '}'" : "',' or ']'");
          }
          pos++;
          depth--;
          continue;
        }
        throw fail(inObject() ? "',' or '}'" : "',' or ']'");
      }
      if (depth == base) {
        return;
      }
    }
  }

  // The kinds of the containers skipValue is in, by depth: true for an object.
  private boolean[] objects = new boolean[0];

  private void container(boolean object) {
    if (objects.length == 0) {
      objects = new boolean[MAX_DEPTH + 1];
    }
    objects[depth] = object;
  }

  private boolean inObject() {
    return objects[depth];
  }

  private void skipKey() {
    if (peek() != '"') {
      throw fail("a key in quotes");
    }
    pos = stringEnd() + 1;
    expect(':', "':' after a key");
  }

  private void literal(String word) {
    int n = word.length();
    for (int k = 0; k < n; k++) {
      if (pos + k >= end) {
        pos = end;
        throw fail(word);
      }
      if (b[pos + k] != word.charAt(k)) {
        pos += k;
        throw fail(word);
      }
    }
    pos += n;
  }

  /** Fails unless only white space is left. */
  public void expectEnd() {
    if (peek() != -1) {
      throw fail("the end of the body");
    }
  }

  /** Whether the string {@link #stringEnd} last looked at has escapes. */
  private boolean escapes;

  /**
   * The offset of the quote closing the string whose opening quote is at {@code pos}; checks that
   * it holds no raw control character and only valid escapes.
   */
  private int stringEnd() {
    escapes = false;
    int i = pos + 1;
    while (i < end) {
      byte c = b[i];
      if (c > '\\' || (c > '"' && c < '\\')) {
        i++; // neither a quote, a backslash nor a control character: most of a string
        continue;
      }
      if (c == '"') {
        return i;
      }
      if (c >= 0 && c < 0x20) {
        pos = i;
        throw fail("no raw control character in a string (JSON escapes them)");
      }
      if (c == '\\') {
        escapes = true;
        if (i + 1 >= end) {
          break;
        }
        byte x = b[i + 1];
        if (x == 'u') {
          for (int k = 2; k < 6; k++) {
            if (i + k >= end) {
              pos = end;
              throw fail("four hex digits after \\u");
            }
            if (Character.digit(b[i + k], 16) < 0) {
              pos = i + k;
              throw fail("four hex digits after \\u");
            }
          }
          i += 6;
          continue;
        }
        if (x != '"' && x != '\\' && x != '/' && x != 'b' && x != 'f' && x != 'n' && x != 'r'
            && x != 't') {
          pos = i + 1;
          throw fail("an escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)");
        }
        i += 2;
        continue;
      }
      i++;
    }
    pos = end;
    throw fail("a closing '\"'");
  }

  /** The text of a string's contents {@code b[s, e)}, checked by {@link #stringEnd}. */
  private String decode(int s, int e) {
    StringBuilder out = new StringBuilder(e - s);
    int run = s;
    int i = s;
    while (i < e) {
      if (b[i] != '\\') {
        i++;
        continue;
      }
      if (i > run) {
        out.append(new String(b, run, i - run, StandardCharsets.UTF_8));
      }
      byte x = b[i + 1];
      switch (x) {
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          out.append(
              (char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16));
          i += 4;
          break;
        default:
          out.append((char) x);
          break;
      }
      i += 2;
      run = i;
    }
    out.append(new String(b, run, e - run, StandardCharsets.UTF_8));
    return out.toString();
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
      m.append("unexpected ").append(describe(pos)).append(" at byte ").append(pos);
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
    String text = m.toString();
    return (truncated
            ? DataFormatException.retryable(source, text)
            : DataFormatException.of(source, text))
        .build();
  }

  /**
   * A row the {@link io.github.ohlcv4j.CandleSeries.Builder} refused (NaN, high below low, negative
   * volume): the builder's reason, with the source, the request and the row of the response.
   */
  public DataFormatException badRow(int row, DataFormatException e) {
    return DataFormatException.of(
            source,
            source
                + ": row "
                + row
                + " of the response to "
                + what
                + " (before byte "
                + pos
                + ") is not a valid candle: "
                + e.getMessage())
        .cause(e)
        .build();
  }

  /** Whether the body starts like an HTML page. */
  public boolean looksLikeHtml() {
    int i = 0;
    while (i < end && b[i] <= ' ' && b[i] >= 0) {
      i++;
    }
    return i < end && b[i] == '<';
  }

  /** The first {@code max} characters of the body, secrets masked, white space collapsed. */
  public String snippet(int max) {
    return Redact.snippet(b, end, 0, end, max, secrets, true);
  }

  /** {@code b[from, to)} as text, secrets masked (also where one runs over either end). */
  private String text(int from, int to) {
    return Redact.snippet(b, end, from, to, Integer.MAX_VALUE - 8, secrets, false);
  }

  private String describe(int at) {
    byte c = b[at];
    if (c >= ' ' && c < 127) {
      // A byte of a secret is not shown either.
      String masked = text(at, at + 1);
      return masked.equals(Redact.MASK) ? "a byte of a secret" : "'" + (char) c + "'";
    }
    return String.format("byte 0x%02x", c & 0xff);
  }
}
