package io.github.ohlcv4j.clickhouse.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SqlTest {

  static final List<String> HOSTILE =
      List.of(
          "O'Neil",
          "x''y",
          "back\\slash",
          "\\'",
          "'; DROP TABLE ohlcv4j_test.candles_1m; --",
          "nul\0byte",
          "tab\tnew\nline\r",
          "€/₿ 日本 \uD83D\uDE80",
          "`backtick`",
          "\"double\"",
          "\\x41",
          "end\\");

  @Test
  void acceptsPlainIdentifiers() {
    for (String ok : List.of("ohlcv", "_x1", "candles_1m", "A", "a".repeat(128))) {
      assertTrue(Sql.isIdentifier(ok), ok);
      assertEquals("`" + ok + "`", Sql.id(ok));
    }
  }

  @Test
  void refusesEverythingElseAsIdentifier() {
    for (String bad :
        List.of(
            "",
            "1abc",
            "a-b",
            "a b",
            "a`b",
            "t;DROP",
            "db.table",
            "ñ",
            "a\0",
            "a".repeat(129),
            "x'y")) {
      assertFalse(Sql.isIdentifier(bad), bad);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Sql.checkIdentifier(bad, "table"));
      assertTrue(e.getMessage().startsWith("Invalid table name"), e.getMessage());
    }
  }

  @Test
  void literalsArePrintableAsciiWithEveryQuoteEscaped() {
    for (String s : HOSTILE) {
      String lit = Sql.string(s);
      assertTrue(lit.startsWith("'") && lit.endsWith("'"), lit);
      String inner = lit.substring(1, lit.length() - 1);
      for (int i = 0; i < inner.length(); i++) {
        char c = inner.charAt(i);
        assertTrue(c >= 0x20 && c < 0x7F, "non-printable in " + lit);
        if (c == '\\') {
          i++; // the escaped character
        } else {
          assertTrue(c != '\'', "unescaped quote in " + lit);
        }
      }
    }
  }

  @Test
  void literalsDecodeToTheExactUtf8Bytes() {
    Random random = new Random(7);
    for (int n = 0; n < 2000; n++) {
      StringBuilder b = new StringBuilder();
      int len = random.nextInt(12);
      for (int i = 0; i < len; i++) {
        int pick = random.nextInt(6);
        b.append(
            pick == 0
                ? '\''
                : pick == 1
                    ? '\\'
                    : pick == 2 ? (char) random.nextInt(32) : (char) random.nextInt(0xD000));
      }
      String s = b.toString();
      assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), unescape(Sql.string(s)), s);
    }
    for (String s : HOSTILE) {
      assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), unescape(Sql.string(s)), s);
    }
  }

  @Test
  void knownForms() {
    assertEquals("'O\\'Neil'", Sql.string("O'Neil"));
    assertEquals("'a\\\\b'", Sql.string("a\\b"));
    assertEquals("'x\\x00y'", Sql.string("x\0y"));
    assertEquals("'\\xE2\\x82\\xAC'", Sql.string("€"));
    assertEquals("`db`.`t`", Sql.qualified("db", "t"));
  }

  /** ClickHouse's reading of a quoted string literal: backslash escapes and \xHH. */
  static byte[] unescape(String literal) {
    assertTrue(literal.startsWith("'") && literal.endsWith("'"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1; i < literal.length() - 1; i++) {
      char c = literal.charAt(i);
      if (c != '\\') {
        out.write(c);
        continue;
      }
      char n = literal.charAt(++i);
      if (n == 'x') {
        out.write(Integer.parseInt(literal.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(n);
      }
    }
    return out.toByteArray();
  }
}
