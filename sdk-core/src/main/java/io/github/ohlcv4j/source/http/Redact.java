package io.github.ohlcv4j.source.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Keeps secrets out of messages and logs: URLs with key, token and password parameters masked, and
 * text a venue or a proxy sent back with every secret of the request masked <em>before</em> it is
 * cut to a snippet.
 *
 * <p>The order matters: a snippet cut first and redacted afterwards keeps the part of a secret that
 * sits before the cut, which no longer matches the whole secret. So {@link #snippet} finds every
 * occurrence of every secret while it walks the text, and masks each one whole, also where the
 * snippet's end falls inside it. Secrets shorter than 3 characters are not masked (they would mask
 * ordinary text).
 */
public final class Redact {
  private Redact() {}

  /** How far into a text a snippet looks at most, so a huge body costs little. */
  static final int SCAN_LIMIT = 64 * 1024;

  /** What a secret is replaced by. */
  public static final String MASK = "***";

  private static final Set<String> SECRET_PARAMS =
      Set.of(
          "apikey",
          "api_key",
          "key",
          "password",
          "secret",
          "token",
          "sign",
          "signature",
          "sig",
          "access_token",
          "passphrase",
          "auth");

  /** The URL with user info, secret query parameters and their values masked as {@code ***}. */
  public static String url(HttpUrl url) {
    HttpUrl.Builder b = url.newBuilder();
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      b.username(url.username().isEmpty() ? "" : url.username()).password("");
      if (!url.password().isEmpty()) {
        b.password(MASK);
      }
    }
    if (url.querySize() > 0) {
      b.query(null);
      for (int i = 0; i < url.querySize(); i++) {
        String name = url.queryParameterName(i);
        b.addQueryParameter(name, isSecret(name) ? MASK : url.queryParameterValue(i));
      }
    }
    return b.build().toString();
  }

  /** Whether a parameter or header name carries a secret. */
  public static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return SECRET_PARAMS.contains(n)
        || n.contains("password")
        || n.contains("passwd")
        || n.contains("secret")
        || n.contains("token")
        || n.contains("apikey")
        || n.contains("api-key")
        || n.contains("api_key")
        || n.contains("signature")
        || n.contains("credential")
        || n.equals("cookie")
        || n.endsWith("-key")
        || n.endsWith("_key")
        || n.endsWith("-sign")
        || n.endsWith("_sign")
        || n.equals("authorization")
        || n.equals("proxy-authorization");
  }

  /**
   * The secrets {@code request} carries, in every form an echo of it may show them: the password of
   * the URL's user info, the values of secret query parameters ({@link #isSecret}) and of secret
   * headers (an {@code Authorization} value, its token, and for basic authentication the decoded
   * {@code user:password} and the password), each also percent-encoded and JSON-escaped.
   */
  public static List<String> secrets(Request request) {
    Set<String> raw = new LinkedHashSet<>();
    HttpUrl url = request.url();
    if (!url.password().isEmpty()) {
      raw.add(url.password());
      raw.add(url.encodedPassword());
    }
    for (String name : url.queryParameterNames()) {
      if (isSecret(name)) {
        for (String v : url.queryParameterValues(name)) {
          if (v != null) {
            raw.add(v);
          }
        }
      }
    }
    Headers headers = request.headers();
    for (int i = 0; i < headers.size(); i++) {
      if (isSecret(headers.name(i))) {
        headerSecrets(headers.value(i), raw);
      }
    }
    return forms(raw);
  }

  /** {@code secrets} and the encoded forms an echo may show them in, longest first. */
  public static List<String> forms(Collection<String> secrets) {
    Set<String> all = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s == null || s.length() < 3) {
        continue;
      }
      all.add(s);
      String form = URLEncoder.encode(s, StandardCharsets.UTF_8);
      all.add(form);
      all.add(form.replace("+", "%20"));
      all.add(json(s));
      all.add(json(s).replace("/", "\\/"));
    }
    List<String> out = new ArrayList<>(all);
    out.sort(Comparator.comparingInt(String::length).reversed());
    return out;
  }

  private static void headerSecrets(String value, Set<String> out) {
    String v = value.trim();
    out.add(v);
    int sp = v.indexOf(' ');
    if (sp > 0) {
      String scheme = v.substring(0, sp);
      String token = v.substring(sp + 1).trim();
      out.add(token);
      if (scheme.equalsIgnoreCase("Basic")) {
        try {
          String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
          out.add(decoded);
          int colon = decoded.indexOf(':');
          if (colon >= 0) {
            out.add(decoded.substring(colon + 1));
          }
        } catch (IllegalArgumentException notBase64) {
          // the token itself is masked
        }
      }
    }
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** {@code text} with every occurrence of each secret replaced by {@code ***}. */
  public static String text(String text, @Nullable String... secrets) {
    List<String> list = new ArrayList<>();
    for (String s : secrets) {
      if (s != null) {
        list.add(s);
      }
    }
    return text(text, list);
  }

  /** {@code text} with every occurrence of each secret replaced by {@code ***}, longest first. */
  public static String text(String text, Collection<String> secrets) {
    List<String> sorted = new ArrayList<>(secrets);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    String out = text;
    for (String s : sorted) {
      if (s.length() >= 3) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  /**
   * The start of {@code text} for a message: secrets masked, white space and control characters
   * collapsed to one space, at most {@code max} characters (then followed by {@code …}).
   */
  public static String snippet(@Nullable String text, int max, Collection<String> secrets) {
    if (text == null) {
      return "";
    }
    int longest = 0;
    for (String s : secrets) {
      longest = Math.max(longest, s.length());
    }
    // Enough of the text for the scan limit plus a secret that starts just before it.
    String head =
        text.length() > SCAN_LIMIT + longest ? text.substring(0, SCAN_LIMIT + longest) : text;
    byte[] b = head.getBytes(StandardCharsets.UTF_8);
    String s = snippet(b, b.length, 0, b.length, max, secrets, true);
    return head.length() < text.length() && !s.endsWith("…") ? s + "…" : s;
  }

  /**
   * A snippet of the bytes {@code b[from, to)} of a body of {@code length} bytes, as UTF-8 text:
   * every occurrence of a secret masked as {@code ***} (found in the whole body, so one that starts
   * before {@code from} or ends after {@code to} is masked where it shows), control characters as
   * spaces, white space collapsed to one space if {@code collapse} (and then stripped at both
   * ends), at most {@code max} characters (then followed by {@code …}). Looks at most {@value
   * #SCAN_LIMIT} bytes past {@code from}.
   */
  public static String snippet(
      byte[] b,
      int length,
      int from,
      int to,
      int max,
      Collection<String> secrets,
      boolean collapse) {
    byte[][] needles = needles(secrets);
    int longest = 0;
    for (byte[] n : needles) {
      longest = Math.max(longest, n.length);
    }
    int stop = (int) Math.min(Math.min(to, length), (long) from + SCAN_LIMIT);
    boolean cut = stop < Math.min(to, length);
    int maskEnd = -1;
    for (int p = Math.max(0, from - longest + 1); p < from; p++) {
      maskEnd = Math.max(maskEnd, match(b, length, p, needles));
    }
    StringBuilder out = new StringBuilder(Math.min(max + 8, 256));
    int run = -1; // where the bytes not yet appended start, or -1
    boolean space = collapse; // strips leading white space when collapsing
    boolean masked = false;
    int maskAt = -1; // where the last mask starts in out: a cut never splits one
    int p = from;
    for (; p < stop; p++) {
      maskEnd = Math.max(maskEnd, match(b, length, p, needles));
      if (p < maskEnd) {
        run = flush(b, run, p, out);
        if (!masked) {
          maskAt = out.length();
          out.append(MASK);
          masked = true;
          space = false;
        }
      } else {
        masked = false;
        int c = b[p] & 0xff;
        if (c <= ' ' || c == 0x7f) {
          run = flush(b, run, p, out);
          if (!collapse || !space) {
            out.append(' ');
            space = true;
          }
        } else {
          if (run < 0) {
            run = p;
          }
          space = false;
          if ((long) out.length() + (p + 1 - run) > max) {
            run = flush(b, run, p + 1, out);
          }
        }
      }
      if (out.length() > max) {
        p++;
        break;
      }
    }
    flush(b, run, p, out);
    boolean longer = out.length() > max || p < stop || cut;
    if (out.length() > max) {
      int keep = maskAt >= 0 && maskAt < max && maskAt + MASK.length() > max ? maskAt + 3 : max;
      out.setLength(keep);
      if (keep > 0 && Character.isHighSurrogate(out.charAt(keep - 1))) {
        out.setLength(keep - 1);
      }
    }
    String s = out.toString();
    if (collapse) {
      s = s.strip();
    }
    return longer ? s + "…" : s;
  }

  private static byte[][] needles(Collection<String> secrets) {
    List<byte[]> out = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && s.length() >= 3) {
        out.add(s.getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toArray(new byte[0][]);
  }

  /** The end of the longest secret starting at {@code p}, or -1. */
  private static int match(byte[] b, int length, int p, byte[][] needles) {
    int end = -1;
    for (byte[] n : needles) {
      if (p + n.length > length || b[p] != n[0]) {
        continue;
      }
      int k = 1;
      while (k < n.length && b[p + k] == n[k]) {
        k++;
      }
      if (k == n.length) {
        end = Math.max(end, p + n.length);
      }
    }
    return end;
  }

  private static int flush(byte[] b, int run, int end, StringBuilder out) {
    if (run >= 0 && end > run) {
      out.append(new String(b, run, end - run, StandardCharsets.UTF_8));
    }
    return -1;
  }
}
