package io.github.ohlcv4j.clickhouse.internal;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse server version as {@code SELECT version()} prints it: {@code 18.16.1}, {@code
 * 23.8.2.7}, {@code 24.3.1.2672}.
 *
 * @param major the year-based major version (18, 23, 24, ...)
 * @param minor the release within the year
 * @param text the version as the server printed it
 */
public record ServerVersion(int major, int minor, String text) {

  private static final Pattern FORM = Pattern.compile("\\s*(\\d{1,4})\\.(\\d{1,4})(?:[.\\d]*).*");

  /** Validates. */
  public ServerVersion {
    Objects.requireNonNull(text, "text");
  }

  /**
   * Parses the output of {@code SELECT version()}.
   *
   * @throws IllegalArgumentException if it does not start with {@code major.minor}
   */
  public static ServerVersion parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "Unexpected ClickHouse version \"" + text.strip() + "\": expected major.minor[.patch]");
    }
    return new ServerVersion(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), text.strip());
  }

  /** Whether this version is {@code major.minor} or later. */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  @Override
  public String toString() {
    return text;
  }
}
