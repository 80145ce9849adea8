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

  private static final InstrumentRow.Keys TOP =
      new InstrumentRow.Keys("the response object", "retCode", "result");
  private static final InstrumentRow.Keys RESULT =
      new InstrumentRow.Keys("the result object", "list", "nextPageCursor");
  private static final InstrumentRow.Keys ROW =
      new InstrumentRow.Keys(
          "an instrument",
          "symbol",
          "status",
          "baseCoin",
          "quoteCoin",
          "contractType",
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
    long[] retCode = {NO_CODE};
    Result[] inner = {new Result(NO_CODE, false, "")};
    InstrumentRow.members(
        in,
        TOP,
        true,
        k -> {
          if (k == 0) {
            in.field("retCode");
            retCode[0] = in.whole();
            in.field(null);
          } else if (in.peek() == '{') {
            inner[0] = result(in, out);
          } else {
            in.skipValue();
          }
        });
    in.expectEnd();
    return new Result(retCode[0], inner[0].hasList(), inner[0].nextCursor());
  }

  private static Result result(JsonBytes in, List<Instrument> out) {
    boolean[] list = {false};
    String[] cursor = {""};
    InstrumentRow.members(
        in,
        RESULT,
        true,
        k -> {
          if (k == 0 && in.peek() == '[') {
            InstrumentRow.rows(
                in, "result.list", ROW, BybitInstruments::field, BybitInstruments::make, out);
            list[0] = true;
          } else if (k == 1 && !in.nullValue()) {
            in.field("nextPageCursor");
            cursor[0] = in.string();
            in.field(null);
          } else {
            in.skipValue();
          }
        });
    return new Result(NO_CODE, list[0], cursor[0]);
  }

  private static void field(JsonBytes in, int k, InstrumentRow r) {
    if (r.text(in, k)) {
      return;
    }
    if (k == 5) {
      r.listedMillis = in.emptyString() ? 0 : in.whole();
    } else {
      filter(in, k == 6 ? PRICE : LOT, r);
    }
  }

  private static Instrument make(JsonBytes in, InstrumentRow r) {
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
