package io.github.ohlcv4j.exchange.internal;

import java.nio.charset.StandardCharsets;

/**
 * Turns decimal text in a byte array ({@code "19990.8"}, {@code "20000.00000000"}, {@code
 * "2.829e-05"}) into the correctly rounded {@code double}, without making a string.
 *
 * <p>Most venue numbers have at most 18 significant digits and a small exponent: their digits fit
 * in a {@code long} exactly and, when that long is below 2<sup>53</sup> and the decimal exponent
 * within ±22, one IEEE multiplication or division of two exact doubles gives the correctly rounded
 * result (Clinger's fast path). Trailing zeros are kept out of the digits, so Binance's eight fixed
 * decimals stay on the fast path. Everything else goes to {@link Double#parseDouble(String)}, which
 * is correctly rounded too.
 */
public final class Decimals {
  private Decimals() {}

  /** Whole numbers below this are exact in a double. */
  static final long TWO_53 = 1L << 53;

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };

  /**
   * {@code m × 10^e10}, correctly rounded, for {@code 0 ≤ m < 2^53} and {@code |e10| ≤ 22}: one
   * exact IEEE multiplication or division of two exact doubles (Clinger's fast path).
   */
  static double exact(long m, int e10) {
    double v = m;
    if (m == 0 || e10 == 0) {
      return v;
    }
    return e10 < 0 ? v / POW10[-e10] : v * POW10[e10];
  }

  /**
   * Parses {@code b[start, end)}: an optional sign, digits with at most one decimal point, and an
   * optional exponent ({@code e}/{@code E}, optional sign, digits).
   *
   * @throws NumberFormatException if the text is not such a number
   */
  public static double parse(byte[] b, int start, int end) {
    int i = start;
    if (i >= end) {
      throw new NumberFormatException("empty number");
    }
    boolean negative = false;
    byte c = b[i];
    if (c == '-' || c == '+') {
      negative = c == '-';
      i++;
    }
    long m = 0; // significant digits without trailing zeros
    int digitsInM = 0;
    int pendingZeros = 0; // zeros read after the last non-zero digit, not yet in m
    int fraction = 0; // digits after the decimal point
    boolean point = false;
    boolean anyDigit = false;
    boolean slow = false;
    for (; i < end; i++) {
      c = b[i];
      int d = c - '0';
      if (d >= 0 && d <= 9) {
        anyDigit = true;
        if (point) {
          fraction++;
        }
        if (d == 0) {
          if (m != 0) {
            pendingZeros++;
          }
          continue;
        }
        int grow = pendingZeros + 1;
        if (digitsInM + grow > 18) {
          slow = true;
          continue; // keep validating; the slow path parses the text again
        }
        for (int z = 0; z < pendingZeros; z++) {
          m *= 10;
        }
        m = m * 10 + d;
        digitsInM += grow;
        pendingZeros = 0;
      } else if (c == '.' && !point) {
        point = true;
      } else if ((c == 'e' || c == 'E') && anyDigit) {
        break;
      } else {
        throw bad(b, start, end);
      }
    }
    if (!anyDigit) {
      throw bad(b, start, end);
    }
    int exponent = 0;
    if (i < end) {
      i++; // the 'e'
      boolean negativeExponent = false;
      if (i < end && (b[i] == '-' || b[i] == '+')) {
        negativeExponent = b[i] == '-';
        i++;
      }
      if (i >= end) {
        throw bad(b, start, end);
      }
      for (; i < end; i++) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          throw bad(b, start, end);
        }
        if (exponent < 100_000) {
          exponent = exponent * 10 + d;
        } else {
          slow = true;
        }
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    if (!slow) {
      if (m == 0) {
        return negative ? -0.0 : 0.0;
      }
      int e10 = exponent - fraction + pendingZeros;
      if (m < TWO_53 && e10 >= -22 && e10 <= 22) {
        double v = exact(m, e10);
        return negative ? -v : v;
      }
    }
    return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
  }

  /**
   * Parses {@code b[start, end)} as a whole number: an optional minus sign and at most 18 digits.
   *
   * @throws NumberFormatException if the text is not such a number
   */
  public static long parseLong(byte[] b, int start, int end) {
    int i = start;
    boolean negative = false;
    if (i < end && b[i] == '-') {
      negative = true;
      i++;
    }
    if (i >= end || end - i > 18) {
      throw bad(b, start, end);
    }
    long v = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw bad(b, start, end);
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  private static NumberFormatException bad(byte[] b, int start, int end) {
    int n = Math.min(end - start, 40);
    return new NumberFormatException(
        "not a number: \"" + new String(b, start, n, StandardCharsets.ISO_8859_1) + "\"");
  }
}
