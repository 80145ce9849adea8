package io.github.ohlcv4j.source;

import io.github.ohlcv4j.source.http.Redact;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads parameters from source URIs, opaque ({@code sample:?seed=7}) or hierarchical ({@code
 * clickhouse://h/db?x=y}), and masks their secrets for messages: what a {@link
 * CandleSourceProvider} needs to open its URIs with errors that never show a secret.
 *
 * <p>Values are percent-decoded as RFC 3986 says: {@code %2B} is a plus, and so is a literal {@code
 * +} (form encoding, where {@code +} means a space, is for HTML forms, not URIs); a space is {@code
 * %20}. Errors never show a value, only the parameter's name and the redacted URI.
 */
public final class SourceUris {
  private SourceUris() {}

  /**
   * The query parameters of {@code uri}, decoded, in order; empty if none.
   *
   * @throws IllegalArgumentException if a parameter holds a malformed percent escape or is not
   *     UTF-8 once decoded (the message names the parameter, not its value)
   */
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
      String rawKey = eq < 0 ? part : part.substring(0, eq);
      String k;
      try {
        k = decode(rawKey);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "A parameter name in " + redact(uri) + " " + e.getMessage());
      }
      try {
        out.put(k, decode(eq < 0 ? "" : part.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Parameter " + k + " in " + redact(uri) + " " + e.getMessage());
      }
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
    try {
      return decode(q < 0 ? ssp : ssp.substring(0, q));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The source URI " + redact(uri) + " " + e.getMessage());
    }
  }

  private static @Nullable String opaqueQuery(URI uri) {
    String ssp = uri.getRawSchemeSpecificPart();
    int q = ssp == null ? -1 : ssp.indexOf('?');
    return q < 0 ? null : ssp.substring(q + 1);
  }

  /**
   * Percent-decodes a URI component as RFC 3986 says: {@code %XX} escapes are bytes of UTF-8, and
   * every other character (a {@code +} included) stands for itself. For user info, paths and query
   * values alike.
   *
   * @throws IllegalArgumentException if an escape is malformed or the bytes are not UTF-8; the
   *     message says where, without the text
   */
  public static String decode(String s) {
    int pct = s.indexOf('%');
    if (pct < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      byte c = utf8[i];
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      int hi = i + 1 < utf8.length ? Character.digit(utf8[i + 1], 16) : -1;
      int lo = i + 2 < utf8.length ? Character.digit(utf8[i + 2], 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException(
            "has a malformed percent escape at character "
                + i
                + ": a % must be followed by two hex digits (write a literal % as %25)");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("is not UTF-8 once its percent escapes are decoded");
    }
  }

  /**
   * Parses a numeric parameter, with an error that names the URI and parameter (and shows the value
   * unless the parameter holds a secret).
   */
  public static long parseLong(URI uri, String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Parameter "
              + name
              + (Redact.isSecret(name) ? "" : "=\"" + value + "\"")
              + " in "
              + redact(uri)
              + " is not a whole number");
    }
  }

  /**
   * Parses a numeric parameter that must fit an {@code int}, with an error that names the URI and
   * parameter.
   *
   * @throws IllegalArgumentException if it is not a whole number or out of range
   */
  public static int parseInt(URI uri, String name, String value) {
    long v = parseLong(uri, name, value);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Parameter " + name + " in " + redact(uri) + " is out of range");
    }
    return (int) v;
  }

  /**
   * Parses a parameter that must be {@code true} or {@code false} (in any case).
   *
   * @throws IllegalArgumentException naming the URI and parameter otherwise
   */
  public static boolean parseBoolean(URI uri, String name, String value) {
    String v = value.trim().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException(
        "Parameter "
            + name
            + (Redact.isSecret(name) ? "" : "=\"" + value + "\"")
            + " in "
            + redact(uri)
            + " must be true or false");
  }

  /**
   * The error for a parameter a provider does not know: names it, the URI (redacted) and what the
   * scheme accepts ({@code "baseUrl and pageSize"}).
   */
  public static IllegalArgumentException unknownParameter(URI uri, String name, String accepted) {
    return new IllegalArgumentException(
        "Unknown parameter \""
            + name
            + "\" in "
            + redact(uri)
            + "; "
            + uri.getScheme()
            + ": accepts "
            + accepted);
  }

  /** The URI with any password in its user info and secret parameters masked as {@code ***}. */
  public static String redact(URI uri) {
    String s = uri.toString();
    String ui = uri.getRawUserInfo();
    if (ui != null && ui.contains(":")) {
      s = s.replace(ui + "@", ui.substring(0, ui.indexOf(':')) + ":" + Redact.MASK + "@");
    }
    return redactQuery(s);
  }

  /**
   * A source URI's text, which need not be a valid URI, with anything that may be a password in its
   * user info and the values of secret parameters ({@link Redact#isSecret}) masked as {@code ***}.
   * For text that did not parse, the user info is taken generously: from the first colon after
   * {@code //} to the last {@code @}.
   */
  public static String redact(String uri) {
    String s = uri;
    int slashes = s.indexOf("//");
    if (slashes >= 0) {
      int at = s.lastIndexOf('@');
      int colon = s.indexOf(':', slashes + 2);
      if (at > slashes && colon > slashes && colon < at) {
        s = s.substring(0, colon + 1) + Redact.MASK + s.substring(at);
      } else if (at > slashes) {
        // user info without a colon may still be a token (https://TOKEN@host)
        String user = s.substring(slashes + 2, at);
        if (user.length() >= 16) {
          s = s.substring(0, slashes + 2) + Redact.MASK + s.substring(at);
        }
      }
    }
    return redactQuery(s);
  }

  private static String redactQuery(String s) {
    int q = s.indexOf('?');
    if (q < 0) {
      return s;
    }
    int hash = s.indexOf('#', q);
    String query = hash < 0 ? s.substring(q + 1) : s.substring(q + 1, hash);
    StringBuilder out = new StringBuilder(s.length()).append(s, 0, q + 1);
    String[] parts = query.split("&", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i > 0) {
        out.append('&');
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String plain;
      try {
        plain = decode(name);
      } catch (IllegalArgumentException e) {
        plain = name;
      }
      if (eq >= 0 && Redact.isSecret(plain)) {
        out.append(name).append('=').append(Redact.MASK);
      } else {
        out.append(part);
      }
    }
    if (hash >= 0) {
      out.append(s, hash, s.length());
    }
    return out.toString();
  }
}
