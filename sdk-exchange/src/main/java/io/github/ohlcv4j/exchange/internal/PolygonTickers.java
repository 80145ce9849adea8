package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.Instrument;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads a page of Polygon's tickers ({@code GET /v3/reference/tickers}): the envelope {@code
 * {"results":[...],"status":"OK","request_id":"...","count":1000,"next_url":"..."}} and, per
 * ticker, {@code ticker}, {@code currency_name} ({@code "usd"}), {@code active}, {@code market}
 * ({@code stocks}, {@code crypto}, {@code fx}, {@code otc}, {@code indices}) and, where present,
 * {@code list_date} ({@code YYYY-MM-DD}). A ticker is its own base asset, its currency the quote;
 * {@code active} gives the status ({@code "active"} trading, {@code "inactive"} closed); options
 * are {@link Instrument.Type#OTHER}, everything else {@link Instrument.Type#SPOT}. Polygon
 * publishes no tick or size step here. A body without {@code results} (or with {@code null}) is a
 * page without tickers. Other keys are skipped (still read strictly); keys may come in any order,
 * but a key of the envelope given twice is refused.
 */
public final class PolygonTickers {
  private PolygonTickers() {}

  /** The zone of Polygon's listing dates: a stock is listed from midnight in New York. */
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static final InstrumentRow.Keys TOP =
      new InstrumentRow.Keys("the response object", "results", "next_url", "status");
  private static final InstrumentRow.Keys ROW =
      new InstrumentRow.Keys(
          "a ticker", "ticker", "currency_name", "active", "market", "list_date");

  /**
   * What the envelope said besides the tickers.
   *
   * @param status {@code OK}, {@code ERROR}, {@code NOT_AUTHORIZED}, or empty if absent
   * @param hasResults whether the body had a {@code results} key
   * @param nextUrl the next page, if any
   */
  public record Result(String status, boolean hasResults, @Nullable String nextUrl) {}

  /**
   * Parses a body, adding its instruments to {@code out}.
   *
   * @throws io.github.ohlcv4j.DataFormatException saying where, if the body is not such a response
   *     or a ticker lacks its {@code ticker}, {@code currency_name} or {@code active}
   */
  public static Result parse(JsonBytes in, List<Instrument> out) {
    if (in.peek() != '{') {
      throw in.fail("a JSON object {\"status\":\"OK\",\"results\":[...]}");
    }
    String[] text = {"", ""};
    boolean[] results = {false};
    InstrumentRow.members(
        in,
        TOP,
        true,
        k -> {
          results[0] |= k == 0;
          if (in.nullValue()) {
            return;
          }
          in.field(TOP.names[k]);
          if (k == 0) {
            InstrumentRow.rows(
                in, "results", ROW, PolygonTickers::field, PolygonTickers::make, out);
          } else {
            text[k - 1] = in.string();
          }
          in.field(null);
        });
    in.expectEnd();
    return new Result(text[1], results[0], text[0].isEmpty() ? null : text[0]);
  }

  private static void field(JsonBytes in, int k, InstrumentRow r) {
    switch (k) {
      case 0:
        r.code = in.string();
        break;
      case 1:
        r.quote = in.string();
        break;
      case 2:
        r.status = in.bool() ? "active" : "inactive";
        break;
      case 3:
        r.contractType = in.string();
        break;
      default:
        r.listedAt = listed(in);
        break;
    }
  }

  /**
   * A {@code list_date} as the instant of its midnight in New York (years 1000 to 9999); null for
   * none.
   */
  private static @Nullable Instant listed(JsonBytes in) {
    if (in.nullValue() || in.emptyString()) {
      return null;
    }
    String date = in.string();
    try {
      LocalDate d = LocalDate.parse(date);
      if (d.getYear() >= 1000 && d.getYear() <= 9999) {
        return d.atStartOfDay(NEW_YORK).toInstant();
      }
    } catch (DateTimeParseException e) {
      // refused below
    }
    throw in.fail("a date YYYY-MM-DD");
  }

  private static Instrument make(JsonBytes in, InstrumentRow r) {
    r.base = r.code;
    boolean active = "active".equals(r.status);
    return r.build(
        in,
        "POLYGON",
        r.contractType.toLowerCase(Locale.ROOT).equals("options")
            ? Instrument.Type.OTHER
            : Instrument.Type.SPOT,
        active ? Instrument.Status.TRADING : Instrument.Status.CLOSED,
        "ticker",
        "ticker",
        "currency_name",
        "active");
  }
}
