package io.github.ohlcv4j.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.micrometer.OhlcvMetrics;
import io.github.ohlcv4j.opentelemetry.OhlcvTracing;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.testing.ClientThreads;
import io.github.ohlcv4j.testing.FakeVenueServer;
import io.github.ohlcv4j.testing.RecordingListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configured client, from properties, without a web server. */
class OhlcvAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  OhlcvAutoConfiguration.class,
                  OhlcvClickHouseAutoConfiguration.class,
                  OhlcvMetricsAutoConfiguration.class,
                  OhlcvTracingAutoConfiguration.class,
                  OhlcvHealthAutoConfiguration.class,
                  OhlcvSanitizingAutoConfiguration.class));

  @Test
  void theClientTakesItsSourcesAndPoliciesFromProperties() {
    runner
        .withPropertyValues(
            "ohlcv4j.sources[0]=sample:",
            "ohlcv4j.retry.max-attempts=6",
            "ohlcv4j.retry.initial-wait=100ms",
            "ohlcv4j.retry.max-elapsed=30s",
            "ohlcv4j.circuit-breaker.open-duration=2m",
            "ohlcv4j.circuit-breaker.window-size=40",
            "ohlcv4j.rate-limit.all.permits=100",
            "ohlcv4j.rate-limit.all.period=1s",
            "ohlcv4j.rate-limit.groups.sample.permits=3000",
            "ohlcv4j.rate-limit.groups.sample.period=1m",
            "ohlcv4j.rate-limit.groups.sample.max-wait=30s")
        .run(
            context -> {
              OhlcvClient client = context.getBean(OhlcvClient.class);
              assertEquals(
                  List.of("sample"), client.sources().stream().map(CandleSource::name).toList());
              RetryPolicy d = RetryPolicy.ofDefaults();
              assertEquals(
                  RetryPolicy.exponential(Duration.ofMillis(100), d.maxWait(), 6)
                      .withMultiplier(d.multiplier())
                      .withJitter(d.jitter())
                      .withMaxElapsed(Duration.ofSeconds(30)),
                  client.retryPolicy());
              assertEquals(
                  CircuitBreakerPolicy.ofDefaults()
                      .withWindow(40, CircuitBreakerPolicy.ofDefaults().minimumCalls())
                      .withOpenDuration(Duration.ofMinutes(2)),
                  client.circuitBreakerPolicy());
              assertEquals(
                  RateLimitPolicy.of(100, Duration.ofSeconds(1)), client.rateLimitPolicy());
              assertEquals(
                  RateLimitPolicy.of(3000, Duration.ofMinutes(1))
                      .withMaxWait(Duration.ofSeconds(30)),
                  client.rateLimitPolicy(client.sources().get(0)),
                  "the group's own budget wins");
              CandleSeries s = client.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 60));
              assertEquals(60, s.size());
            });
  }

  @Test
  void aStoreFromItsPropertyIsReadThrough() {
    runner
        .withPropertyValues("ohlcv4j.sources=sample:", "ohlcv4j.store=duckdb::memory:")
        .run(
            context -> {
              OhlcvClient client = context.getBean(OhlcvClient.class);
              assertTrue(client.store().isPresent(), "the client reads through the store");
              io.github.ohlcv4j.OhlcvQuery q =
                  io.github.ohlcv4j.OhlcvQuery.builder()
                      .symbol("BTCUSDT")
                      .interval(io.github.ohlcv4j.Interval.M1)
                      .between(
                          java.time.Instant.parse("2024-01-01T00:00:00Z"),
                          java.time.Instant.parse("2024-01-01T06:00:00Z"))
                      .build();
              io.github.ohlcv4j.CandleSeries first = client.fetch(q);
              assertEquals(360, first.size());
              assertFalse(
                  client
                      .store()
                      .orElseThrow()
                      .coverage(q.symbol(), q.interval())
                      .complete()
                      .isEmpty(),
                  "the fetch was written back");
              assertEquals(first, client.fetch(q));
            });
    runner
        .withPropertyValues("ohlcv4j.sources=sample:")
        .run(context -> assertTrue(context.getBean(OhlcvClient.class).store().isEmpty()));
  }

  @Test
  void unsetPropertiesKeepTheLibrarysDefaults() {
    runner
        .withPropertyValues("ohlcv4j.sources=sample:")
        .run(
            context -> {
              OhlcvClient client = context.getBean(OhlcvClient.class);
              assertEquals(RetryPolicy.ofDefaults(), client.retryPolicy());
              assertEquals(CircuitBreakerPolicy.ofDefaults(), client.circuitBreakerPolicy());
              assertEquals(RateLimitPolicy.none(), client.rateLimitPolicy());
            });
    runner
        .withPropertyValues(
            "ohlcv4j.sources=sample:",
            "ohlcv4j.retry.enabled=false",
            "ohlcv4j.circuit-breaker.enabled=false")
        .run(
            context -> {
              OhlcvClient client = context.getBean(OhlcvClient.class);
              assertEquals(RetryPolicy.none(), client.retryPolicy());
              assertEquals(CircuitBreakerPolicy.none(), client.circuitBreakerPolicy());
            });
  }

  @Test
  void everyListenerBeanAndCustomizerIsApplied() {
    runner
        .withPropertyValues("ohlcv4j.sources=sample:")
        .withUserConfiguration(Tracing.class)
        .run(
            context -> {
              assertTrue(context.containsBean("ohlcvMetrics"));
              assertTrue(context.containsBean("ohlcvTracing"));
              OhlcvMetrics metrics = context.getBean(OhlcvMetrics.class);
              SimpleMeterRegistry registry = new SimpleMeterRegistry();
              metrics.bindTo(registry);
              OhlcvClient client = context.getBean(OhlcvClient.class);
              client.fetch(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 10));
              assertEquals(1, registry.get("ohlcv4j.fetches").timer().count());
              RecordingListener mine = context.getBean(RecordingListener.class);
              assertEquals(1, mine.fetchEnds().size(), "the application's own listener");
              InMemorySpanExporter spans = context.getBean(InMemorySpanExporter.class);
              assertEquals(
                  List.of(OhlcvTracing.FETCH_SPAN, OhlcvTracing.PAGE_SPAN),
                  spans.getFinishedSpanItems().stream().map(x -> x.getName()).sorted().toList());
              assertEquals(List.of("customized"), context.getBean(Customized.class).calls);
            });
  }

  @Test
  void metricsAndTracingStayAwayWithoutTheirLibrariesOrWhenTurnedOff() {
    runner
        .withPropertyValues("ohlcv4j.sources=sample:")
        .withClassLoader(new FilteredClassLoader(OhlcvMetrics.class, OhlcvTracing.class))
        .withUserConfiguration(Tracing.class)
        .run(
            context -> {
              assertFalse(context.containsBean("ohlcvMetrics"));
              assertFalse(context.containsBean("ohlcvTracing"));
              assertTrue(context.containsBean("ohlcvClient"));
            });
    runner
        .withPropertyValues(
            "ohlcv4j.sources=sample:",
            "ohlcv4j.metrics.enabled=false",
            "ohlcv4j.tracing.enabled=false")
        .withUserConfiguration(Tracing.class)
        .run(
            context -> {
              assertFalse(context.containsBean("ohlcvMetrics"));
              assertFalse(context.containsBean("ohlcvTracing"));
            });
    runner
        .withPropertyValues("ohlcv4j.sources=sample:")
        .run(context -> assertFalse(context.containsBean("ohlcvTracing"), "no OpenTelemetry bean"));
  }

  @Test
  void aClickHouseSourceComesFromItsProperties() {
    runner
        .withPropertyValues(
            "ohlcv4j.clickhouse.url=http://127.0.0.1:9",
            "ohlcv4j.clickhouse.user=reader",
            "ohlcv4j.clickhouse.password=Ch-pa55-Zk41",
            "ohlcv4j.clickhouse.database=market",
            "ohlcv4j.clickhouse.table=candles_1m")
        .run(
            context -> {
              OhlcvClient client = context.getBean(OhlcvClient.class);
              assertEquals(
                  List.of("clickhouse:market.candles_1m"),
                  client.sources().stream().map(CandleSource::name).toList());
              assertFalse(client.toString().contains("Ch-pa55-Zk41"));
              assertFalse(client.sources().get(0).toString().contains("Ch-pa55-Zk41"));
            });
  }

  @Test
  void closingTheContextClosesTheClientAndLeavesNoThread() {
    ClientThreads threads = ClientThreads.snapshot();
    OhlcvClient[] client = new OhlcvClient[1];
    try (FakeVenueServer server = new FakeVenueServer()) {
      runner
          .withPropertyValues("ohlcv4j.sources=" + server.uri("pageSize=100"))
          .run(
              context -> {
                client[0] = context.getBean(OhlcvClient.class);
                client[0].fetchAsync(FakeVenueServer.query("BTCUSDT", Duration.ZERO, 250)).join();
                assertTrue(
                    Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().startsWith("ohlcv4j-http-")),
                    "the shared HTTP client's threads ran");
              });
    }
    assertTrue(client[0].isClosed());
    threads.assertEnded(Duration.ofSeconds(10));
  }

  @Configuration(proxyBeanMethods = false)
  static class Tracing {
    @Bean
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create();
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(InMemorySpanExporter exporter) {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
    }

    @Bean
    RecordingListener mine() {
      return new RecordingListener();
    }

    @Bean
    Customized customized() {
      return new Customized();
    }

    @Bean
    OhlcvClientBuilderCustomizer customizer(Customized c) {
      return b -> c.calls.add("customized");
    }
  }

  static final class Customized {
    final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
  }

  @SuppressWarnings("unused")
  private static OpenTelemetry unused() {
    return OpenTelemetry.noop();
  }

  @SuppressWarnings("unused")
  private static OhlcvEventListener none() {
    return OhlcvEventListener.NONE;
  }
}
