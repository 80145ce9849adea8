package io.github.ohlcv4j.exchange.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A slow, plain reference for the venue parsers: a recursive JSON tree parser written from RFC
 * 8259, numbers by {@link BigDecimal} and rounded to the nearest double by exact comparison with
 * the neighbouring doubles, and the venues' documented shapes read from the tree. It shares no code
 * with {@link JsonBytes}; the fuzz test checks that both agree on every input.
 *
 * <p>The rules it holds the parsers to: JSON as RFC 8259 defines it, nested at most {@link 512}
 * levels; a number, bare or in a string (written without escapes), in JSON's number grammar; a
 * value that must be a double refused if it rounds to infinity; a whole number refused unless its
 * exact value is whole and below 10<sup>18</sup>; a key the format defines refused if given twice
 * in one object.
 */
final class JsonReference {
  private JsonReference() {}

  /** The input is not what the format says; the parsers must throw a typed error. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /** A JSON value. */
  sealed interface Node permits Obj, Arr, Str, Num, Lit {}

  /** An object, its members in order (duplicates kept). */
  record Obj(List<Map.Entry<String, Node>> members) implements Node {
    /** The values given for {@code key}. */
    List<Node> all(String key) {
      List<Node> out = new ArrayList<>();
      for (Map.Entry<String, Node> m : members) {
        if (m.getKey().equals(key)) {
          out.add(m.getValue());
        }
      }
      return out;
    }

    /** The value of {@code key}, null if absent; refused if given twice. */
    Node one(String key) throws Refused {
      List<Node> v = all(key);
      if (v.size() > 1) {
        throw new Refused("\"" + key + "\" given twice");
      }
      return v.isEmpty() ? null : v.get(0);
    }
  }

  /** An array. */
  record Arr(List<Node> items) implements Node {}

  /** A string: its value, and its text between the quotes as written (escapes not decoded). */
  record Str(String value, String raw) implements Node {}

  /** A number, as written. */
  record Num(String text) implements Node {}

  /** {@code true}, {@code false} or {@code null}. */
  record Lit(String word) implements Node {}

  // ---- JSON text to tree ----

  static Node parse(byte[] b) throws Refused {
    Reader r = new Reader(b);
    r.ws();
    Node n = r.value(0);
    r.ws();
    if (r.i != b.length) {
      throw new Refused("content after the value");
    }
    return n;
  }

  private static final class Reader {
    final byte[] b;
    int i;

    Reader(byte[] b) {
      this.b = b;
    }

    void ws() {
      while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
        i++;
      }
    }

    int next() throws Refused {
      if (i >= b.length) {
        throw new Refused("the text ends");
      }
      return b[i] & 0xff;
    }

    Node value(int depth) throws Refused {
      int c = next();
      if (c == '{') {
        if (depth + 1 > 512) {
          throw new Refused("too deep");
        }
        i++;
        List<Map.Entry<String, Node>> members = new ArrayList<>();
        ws();
        if (next() == '}') {
          i++;
          return new Obj(members);
        }
        while (true) {
          ws();
          if (next() != '"') {
            throw new Refused("a key");
          }
          String key = string().value();
          ws();
          if (next() != ':') {
            throw new Refused("':'");
          }
          i++;
          ws();
          members.add(Map.entry(key, value(depth + 1)));
          ws();
          int d = next();
          i++;
          if (d == '}') {
            return new Obj(members);
          }
          if (d != ',') {
            throw new Refused("',' or '}'");
          }
        }
      }
      if (c == '[') {
        if (depth + 1 > 512) {
          throw new Refused("too deep");
        }
        i++;
        List<Node> items = new ArrayList<>();
        ws();
        if (next() == ']') {
          i++;
          return new Arr(items);
        }
        while (true) {
          ws();
          items.add(value(depth + 1));
          ws();
          int d = next();
          i++;
          if (d == ']') {
            return new Arr(items);
          }
          if (d != ',') {
            throw new Refused("',' or ']'");
          }
        }
      }
      if (c == '"') {
        return string();
      }
      for (String w : new String[] {"true", "false", "null"}) {
        if (startsWith(w)) {
          i += w.length();
          return new Lit(w);
        }
      }
      int s = i;
      while (i < b.length && "+-.eE0123456789".indexOf(b[i]) >= 0) {
        i++;
      }
      String text = new String(b, s, i - s, StandardCharsets.US_ASCII);
      if (!NUMBER.matcher(text).matches()) {
        throw new Refused("not a value: " + text);
      }
      return new Num(text);
    }

    boolean startsWith(String w) {
      if (i + w.length() > b.length) {
        return false;
      }
      for (int k = 0; k < w.length(); k++) {
        if (b[i + k] != w.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    Str string() throws Refused {
      i++; // the quote
      int start = i;
      StringBuilder value = new StringBuilder();
      int run = i;
      while (true) {
        int c = next();
        if (c == '"') {
          value.append(new String(b, run, i - run, StandardCharsets.UTF_8));
          String raw = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
          i++;
          return new Str(value.toString(), raw);
        }
        if (c < 0x20) {
          throw new Refused("a raw control character in a string");
        }
        if (c != '\\') {
          i++;
          continue;
        }
        value.append(new String(b, run, i - run, StandardCharsets.UTF_8));
        i++;
        int e = next();
        switch (e) {
          case '"':
          case '\\':
          case '/':
            value.append((char) e);
            break;
          case 'b':
            value.append('\b');
            break;
          case 'f':
            value.append('\f');
            break;
          case 'n':
            value.append('\n');
            break;
          case 'r':
            value.append('\r');
            break;
          case 't':
            value.append('\t');
            break;
          case 'u':
            if (i + 5 > b.length) {
              throw new Refused("a short \\u escape");
            }
            String hex = new String(b, i + 1, 4, StandardCharsets.ISO_8859_1);
            if (!hex.matches("[0-9a-fA-F]{4}")) {
              throw new Refused("a bad \\u escape");
            }
            value.append((char) Integer.parseInt(hex, 16));
            i += 4;
            break;
          default:
            throw new Refused("a bad escape");
        }
        i++;
        run = i;
      }
    }
  }

  private static final Pattern NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  // ---- numbers ----

  /** The text of a number given bare or in a string (written without escapes). */
  static String numberText(Node n) throws Refused {
    String t;
    if (n instanceof Num num) {
      t = num.text();
    } else if (n instanceof Str s) {
      t = s.raw();
    } else {
      throw new Refused("not a number: " + n);
    }
    if (!NUMBER.matcher(t).matches()) {
      throw new Refused("not in the number grammar: " + t);
    }
    return t;
  }

  /** The digits without leading zeros, and the power of ten they are scaled by. */
  private record Decimal(boolean negative, String digits, long scale) {}

  private static Decimal decimal(String t) {
    boolean negative = t.startsWith("-");
    String s = negative ? t.substring(1) : t;
    long exponent = 0;
    int e = Math.max(s.indexOf('e'), s.indexOf('E'));
    if (e >= 0) {
      String x = s.substring(e + 1);
      boolean neg = x.startsWith("-");
      x = x.replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
      exponent = x.length() > 15 ? 1_000_000_000_000_000L : Long.parseLong(x);
      if (neg) {
        exponent = -exponent;
      }
      s = s.substring(0, e);
    }
    int point = s.indexOf('.');
    String digits = point < 0 ? s : s.substring(0, point) + s.substring(point + 1);
    long scale = exponent - (point < 0 ? 0 : s.length() - point - 1);
    digits = digits.replaceFirst("^0+", "");
    return new Decimal(negative, digits, scale);
  }

  /** The double nearest to the number, ties to even; refused if that is infinite. */
  static double toDouble(Node n) throws Refused {
    Decimal d = decimal(numberText(n));
    double v;
    if (d.digits().isEmpty()) {
      v = 0.0;
    } else {
      long magnitude = d.digits().length() + d.scale(); // value < 10^magnitude
      if (magnitude > 310) {
        throw new Refused("too large for a double");
      } else if (magnitude < -400) {
        v = 0.0; // below half the smallest subnormal
      } else {
        v = nearest(new BigDecimal(new BigInteger(d.digits()), (int) -d.scale()));
      }
    }
    return d.negative() ? -v : v;
  }

  private static final BigDecimal OVERFLOW =
      new BigDecimal(Double.MAX_VALUE)
          .add(new BigDecimal(Math.ulp(Double.MAX_VALUE)).divide(BigDecimal.valueOf(2)));

  /** The double nearest to {@code x > 0}, found by exact comparison; refused if infinite. */
  private static double nearest(BigDecimal x) throws Refused {
    if (x.compareTo(OVERFLOW) >= 0) {
      throw new Refused("rounds to infinity");
    }
    double c = x.doubleValue();
    if (Double.isInfinite(c)) {
      c = Double.MAX_VALUE;
    }
    while (true) {
      double down = Math.nextDown(c);
      double up = Math.nextUp(c);
      double best = c;
      for (double o : new double[] {down, up}) {
        if (o < 0 || Double.isInfinite(o)) {
          continue;
        }
        int cmp = distance(x, o).compareTo(distance(x, best));
        if (cmp < 0 || (cmp == 0 && even(o) && !even(best))) {
          best = o;
        }
      }
      if (best == c) {
        return c;
      }
      c = best;
    }
  }

  private static BigDecimal distance(BigDecimal x, double d) {
    return x.subtract(new BigDecimal(d)).abs();
  }

  private static boolean even(double d) {
    return (Double.doubleToRawLongBits(d) & 1) == 0;
  }

  /** The exact whole value below 10^18 in magnitude; refused otherwise. */
  static long toWhole(Node n) throws Refused {
    Decimal d = decimal(numberText(n));
    if (d.digits().isEmpty()) {
      return 0;
    }
    if (d.digits().length() + d.scale() > 18) {
      throw new Refused("10^18 or more");
    }
    if (d.scale() < -d.digits().length() - 2) {
      throw new Refused("not whole"); // below 1 in magnitude, not 0
    }
    BigDecimal v = new BigDecimal(new BigInteger(d.digits()), (int) -d.scale());
    if (v.stripTrailingZeros().scale() > 0) {
      throw new Refused("not whole");
    }
    long l = v.longValueExact();
    return d.negative() ? -l : l;
  }
}
