package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.Instrument;
import java.util.List;

/**
 * Reads a Binance {@code exchangeInfo} body, spot ({@code /api/v3/exchangeInfo}) or USD-M futures
 * ({@code /fapi/v1/exchangeInfo}): {@code {"timezone":"UTC","serverTime":...,"symbols":[...]}} and,
 * per symbol, {@code symbol}, {@code status}, {@code baseAsset}, {@code quoteAsset}, on USD-M
 * {@code contractType} and {@code onboardDate} (epoch ms), and the {@code filters} array, whose
 * {@code PRICE_FILTER} gives the tick ({@code tickSize}) and {@code LOT_SIZE} the step ({@code
 * stepSize}); a filter's keys may come in any order. Other keys are skipped (still read strictly).
 */
public final class BinanceInstruments {
  private BinanceInstruments() {}

  private static final InstrumentRow.Keys TOP =
      new InstrumentRow.Keys("the response object", "symbols");
  private static final InstrumentRow.Keys ROW =
      new InstrumentRow.Keys(
          "a symbol",
          "symbol",
          "status",
          "baseAsset",
          "quoteAsset",
          "contractType",
          "onboardDate",
          "filters");
  private static final byte[][] FILTER = BybitKlines.keys("filterType", "tickSize", "stepSize");

  /**
   * Parses a body, adding its instruments to {@code out}.
   *
   * @param futures whether the body is USD-M's (rows have a {@code contractType})
   * @return whether the body had a {@code symbols} array
   * @throws io.github.ohlcv4j.DataFormatException saying where, if the body is malformed or a
   *     symbol lacks its name, status, base or quote asset
   */
  public static boolean parse(JsonBytes in, boolean futures, List<Instrument> out) {
    if (in.peek() != '{') {
      throw in.fail("a JSON object {\"symbols\":[...]}");
    }
    boolean[] seen = {false};
    InstrumentRow.members(
        in,
        TOP,
        true,
        k -> {
          seen[0] = true;
          in.field("symbols");
          InstrumentRow.rows(
              in,
              "the symbols array",
              ROW,
              BinanceInstruments::field,
              futures ? BinanceInstruments::usdm : BinanceInstruments::spot,
              out);
          in.field(null);
        });
    in.expectEnd();
    return seen[0];
  }

  private static void field(JsonBytes in, int k, InstrumentRow r) {
    if (r.text(in, k)) {
      return;
    }
    if (k == 5) {
      r.listedMillis = in.whole();
    } else {
      filters(in, r);
    }
  }

  private static Instrument spot(JsonBytes in, InstrumentRow r) {
    return make(in, r, Instrument.Type.SPOT);
  }

  private static Instrument usdm(JsonBytes in, InstrumentRow r) {
    return make(in, r, type(r.contractType));
  }

  private static Instrument make(JsonBytes in, InstrumentRow r, Instrument.Type type) {
    return r.build(
        in,
        "BINANCE",
        type,
        status(r.status == null ? "" : r.status),
        "symbol",
        "baseAsset",
        "quoteAsset",
        "status");
  }

  private static void filters(JsonBytes in, InstrumentRow r) {
    in.expect('[', "'[' starting the filters array");
    if (in.consume(']')) {
      return;
    }
    do {
      in.expect('{', "'{' starting a filter");
      String type = "";
      double tick = Double.NaN;
      double step = Double.NaN;
      if (!in.consume('}')) {
        do {
          int k = in.key(FILTER);
          if (k == 0) {
            type = in.string();
          } else if (k == 1) {
            tick = in.number();
          } else if (k == 2) {
            step = in.number();
          } else {
            in.skipValue();
          }
        } while (in.more('}', "',' or '}' in a filter"));
      }
      if (type.equals("PRICE_FILTER")) {
        r.tick = tick;
      } else if (type.equals("LOT_SIZE")) {
        r.step = step;
      }
    } while (in.more(']', "',' or ']' in the filters array"));
  }

  /** The type USD-M's {@code contractType} names. */
  static Instrument.Type type(String contractType) {
    switch (contractType) {
      case "PERPETUAL":
      case "TRADIFI_PERPETUAL":
        return Instrument.Type.PERPETUAL;
      case "CURRENT_MONTH":
      case "NEXT_MONTH":
      case "CURRENT_QUARTER":
      case "NEXT_QUARTER":
        return Instrument.Type.FUTURE;
      default:
        return Instrument.Type.OTHER;
    }
  }

  /** The status Binance's {@code status} names, spot's and USD-M's. */
  static Instrument.Status status(String status) {
    switch (status) {
      case "TRADING":
        return Instrument.Status.TRADING;
      case "PENDING_TRADING":
      case "PRE_TRADING":
        return Instrument.Status.PRE_LAUNCH;
      case "BREAK":
      case "HALT":
      case "END_OF_DAY":
      case "AUCTION_MATCH":
      case "POST_TRADING":
      case "PRE_DELIVERING":
      case "DELIVERING":
      case "PRE_SETTLE":
      case "SETTLING":
        return Instrument.Status.HALTED;
      case "CLOSE":
      case "DELIVERED":
      case "CANCELLED":
        return Instrument.Status.CLOSED;
      default:
        return Instrument.Status.OTHER;
    }
  }
}
