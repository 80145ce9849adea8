package io.github.ohlcv4j.exchange.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.exchange.FakeVenue;
import io.github.ohlcv4j.exchange.VenueTest;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import io.github.ohlcv4j.exchange.polygon.PolygonSource;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.testing.LogCapture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A proxy in front of each venue echoes the request — its URL with the API key and a token, its
 * headers with basic authentication and an API-key header — into the body of errors of every kind:
 * plain text, HTML, the venue's own error object, and JSON that breaks off. Wherever the echo puts
 * a secret relative to where a message cuts its quote, no four characters of it in a row reach an
 * exception (with its causes) or a log line.
 */
@Timeout(120)
class SecretEchoTest extends VenueTest {

  private static final String KEY = "pk_Zq8vR2xW7pL4k3yMn6tY1cM9sD3aB";
  private static final String PASSWORD = "Hn6t-Y1cM-pa55-9sD3";
  private static final String TOKEN = "tok_Qx81Wr0ngLm27Vb";
  private static final String HEADER_KEY = "hk_5e3c7a1b9d0f2468";
  private static final String BASIC =
      Base64.getEncoder().encodeToString(("user:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  private static final List<String> SECRETS = List.of(KEY, PASSWORD, TOKEN, HEADER_KEY, BASIC);
  private static final long DAY = ms("2024-05-01T00:00:00Z");

  private volatile int pad;
  private volatile int status;
  private volatile String shape = "plain";
  private volatile String venue = "bybit";

  @BeforeEach
  void proxy() throws IOException {
    // Answers go out without Nagle's delay: a thousand small exchanges take seconds, not minutes.
    server.close();
    server = new MockWebServer();
    server.setServerSocketFactory(
        new ServerSocketFactory() {
          @Override
          public ServerSocket createServerSocket() throws IOException {
            return new ServerSocket() {
              @Override
              public Socket accept() throws IOException {
                Socket s = super.accept();
                s.setTcpNoDelay(true);
                return s;
              }
            };
          }

          @Override
          public ServerSocket createServerSocket(int port) throws IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
              throws IOException {
            throw new UnsupportedOperationException();
          }
        });
    http =
        http.newBuilder()
            .addInterceptor(
                chain ->
                    chain.proceed(
                        chain
                            .request()
                            .newBuilder()
                            .header("Authorization", "Basic " + BASIC)
                            .header("X-Api-Key", HEADER_KEY)
                            .build()))
            .build();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            return echo(r);
          }
        });
    server.start();
  }

  private MockResponse echo(RecordedRequest r) {
    StringBuilder headers = new StringBuilder();
    Headers h = r.getHeaders();
    for (int i = h.size() - 1; i >= 0; i--) {
      headers.append(h.name(i)).append(": ").append(h.value(i)).append('\n');
    }
    String line = r.getMethod() + " " + r.getUrl() + "\n";
    String echo = "x".repeat(pad) + (pad % 2 == 0 ? headers + line : line + headers);
    String json = echo.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    String body;
    switch (shape) {
      case "html":
        body = "<html><body><h1>Bad gateway</h1><pre>" + echo + "</pre></body></html>";
        break;
      case "venue":
        body =
            venue.equals("bybit")
                ? "{\"retCode\":10001,\"retMsg\":\"" + json + "\",\"result\":{}}"
                : venue.equals("binance")
                    ? "{\"code\":-1121,\"msg\":\"" + json + "\"}"
                    : "{\"status\":\"ERROR\",\"request_id\":\"r\",\"error\":\"" + json + "\"}";
        break;
      case "broken":
        body =
            venue.equals("binance")
                ? "[[1714521600000,\"" + echo
                : venue.equals("bybit")
                    ? "{\"retCode\":0,\"result\":{\"list\":[[\"" + echo
                    : "{\"status\":\"OK\",\"results\":[{\"t\":" + echo;
        break;
      case "nexturl":
        body =
            "{\"status\":\"OK\",\"results\":[{\"t\":"
                + DAY
                + ",\"o\":1,\"h\":2,\"l\":1,\"c\":1,"
                + "\"v\":1}],\"next_url\":\"http://["
                + json
                + "\"}";
        break;
      default:
        body = echo;
        break;
    }
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Date", FakeVenue.httpDate(NOW))
        .setHeader("Content-Type", shape.equals("html") ? "text/html" : "application/json")
        .body(body)
        .build();
  }

  private CandleSource source(String venue) {
    HttpUrl proxied =
        server
            .url("/")
            .newBuilder()
            .username("user")
            .password(PASSWORD)
            .addQueryParameter("token", TOKEN)
            .build();
    switch (venue) {
      case "bybit":
        return BybitSource.builder(BybitSource.Category.LINEAR)
            .baseUrl(proxied.toString())
            .context(context())
            .build();
      case "binance":
        return BinanceSource.builder(BinanceSource.Market.SPOT)
            .baseUrl(proxied.toString())
            .context(context())
            .build();
      default:
        return PolygonSource.builder()
            .apiKey(KEY)
            .baseUrl(proxied.toString())
            .context(context(NOW, Map.of()))
            .build();
    }
  }

  private static OhlcvQuery query(String venue) {
    String symbol =
        venue.equals("bybit")
            ? "BYBIT:BTCUSDT.P"
            : venue.equals("binance") ? "BINANCE:BTCUSDT" : "POLYGON:AAPL";
    return OhlcvQuery.builder()
        .symbol(symbol)
        .interval(Interval.M1)
        .between(Instant.ofEpochMilli(DAY), Instant.ofEpochMilli(DAY + 10 * 60_000L))
        .build();
  }

  @Test
  void anEchoedSecretNeverShowsInAMessageOrALog() {
    List<String> texts = new ArrayList<>();
    int failures = 0;
    try (LogCapture logs = LogCapture.start()) {
      for (String v : List.of("bybit", "binance", "polygon")) {
        venue = v;
        CandleSource s = source(v);
        try (OhlcvClient client =
            OhlcvClient.builder()
                .source(s)
                .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(2), 2))
                .circuitBreakerPolicy(CircuitBreakerPolicy.none())
                .build()) {
          for (int p = 0; p < 220; p += 11) {
            pad = p;
            for (String sh : List.of("plain", "html", "venue", "broken", "nexturl")) {
              shape = sh;
              int[] codes =
                  sh.equals("nexturl")
                      ? new int[] {200}
                      : sh.equals("venue")
                          ? new int[] {200, 400, 403, 429, 500}
                          : new int[] {200, 400, 500};
              for (int code : codes) {
                status = code;
                // Retryable server errors go through the client, whose retries log at WARN; the
                // rest straight to the source, so that rate limits do not make the test wait.
                boolean viaClient = code >= 500;
                OhlcvException e =
                    assertThrows(
                        OhlcvException.class,
                        () -> {
                          if (viaClient) {
                            client.fetch(query(v));
                          } else {
                            s.fetch(query(v));
                          }
                        },
                        v + " " + sh + " " + code);
                failures++;
                for (Throwable t = e; t != null; t = t.getCause()) {
                  texts.add(t.toString());
                }
              }
            }
          }
        }
      }
      for (LogCapture.Event e : logs.events()) {
        texts.add(e.fullText());
        texts.add(e.mdc().toString());
      }
    }
    assertTrue(failures >= 3 * 20 * 14, "cases: " + failures);
    assertTrue(texts.stream().anyMatch(t -> t.contains("***")), "echoes are quoted, masked");
    for (String text : texts) {
      for (String secret : SECRETS) {
        for (int i = 0; i + 4 <= secret.length(); i++) {
          String part = secret.substring(i, i + 4);
          assertFalse(text.contains(part), () -> "'" + part + "' of a secret shows in: " + text);
        }
      }
    }
  }
}
