package io.github.ohlcv4j.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.SampleSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the application as {@code main} would, on a free port, calls its endpoint, and checks the
 * candles against the sample market, the health and metrics the starter adds, and that closing the
 * application leaves no thread of the library.
 */
class CandlesApplicationTest {

  private static final Pattern CLOSE = Pattern.compile("\"close\":([0-9.Ee+-]+)");

  @Test
  void servesCandlesOfTheSampleMarketAndShutsDownClean() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    Instant to = Instant.parse("2024-01-02T00:00:00Z");
    try (ConfigurableApplicationContext app =
        SpringApplication.run(CandlesApplication.class, "--server.port=0")) {
      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");

      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base + "/candles?symbol=BTCUSDT&interval=1h&from=" + from + "&to=" + to))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"source\":\"sample\""), r.body());
      assertTrue(r.body().contains("\"synthetic\":true"), r.body());
      CandleSeries expected =
          SampleSource.create()
              .fetch(
                  OhlcvQuery.builder()
                      .symbol("BTCUSDT")
                      .interval(Interval.H1)
                      .between(from, to)
                      .build());
      Matcher m = CLOSE.matcher(r.body());
      List<Double> closes = new java.util.ArrayList<>();
      while (m.find()) {
        closes.add(Double.parseDouble(m.group(1)));
      }
      assertEquals(24, closes.size(), r.body());
      for (int i = 0; i < 24; i++) {
        assertEquals(expected.close(i), closes.get(i), "close of hour " + i);
      }

      HttpResponse<String> bad =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          base + "/candles?symbol=BTCUSDT&interval=1h&from=" + to + "&to=" + from))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, bad.statusCode(), bad.body());

      String ready = get(http, base + "/actuator/health/readiness");
      assertTrue(ready.startsWith("200 ") && ready.contains("\"sample\""), ready);
      String fetches = get(http, base + "/actuator/metrics/ohlcv4j.fetches?tag=outcome:SUCCESS");
      assertTrue(fetches.startsWith("200 ") && fetches.contains("\"value\":1.0"), fetches);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> left = libraryThreads();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
      left = libraryThreads();
    }
    assertEquals(List.of(), left, "threads of the library left after the application closed");
  }

  private static List<String> libraryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("ohlcv4j-"))
        .filter(t -> !t.getName().startsWith("ohlcv4j-shared-"))
        .map(Thread::getName)
        .toList();
  }

  private static String get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }
}
