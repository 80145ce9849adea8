package io.github.ohlcv4j.spring.boot;

import io.github.ohlcv4j.internal.SourceUris;
import io.github.ohlcv4j.internal.http.Redact;
import java.util.Collection;
import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Keeps ohlcv4j's secrets out of the actuator's {@code env} and {@code configprops} endpoints even
 * where they show values ({@code management.endpoint.env.show-values=ALWAYS}): the values of {@code
 * ohlcv4j.*} properties named like a secret ({@code ohlcv4j.clickhouse.password}, also as {@code
 * OHLCV4J_CLICKHOUSE_PASSWORD}) are masked whole, and in source URIs and URLs ({@code
 * ohlcv4j.sources}, {@code ohlcv4j.clickhouse.url}) the password of the user info and the values of
 * secret parameters ({@code apiKey}, {@code password}, {@code token}, ...) are masked.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class OhlcvSanitizingAutoConfiguration {

  /** For Spring. */
  public OhlcvSanitizingAutoConfiguration() {}

  /**
   * The function the actuator applies to what it shows.
   *
   * @return the function
   */
  @Bean
  public SanitizingFunction ohlcv4jSanitizingFunction() {
    return OhlcvSanitizingAutoConfiguration::sanitize;
  }

  static SanitizableData sanitize(SanitizableData data) {
    String key = data.getKey().toLowerCase(Locale.ROOT).replace('_', '.');
    Object value = data.getValue();
    if (!key.startsWith("ohlcv4j.") || value == null) {
      return data;
    }
    String last = key.substring(key.lastIndexOf('.', key.length() - 2) + 1).replace(".", "");
    if (Redact.isSecret(last) || Redact.isSecret(last.replace("-", ""))) {
      return data.withSanitizedValue();
    }
    if (key.startsWith("ohlcv4j.sources") || key.endsWith("url") || key.endsWith("uri")) {
      return data.withValue(redact(value));
    }
    return data;
  }

  private static Object redact(Object value) {
    if (value instanceof Collection<?> c) {
      return c.stream().map(OhlcvSanitizingAutoConfiguration::redact).toList();
    }
    if (value instanceof CharSequence s) {
      String[] parts = s.toString().split(",", -1);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        b.append(i == 0 ? "" : ",").append(SourceUris.redact(parts[i]));
      }
      return b.toString();
    }
    return SanitizableData.SANITIZED_VALUE;
  }
}
