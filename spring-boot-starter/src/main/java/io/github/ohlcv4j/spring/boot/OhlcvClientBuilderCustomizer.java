package io.github.ohlcv4j.spring.boot;

import io.github.ohlcv4j.OhlcvClient;

/**
 * Adjusts the builder of the auto-configured {@link OhlcvClient} after the properties are applied:
 * a source built in code, an executor, a clock. Declare it as a bean; every customizer runs, in
 * {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface OhlcvClientBuilderCustomizer {

  /** Adjusts {@code builder}. */
  void customize(OhlcvClient.Builder builder);
}
