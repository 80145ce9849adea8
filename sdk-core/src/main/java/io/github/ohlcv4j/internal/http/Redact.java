package io.github.ohlcv4j.internal.http;

import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/** Keeps secrets out of messages and logs: URLs with key, token and password parameters masked. */
public final class Redact {
  private Redact() {}

  private static final Set<String> SECRET_PARAMS =
      Set.of(
          "apikey",
          "api_key",
          "key",
          "password",
          "secret",
          "token",
          "signature",
          "access_token",
          "passphrase");

  /** The URL with user info, secret query parameters and their values masked as {@code ***}. */
  public static String url(HttpUrl url) {
    HttpUrl.Builder b = url.newBuilder();
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      b.username(url.username().isEmpty() ? "" : url.username()).password("");
      if (!url.password().isEmpty()) {
        b.password("***");
      }
    }
    for (String name : url.queryParameterNames()) {
      if (isSecret(name)) {
        b.setQueryParameter(name, "***");
      }
    }
    return b.build().toString();
  }

  /** Whether a parameter or header name carries a secret. */
  public static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return SECRET_PARAMS.contains(n)
        || n.contains("password")
        || n.contains("secret")
        || n.endsWith("-key")
        || n.equals("authorization");
  }

  /** {@code text} with every occurrence of each secret replaced by {@code ***}. */
  public static String text(String text, String... secrets) {
    String out = text;
    for (String s : secrets) {
      if (s != null && s.length() >= 3) {
        out = out.replace(s, "***");
      }
    }
    return out;
  }
}
