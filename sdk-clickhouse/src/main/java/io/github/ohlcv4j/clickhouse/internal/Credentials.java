package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The user and password of a source, how they travel, and how they are kept out of messages.
 *
 * <p>Printable ASCII credentials go in the {@code X-ClickHouse-User} and {@code X-ClickHouse-Key}
 * headers. Anything else — any Unicode character, a tab, a space at either end — goes in HTTP Basic
 * authentication, whose Base64 carries the UTF-8 bytes exactly (ClickHouse refuses the two ways
 * together, so it is one or the other). A line break (CR, LF), a NUL or half a surrogate pair
 * cannot be a password of a ClickHouse user and is refused when the source is built; so is a colon
 * in a user name that needs Basic authentication, which would end the name there. Refusals never
 * show the value.
 *
 * <p>{@link #redact(String)} masks the password (and its Basic form) in any text that leaves the
 * SDK: messages, and through them logs. Immutable and thread-safe.
 */
public final class Credentials {

  private static final int MIN_SECRET = 3;

  private final String user;
  private final @Nullable String password;
  private final @Nullable String basic;
  private final List<String> secrets;

  private Credentials(String user, @Nullable String password, @Nullable String basic) {
    this.user = user;
    this.password = password;
    this.basic = basic;
    List<String> s = new ArrayList<>();
    if (password != null && password.length() >= MIN_SECRET) {
      s.add(password);
    }
    if (basic != null) {
      s.add(basic.substring("Basic ".length()));
    }
    this.secrets = List.copyOf(s);
  }

  /**
   * Checks and prepares a user and password.
   *
   * @param password the password; null or empty for none
   * @param source the source's name, for the message
   * @throws AuthenticationException if they cannot be sent (the message says why, not what)
   */
  public static Credentials of(String user, @Nullable String password, String source) {
    Objects.requireNonNull(user, "user");
    String pw = password == null || password.isEmpty() ? null : password;
    check(user, "user name", source);
    if (pw != null) {
      check(pw, "password", source);
    }
    if (headerSafe(user) && (pw == null || headerSafe(pw))) {
      return new Credentials(user, pw, null);
    }
    if (user.indexOf(':') >= 0) {
      throw refused(
          source,
          "the user name contains a colon, which HTTP Basic authentication cannot carry, and the"
              + " user name or password has characters outside printable ASCII, which only Basic"
              + " authentication can carry");
    }
    return new Credentials(
        user, pw, okhttp3.Credentials.basic(user, pw == null ? "" : pw, StandardCharsets.UTF_8));
  }

  /** The user. */
  public String user() {
    return user;
  }

  /** Whether the credentials travel in HTTP Basic authentication rather than in headers. */
  public boolean basic() {
    return basic != null;
  }

  /** Adds the credentials to a request. */
  public Request.Builder apply(Request.Builder b) {
    if (basic != null) {
      return b.header("Authorization", basic);
    }
    b.header("X-ClickHouse-User", user);
    if (password != null) {
      b.header("X-ClickHouse-Key", password);
    }
    return b;
  }

  /** {@code text} with every occurrence of the password (and of its Basic form) masked. */
  public String redact(String text) {
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, "***");
    }
    return out;
  }

  /**
   * {@link #redact(String)} for a text that was cut off at its end: a secret cut there, of which
   * only the first characters remain, is masked as well.
   */
  public String redactCut(String text) {
    String out = redact(text);
    for (String s : secrets) {
      for (int n = Math.min(s.length() - 1, out.length()); n >= MIN_SECRET; n--) {
        if (out.regionMatches(out.length() - n, s, 0, n)) {
          out = out.substring(0, out.length() - n) + "***";
          break;
        }
      }
    }
    return out;
  }

  private static void check(String value, String what, String source) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String bad = null;
      if (c == '\r') {
        bad = "a carriage return (CR)";
      } else if (c == '\n') {
        bad = "a line feed (LF)";
      } else if (c == '\0') {
        bad = "a NUL character";
      } else if (Character.isHighSurrogate(c)
          && (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1)))) {
        bad = "half of a surrogate pair (not a Unicode character)";
      } else if (Character.isLowSurrogate(c)
          && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)))) {
        bad = "half of a surrogate pair (not a Unicode character)";
      }
      if (bad != null) {
        throw refused(
            source,
            "the "
                + what
                + " contains "
                + bad
                + " at character "
                + (i + 1)
                + " of "
                + value.length());
      }
    }
  }

  /** Printable ASCII, no space at either end: what a header carries unchanged. */
  private static boolean headerSafe(String s) {
    if (s.isEmpty()) {
      return true;
    }
    if (s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static AuthenticationException refused(String source, String why) {
    return new AuthenticationException(
        "ClickHouse credentials of "
            + source
            + " refused: "
            + why
            + ". No HTTP request could carry them, so nothing was sent; check the user and password"
            + " (ClickHouseSource.Builder user/password, the URI, or OHLCV4J_CLICKHOUSE_USER and"
            + " OHLCV4J_CLICKHOUSE_PASSWORD).",
        source,
        null,
        null);
  }

  @Override
  public String toString() {
    return "Credentials{user=" + user + (basic != null ? ", basic" : "") + "}";
  }
}
