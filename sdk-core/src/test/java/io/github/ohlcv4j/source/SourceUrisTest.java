package io.github.ohlcv4j.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Source URI parameters are percent-decoded as RFC 3986 says, and errors show no secret. */
class SourceUrisTest {

  @Test
  void aPlusIsAPlusAndEscapesAreBytesOfUtf8() {
    Map<String, String> p =
        SourceUris.params(URI.create("polygon:?apiKey=a+b%2Bc&x=%20y%20&z=caf%C3%A9&w=100%25"));
    assertEquals("a+b+c", p.get("apiKey"));
    assertEquals(" y ", p.get("x"));
    assertEquals("café", p.get("z"));
    assertEquals("100%", p.get("w"));
    assertEquals("p+w", SourceUris.decode("p+w"));
    assertEquals("p w", SourceUris.decode("p%20w"));
  }

  @Test
  void aMalformedEscapeIsRefusedWithoutShowingTheValue() {
    // java.net.URI refuses "%zz" itself; user info taken from a URI's raw form may still hold it.
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SourceUris.decode("S3cr3t-K3y%zz"));
    assertFalse(e.getMessage().contains("S3cr3t"), e.getMessage());
    assertTrue(e.getMessage().contains("character 10"), e.getMessage());
    IllegalArgumentException utf8 =
        assertThrows(
            IllegalArgumentException.class,
            () -> SourceUris.params(URI.create("sample:?apiKey=S3cr3t%ff")));
    assertFalse(utf8.getMessage().contains("S3cr3t"), utf8.getMessage());
    assertTrue(utf8.getMessage().contains("UTF-8"), utf8.getMessage());
    assertTrue(utf8.getMessage().contains("apiKey=***"), utf8.getMessage());
  }

  @Test
  void textThatIsNoUriStillHasItsSecretsMasked() {
    assertEquals(
        "clickhouse://u:***@host/db?table=a b",
        SourceUris.redact("clickhouse://u:PW-s3cret@host/db?table=a b"));
    assertEquals(
        "clickhouse://u:***@host/db?x=1 2",
        SourceUris.redact("clickhouse://u:p@ss/wo?rd@host/db?x=1 2"));
    assertEquals("polygon:?apiKey=***&x=a b", SourceUris.redact("polygon:?apiKey=K3y-123&x=a b"));
    assertEquals(
        "bybit:linear?baseUrl=https://u:***@proxy/&token=***",
        SourceUris.redact("bybit:linear?baseUrl=https://u:pw123@proxy/&token=t0k3n"));
    assertEquals(
        "clickhouse://u:***@h:8123/db?table=t",
        SourceUris.redact(URI.create("clickhouse://u:p%40ss@h:8123/db?table=t")));
  }

  @Test
  void aNumberThatIsASecretIsNotShown() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SourceUris.parseLong(URI.create("x:?token=abc123"), "token", "abc123"));
    assertFalse(e.getMessage().contains("abc123"), e.getMessage());
  }
}
