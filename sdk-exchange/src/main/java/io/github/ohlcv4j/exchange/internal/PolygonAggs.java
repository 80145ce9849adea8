package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Polygon aggregates body ({@code {"status":"OK","results":[{"t":..,"o":..,"h":..,"l":..,
 * "c":..,"v":..,"vw":..,"n":..}],"next_url":"..."}}) with the byte scanner ({@link JsonBytes}),
 * straight into a {@link CandleSeries.Builder}: no object per bar, and time linear in the body's
 * size whatever it holds. {@code vw} becomes {@link ExtraColumn#VWAP} and {@code n} {@link
 * ExtraColumn#TRADE_COUNT}. A body without {@code results} (or with {@code null}) is an empty page.
 * A field given as {@code null} counts as absent; a key of the envelope or of a bar given twice is
 * refused, since which of the two counts is not defined.
 */
public final class PolygonAggs {
  private PolygonAggs() {}

  private static final byte[][] TOP =
      BybitKlines.keys("results", "next_url", "status", "error", "message");
  private static final String[] TOP_NAMES = {"results", "next_url", "status", "error", "message"};
  private static final byte[][] BAR = BybitKlines.keys("t", "o", "h", "l", "c", "v", "vw", "n");
  private static final String[] BAR_FIELDS = {"t", "o", "h", "l", "c", "v", "vw", "n"};

  /**
   * What the envelope said besides the bars.
   *
   * @param status {@code OK}, {@code DELAYED}, {@code ERROR}, {@code NOT_AUTHORIZED}, or empty
   * @param nextUrl the next page of the same request, if any
   * @param rows how many bars the body held
   * @param text the {@code error} text, else the {@code message} text, else empty
   */
  public record Result(String status, @Nullable String nextUrl, int rows, String text) {}

  /**
   * Parses a body.
   *
   * @param source the source's name, for errors
   * @param what what was asked, for errors
   * @throws DataFormatException saying where, if the body is not an aggregates response
   */
  public static Result parse(
      byte[] body, int length, CandleSeries.Builder out, String source, String what) {
    return parse(new JsonBytes(body, length, source, what), out, source, what);
  }

  /**
   * Parses the body {@code in} reads.
   *
   * @param source the source's name, for errors
   * @param what what was asked, for errors
   * @throws DataFormatException saying where, if the body is not an aggregates response
   */
  public static Result parse(JsonBytes in, CandleSeries.Builder out, String source, String what) {
    if (in.peek() != '{') {
      throw in.fail("a JSON object {\"status\":\"OK\",\"results\":[...]}");
    }
    in.expect('{', "'{'");
    String status = "";
    String next = null;
    String error = null;
    String message = null;
    int rows = 0;
    int seen = 0;
    if (!in.consume('}')) {
      do {
        int k = in.key(TOP);
        if (k >= 0) {
          if ((seen & (1 << k)) != 0) {
            throw in.fail("no second \"" + TOP_NAMES[k] + "\" in the response object");
          }
          seen |= 1 << k;
        }
        switch (k) {
          case 0:
            if (!in.nullValue()) {
              rows = bars(in, out, source, what);
            }
            break;
          case 1:
            if (in.peek() == '"') {
              next = in.string();
            } else {
              in.skipValue();
            }
            break;
          case 2:
            if (in.peek() == '"') {
              status = in.string();
            } else {
              in.skipValue();
            }
            break;
          case 3:
            if (in.peek() == '"') {
              error = in.string();
            } else {
              in.skipValue();
            }
            break;
          case 4:
            if (in.peek() == '"') {
              message = in.string();
            } else {
              in.skipValue();
            }
            break;
          default:
            in.skipValue();
            break;
        }
      } while (in.more('}', "',' or '}' in the response object"));
    }
    in.expectEnd();
    String text = error != null ? error : message != null ? message : "";
    return new Result(status, next, rows, text);
  }

  private static int bars(JsonBytes in, CandleSeries.Builder out, String source, String what) {
    in.expect('[', "an array of bars, or null, for \"results\"");
    if (in.consume(']')) {
      return 0;
    }
    int rows = 0;
    do {
      in.row(rows);
      in.field(null);
      long t = Long.MIN_VALUE;
      double o = Double.NaN;
      double h = Double.NaN;
      double l = Double.NaN;
      double c = Double.NaN;
      double v = Double.NaN;
      double vw = Double.NaN;
      double n = Double.NaN;
      int seen = 0;
      int given = 0;
      in.expect('{', "a bar object {\"t\":..,\"o\":..,...}");
      if (!in.consume('}')) {
        do {
          int k = in.key(BAR);
          if (k < 0) {
            in.skipValue();
            continue;
          }
          if ((given & (1 << k)) != 0) {
            throw in.fail("no second \"" + BAR_FIELDS[k] + "\" in a bar");
          }
          given |= 1 << k;
          in.field(BAR_FIELDS[k]);
          if (in.nullValue()) {
            in.field(null);
            continue;
          }
          seen |= 1 << k;
          switch (k) {
            case 0:
              t = in.whole();
              break;
            case 1:
              o = in.number();
              break;
            case 2:
              h = in.number();
              break;
            case 3:
              l = in.number();
              break;
            case 4:
              c = in.number();
              break;
            case 5:
              v = in.number();
              break;
            case 6:
              vw = in.number();
              break;
            default:
              n = in.number();
              break;
          }
          in.field(null);
        } while (in.more('}', "',' or '}' in a bar"));
      }
      int required = 0b111111;
      if ((seen & required) != required) {
        StringBuilder missing = new StringBuilder();
        for (int k = 0; k < 6; k++) {
          if ((seen & (1 << k)) == 0) {
            missing.append(missing.length() == 0 ? "" : ", ").append(BAR_FIELDS[k]);
          }
        }
        throw DataFormatException.of(
                source,
                source
                    + ": cannot read the response to "
                    + what
                    + ": bar "
                    + rows
                    + " (ending before byte "
                    + in.pos()
                    + ") has no "
                    + missing
                    + "; every bar needs t, o, h, l, c and v.")
            .build();
      }
      int before = out.size();
      try {
        out.add(t, o, h, l, c, v);
      } catch (DataFormatException e) {
        throw DataFormatException.of(
                source,
                source
                    + ": bar "
                    + rows
                    + " of the response to "
                    + what
                    + " is not a valid candle: "
                    + e.getMessage())
            .cause(e)
            .build();
      }
      if ((seen & (1 << 6)) != 0 && out.size() > before) {
        out.extra(ExtraColumn.VWAP, vw);
      }
      if ((seen & (1 << 7)) != 0 && out.size() > before) {
        out.extra(ExtraColumn.TRADE_COUNT, n);
      }
      rows++;
    } while (in.more(']', "',' or ']' in results"));
    in.row(-1);
    return rows;
  }
}
