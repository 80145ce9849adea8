package io.github.ohlcv4j.spring.boot;

import io.github.ohlcv4j.ClientClosedException;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.source.CandleSource;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Health for the actuator: {@code ohlcv4j}, a composite with one indicator per source of the client
 * (by source name: {@code /actuator/health/ohlcv4j/bybit:linear}), and {@code ohlcv4jClient}, the
 * client itself. {@link OhlcvProbeGroups} puts the first in the readiness group (a source that is
 * down makes the application not ready to serve candles) and the second in the liveness group (a
 * closed client will not come back without a restart); a venue that is down never makes the
 * application restart.
 *
 * <p>A source's {@link io.github.ohlcv4j.source.Health.Status#UP UP} is {@code UP}, {@code DOWN} is
 * {@code DOWN}, and {@code DEGRADED} (an open circuit, a venue pause) is the status {@value
 * #DEGRADED}, which the default status order ranks with {@code UP}: the application stays ready
 * while requests wait. Details: the latency in milliseconds, the server version, what the client
 * knows (circuit, pause, budget).
 */
@AutoConfiguration(after = OhlcvAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(OhlcvClient.class)
@ConditionalOnProperty(prefix = "ohlcv4j.health", name = "enabled", matchIfMissing = true)
public final class OhlcvHealthAutoConfiguration {

  /** The status of a source that is up but slowed: an open circuit, a venue's pause: {@value}. */
  public static final String DEGRADED = "DEGRADED";

  /** For Spring. */
  public OhlcvHealthAutoConfiguration() {}

  /**
   * One indicator per source, named by source; sources the client opens later are included.
   *
   * @param client the client
   * @return the {@code ohlcv4j} contributor
   */
  @Bean
  @ConditionalOnMissingBean(name = "ohlcv4jHealthContributor")
  public CompositeHealthContributor ohlcv4jHealthContributor(OhlcvClient client) {
    return new Sources(client);
  }

  /**
   * The client's own state: {@code DOWN} once it is closed.
   *
   * @param client the client
   * @return the {@code ohlcv4jClient} indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "ohlcv4jClientHealthIndicator")
  public HealthIndicator ohlcv4jClientHealthIndicator(OhlcvClient client) {
    return () ->
        client.isClosed()
            ? Health.down().withDetail("client", "closed").build()
            : Health.up().withDetail("sources", client.sources().size()).build();
  }

  /** The sources of a client, looked up at each call. */
  private static final class Sources implements CompositeHealthContributor {
    private final OhlcvClient client;

    Sources(OhlcvClient client) {
      this.client = client;
    }

    @Override
    public @Nullable HealthContributor getContributor(String name) {
      return find(name).<HealthContributor>map(s -> indicator(client, s)).orElse(null);
    }

    @Override
    public Stream<Entry> stream() {
      return client.sources().stream().map(s -> new Entry(s.name(), indicator(client, s)));
    }

    private Optional<CandleSource> find(String name) {
      return client.sources().stream().filter(s -> s.name().equals(name)).findFirst();
    }
  }

  static HealthIndicator indicator(OhlcvClient client, CandleSource source) {
    return () -> {
      io.github.ohlcv4j.source.Health h;
      try {
        h = client.health(source);
      } catch (ClientClosedException e) {
        return Health.down().withDetail("client", "closed").build();
      }
      Health.Builder b =
          switch (h.status()) {
            case UP -> Health.up();
            case DEGRADED -> Health.status(new Status(DEGRADED, "up, but slowed"));
            default -> Health.down();
          };
      h.latency().ifPresent(l -> b.withDetail("latencyMs", l.toMillis()));
      h.version().ifPresent(v -> b.withDetail("version", v));
      if (!h.detail().isEmpty()) {
        b.withDetail("detail", h.detail());
      }
      b.withDetail("checkedAt", h.checkedAt().toString());
      b.withDetail("status", h.status().name().toLowerCase(Locale.ROOT));
      return b.build();
    };
  }
}
