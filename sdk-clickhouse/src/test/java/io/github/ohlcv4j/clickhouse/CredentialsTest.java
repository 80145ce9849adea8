package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.Health;
import io.github.ohlcv4j.testing.LogCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * User names and passwords of every kind, and where they must never go: into a message, a log, a
 * redirect's target. Against a MockWebServer that records what it is sent, and the real server for
 * what it accepts.
 */
@ExtendWith(ClickHouseServer.Extension.class)
class CredentialsTest {

  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  static final OhlcvQuery DAY =
      OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(86_400)).build();
  static final String SECRET = "pw-Secr3t-0123456789-abcdefghijk";

  MockWebServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  ClickHouseSource.Builder source(String user, String password) {
    return ClickHouseSource.builder()
        .url(server.url("/").toString())
        .database("md")
        .table("ohlcv")
        .user(user)
        .password(password);
  }

  @Test
  void aUnicodePasswordTravelsInBasicAuthenticationAndWorks(SeededMarket m) throws Exception {
    ClickHouseSource real =
        m.source()
            .user(ClickHouseServer.UNICODE_USER)
            .password(ClickHouseServer.UNICODE_PASSWORD)
            .build();
    assertEquals(1440, real.fetch(ClickHouseSourceProviderTest.DAY).size());
    assertEquals(Health.Status.UP, real.health().status());
    AuthenticationException wrong =
        assertThrows(
            AuthenticationException.class,
            () ->
                m.source()
                    .user(ClickHouseServer.UNICODE_USER)
                    .password("pässwörd-€-日本")
                    .build()
                    .fetch(ClickHouseSourceProviderTest.DAY));
    assertFalse(ErrorsTest.everything(wrong).contains("pässwörd"), ErrorsTest.everything(wrong));

    // What goes on the wire: UTF-8 in Basic, and no X-ClickHouse-* header beside it.
    RecordedRequest r = firstRequest(source("ünïcödé", "€-пароль-密码").build());
    String basic = r.getHeaders().get("Authorization");
    assertEquals(
        "ünïcödé:€-пароль-密码",
        new String(
            Base64.getDecoder().decode(basic.substring("Basic ".length())),
            StandardCharsets.UTF_8));
    assertNull(r.getHeaders().get("X-ClickHouse-User"));
    assertNull(r.getHeaders().get("X-ClickHouse-Key"));
  }

  @Test
  void whatNoRequestCanCarryIsRefusedWhenTheSourceIsBuiltWithoutShowingIt() {
    List<String> passwords =
        List.of(
            "line\r\nX-Injected: " + SECRET,
            SECRET + "\n",
            "nul\0" + SECRET,
            "half\uD83D" + SECRET,
            SECRET + "\uDE80");
    for (String pw : passwords) {
      AuthenticationException e =
          assertThrows(AuthenticationException.class, () -> source("u", pw).build());
      assertFalse(ErrorsTest.everything(e).contains(SECRET), ErrorsTest.everything(e));
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains("password"), e.getMessage());
    }
    assertThrows(AuthenticationException.class, () -> source("us\ner", "pw").build());
    // A colon ends the user name in Basic authentication, which a non-ASCII password needs.
    AuthenticationException colon =
        assertThrows(AuthenticationException.class, () -> source("a:b", "pässwörd").build());
    assertTrue(colon.getMessage().contains("colon"), colon.getMessage());
    assertEquals(0, server.getRequestCount());
    // From the URI and the environment alike.
    assertThrows(
        AuthenticationException.class,
        () -> CandleSources.open("clickhouse://u:a%0Ab@" + server.getHostName() + ":1/db"));
  }

  @Test
  void aLiteralPlusInTheUrisUserInfoIsAPlus() throws Exception {
    for (String[] c :
        new String[][] {
          {"p+w+d", "p+w+d"}, {"p%2Bw", "p+w"}, {"100%25+x", "100%+x"}, {"a%20b", "a b"}
        }) {
      String uri =
          "clickhouse://us+er:"
              + c[0]
              + "@"
              + server.getHostName()
              + ":"
              + server.getPort()
              + "/md";
      RecordedRequest r = firstRequest((ClickHouseSource) CandleSources.open(uri));
      assertEquals("us+er", r.getHeaders().get("X-ClickHouse-User"));
      assertEquals(c[1], r.getHeaders().get("X-ClickHouse-Key"), c[0]);
    }
    // java.net.URI lets no malformed escape through; the decoder refuses one without showing it.
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              throw new IllegalArgumentException("x");
            });
    assertFalse(bad.getMessage().contains(SECRET), bad.getMessage());
  }

  @Test
  void aRedirectIsNotFollowedSoTheCredentialsStay() throws IOException {
    try (MockWebServer elsewhere = new MockWebServer()) {
      elsewhere.start();
      server.enqueue(
          new MockResponse.Builder()
              .code(307)
              .setHeader("Location", elsewhere.url("/steal").toString())
              .build());
      ClickHouseSource source = source("u", SECRET).build();
      SourceUnavailableException e =
          assertThrows(SourceUnavailableException.class, () -> source.fetch(DAY));
      assertFalse(e.isRetryable());
      assertTrue(e.getMessage().contains("307 redirects to"), e.getMessage());
      assertEquals(0, elsewhere.getRequestCount(), "nothing went to the redirect's target");
      server.enqueue(
          new MockResponse.Builder()
              .code(302)
              .setHeader("Location", elsewhere.url("/steal").toString())
              .build());
      assertEquals(Health.Status.DOWN, source.health().status());
      assertEquals(0, elsewhere.getRequestCount());
    }
  }

  @Test
  void anAnswerEchoingTheRequestNeverShowsThePassword() {
    String echo =
        "X-ClickHouse-Key: "
            + SECRET
            + "\nX-ClickHouse-User: u\nAuthorization: Basic "
            + Base64.getEncoder().encodeToString(("u:" + SECRET).getBytes(StandardCharsets.UTF_8))
            + "\n";
    // The table description: a 200 that is not one.
    server.enqueue(new MockResponse.Builder().body(echo).build());
    // An error page whose first 300 characters end inside the password.
    String pad = "x".repeat(300 - "HTTP 500: ".length() - 12);
    server.enqueue(new MockResponse.Builder().code(500).body(pad + " " + SECRET + " tail").build());
    try (LogCapture logs = LogCapture.start()) {
      ClickHouseSource source = source("u", SECRET).build();
      DataFormatException describe =
          assertThrows(DataFormatException.class, () -> source.fetch(DAY));
      assertTrue(describe.getMessage().contains("describing"), describe.getMessage());
      OhlcvException cut = assertThrows(OhlcvException.class, () -> source.fetch(DAY));
      for (OhlcvException e : List.of(describe, cut)) {
        assertNoPartOfTheSecret(ErrorsTest.everything(e));
      }
      for (LogCapture.Event event : logs.events()) {
        assertNoPartOfTheSecret(event.fullText());
      }
    }
    // The schema's description of its migrations table, too.
    server.enqueue(new MockResponse.Builder().body(echo).build());
    ClickHouseSource source = source("u", SECRET).build();
    OhlcvException e =
        assertThrows(
            OhlcvException.class, () -> ClickHouseSchema.builder(source).build().version());
    assertInstanceOf(DataFormatException.class, e);
    assertNoPartOfTheSecret(ErrorsTest.everything(e));
  }

  @Test
  void rowsThatQuoteThePasswordDoNotShowIt() {
    // Something that echoes the request as a RowBinary answer: the first "symbol" is the password.
    server.enqueue(
        new MockResponse.Builder()
            .body(
                "v\t\t18.16.1\nt\t\tReplacingMergeTree\nc\tsymbol\tString\nc\tts\tDateTime"
                    + "\nc\topen\tFloat64\nc\thigh\tFloat64\nc\tlow\tFloat64\nc\tclose\tFloat64"
                    + "\nc\tvolume\tFloat64\n")
            .build());
    okio.Buffer body = new okio.Buffer().writeByte(SECRET.length()).writeUtf8(SECRET);
    body.write(new byte[44]);
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/octet-stream")
            .body(body)
            .build());
    List<io.github.ohlcv4j.Symbol> symbols =
        List.of(
            io.github.ohlcv4j.Symbol.parse("BTCUSDT"),
            io.github.ohlcv4j.Symbol.parse("A_SYMBOL_WITH_A_NAME_OF_FORTY_CHARACTERS"));
    DataFormatException e =
        assertThrows(
            DataFormatException.class, () -> source("u", SECRET).build().fetchAll(symbols, DAY));
    assertTrue(e.getMessage().contains("which was not asked for"), e.getMessage());
    assertNoPartOfTheSecret(ErrorsTest.everything(e));
  }

  /** Sends a query that the server refuses at once, and returns what it received. */
  RecordedRequest firstRequest(ClickHouseSource source) throws InterruptedException {
    server.enqueue(
        new MockResponse.Builder()
            .code(500)
            .body("Code: 1, e.displayText() = DB::Exception: refused, e.what() = DB::Exception\n")
            .build());
    assertThrows(OhlcvException.class, () -> source.fetch(DAY));
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  /** No 9 consecutive characters of the secret (the start of a cut one included). */
  static void assertNoPartOfTheSecret(String text) {
    for (int i = 0; i + 9 <= SECRET.length(); i++) {
      assertFalse(text.contains(SECRET.substring(i, i + 9)), text);
    }
  }
}
