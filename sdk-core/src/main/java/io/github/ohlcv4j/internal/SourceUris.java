package io.github.ohlcv4j.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads parameters from source URIs, opaque ({@code sample:?seed=7}) or hierarchical ({@code
 * clickhouse://h/db?x=y}).
 */
public final class SourceUris {
  private SourceUris() {}

  /** The query parameters of {@code uri}, decoded, in order; empty if none. */
  public static Map<String, String> params(URI uri) {
    String query = uri.isOpaque() ? opaqueQuery(uri) : uri.getRawQuery();
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String part : query.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      out.put(decode(k), decode(v));
    }
    return out;
  }

  /** The part of an opaque URI before {@code ?}: {@code linear} in {@code bybit:linear?x=1}. */
  public static String opaquePath(URI uri) {
    String ssp = uri.getRawSchemeSpecificPart();
    if (ssp == null) {
      return "";
    }
    int q = ssp.indexOf('?');
    return decode(q < 0 ? ssp : ssp.substring(0, q));
  }

  private static String opaqueQuery(URI uri) {
    String ssp = uri.getRawSchemeSpecificPart();
    int q = ssp == null ? -1 : ssp.indexOf('?');
    return q < 0 ? null : ssp.substring(q + 1);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** Parses a numeric parameter, with an error that names the URI and parameter. */
  public static long parseLong(URI uri, String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Parameter " + name + "=\"" + value + "\" in " + redact(uri) + " is not a whole number",
          e);
    }
  }

  /** The URI with any password in its user info replaced by {@code ***}, for messages and logs. */
  public static String redact(URI uri) {
    String s = uri.toString();
    String ui = uri.getRawUserInfo();
    if (ui != null && ui.contains(":")) {
      s = s.replace(ui + "@", ui.substring(0, ui.indexOf(':')) + ":***@");
    }
    return s.replaceAll("(?i)((?:password|apikey|api_key|key|secret|token)=)[^&]*", "$1***");
  }
}
