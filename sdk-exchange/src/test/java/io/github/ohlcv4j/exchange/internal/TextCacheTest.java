package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.testing.PropertyCheck;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link TextCache} gives the string of the bytes, whatever they are, and the same instance for
 * ASCII text it has met; it stays within its bound.
 */
class TextCacheTest {

  @Test
  void theSameTextIsTheSameInstance() {
    TextCache cache = new TextCache();
    byte[] a = "..kline.1.BTCUSDT..".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "kline.1.BTCUSDT".getBytes(StandardCharsets.US_ASCII);
    String first = cache.get(a, 2, a.length - 2);
    assertEquals("kline.1.BTCUSDT", first);
    assertSame(first, cache.get(b, 0, b.length));
    assertEquals("kline.1.BTCUSD", cache.get(b, 0, b.length - 1));
    assertEquals("", cache.get(b, 3, 3));
  }

  @Test
  void anyBytesReadAsUtf8AndTheBoundHolds() {
    TextCache cache = new TextCache();
    String alphabet = "abcXYZ019._@-é€\u00ff";
    PropertyCheck.of("text cache against new String", 3000)
        .forAll(
            (r, size) -> {
              StringBuilder s = new StringBuilder();
              int n = r.nextInt(2 + Math.min(size, 20));
              for (int i = 0; i < n; i++) {
                s.append(alphabet.charAt(r.nextInt(alphabet.length())));
              }
              return s.toString();
            },
            text -> {
              byte[] bytes = ("\"" + text + "\"").getBytes(StandardCharsets.UTF_8);
              assertEquals(text, cache.get(bytes, 1, bytes.length - 1));
              assertEquals(text, cache.get(bytes, 1, bytes.length - 1)); // from the cache
              assertTrue(cache.size() <= TextCache.MAX, "size " + cache.size());
            });
    for (int i = 0; i < 3 * TextCache.MAX; i++) {
      byte[] bytes = ("s" + i).getBytes(StandardCharsets.US_ASCII);
      assertEquals("s" + i, cache.get(bytes, 0, bytes.length));
      assertTrue(cache.size() <= TextCache.MAX, "size " + cache.size());
    }
  }
}
