package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.Instrument;
import java.util.List;

/**
 * Reads a Bybit v5 {@code /v5/market/instruments-info} body: the envelope {@code
 * {"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[...],"nextPageCursor":""}}} and,
 * per instrument, {@code symbol}, {@code contractType} (derivatives: {@code LinearPerpetual},
 * {@code LinearFutures}, {@code InversePerpetual}, {@code InverseFutures}), {@code status}, {@code
 * baseCoin}, {@code quoteCoin}, {@code launchTime} (derivatives, epoch ms in a string), {@code
 * priceFilter.tickSize} and {@code lotSizeFilter.qtyStep} (derivatives) or {@code
 * lotSizeFilter.basePrecision} (spot). Other keys are skipped (still read strictly); keys may come
 * in any order. A non-zero {@code retCode} is returned for the caller to map.
 */
public final class BybitInstruments {
  private BybitInstruments() {}

  /** The value of {@link Result#retCode()} when the body has no {@code retCode}. */
  public static final long NO_CODE = Long.MIN_VALUE;

  private static final byte[][] TOP = BybitKlines.keys("retCode", "result");
  private static final byte[][] RESULT = BybitKlines.keys("list", "nextPageCursor");
  private static final byte[][] ROW =
      BybitKlines.keys(
          "symbol",
          "contractType",
          "status",
          "baseCoin",
          "quoteCoin",
          "launchTime",
          "priceFilter",
          "lotSizeFilter");
  private static final byte[][] PRICE = BybitKlines.keys("tickSize");
  private static final byte[][] LOT = BybitKlines.keys("qtyStep", "basePrecision");

  /**
   * What the envelope said.
   *
   * @param retCode the {@code retCode}, or {@link #NO_CODE}
   * @param hasList whether {@code result.list} was present
   * @param nextCursor {@code result.nextPageCursor}, empty on the last page
   */
  public record Result(long retCode, boolean hasList, String nextCursor) {}

  /**
   * Parses a body, adding its instruments to {@code out}.
   *
   * @throws io.github.ohlcv4j.DataFormatException saying where, if the body is not such a response
   *     or an instrument lacks its symbol, status, base or quote coin
   */
  public static Result parse(JsonBytes in, List<Instrument> out) {
    if (in.peek() != '{') {
      throw in.fail("a JSON object {\"retCode\":0,\"result\":{\"list\":[...]}}");
    }
    in.expect('{', "'{'");
    long retCode = NO_CODE;
    Result inner = new Result(NO_CODE, false, "");
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
        if (k == 0) {
          in.field("retCode");
          retCode = in.whole();
          in.field(null);
        } else if (k == 1 && in.peek() == '{') {
          inner = result(in, out);
        } else {
          in.skipValue();
        }
      } while (in.more('}', "',' or '}' in the response object"));
    }
    in.expectEnd();
    return new Result(retCode, inner.hasList(), inner.nextCursor());
  }

  private static Result result(JsonBytes in, List<Instrument> out) {
    in.expect('{', "'{'");
    boolean list = false;
    String cursor = "";
    if (in.consume('}')) {
      return new Result(NO_CODE, false, cursor);
    }
    int seen = 0;
    do {
      int k = in.key(RESULT);
      if (k >= 0) {
        if ((seen & (1 << k)) != 0) {
          throw in.fail("no second \"" + (k == 0 ? "list" : "nextPageCursor") + "\" in result");
        }
        seen |= 1 << k;
      }
      if (k == 0 && in.peek() == '[') {
        rows(in, out);
        list = true;
      } else if (k == 1 && !in.nullValue()) {
        in.field("nextPageCursor");
        cursor = in.string();
        in.field(null);
      } else {
        in.skipValue();
      }
    } while (in.more('}', "',' or '}' in the result object"));
    return new Result(NO_CODE, list, cursor);
  }

  private static void rows(JsonBytes in, List<Instrument> out) {
    in.expect('[', "'['");
    if (in.consume(']')) {
      return;
    }
    int row = 0;
    do {
      in.row(row);
      out.add(row(in));
      row++;
    } while (in.more(']', "',' or ']' in result.list"));
    in.row(-1);
  }

  private static Instrument row(JsonBytes in) {
    in.expect('{', "'{' starting an instrument");
    InstrumentRow r = new InstrumentRow();
    if (!in.consume('}')) {
      do {
        int k = in.key(ROW);
        switch (k) {
          case 0:
            in.field("symbol");
            r.code = in.string();
            break;
          case 1:
            in.field("contractType");
            r.contractType = in.string();
            break;
          case 2:
            in.field("status");
            r.status = in.string();
            break;
          case 3:
            in.field("baseCoin");
            r.base = in.string();
            break;
          case 4:
            in.field("quoteCoin");
            r.quote = in.string();
            break;
          case 5:
            in.field("launchTime");
            r.listedMillis = in.emptyString() ? 0 : in.whole();
            break;
          case 6:
            in.field("priceFilter");
            filter(in, PRICE, r);
            break;
          case 7:
            in.field("lotSizeFilter");
            filter(in, LOT, r);
            break;
          default:
            in.skipValue();
            break;
        }
        in.field(null);
      } while (in.more('}', "',' or '}' in an instrument"));
    }
    return r.build(
        in,
        "BYBIT",
        type(r.contractType),
        status(r.status == null ? "" : r.status),
        "symbol",
        "baseCoin",
        "quoteCoin",
        "status");
  }

  /**
   * Reads {@code priceFilter} or {@code lotSizeFilter}: tick, or step (qtyStep over basePrecision).
   */
  private static void filter(JsonBytes in, byte[][] keys, InstrumentRow r) {
    if (in.nullValue()) {
      return;
    }
    in.expect('{', "'{' starting a filter object");
    if (in.consume('}')) {
      return;
    }
    double precision = Double.NaN;
    do {
      int k = in.key(keys);
      if (k < 0) {
        in.skipValue();
        continue;
      }
      double v = in.emptyString() ? Double.NaN : in.number();
      if (keys == PRICE) {
        r.tick = v;
      } else if (k == 0) {
        r.step = v;
      } else {
        precision = v;
      }
    } while (in.more('}', "',' or '}' in a filter object"));
    if (keys == LOT && Double.isNaN(r.step)) {
      r.step = precision; // spot: basePrecision is the quantity step
    }
  }

  /** The type Bybit's {@code contractType} names; spot rows have none. */
  static Instrument.Type type(String contractType) {
    switch (contractType) {
      case "":
        return Instrument.Type.SPOT;
      case "LinearPerpetual":
      case "InversePerpetual":
        return Instrument.Type.PERPETUAL;
      case "LinearFutures":
      case "InverseFutures":
        return Instrument.Type.FUTURE;
      default:
        return Instrument.Type.OTHER;
    }
  }

  /** The status Bybit's {@code status} names. */
  static Instrument.Status status(String status) {
    switch (status) {
      case "Trading":
        return Instrument.Status.TRADING;
      case "PreLaunch":
        return Instrument.Status.PRE_LAUNCH;
      case "Delivering":
      case "Settling":
        return Instrument.Status.HALTED;
      case "Closed":
        return Instrument.Status.CLOSED;
      default:
        return Instrument.Status.OTHER;
    }
  }
}
