package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.DataFormatException;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class NextPagesTest {

  private static HttpUrl u(String cursor, String key) {
    return HttpUrl.get("https://api.polygon.io/v2/aggs/x?cursor=" + cursor + "&apiKey=" + key);
  }

  @Test
  void theSamePageAskedAgainWithTheSameLinkIsARetryNotALoop() {
    NextPages p = new NextPages("polygon", "X 1m bars", 10, "apiKey");
    p.check(u("0", "k"), u("1", "k"));
    assertDoesNotThrow(() -> p.check(u("0", "k"), u("1", "other-key")));
    p.check(u("1", "k"), u("2", "k"));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> p.check(u("2", "k"), u("0", "k")));
    assertTrue(e.getMessage().contains("already fetched"), e.getMessage());
    assertTrue(e.getMessage().contains("apiKey=***") || !e.getMessage().contains("apiKey"));
  }

  @Test
  void aLinkToItselfIsALoop() {
    NextPages p = new NextPages("polygon", "X 1m bars", 10, "apiKey");
    assertThrows(DataFormatException.class, () -> p.check(u("0", "k"), u("0", "k")));
  }

  @Test
  void noMoreLinkedPagesThanTheRangeHoldsCandles() {
    NextPages p = new NextPages("polygon", "X 1m bars", 3, "apiKey");
    p.check(u("0", "k"), u("1", "k"));
    p.check(u("1", "k"), u("2", "k"));
    p.check(u("2", "k"), u("3", "k"));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> p.check(u("3", "k"), u("4", "k")));
    assertTrue(e.getMessage().contains("(4) than the range holds candles (3)"), e.getMessage());
  }
}
