package io.github.ohlcv4j.spring.boot;

import io.github.ohlcv4j.micrometer.OhlcvMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * {@link OhlcvMetrics} as a bean when Micrometer and ohlcv4j-micrometer are present: a {@code
 * MeterBinder}, which Spring Boot binds to its registry, and an event listener, which the client
 * bean takes. No percentile is turned on: {@code management.metrics.distribution.*} decides, for
 * example {@code management.metrics.distribution.percentiles-histogram.ohlcv4j.requests=true}.
 */
@AutoConfiguration
@ConditionalOnClass({OhlcvMetrics.class, MeterRegistry.class})
@ConditionalOnProperty(prefix = "ohlcv4j.metrics", name = "enabled", matchIfMissing = true)
public final class OhlcvMetricsAutoConfiguration {

  /** For Spring. */
  public OhlcvMetricsAutoConfiguration() {}

  /**
   * The metrics.
   *
   * @param properties the {@code ohlcv4j.*} properties
   * @return the metrics, bound by Spring Boot
   */
  @Bean
  @ConditionalOnMissingBean
  public OhlcvMetrics ohlcvMetrics(OhlcvProperties properties) {
    return OhlcvMetrics.builder().symbolTags(properties.metrics().symbolTags()).build();
  }
}
