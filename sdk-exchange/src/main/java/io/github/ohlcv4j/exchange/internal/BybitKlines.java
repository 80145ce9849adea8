package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Bybit v5 {@code /v5/market/kline} body straight into a {@link CandleSeries.Builder}: the
 * envelope {@code {"retCode":0,"retMsg":"OK","result":{"list":[...]}}} and rows of seven strings
 * {@code [startTime, open, high, low, close, volume, turnover]}, newest first (the builder turns
 * them around). Turnover goes to {@link ExtraColumn#QUOTE_VOLUME}. Keys may come in any order; a
 * non-zero {@code retCode} is returned for the caller to map, whatever else the body holds. A
 * {@code retCode}, {@code result} or {@code list} given twice is refused, since which of the two
 * counts is not defined.
 */
public final class BybitKlines {
  private BybitKlines() {}

  /** The value of {@link Result#retCode()} when the body has no {@code retCode}. */
  public static final long NO_CODE = Long.MIN_VALUE;

  private static final byte[][] TOP = keys("retCode", "result");
  private static final byte[][] RESULT = keys("list");

  /**
   * What the envelope said.
   *
   * @param retCode the {@code retCode}, or {@link #NO_CODE}
   * @param hasList whether {@code result.list} was present
   */
  public record Result(long retCode, boolean hasList) {}

  /**
   * Parses a body.
   *
   * @throws DataFormatException saying where, if the body is not a kline response or a row is bad
   */
  public static Result parse(JsonBytes in, CandleSeries.Builder out) {
    if (in.peek() != '{') {
      throw in.fail("a JSON object {\"retCode\":0,\"result\":{\"list\":[...]}}");
    }
    in.expect('{', "'{'");
    long retCode = NO_CODE;
    boolean list = false;
    int seen = 0;
    if (!in.consume('}')) {
      do {
        int k = in.key(TOP);
        if (k >= 0) {
          if ((seen & (1 << k)) != 0) {
            throw in.fail(
                "no second \"" + (k == 0 ? "retCode" : "result") + "\" in the response object");
          }
          seen |= 1 << k;
        }
        switch (k) {
          case 0:
            in.field("retCode");
            retCode = in.whole();
            in.field(null);
            break;
          case 1:
            if (in.peek() == '{') {
              list |= result(in, out);
            } else {
              in.skipValue(); // {"result":{}} or null on errors
            }
            break;
          default:
            in.skipValue();
            break;
        }
      } while (in.more('}', "',' or '}' in the response object"));
    }
    in.expectEnd();
    return new Result(retCode, list);
  }

  private static boolean result(JsonBytes in, CandleSeries.Builder out) {
    in.expect('{', "'{'");
    boolean list = false;
    if (in.consume('}')) {
      return false;
    }
    boolean seen = false;
    do {
      int k = in.key(RESULT);
      if (k == 0 && seen) {
        throw in.fail("no second \"list\" in the result object");
      }
      seen |= k == 0;
      if (k == 0 && in.peek() == '[') {
        rows(in, out);
        list = true;
      } else {
        in.skipValue();
      }
    } while (in.more('}', "',' or '}' in the result object"));
    return list;
  }

  private static void rows(JsonBytes in, CandleSeries.Builder out) {
    in.expect('[', "'['");
    if (in.consume(']')) {
      return;
    }
    int row = 0;
    do {
      in.row(row);
      in.field("startTime");
      in.expect('[', "'[' starting a row of 7 fields");
      long t = in.whole();
      in.field("openPrice");
      in.expect(',', "','");
      double o = in.number();
      in.field("highPrice");
      in.expect(',', "','");
      double h = in.number();
      in.field("lowPrice");
      in.expect(',', "','");
      double l = in.number();
      in.field("closePrice");
      in.expect(',', "','");
      double c = in.number();
      in.field("volume");
      in.expect(',', "','");
      double v = in.number();
      in.field("turnover");
      in.expect(',', "','");
      double q = in.number();
      in.field(null);
      while (in.more(']', "',' or ']' ending the row")) {
        in.skipValue(); // fields added by a later API version
      }
      int before = out.size();
      try {
        out.add(t, o, h, l, c, v);
      } catch (DataFormatException e) {
        throw in.badRow(row, e);
      }
      if (out.size() > before) { // not dropped by a lenient bad-row policy
        out.extra(ExtraColumn.QUOTE_VOLUME, q);
      }
      row++;
    } while (in.more(']', "',' or ']' in result.list"));
    in.row(-1);
  }

  static byte[][] keys(String... names) {
    byte[][] k = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      k[i] = names[i].getBytes(StandardCharsets.US_ASCII);
    }
    return k;
  }
}
