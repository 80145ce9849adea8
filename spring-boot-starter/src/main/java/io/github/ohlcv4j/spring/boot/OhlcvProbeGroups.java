package io.github.ohlcv4j.spring.boot;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Puts the health indicators of {@link OhlcvHealthAutoConfiguration} into the actuator's probe
 * groups, as defaults that any setting of the application replaces: {@code readiness} includes
 * {@code readinessState} and {@code ohlcv4j} (the sources), {@code liveness} includes {@code
 * livenessState} and {@code ohlcv4jClient}. Nothing is set without the actuator's health endpoint,
 * with {@code ohlcv4j.health.enabled=false} or {@code
 * management.endpoint.health.probes.enabled=false}.
 */
public final class OhlcvProbeGroups implements EnvironmentPostProcessor {

  static final String READINESS = "management.endpoint.health.group.readiness.include";
  static final String LIVENESS = "management.endpoint.health.group.liveness.include";

  /** For Spring's factories loader. */
  public OhlcvProbeGroups() {}

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    ClassLoader loader = application.getClassLoader();
    if (!ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator", loader)
        || !ClassUtils.isPresent(
            "org.springframework.boot.health.actuate.endpoint.HealthEndpoint", loader)
        || !environment.getProperty("ohlcv4j.health.enabled", Boolean.class, true)
        || !environment.getProperty(
            "management.endpoint.health.probes.enabled", Boolean.class, true)) {
      return;
    }
    DefaultPropertiesPropertySource.addOrMerge(
        Map.of(
            READINESS, "readinessState,ohlcv4j",
            LIVENESS, "livenessState,ohlcv4jClient"),
        environment.getPropertySources());
  }
}
