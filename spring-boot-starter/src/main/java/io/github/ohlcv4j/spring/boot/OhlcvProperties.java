package io.github.ohlcv4j.spring.boot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code ohlcv4j.*} properties: from {@code application.yml}, the environment ({@code
 * OHLCV4J_CLICKHOUSE_PASSWORD}) or any other property source. A property left unset keeps the
 * library's default, as documented on the policies ({@link
 * io.github.ohlcv4j.resilience.RetryPolicy#ofDefaults()} and the others).
 *
 * @param sources the URIs of the sources, in routing order: {@code sample:}, {@code bybit:linear},
 *     {@code clickhouse://host:8123/market?table=ohlcv}; secrets in them (a password in the user
 *     info, an {@code apiKey} parameter) are masked by the actuator
 * @param autoDiscover whether to open sources for venues on demand; unset: only when no source is
 *     configured
 * @param store the URI of a store every query reads through ({@code
 *     duckdb:/var/lib/app/candles.duckdb} with ohlcv4j-duckdb, a {@code clickhouse://} table with
 *     ohlcv4j-clickhouse); none by default
 * @param clickhouse a ClickHouse source configured by properties, with its credentials
 * @param http the timeouts of the HTTP client every source of the client shares
 * @param retry the retry policy
 * @param circuitBreaker the circuit-breaker policy, one breaker per source
 * @param rateLimit client-side rate limits
 * @param metrics the Micrometer binding, when Micrometer and ohlcv4j-micrometer are present
 * @param tracing the OpenTelemetry tracing, when an OpenTelemetry bean and ohlcv4j-opentelemetry
 *     are present
 * @param health the health indicators
 */
@ConfigurationProperties("ohlcv4j")
public record OhlcvProperties(
    @DefaultValue List<String> sources,
    @Nullable Boolean autoDiscover,
    @Nullable String store,
    @DefaultValue ClickHouse clickhouse,
    @DefaultValue Http http,
    @DefaultValue Retry retry,
    @DefaultValue CircuitBreaker circuitBreaker,
    @DefaultValue RateLimit rateLimit,
    @DefaultValue Metrics metrics,
    @DefaultValue Tracing tracing,
    @DefaultValue Health health) {

  /**
   * A ClickHouse source (needs ohlcv4j-clickhouse), registered after {@code sources} when {@code
   * url} is set. Unset values fall back to the {@code OHLCV4J_CLICKHOUSE_*} environment variables,
   * then to the source's defaults.
   *
   * @param url the HTTP endpoint, such as {@code http://clickhouse:8123}
   * @param user the user
   * @param password the password: sent in a header, never logged, masked by the actuator
   * @param database the database
   * @param table the candle table
   * @param interval the interval of the stored candles, such as {@code 1m}
   * @param name the source's name in logs, metrics and health; {@code clickhouse:database.table} by
   *     default
   * @param connectTimeout how long to wait for a connection
   * @param readTimeout how long to wait for the next bytes of an answer
   * @param queryTimeout how long one request may take in all
   */
  public record ClickHouse(
      @Nullable String url,
      @Nullable String user,
      @Nullable String password,
      @Nullable String database,
      @Nullable String table,
      @Nullable String interval,
      @Nullable String name,
      @Nullable Duration connectTimeout,
      @Nullable Duration readTimeout,
      @Nullable Duration queryTimeout) {}

  /**
   * The HTTP client the sources share.
   *
   * @param connectTimeout how long to wait for a connection
   * @param readTimeout how long to wait for the next bytes of an answer
   * @param callTimeout how long one request may take in all
   */
  public record Http(
      @DefaultValue("10s") Duration connectTimeout,
      @DefaultValue("30s") Duration readTimeout,
      @DefaultValue("60s") Duration callTimeout) {}

  /**
   * The retry policy: exponential backoff; unset values keep {@code RetryPolicy.ofDefaults()}.
   *
   * @param enabled false for one attempt only
   * @param maxAttempts attempts in all, the first included
   * @param initialWait the wait before the second attempt
   * @param maxWait the longest wait between attempts
   * @param multiplier how much each wait grows
   * @param jitter the random share added to or taken from each wait, in [0, 1]
   * @param maxElapsed no retry starts later than this after the first attempt
   */
  public record Retry(
      @DefaultValue("true") boolean enabled,
      @Nullable Integer maxAttempts,
      @Nullable Duration initialWait,
      @Nullable Duration maxWait,
      @Nullable Double multiplier,
      @Nullable Double jitter,
      @Nullable Duration maxElapsed) {}

  /**
   * The circuit-breaker policy; unset values keep {@code CircuitBreakerPolicy.ofDefaults()}.
   *
   * @param enabled false for no circuit breaker
   * @param failureRateThreshold the percentage of failed calls that opens the circuit
   * @param slowCallDuration a call slower than this is slow
   * @param slowCallRateThreshold the percentage of slow calls that opens the circuit
   * @param windowSize the calls the rates are taken over
   * @param minimumCalls the calls needed before the circuit may open
   * @param openDuration how long an open circuit fails requests at once
   * @param halfOpenProbes the probe calls let through after that
   */
  public record CircuitBreaker(
      @DefaultValue("true") boolean enabled,
      @Nullable Float failureRateThreshold,
      @Nullable Duration slowCallDuration,
      @Nullable Float slowCallRateThreshold,
      @Nullable Integer windowSize,
      @Nullable Integer minimumCalls,
      @Nullable Duration openDuration,
      @Nullable Integer halfOpenProbes) {}

  /**
   * Client-side rate limits: for every rate-limit group, and for named groups (which win). Unset,
   * each source's suggested budget applies.
   *
   * @param all a budget for every group, instead of each source's suggestion
   * @param groups budgets by group name; a name with a colon needs brackets in YAML: {@code
   *     "[binance:spot]"}
   */
  public record RateLimit(@Nullable Budget all, @DefaultValue Map<String, Budget> groups) {}

  /**
   * A rate budget.
   *
   * @param permits the request weight allowed per period
   * @param period the period
   * @param maxWait the longest a request waits for room; the policy's default when unset
   */
  public record Budget(int permits, Duration period, @Nullable Duration maxWait) {}

  /**
   * The Micrometer binding.
   *
   * @param enabled false to leave the client without metrics
   * @param symbolTags whether meters also carry the symbol and interval tags (one time series per
   *     symbol: only for a bounded set of symbols)
   */
  public record Metrics(@DefaultValue("true") boolean enabled, boolean symbolTags) {}

  /**
   * The OpenTelemetry tracing.
   *
   * @param enabled false to leave the client without spans
   */
  public record Tracing(@DefaultValue("true") boolean enabled) {}

  /**
   * The health indicators: {@code ohlcv4j} (one per source, in the readiness group) and {@code
   * ohlcv4jClient} (the client itself, in the liveness group).
   *
   * @param enabled false for no health indicator
   */
  public record Health(@DefaultValue("true") boolean enabled) {}
}
