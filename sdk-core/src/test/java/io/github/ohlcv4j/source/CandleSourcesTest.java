package io.github.ohlcv4j.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.InvalidQueryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opening sources by URI: a malformed one is refused without echoing its credentials. */
class CandleSourcesTest {

  private static final String SECRET = "Pw-9f3Kq71xZ";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "clickhouse://u:" + SECRET + "@host/db?table=a b",
        "clickhouses://u:" + SECRET + "@host:8443/db?table=a|b",
        "polygon:?apiKey=" + SECRET + "&x=a b",
        "bybit:linear?baseUrl=http://u:" + SECRET + "@proxy/ x",
        "binance:spot?token=" + SECRET + "&a=\"b\"",
        "//u:" + SECRET + "@host/db"
      })
  void aMalformedUriNeverEchoesItsCredentials(String uri) {
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> CandleSources.open(uri));
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = t.toString();
      for (int i = 0; i + 4 <= SECRET.length(); i++) {
        assertFalse(text.contains(SECRET.substring(i, i + 4)), text);
      }
    }
    assertTrue(e.getMessage().contains("***"), e.getMessage());
  }

  @Test
  void aMalformedUriSaysWhere() {
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> CandleSources.open("sample:?seed=1 2"));
    assertTrue(e.getMessage().contains("at index 14"), e.getMessage());
    assertTrue(e.getMessage().contains("%20"), e.getMessage());
  }
}
