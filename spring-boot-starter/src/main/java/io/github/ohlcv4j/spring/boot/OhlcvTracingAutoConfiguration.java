package io.github.ohlcv4j.spring.boot;

import io.github.ohlcv4j.opentelemetry.OhlcvTracing;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * {@link OhlcvTracing} as an event listener bean when ohlcv4j-opentelemetry is present and the
 * application has an {@link OpenTelemetry} bean (its own, or Spring Boot's).
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"
    })
@ConditionalOnClass({OhlcvTracing.class, OpenTelemetry.class})
@ConditionalOnBean(OpenTelemetry.class)
@ConditionalOnProperty(prefix = "ohlcv4j.tracing", name = "enabled", matchIfMissing = true)
public final class OhlcvTracingAutoConfiguration {

  /** For Spring. */
  public OhlcvTracingAutoConfiguration() {}

  /**
   * The tracing.
   *
   * @param openTelemetry the application's OpenTelemetry
   * @return the listener that makes the spans
   */
  @Bean
  @ConditionalOnMissingBean
  public OhlcvTracing ohlcvTracing(OpenTelemetry openTelemetry) {
    return OhlcvTracing.create(openTelemetry);
  }
}
