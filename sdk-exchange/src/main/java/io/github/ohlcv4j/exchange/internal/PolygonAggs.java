package io.github.ohlcv4j.exchange.internal;

import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonEncodingException;
import com.squareup.moshi.JsonReader;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.ExtraColumn;
import java.io.EOFException;
import java.io.IOException;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Polygon aggregates body ({@code {"status":"OK","results":[{"t":..,"o":..,"h":..,"l":..,
 * "c":..,"v":..,"vw":..,"n":..}],"next_url":"..."}}) with Moshi's streaming reader, straight into a
 * {@link CandleSeries.Builder}: no object per bar. {@code vw} becomes {@link ExtraColumn#VWAP} and
 * {@code n} {@link ExtraColumn#TRADE_COUNT}. A body without {@code results} is an empty page.
 */
public final class PolygonAggs {
  private PolygonAggs() {}

  private static final JsonReader.Options TOP =
      JsonReader.Options.of("results", "next_url", "status", "error", "message");
  private static final JsonReader.Options BAR =
      JsonReader.Options.of("t", "o", "h", "l", "c", "v", "vw", "n");
  private static final String[] BAR_FIELDS = {"t", "o", "h", "l", "c", "v", "vw", "n"};

  /**
   * What the envelope said besides the bars.
   *
   * @param status {@code OK}, {@code DELAYED}, {@code ERROR}, {@code NOT_AUTHORIZED}, or empty
   * @param nextUrl the next page of the same request, if any
   * @param rows how many bars the body held
   * @param text the {@code error} or {@code message} text, or empty
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
    JsonBytes probe = new JsonBytes(body, length, source, what);
    if (probe.peek() != '{') {
      throw probe.fail("a JSON object {\"status\":\"OK\",\"results\":[...]}");
    }
    String status = "";
    String next = null;
    String text = "";
    int rows = 0;
    JsonReader r = JsonReader.of(new Buffer().write(body, 0, length));
    int row = -1;
    String field = null;
    try {
      r.beginObject();
      while (r.hasNext()) {
        switch (r.selectName(TOP)) {
          case 0:
            if (r.peek() == JsonReader.Token.NULL) {
              r.skipValue();
              break;
            }
            r.beginArray();
            while (r.hasNext()) {
              row = rows;
              long t = Long.MIN_VALUE;
              double o = Double.NaN;
              double h = Double.NaN;
              double l = Double.NaN;
              double c = Double.NaN;
              double v = Double.NaN;
              double vw = Double.NaN;
              double n = Double.NaN;
              int seen = 0;
              r.beginObject();
              while (r.hasNext()) {
                int k = r.selectName(BAR);
                if (k < 0) {
                  r.skipName();
                  r.skipValue();
                  continue;
                }
                field = BAR_FIELDS[k];
                if (r.peek() == JsonReader.Token.NULL) {
                  r.skipValue();
                  field = null;
                  continue;
                }
                seen |= 1 << k;
                switch (k) {
                  case 0:
                    t = r.nextLong();
                    break;
                  case 1:
                    o = r.nextDouble();
                    break;
                  case 2:
                    h = r.nextDouble();
                    break;
                  case 3:
                    l = r.nextDouble();
                    break;
                  case 4:
                    c = r.nextDouble();
                    break;
                  case 5:
                    v = r.nextDouble();
                    break;
                  case 6:
                    vw = r.nextDouble();
                    break;
                  default:
                    n = r.nextDouble();
                    break;
                }
                field = null;
              }
              r.endObject();
              int required = 0b111111;
              if ((seen & required) != required) {
                StringBuilder missing = new StringBuilder();
                for (int k = 0; k < 6; k++) {
                  if ((seen & (1 << k)) == 0) {
                    missing.append(missing.length() == 0 ? "" : ", ").append(BAR_FIELDS[k]);
                  }
                }
                throw new DataFormatException(
                    source
                        + ": cannot read the response to "
                        + what
                        + ": bar "
                        + rows
                        + " (at "
                        + r.getPath()
                        + ") has no "
                        + missing
                        + "; every bar needs t, o, h, l, c and v.",
                    source,
                    null,
                    null);
              }
              int before = out.size();
              try {
                out.add(t, o, h, l, c, v);
              } catch (DataFormatException e) {
                throw new DataFormatException(
                    source
                        + ": bar "
                        + rows
                        + " of the response to "
                        + what
                        + " is not a valid candle: "
                        + e.getMessage(),
                    source,
                    null,
                    e);
              }
              if ((seen & (1 << 6)) != 0 && out.size() > before) {
                out.extra(ExtraColumn.VWAP, vw);
              }
              if ((seen & (1 << 7)) != 0 && out.size() > before) {
                out.extra(ExtraColumn.TRADE_COUNT, n);
              }
              rows++;
              row = -1;
            }
            r.endArray();
            break;
          case 1:
            next = r.peek() == JsonReader.Token.STRING ? r.nextString() : skip(r);
            break;
          case 2:
            status = r.peek() == JsonReader.Token.STRING ? r.nextString() : orEmpty(skip(r));
            break;
          case 3:
          case 4:
            if (r.peek() == JsonReader.Token.STRING) {
              text = r.nextString();
            } else {
              r.skipValue();
            }
            break;
          default:
            r.skipName();
            r.skipValue();
            break;
        }
      }
      r.endObject();
      if (r.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new JsonEncodingException("content after the end of the object");
      }
    } catch (EOFException e) {
      throw new DataFormatException(
          source
              + ": cannot read the response to "
              + what
              + ": the body ends after "
              + length
              + " bytes, in the middle of the data (at "
              + r.getPath()
              + where(row, field)
              + "). The response was cut short; fetching again may help.",
          source,
          true,
          null,
          null,
          e);
    } catch (JsonEncodingException | JsonDataException e) {
      throw new DataFormatException(
          source
              + ": cannot read the response to "
              + what
              + ": malformed JSON at "
              + r.getPath()
              + where(row, field)
              + ": "
              + e.getMessage()
              + ". Body starts: "
              + probe.snippet(120),
          source,
          null,
          e);
    } catch (IOException e) {
      throw new DataFormatException(
          source + ": cannot read the response to " + what + ": " + e, source, null, e);
    }
    return new Result(status, next, rows, text);
  }

  private static @Nullable String skip(JsonReader r) throws IOException {
    r.skipValue();
    return null;
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static String where(int row, @Nullable String field) {
    if (row < 0) {
      return "";
    }
    return ", bar " + row + (field != null ? ", field '" + field + "'" : "");
  }
}
