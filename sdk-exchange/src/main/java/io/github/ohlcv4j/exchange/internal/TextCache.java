package io.github.ohlcv4j.exchange.internal;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The strings a stream reader has met, looked up by their UTF-8 bytes: a WebSocket's pushes name
 * the same topics and symbols again and again, and a reader that takes them from here creates no
 * string for them. ASCII text is cached; other text is decoded each time. Holds at most {@value
 * #MAX} strings; when it is full it starts over. Not thread-safe (one per reader).
 */
public final class TextCache {
  /** The most strings held. */
  static final int MAX = 4096;

  private @Nullable String[] table = new String[64];
  private int size;

  /** The string of the bytes {@code b[from, to)}, as UTF-8. */
  public String get(byte[] b, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c < 0) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
      }
      h = 31 * h + c;
    }
    @Nullable String[] t = table;
    int mask = t.length - 1;
    int n = to - from;
    for (int i = mix(h) & mask; ; i = (i + 1) & mask) {
      String s = t[i];
      if (s == null) {
        break;
      }
      if (s.length() == n && same(s, b, from)) {
        return s;
      }
    }
    String s = new String(b, from, n, StandardCharsets.US_ASCII);
    put(s, h);
    return s;
  }

  /**
   * The string of the characters {@code c[from, to)}, all ASCII: the same string {@link
   * #get(byte[], int, int)} gives for their bytes.
   */
  public String get(char[] c, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + c[i];
    }
    @Nullable String[] t = table;
    int mask = t.length - 1;
    int n = to - from;
    for (int i = mix(h) & mask; ; i = (i + 1) & mask) {
      String s = t[i];
      if (s == null) {
        break;
      }
      if (s.length() == n && same(s, c, from)) {
        return s;
      }
    }
    String s = new String(c, from, n);
    put(s, h);
    return s;
  }

  private static boolean same(String s, char[] c, int from) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) != c[from + i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(String s, byte[] b, int from) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) != b[from + i]) {
        return false;
      }
    }
    return true;
  }

  private void put(String s, int h) {
    if (size + 1 > table.length / 2) {
      if (table.length * 2 > 2 * MAX) {
        table = new String[table.length];
        size = 0;
      } else {
        rehash(table.length * 2);
      }
    }
    @Nullable String[] t = table;
    int mask = t.length - 1;
    int i = mix(h) & mask;
    while (t[i] != null) {
      i = (i + 1) & mask;
    }
    t[i] = s;
    size++;
  }

  private void rehash(int capacity) {
    @Nullable String[] old = table;
    @Nullable String[] t = new String[capacity];
    int mask = capacity - 1;
    for (String s : old) {
      if (s != null) {
        int i = mix(s.hashCode()) & mask;
        while (t[i] != null) {
          i = (i + 1) & mask;
        }
        t[i] = s;
      }
    }
    table = t;
  }

  /** Spreads the hash's bits, so that strings alike in their last characters spread out. */
  private static int mix(int h) {
    return h ^ (h >>> 16) ^ (h >>> 7);
  }

  /** How many strings are held. */
  int size() {
    return size;
  }
}
