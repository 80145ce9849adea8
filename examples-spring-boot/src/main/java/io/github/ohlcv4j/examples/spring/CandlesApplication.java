package io.github.ohlcv4j.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that serves candles over REST from the client the starter builds:
 * {@code GET
 * /candles?symbol=BTCUSDT&interval=1h&from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z}. Its
 * health ({@code /actuator/health/readiness}) and metrics ({@code
 * /actuator/metrics/ohlcv4j.fetches}) come with the starter.
 */
@SpringBootApplication
public class CandlesApplication {

  /** Starts the application (port 8080 unless {@code server.port} says otherwise). */
  public static void main(String[] args) {
    SpringApplication.run(CandlesApplication.class, args);
  }
}
