package io.github.ohlcv4j.spring.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.testing.FakeVenueServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a running application with the actuator: secrets stay out of {@code env}, {@code
 * configprops} and the logs even where values are shown; health per source in the probe groups;
 * metrics of real requests.
 *
 * <p>The ClickHouse source of {@code ohlcv4j.clickhouse.*} is registered before the URIs of {@code
 * ohlcv4j.sources}, so it is the default source here; it points at a closed port.
 */
@SpringBootTest(
    classes = ActuatorEndpointsTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoints.web.exposure.include=env,configprops,health,metrics",
      "management.endpoint.env.show-values=ALWAYS",
      "management.endpoint.configprops.show-values=ALWAYS",
      "management.endpoint.health.show-details=ALWAYS",
      "logging.level.io.github.ohlcv4j=DEBUG",
      "ohlcv4j.clickhouse.url=http://default:"
          + ActuatorEndpointsTest.URL_PASSWORD
          + "@127.0.0.1:9",
      "ohlcv4j.clickhouse.password=" + ActuatorEndpointsTest.CH_PASSWORD,
      "ohlcv4j.clickhouse.name=warehouse",
      "ohlcv4j.retry.initial-wait=20ms"
    })
@ExtendWith(OutputCaptureExtension.class)
class ActuatorEndpointsTest {

  static final String CH_PASSWORD = "Ch-pa55-Zk41xQ";
  static final String URL_PASSWORD = "Url-pa55-Wm93";
  static final String ENV_PASSWORD = "Env-pa55-Rt07";

  static final FakeVenueServer VENUE = new FakeVenueServer();

  static {
    // What an environment variable would give: OHLCV4J_CLICKHOUSE_PASSWORD, as a system property.
    System.setProperty("OHLCV4J_CLICKHOUSE_PASSWORD", ENV_PASSWORD);
  }

  @SpringBootApplication
  static class App {}

  @DynamicPropertySource
  static void venue(DynamicPropertyRegistry registry) {
    registry.add("ohlcv4j.sources[0]", () -> VENUE.uri("pageSize=100"));
  }

  @AfterAll
  static void stop() {
    VENUE.close();
    System.clearProperty("OHLCV4J_CLICKHOUSE_PASSWORD");
  }

  @LocalServerPort int port;
  @Autowired OhlcvClient client;

  private final HttpClient http = HttpClient.newHttpClient();

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private static final List<String> SECRETS =
      List.of(
          CH_PASSWORD,
          URL_PASSWORD,
          ENV_PASSWORD,
          FakeVenueServer.API_KEY,
          FakeVenueServer.PASSWORD);

  @Test
  void envAndConfigpropsShowNoSecretEvenWithValuesShown(CapturedOutput output) throws Exception {
    String env = get("/actuator/env");
    assertTrue(env.startsWith("200 "), env);
    assertTrue(env.contains("ohlcv4j.retry.initial-wait"), "values are shown: " + env);
    assertTrue(env.contains("fake-venue://"), "the source URI is shown, masked");
    String props = get("/actuator/configprops");
    assertTrue(props.startsWith("200 "), props);
    assertTrue(props.contains("\"ohlcv4j\""), props);
    assertTrue(props.contains("warehouse"), "values are shown: " + props);
    for (String body : List.of(env, props, get("/actuator/env/OHLCV4J_CLICKHOUSE_PASSWORD"))) {
      for (String secret : SECRETS) {
        assertFalse(body.contains(secret), secret + " shown in " + body);
      }
    }
    assertTrue(props.contains("******"), "masked values are there, masked");
    // The ClickHouse source is the default one (see the class comment): its requests fail, are
    // retried and logged, with the URL.
    assertThrows(
        SourceUnavailableException.class,
        () -> client.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 50)));
    assertTrue(output.getAll().contains("retry source=warehouse"), output.getAll());
    for (String secret : SECRETS) {
      assertFalse(output.getAll().contains(secret), secret + " logged");
    }
  }

  @Test
  void eachSourceHasAHealthIndicatorInTheReadinessGroup() throws Exception {
    String fake = get("/actuator/health/ohlcv4j/fake");
    assertTrue(fake.startsWith("200 ") && fake.contains("\"UP\""), fake);
    String warehouse = get("/actuator/health/ohlcv4j/warehouse");
    assertTrue(warehouse.startsWith("503 ") && warehouse.contains("\"DOWN\""), warehouse);
    String readiness = get("/actuator/health/readiness");
    assertTrue(readiness.startsWith("503 "), "a source is down: not ready " + readiness);
    assertTrue(readiness.contains("readinessState") && readiness.contains("warehouse"), readiness);
    String liveness = get("/actuator/health/liveness");
    assertTrue(liveness.startsWith("200 "), "a venue down never fails liveness " + liveness);
    assertTrue(liveness.contains("ohlcv4jClient"), liveness);
    assertFalse(liveness.contains("warehouse"), liveness);
  }

  @Test
  void metricsOfRealRequestsReachTheActuator() throws Exception {
    assertThrows(
        SourceUnavailableException.class,
        () -> client.fetch(FakeVenueServer.query("ETHUSDT", Duration.ZERO, 250)));
    String failed =
        get(
            "/actuator/metrics/ohlcv4j.fetches?tag=source:warehouse&tag=outcome:SERVER_ERROR"
                + "&tag=exception:SourceUnavailableException");
    assertTrue(failed.startsWith("200 ") && failed.contains("\"COUNT\""), failed);
    String requests = get("/actuator/metrics/ohlcv4j.requests?tag=source:warehouse");
    assertTrue(requests.startsWith("200 "), requests);
    String retries = get("/actuator/metrics/ohlcv4j.retries?tag=source:warehouse");
    assertTrue(retries.startsWith("200 ") && retries.contains("\"value\":3.0"), retries);
  }
}
