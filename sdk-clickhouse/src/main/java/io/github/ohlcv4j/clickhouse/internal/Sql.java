package io.github.ohlcv4j.clickhouse.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Renders identifiers and literals into SQL text. ClickHouse 18.16 has no server-side query
 * parameters, so every value the SDK puts into a query goes through here: identifiers must match a
 * strict pattern (and are back-quoted as well), and string literals are written as pure ASCII with
 * every byte outside printable ASCII, every quote and every backslash escaped.
 */
public final class Sql {
  private Sql() {}

  /** Letters, digits and underscores, not starting with a digit; at most 128 characters. */
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Whether {@code name} is an identifier this SDK accepts. */
  public static boolean isIdentifier(String name) {
    return IDENTIFIER.matcher(name).matches();
  }

  /**
   * Checks an identifier (database, table, column or setting name) and returns it unchanged.
   *
   * @param what what the name is, for the message ("table", "column for close", ...)
   * @throws IllegalArgumentException if it does not match {@code [A-Za-z_][A-Za-z0-9_]*}
   */
  public static String checkIdentifier(String name, String what) {
    Objects.requireNonNull(name, what);
    if (!isIdentifier(name)) {
      throw new IllegalArgumentException(
          "Invalid "
              + what
              + " name \""
              + printable(name)
              + "\": use letters, digits and underscores, starting with a letter or underscore"
              + " (at most 128 characters)");
    }
    return name;
  }

  /** A checked identifier in back quotes, safe to splice into SQL. */
  public static String id(String name) {
    return '`' + checkIdentifier(name, "identifier") + '`';
  }

  /** {@code `db`.`table`}. */
  public static String qualified(String database, String table) {
    return id(database) + '.' + id(table);
  }

  /**
   * A string literal holding exactly the UTF-8 bytes of {@code value}: printable ASCII as is,
   * {@code '} and {@code \} with a backslash, every other byte as {@code \xHH}. The result is pure
   * ASCII, so no byte of the value can end the literal or the statement.
   */
  public static String string(String value) {
    Objects.requireNonNull(value, "value");
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder(bytes.length + 8);
    b.append('\'');
    for (byte x : bytes) {
      int c = x & 0xFF;
      if (c == '\'' || c == '\\') {
        b.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7F) {
        b.append((char) c);
      } else {
        b.append("\\x").append(HEX[c >>> 4]).append(HEX[c & 0xF]);
      }
    }
    return b.append('\'').toString();
  }

  /** {@code value} with control characters shown as {@code \\uXXXX}, for messages. */
  public static String printable(String value) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < value.length() && i < 200; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return value.length() > 200 ? b.append('…').toString() : b.toString();
  }
}
