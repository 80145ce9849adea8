package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.clickhouse.internal.Credentials;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.http.Redact;
import io.github.ohlcv4j.source.SourceContext;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ClickHouseSource.Builder} resolves to: the builder's values, then the environment's
 * ({@code OHLCV4J_CLICKHOUSE_*}), then the defaults; and the HTTP client with the source's
 * timeouts. Immutable.
 *
 * @param name the source's name
 * @param url the HTTP endpoint, without credentials
 * @param database the database
 * @param table the candle table
 * @param credentials the user and password, checked
 * @param columns the column names
 * @param interval the interval of the stored candles
 * @param timeType the configured time column type, or null to use the table's
 * @param useFinal whether to read with {@code FINAL}, or null to decide by the engine
 * @param pageSize about how many rows one request returns
 * @param compression whether responses and inserts are gzipped
 * @param httpSettings the ClickHouse settings sent with every request
 * @param clock the source's clock
 * @param client the HTTP client, with the source's timeouts
 */
record SourceSettings(
    String name,
    HttpUrl url,
    String database,
    String table,
    Credentials credentials,
    ColumnMapping columns,
    Interval interval,
    @Nullable TimeColumnType timeType,
    @Nullable Boolean useFinal,
    int pageSize,
    boolean compression,
    Map<String, String> httpSettings,
    Clock clock,
    OkHttpClient client) {

  /** How long to wait for a connection when neither the builder nor the context says. */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long to wait for the next bytes when neither the builder nor the context says. */
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  /** How long one request may take when neither the builder nor the context says. */
  static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMinutes(5);

  /** Resolves a builder. */
  static SourceSettings of(ClickHouseSource.Builder b) {
    SourceContext ctx = b.context;
    String rawUrl =
        first(b.url, ctx.env(ClickHouseSource.ENV_URL).orElse(null), "http://localhost:8123");
    HttpUrl parsed = parseUrl(rawUrl);
    String urlUser = parsed.username().isEmpty() ? null : parsed.username();
    String urlPassword = parsed.password().isEmpty() ? null : parsed.password();
    HttpUrl url = parsed.newBuilder().username("").password("").build();
    String user =
        first(b.user, ctx.env(ClickHouseSource.ENV_USER).orElse(null), urlUser, "default");
    String password =
        firstOrNull(b.password, ctx.env(ClickHouseSource.ENV_PASSWORD).orElse(null), urlPassword);
    String database =
        Sql.checkIdentifier(
            first(b.database, ctx.env(ClickHouseSource.ENV_DATABASE).orElse(null), "default"),
            "database");
    String table =
        Sql.checkIdentifier(
            first(b.table, ctx.env(ClickHouseSource.ENV_TABLE).orElse(null), "ohlcv"), "table");
    String name = b.name != null ? b.name : "clickhouse:" + database + "." + table;
    Map<String, String> settings = new LinkedHashMap<>(b.settings);
    if (b.compression) {
      // OkHttp asks for gzip and unpacks it; the server only compresses when told to.
      settings.put("enable_http_compression", "1");
    }
    // The builder's own timeouts win, then the context's (a client's), then ClickHouse's defaults.
    Duration connectTimeout =
        b.connectTimeout != null
            ? b.connectTimeout
            : ctx.connectTimeout().orElse(DEFAULT_CONNECT_TIMEOUT);
    Duration readTimeout =
        b.readTimeout != null ? b.readTimeout : ctx.readTimeout().orElse(DEFAULT_READ_TIMEOUT);
    Duration queryTimeout =
        b.queryTimeout != null ? b.queryTimeout : ctx.callTimeout().orElse(DEFAULT_QUERY_TIMEOUT);
    OkHttpClient client =
        Http.client(ctx)
            .newBuilder()
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .writeTimeout(readTimeout)
            .callTimeout(queryTimeout)
            // A redirect would carry the credentials to wherever it points.
            .followRedirects(false)
            .followSslRedirects(false)
            .build();
    return new SourceSettings(
        name,
        url,
        database,
        table,
        Credentials.of(user, password, name),
        b.columns,
        b.interval,
        b.timeType,
        b.useFinal,
        b.pageSize,
        b.compression,
        Map.copyOf(settings),
        ctx.clock(),
        client);
  }

  /** The user. */
  String user() {
    return credentials.user();
  }

  /** {@code database.table}, for messages. */
  String qualifiedName() {
    return database + "." + table;
  }

  private static HttpUrl parseUrl(String raw) {
    HttpUrl u = HttpUrl.parse(raw.trim());
    if (u == null) {
      throw new IllegalArgumentException(
          "Invalid ClickHouse URL \""
              + withoutUserInfo(raw)
              + "\": expected http://host:8123 or https://host:8443");
    }
    return u;
  }

  /** {@code raw} with everything from {@code //} to the last {@code @} masked, for messages. */
  private static String withoutUserInfo(String raw) {
    int from = raw.indexOf("//");
    int at = raw.lastIndexOf('@');
    if (from < 0 || at < from) {
      return raw.indexOf('@') >= 0 ? "***" : raw;
    }
    return raw.substring(0, from + 2) + "***" + raw.substring(at);
  }

  @SafeVarargs
  private static <T> T first(@Nullable T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    throw new IllegalStateException("no default");
  }

  @SafeVarargs
  private static <T> @Nullable T firstOrNull(@Nullable T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** The URL (redacted), table, interval and user, for the source's {@code toString}. */
  String describe() {
    return Redact.url(url) + ", " + qualifiedName() + ", " + interval() + ", user=" + user();
  }

  @Override
  public String toString() {
    return "SourceSettings{" + Redact.url(url) + ", " + qualifiedName() + ", user=" + user() + "}";
  }
}
