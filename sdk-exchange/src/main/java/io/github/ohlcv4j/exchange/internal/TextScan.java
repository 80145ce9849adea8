package io.github.ohlcv4j.exchange.internal;

/**
 * The quick path of the WebSocket frame readers: reads a frame from one bulk copy of its
 * characters, with no conversion into bytes, and accepts only a strict subset of what {@link
 * JsonBytes} accepts — no white space, strings of printable ASCII with no escape, numbers with at
 * most 18 digits and no exponent, no nesting the reader did not ask for. At anything else it gives
 * up ({@link #BAIL}), and the reader reads the frame again with {@link JsonBytes}, which accepts it
 * or says precisely what is wrong. So the quick path never decides that a frame is broken, and what
 * it accepts it reads to the same values as the strict reader (the fuzz tests hold it to that).
 *
 * <p>The position is passed to each method and returned from it, so that it stays in a register;
 * what a method read goes to a field ({@link #number}, {@link #decimal}, {@link #text}, {@link
 * #truth}). Numbers are read as {@link JsonBytes} reads them: all digits into one {@code long},
 * scaled by one exact division by a power of ten (Clinger's fast path, so correctly rounded); a
 * number that does not fit it makes the quick path give up. Not thread-safe; one per reader.
 */
final class TextScan {

  /**
   * What the quick path throws to give up; it carries no stack trace, so giving up costs little.
   */
  static final class Bail extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Bail() {
      super("not a frame for the quick path", null, false, false);
    }
  }

  /** The one {@link Bail} thrown. */
  static final Bail BAIL = new Bail();

  /**
   * A key the reader looks for, with its last eight characters packed into a {@code long}: two keys
   * of up to eight ASCII characters are equal exactly when their lengths and packed forms are.
   */
  static final class Key {
    final String name;
    final long packed;
    private final char[] chars;

    Key(String name) {
      this.name = name;
      this.chars = name.toCharArray();
      long p = 0;
      for (int i = 0; i < name.length(); i++) {
        p = p << 8 | name.charAt(i);
      }
      this.packed = p;
    }
  }

  private char[] s = new char[1024];
  private int end;

  /** Where the last {@link #key} starts, its length and its last eight characters packed. */
  int keyAt;

  int keyLength;

  private long keyPacked;

  /** What the last {@link #whole} read. */
  long number;

  /** What the last {@link #decimal} read. */
  double decimal;

  /** What the last {@link #string} read. */
  String text = "";

  /** What the last {@link #bool} read. */
  boolean truth;

  /** The last eight characters of the last string {@link #stringEnd} scanned, packed. */
  private long packed;

  /**
   * Starts reading {@code text}; returns its first position. Its characters are copied into an
   * array the scanner reuses (one bulk copy, which the JVM does with vector instructions): reading
   * an array costs less than {@link String#charAt} character by character.
   */
  int reset(String text) {
    int n = text.length();
    if (s.length < n) {
      s = new char[Math.max(n, s.length * 2)];
    }
    text.getChars(0, n, s, 0);
    end = n;
    return 0;
  }

  /** The character at {@code p}; gives up at the end. */
  char at(int p) {
    if (p >= end) {
      throw BAIL;
    }
    return s[p];
  }

  /** Takes {@code c} at {@code p}, or gives up. */
  int expect(int p, char c) {
    if (p >= end || s[p] != c) {
      throw BAIL;
    }
    return p + 1;
  }

  /**
   * After a member at {@code p}: a comma gives the position after it; {@code close} gives the
   * position after it, bitwise negated (negative); anything else gives up.
   */
  int more(int p, char close) {
    if (p < end) {
      char c = s[p];
      if (c == ',') {
        return p + 1;
      }
      if (c == close) {
        return ~(p + 1);
      }
    }
    throw BAIL;
  }

  /** Gives up unless {@code p} is the end of the text. */
  void expectEnd(int p) {
    if (p != end) {
      throw BAIL;
    }
  }

  /** Reads a key and the colon after it ({@link #keyAt}, {@link #keyLength}). */
  int key(int p) {
    int from = expect(p, '"');
    int to = stringEnd(from);
    keyAt = from;
    keyLength = to - from;
    keyPacked = packed;
    return expect(to + 1, ':');
  }

  /**
   * Reads a key like {@link #key(int)}, trying first whether it is {@code guess}, the key the venue
   * sends next when it keeps its documented order: then the key is matched in one pass, with no
   * scan for its end. {@link #guessed} says whether it was.
   */
  int key(int p, Key guess) {
    char[] g = guess.chars;
    int n = g.length;
    int q = p + 1;
    if (q + n + 1 < end && s[p] == '"' && s[q + n] == '"' && s[q + n + 1] == ':') {
      int i = 0;
      while (i < n && s[q + i] == g[i]) {
        i++;
      }
      if (i == n) {
        keyAt = q;
        keyLength = n;
        keyPacked = guess.packed;
        guessed = true;
        return q + n + 2;
      }
    }
    guessed = false;
    return key(p);
  }

  /** Whether the last {@link #key(int, Key)} was the key guessed. */
  boolean guessed;

  /** The first character of the last key; a quote if it is empty. */
  char keyChar() {
    return keyLength == 0 ? '"' : s[keyAt];
  }

  /** Whether the last key is {@code key}. */
  boolean keyIs(Key key) {
    return keyPacked == key.packed
        && keyLength == key.name.length()
        && (keyLength <= 8 || same(keyAt, key.name, keyLength - 8));
  }

  /** Whether the {@code n} characters at {@code p} are the first {@code n} of {@code text}. */
  private boolean same(int p, String text, int n) {
    for (int i = 0; i < n; i++) {
      if (s[p + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the last key is the one character {@code c}. */
  boolean keyIs(char c) {
    return keyLength == 1 && s[keyAt] == c;
  }

  /** Reads a string into {@link #text}, taken from {@code cache} when met before. */
  int string(int p, TextCache cache) {
    int from = expect(p, '"');
    int to = stringEnd(from);
    text = cache.get(s, from, to);
    return to + 1;
  }

  /** Takes a string equal to {@code value}, or gives up. */
  int string(int p, String value) {
    int n = value.length();
    if (p + n + 2 > end || s[p] != '"' || !same(p + 1, value, n) || s[p + n + 1] != '"') {
      throw BAIL;
    }
    return p + n + 2;
  }

  /**
   * The closing quote of a string of printable ASCII with no escape starting at {@code from}; its
   * last eight characters go to {@link #packed}.
   */
  private int stringEnd(int from) {
    char[] t = s;
    int e = end;
    long k = 0;
    for (int i = from; i < e; i++) {
      char c = t[i];
      if (c >= '#' && c <= '~' && c != '\\') {
        k = k << 8 | c; // from '#' to '~' but '\\': the usual character
        continue;
      }
      if (c == '"') {
        packed = k;
        return i;
      }
      if (c < 0x20 || c > 0x7e || c == '\\') {
        throw BAIL;
      }
      k = k << 8 | c;
    }
    throw BAIL;
  }

  /** Reads {@code true} or {@code false} into {@link #truth}. */
  int bool(int p) {
    if (p + 4 <= end && same(p, "true", 4)) {
      truth = true;
      return p + 4;
    }
    if (p + 5 <= end && same(p, "false", 5)) {
      truth = false;
      return p + 5;
    }
    throw BAIL;
  }

  /** What the last {@link #digits(char[], int, int, long)} read. */
  private long value;

  /**
   * Reads the digits of {@code t} from {@code i} (up to {@code e}) on to {@code m}, ten times it
   * for each digit, into {@link #value}; returns where the digits end. Past 18 digits the value
   * overflows, and the callers give up.
   */
  private int digits(char[] t, int i, int e, long m) {
    while (i < e) {
      int d = t[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      m = m * 10 + d;
      i++;
    }
    value = m;
    return i;
  }

  /** Reads a bare whole number of at most 18 digits into {@link #number}. */
  int whole(int p) {
    char[] t = s;
    int e = end;
    int i = p;
    boolean negative = i < e && t[i] == '-';
    if (negative) {
      i++;
    }
    int first = i;
    i = digits(t, i, e, 0);
    long m = value;
    int digits = i - first;
    if (digits == 0 || digits > 18 || (digits > 1 && t[first] == '0')) {
      throw BAIL;
    }
    if (i < e) {
      char c = t[i];
      if (c == '.' || c == 'e' || c == 'E') {
        throw BAIL;
      }
    }
    number = negative ? -m : m;
    return i;
  }

  /** Reads a decimal in a string ({@code "87012.5"}) into {@link #decimal}, or gives up. */
  int decimal(int p) {
    char[] t = s;
    int e = end;
    int i = expect(p, '"');
    boolean negative = i < e && t[i] == '-';
    if (negative) {
      i++;
    }
    int first = i;
    i = digits(t, i, e, 0);
    long m = value;
    int whole = i - first;
    if (whole == 0 || (whole > 1 && t[first] == '0')) {
      throw BAIL;
    }
    int fraction = 0;
    if (i < e && t[i] == '.') {
      int f = ++i;
      i = digits(t, i, e, m);
      m = value;
      fraction = i - f;
      if (fraction == 0) {
        throw BAIL;
      }
    }
    if (whole + fraction > 18 || m >= Decimals.TWO_53 || i >= e || t[i] != '"') {
      throw BAIL;
    }
    double v = Decimals.exact(m, -fraction);
    decimal = negative ? -v : v;
    return i + 1;
  }

  /**
   * Skips a value that holds no array or object: a string, a number (any in JSON's grammar), a
   * literal.
   */
  int skipSimple(int p) {
    char c = at(p);
    if (c == '"') {
      return stringEnd(p + 1) + 1;
    }
    if (c == 't' || c == 'f') {
      return bool(p);
    }
    if (c == 'n') {
      if (p + 4 > end || !same(p, "null", 4)) {
        throw BAIL;
      }
      return p + 4;
    }
    return skipNumber(p);
  }

  /**
   * Skips a bare number in JSON's grammar: {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}.
   */
  private int skipNumber(int p) {
    int i = p;
    if (i < end && s[i] == '-') {
      i++;
    }
    int first = i;
    i = digits(s, i, end, 0);
    if (i == first || (i - first > 1 && s[first] == '0')) {
      throw BAIL;
    }
    if (i < end && s[i] == '.') {
      int f = i + 1;
      i = digits(s, f, end, 0);
      if (i == f) {
        throw BAIL;
      }
    }
    if (i < end && (s[i] == 'e' || s[i] == 'E')) {
      i++;
      if (i < end && (s[i] == '+' || s[i] == '-')) {
        i++;
      }
      int x = i;
      i = digits(s, x, end, 0);
      if (i == x) {
        throw BAIL;
      }
    }
    return i;
  }
}
