package io.github.ohlcv4j.spring.boot;

import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The {@link OhlcvClient} bean, built from {@link OhlcvProperties}: its sources, HTTP timeouts and
 * policies, every {@link OhlcvEventListener} bean as its listener (metrics, tracing and the
 * application's own, composed with {@link OhlcvEventListener#plus}), then every {@link
 * OhlcvClientBuilderCustomizer}. The context closes the client, then its HTTP client, when it
 * closes; nothing of them keeps running. An application that declares its own {@code OhlcvClient}
 * bean gets none of this but the health, metrics and tracing around it.
 */
@AutoConfiguration
@EnableConfigurationProperties(OhlcvProperties.class)
public final class OhlcvAutoConfiguration {

  /** For Spring. */
  public OhlcvAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  OhlcvHttp ohlcvHttp(OhlcvProperties properties) {
    return new OhlcvHttp(properties.http());
  }

  /**
   * The client.
   *
   * @param properties the {@code ohlcv4j.*} properties
   * @param http the shared HTTP client
   * @param listeners every event listener bean, in order
   * @param customizers every builder customizer bean, in order
   * @return the client, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public OhlcvClient ohlcvClient(
      OhlcvProperties properties,
      OhlcvHttp http,
      ObjectProvider<OhlcvEventListener> listeners,
      ObjectProvider<OhlcvClientBuilderCustomizer> customizers) {
    OhlcvClient.Builder b = OhlcvClient.builder().okHttpClient(http.client());
    properties.sources().forEach(b::source);
    if (properties.autoDiscover() != null) {
      b.autoDiscover(properties.autoDiscover());
    }
    if (properties.store() != null) {
      b.store(properties.store());
    }
    b.retryPolicy(retry(properties.retry()));
    b.circuitBreakerPolicy(circuitBreaker(properties.circuitBreaker()));
    OhlcvProperties.RateLimit limits = properties.rateLimit();
    if (limits.all() != null) {
      b.rateLimitPolicy(budget(limits.all()));
    }
    for (Map.Entry<String, OhlcvProperties.Budget> e : limits.groups().entrySet()) {
      b.rateLimitPolicy(e.getKey(), budget(e.getValue()));
    }
    OhlcvEventListener listener = OhlcvEventListener.NONE;
    for (OhlcvEventListener l : listeners.orderedStream().toList()) {
      listener = listener.plus(l);
    }
    b.eventListener(listener);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  static RetryPolicy retry(OhlcvProperties.Retry p) {
    if (!p.enabled()) {
      return RetryPolicy.none();
    }
    RetryPolicy d = RetryPolicy.ofDefaults();
    RetryPolicy r =
        RetryPolicy.exponential(
            p.initialWait() != null ? p.initialWait() : d.initialWait(),
            p.maxWait() != null ? p.maxWait() : d.maxWait(),
            p.maxAttempts() != null ? p.maxAttempts() : d.maxAttempts());
    r = r.withMultiplier(p.multiplier() != null ? p.multiplier() : d.multiplier());
    r = r.withJitter(p.jitter() != null ? p.jitter() : d.jitter());
    return r.withMaxElapsed(p.maxElapsed() != null ? p.maxElapsed() : d.maxElapsed());
  }

  static CircuitBreakerPolicy circuitBreaker(OhlcvProperties.CircuitBreaker p) {
    if (!p.enabled()) {
      return CircuitBreakerPolicy.none();
    }
    CircuitBreakerPolicy c = CircuitBreakerPolicy.ofDefaults();
    if (p.failureRateThreshold() != null) {
      c = c.withFailureRateThreshold(p.failureRateThreshold());
    }
    if (p.slowCallDuration() != null || p.slowCallRateThreshold() != null) {
      c =
          c.withSlowCalls(
              p.slowCallDuration() != null ? p.slowCallDuration() : c.slowCallDuration(),
              p.slowCallRateThreshold() != null
                  ? p.slowCallRateThreshold()
                  : c.slowCallRateThreshold());
    }
    if (p.windowSize() != null || p.minimumCalls() != null) {
      c =
          c.withWindow(
              p.windowSize() != null ? p.windowSize() : c.windowSize(),
              p.minimumCalls() != null ? p.minimumCalls() : c.minimumCalls());
    }
    if (p.openDuration() != null) {
      c = c.withOpenDuration(p.openDuration());
    }
    if (p.halfOpenProbes() != null) {
      c = c.withHalfOpenProbes(p.halfOpenProbes());
    }
    return c;
  }

  static RateLimitPolicy budget(OhlcvProperties.Budget b) {
    RateLimitPolicy p = RateLimitPolicy.of(b.permits(), b.period());
    return b.maxWait() != null ? p.withMaxWait(b.maxWait()) : p;
  }
}
