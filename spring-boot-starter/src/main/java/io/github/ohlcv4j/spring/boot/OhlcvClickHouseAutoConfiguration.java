package io.github.ohlcv4j.spring.boot;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.clickhouse.ClickHouseSource;
import io.github.ohlcv4j.source.SourceContext;
import okhttp3.OkHttpClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * A ClickHouse source from {@code ohlcv4j.clickhouse.*} (URL, credentials, table, timeouts), when
 * ohlcv4j-clickhouse is present and {@code ohlcv4j.clickhouse.url} is set (or {@code
 * OHLCV4J_CLICKHOUSE_URL}). The password goes to the source's builder only: it is sent in a request
 * header and never logged.
 */
@AutoConfiguration
@ConditionalOnClass(ClickHouseSource.class)
@ConditionalOnProperty(prefix = "ohlcv4j.clickhouse", name = "url")
public final class OhlcvClickHouseAutoConfiguration {

  /** For Spring. */
  public OhlcvClickHouseAutoConfiguration() {}

  /**
   * Registers the ClickHouse source, before the application's customizers run.
   *
   * @param properties the {@code ohlcv4j.*} properties
   * @param http the shared HTTP client
   * @return the customizer that adds the source
   */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  public OhlcvClientBuilderCustomizer ohlcvClickHouseSource(
      OhlcvProperties properties, OhlcvHttp http) {
    OhlcvProperties.ClickHouse p = properties.clickhouse();
    return builder -> builder.source(source(p, http.client()));
  }

  static ClickHouseSource source(OhlcvProperties.ClickHouse p, OkHttpClient http) {
    ClickHouseSource.Builder b =
        ClickHouseSource.builder()
            .context(SourceContext.builder().component(OkHttpClient.class, http).build());
    if (p.url() != null) {
      b.url(p.url());
    }
    if (p.user() != null) {
      b.user(p.user());
    }
    if (p.password() != null) {
      b.password(p.password());
    }
    if (p.database() != null) {
      b.database(p.database());
    }
    if (p.table() != null) {
      b.table(p.table());
    }
    if (p.interval() != null) {
      b.interval(Interval.parse(p.interval()));
    }
    if (p.name() != null) {
      b.name(p.name());
    }
    if (p.connectTimeout() != null) {
      b.connectTimeout(p.connectTimeout());
    }
    if (p.readTimeout() != null) {
      b.readTimeout(p.readTimeout());
    }
    if (p.queryTimeout() != null) {
      b.queryTimeout(p.queryTimeout());
    }
    return b.build();
  }
}
