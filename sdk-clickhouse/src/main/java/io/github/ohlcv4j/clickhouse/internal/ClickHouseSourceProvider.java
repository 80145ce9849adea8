package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.clickhouse.ClickHouseSource;
import io.github.ohlcv4j.clickhouse.ColumnMapping;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link ClickHouseSource}s by URI; registered with {@link java.util.ServiceLoader}, not for
 * direct use.
 *
 * <pre>
 * clickhouse://user:password@host:8123/database?table=ohlcv_1m&amp;interval=1m
 * clickhouses://host:8443/market?table=ohlcv         (HTTPS)
 * clickhouse:                                        (all from OHLCV4J_CLICKHOUSE_* or defaults)
 * </pre>
 *
 * <p>Parameters: {@code table}, {@code interval} (of the stored candles, e.g. {@code 1m}), {@code
 * timeColumnType} ({@code DateTime} or {@code DateTime64(3)}), {@code final} ({@code true}/{@code
 * false}), {@code compression} ({@code true}/{@code false}), {@code pageSize}, {@code queryTimeout}
 * (seconds), {@code name}, and the column names {@code symbolColumn}, {@code timeColumn}, {@code
 * openColumn}, {@code highColumn}, {@code lowColumn}, {@code closeColumn}, {@code volumeColumn}. A
 * host, user, password or database not in the URI come from the environment as {@link
 * ClickHouseSource.Builder} describes.
 */
public final class ClickHouseSourceProvider implements CandleSourceProvider {

  /** For the service loader. */
  public ClickHouseSourceProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("clickhouse", "clickhouses");
  }

  @Override
  public CandleSource open(URI uri, SourceContext context) {
    ClickHouseSource.Builder b = ClickHouseSource.builder().context(context);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isOpaque() && uri.getHost() != null) {
      String http = scheme.equals("clickhouses") ? "https" : "http";
      int port = uri.getPort() > 0 ? uri.getPort() : http.equals("https") ? 8443 : 8123;
      b.url(http + "://" + hostForUrl(uri.getHost()) + ":" + port);
      String userInfo = uri.getRawUserInfo();
      if (userInfo != null && !userInfo.isEmpty()) {
        int colon = userInfo.indexOf(':');
        b.user(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
        if (colon >= 0) {
          b.password(decode(userInfo.substring(colon + 1)));
        }
      }
      String path = uri.getPath();
      if (path != null && path.length() > 1) {
        b.database(path.substring(1).replaceAll("/+$", ""));
      }
    }
    ColumnMapping.Builder columns = ColumnMapping.builder();
    boolean customColumns = false;
    Map<String, String> params = SourceUris.params(uri);
    for (Map.Entry<String, String> e : params.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "table":
          b.table(v);
          break;
        case "database":
          b.database(v);
          break;
        case "interval":
          b.interval(Interval.parse(v));
          break;
        case "timeColumnType":
          b.timeColumnType(timeType(uri, v));
          break;
        case "final":
          b.useFinal(bool(uri, e.getKey(), v));
          break;
        case "compression":
          b.compression(bool(uri, e.getKey(), v));
          break;
        case "pageSize":
          b.pageSize((int) SourceUris.parseLong(uri, e.getKey(), v));
          break;
        case "queryTimeout":
          b.queryTimeout(Duration.ofSeconds(SourceUris.parseLong(uri, e.getKey(), v)));
          break;
        case "name":
          b.name(v);
          break;
        case "symbolColumn":
          columns.symbol(v);
          customColumns = true;
          break;
        case "timeColumn":
          columns.time(v);
          customColumns = true;
          break;
        case "openColumn":
          columns.open(v);
          customColumns = true;
          break;
        case "highColumn":
          columns.high(v);
          customColumns = true;
          break;
        case "lowColumn":
          columns.low(v);
          customColumns = true;
          break;
        case "closeColumn":
          columns.close(v);
          customColumns = true;
          break;
        case "volumeColumn":
          columns.volume(v);
          customColumns = true;
          break;
        default:
          throw new IllegalArgumentException(
              "Unknown parameter \""
                  + e.getKey()
                  + "\" in "
                  + SourceUris.redact(uri)
                  + "; clickhouse: accepts table, database, interval, timeColumnType, final,"
                  + " compression, pageSize, queryTimeout, name and symbolColumn, timeColumn,"
                  + " openColumn, highColumn, lowColumn, closeColumn, volumeColumn");
      }
    }
    if (customColumns) {
      b.columns(columns.build());
    }
    return b.build();
  }

  private static String hostForUrl(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /**
   * Percent-decodes user info as RFC 3986 says: {@code %XX} is a byte of UTF-8 text and {@code +}
   * is a plus (unlike form encoding, where it is a space).
   *
   * @throws IllegalArgumentException if a {@code %} is not followed by two hex digits (the message
   *     does not show the text, which may be a password)
   */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '%') {
        int next = s.indexOf('%', i);
        int end = next < 0 ? s.length() : next;
        out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end - 1;
        continue;
      }
      int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException(
            "Malformed percent-encoding at character "
                + (i + 1)
                + " of the user info of a clickhouse: URI; write a % as %25");
      }
      out.write(hi * 16 + lo);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static TimeColumnType timeType(URI uri, String v) {
    return TimeColumnType.ofColumnType(v)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "timeColumnType=\""
                        + v
                        + "\" in "
                        + SourceUris.redact(uri)
                        + " is not DateTime or DateTime64(3)"));
  }

  private static boolean bool(URI uri, String name, String v) {
    switch (v.toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new IllegalArgumentException(
            name + "=\"" + v + "\" in " + SourceUris.redact(uri) + " is not true or false");
    }
  }
}
