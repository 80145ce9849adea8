package io.github.ohlcv4j.source.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/** Secrets are masked before a text is cut, so no part of one survives the cut. */
class RedactTest {

  private static final String KEY = "Zq8vR2xW7pL4k3yMn6tY1cM9sD3aB5eQ";

  /** Fails if any 4 characters in a row of {@code secret} show in {@code text}. */
  static void assertNoFragment(String text, String secret) {
    for (int i = 0; i + 4 <= secret.length(); i++) {
      String part = secret.substring(i, i + 4);
      assertFalse(text.contains(part), () -> "'" + part + "' of a secret shows in: " + text);
    }
  }

  @Test
  void aSnippetCutInsideASecretShowsNoPartOfIt() {
    List<String> secrets = Redact.forms(List.of(KEY));
    for (int offset = 0; offset < 260; offset++) {
      String text = "a".repeat(offset) + " apiKey=" + KEY + " and more text after the key";
      for (int max : new int[] {40, 120, 200}) {
        String s = Redact.snippet(text, max, secrets);
        assertNoFragment(s, KEY);
        assertTrue(s.length() <= max + 3, s); // a mask is never cut, then "…"
        if (offset + 8 < max) {
          assertTrue(s.contains("apiKey=***"), s);
        }
      }
      assertNoFragment(Http.snippet(text, 120, KEY), KEY);
    }
  }

  @Test
  void aWindowOfBytesStartingOrEndingInsideASecretShowsNoPartOfIt() {
    byte[] b =
        ("{\"echo\":\"GET /x?apiKey=" + KEY + " HTTP/1.1\"}").getBytes(StandardCharsets.UTF_8);
    int at = new String(b, StandardCharsets.UTF_8).indexOf(KEY);
    List<String> secrets = List.of(KEY);
    for (int from = 0; from < b.length; from++) {
      for (int to = from; to <= b.length; to += 3) {
        String s = Redact.snippet(b, b.length, from, to, 1000, secrets, false);
        assertNoFragment(s, KEY);
        if (to > from && from < at + KEY.length() && to > at) {
          assertTrue(s.contains("***"), from + ".." + to + ": " + s);
        }
      }
    }
  }

  @Test
  void whiteSpaceIsCollapsedAndTheCutIsMarked() {
    assertEquals("a b c", Redact.snippet("  a \n\t b   c \n", 100, List.of()));
    assertEquals("abcde…", Redact.snippet("abcdefghij", 5, List.of()));
    assertEquals("a *** b", Redact.snippet("a " + KEY + " b", 100, List.of(KEY)));
    assertEquals("", Redact.snippet(null, 10, List.of()));
  }

  @Test
  void aHugeTextCostsLittle() {
    String ws = " ".repeat(32 * 1024 * 1024) + KEY;
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (int i = 0; i < 20; i++) {
            assertNoFragment(Redact.snippet(ws, 200, Redact.forms(List.of(KEY))), KEY);
          }
        });
  }

  @Test
  void theSecretsOfARequestInEveryFormAnEchoShows() {
    String password = "p@ss:w0rd/+ 1";
    Request r =
        new Request.Builder()
            .url(
                HttpUrl.get("https://proxy.example/v5/market/kline?symbol=BTCUSDT")
                    .newBuilder()
                    .username("user")
                    .password(password)
                    .addQueryParameter("apiKey", KEY)
                    .addQueryParameter("token", "tok-123456")
                    .build())
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(("user:" + password).getBytes(StandardCharsets.UTF_8)))
            .header("X-Api-Key", "hdr-key-98765")
            .header("X-MBX-APIKEY", "mbx-key-4567")
            .header("Cookie", "session=c00k-v4l-771")
            .header("Accept", "application/json")
            .build();
    List<String> secrets = Redact.secrets(r);
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < r.headers().size(); i++) {
      headers.append(r.headers().name(i)).append(": ").append(r.headers().value(i)).append('\n');
    }
    String echo =
        r.method()
            + " "
            + r.url()
            + "\n"
            + headers
            + "{\"password\":\"p@ss:w0rd\\/+ 1\",\"user\":\"user:"
            + password
            + "\"}";
    String clean = Redact.text(echo, secrets);
    for (String s :
        List.of(
            KEY,
            "tok-123456",
            "hdr-key-98765",
            "mbx-key-4567",
            "c00k-v4l-771",
            password,
            HttpUrl.get("https://x/").newBuilder().password(password).build().encodedPassword())) {
      assertNoFragment(Redact.snippet(clean, 10_000, List.of()), s);
      for (int max = 10; max < echo.length(); max += 7) {
        assertNoFragment(Redact.snippet(echo, max, secrets), s);
      }
    }
    assertTrue(clean.contains("application/json"), "other headers stay: " + clean);
    assertTrue(clean.contains("symbol=BTCUSDT"), clean);
  }

  @Test
  void urlsShowNoSecretParameterOrPassword() {
    String u =
        Redact.url(
            HttpUrl.get("https://user:pw-123456@h.example/a?apiKey=" + KEY + "&x-api-key=k9&b=1"));
    assertEquals("https://user:***@h.example/a?apiKey=***&x-api-key=***&b=1", u);
  }
}
