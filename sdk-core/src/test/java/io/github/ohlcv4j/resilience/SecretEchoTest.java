package io.github.ohlcv4j.resilience;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.HttpTestSource;
import io.github.ohlcv4j.testing.LogCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A proxy that echoes the request (its URL with the API key, and its headers with the basic
 * authentication) into the body of every error: no four characters of a secret in a row reach a
 * message or a log line, wherever the echo puts the secret relative to where a snippet is cut.
 */
@Timeout(120)
class SecretEchoTest {

  private static final String KEY = "Zq8vR2xW7pL4k3yMn6tY1cM9sD3aB5eQ";
  private static final String PASSWORD = "Hn6tY1cM-pa55-9sD3qW";
  private static final String BASIC =
      Base64.getEncoder().encodeToString(("user:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  private static final OhlcvQuery QUERY = FakeVenueServer.query("BTCUSDT", Duration.ZERO, 10);

  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient http =
      new OkHttpClient.Builder().readTimeout(2, TimeUnit.SECONDS).build();
  private volatile int pad;
  private volatile int status;
  private volatile String type = "text/plain";

  @BeforeEach
  void start() throws IOException {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            // The request line and the headers, in either order, after pad characters.
            StringBuilder headers = new StringBuilder();
            Headers h = r.getHeaders();
            for (int i = h.size() - 1; i >= 0; i--) {
              headers.append(h.name(i)).append(": ").append(h.value(i)).append('\n');
            }
            String line = r.getMethod() + " " + r.getUrl() + "\n";
            StringBuilder echo = new StringBuilder("x".repeat(pad));
            echo.append(pad % 2 == 0 ? headers + line : line + headers);
            String body =
                type.equals("text/csv")
                    ? "openTime,open,high,low,close,volume\n"
                        + echo.toString().replace('\n', ' ')
                        + "\nend,0\n"
                    : echo.toString();
            return new MockResponse.Builder()
                .code(status)
                .setHeader("Content-Type", type)
                .body(body)
                .build();
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anEchoedKeyOrPasswordNeverShowsWhereverTheCutFalls() {
    List<String> texts = new ArrayList<>();
    try (LogCapture logs = LogCapture.start();
        OhlcvClient client =
            OhlcvClient.builder()
                .source(
                    "fake-venue://"
                        + server.getHostName()
                        + ":"
                        + server.getPort()
                        + "/?key="
                        + KEY
                        + "&password="
                        + PASSWORD)
                .okHttpClient(http)
                .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(2), 2))
                .circuitBreakerPolicy(CircuitBreakerPolicy.none())
                .build()) {
      for (int p = 0; p < 160; p += 5) {
        pad = p;
        for (int[] s : new int[][] {{500, 0}, {400, 0}, {200, 0}, {200, 1}}) {
          status = s[0];
          type = s[1] == 1 ? "text/csv" : "text/plain";
          OhlcvException e = assertThrows(OhlcvException.class, () -> client.fetch(QUERY));
          for (Throwable t = e; t != null; t = t.getCause()) {
            texts.add(t.toString());
          }
        }
      }
      for (LogCapture.Event e : logs.events()) {
        texts.add(e.fullText());
      }
    }
    assertTrue(texts.stream().anyMatch(t -> t.contains("***")), "the echo is quoted, masked");
    for (String text : texts) {
      for (String secret : List.of(KEY, PASSWORD, BASIC)) {
        for (int i = 0; i + 4 <= secret.length(); i++) {
          String part = secret.substring(i, i + 4);
          assertFalse(text.contains(part), () -> "'" + part + "' of a secret shows in: " + text);
        }
      }
    }
  }

  @Test
  void aBodyLargerThanTheCapIsATypedError() throws Exception {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            Buffer big = new Buffer();
            big.writeUtf8("openTime,open,high,low,close,volume\n");
            while (big.size() <= HttpTestSource.MAX_BODY) {
              big.writeUtf8("1685577600000,1.0,2.0,0.5,1.5,10.0\n");
            }
            return new MockResponse.Builder()
                .setHeader("Content-Type", "text/csv")
                .body(big)
                .build();
          }
        });
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source("fake-venue://" + server.getHostName() + ":" + server.getPort() + "/?key=k")
            .okHttpClient(http)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      OhlcvException e = assertThrows(OhlcvException.class, () -> client.fetch(QUERY));
      assertInstanceOf(DataFormatException.class, e, e.toString());
      assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }
  }
}
