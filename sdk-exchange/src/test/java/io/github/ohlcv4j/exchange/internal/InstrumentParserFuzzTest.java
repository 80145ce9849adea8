package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.internal.JsonReference.Arr;
import io.github.ohlcv4j.exchange.internal.JsonReference.Lit;
import io.github.ohlcv4j.exchange.internal.JsonReference.Node;
import io.github.ohlcv4j.exchange.internal.JsonReference.Obj;
import io.github.ohlcv4j.exchange.internal.JsonReference.Refused;
import io.github.ohlcv4j.exchange.internal.JsonReference.Str;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutation fuzzing of the instrument parsers ({@link BybitInstruments}, {@link
 * BinanceInstruments}) against a slow reference written on {@link JsonReference}'s tree, as {@link
 * ParserFuzzTest} does for the kline parsers: bodies in each venue's documented format, mutated a
 * few thousand times; for every body the parser gives exactly the reference's instruments and
 * envelope, or, exactly when the reference refuses the body, a typed {@link OhlcvException}; never
 * another exception, never a value of its own, never a hang. The seeds are fixed, so a failure
 * replays.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InstrumentParserFuzzTest {

  static final int CASES = 2000;

  /** What a parser or the reference made of a body. */
  record Outcome(String envelope, List<Instrument> instruments) {}

  interface Parser {
    Outcome parse(byte[] body);
  }

  interface Reference {
    Outcome parse(byte[] body) throws Refused;
  }

  // ---- Bybit ----

  @Test
  void bybit() {
    fuzz(
        "bybit instruments",
        20261207L,
        InstrumentParserFuzzTest::bybitBody,
        body -> {
          List<Instrument> out = new ArrayList<>();
          BybitInstruments.Result r =
              BybitInstruments.parse(new JsonBytes(body, body.length, "t", "w"), out);
          return new Outcome(r.retCode() + "/" + r.hasList() + "/" + r.nextCursor(), out);
        },
        InstrumentParserFuzzTest::bybitReference);
  }

  static Outcome bybitReference(byte[] body) throws Refused {
    if (!(JsonReference.parse(body) instanceof Obj o)) {
      throw new Refused("not an object");
    }
    Node code = o.one("retCode");
    long retCode = code == null ? BybitInstruments.NO_CODE : JsonReference.toWhole(code);
    Node result = o.one("result");
    List<Instrument> out = new ArrayList<>();
    boolean list = false;
    String cursor = "";
    if (result instanceof Obj ro) {
      ro.one("list"); // refused if given twice, as the parser does
      ro.one("nextPageCursor");
      // members in order, as the parser meets them
      for (Map.Entry<String, Node> m : ro.members()) {
        if (m.getKey().equals("list") && m.getValue() instanceof Arr rows) {
          list = true;
          for (Node row : rows.items()) {
            out.add(bybitRow(row));
          }
        } else if (m.getKey().equals("nextPageCursor") && !isNull(m.getValue())) {
          cursor = string(m.getValue());
        }
      }
    }
    return new Outcome(retCode + "/" + list + "/" + cursor, out);
  }

  private static Instrument bybitRow(Node row) throws Refused {
    if (!(row instanceof Obj o)) {
      throw new Refused("an instrument that is not an object");
    }
    String code = null;
    String base = null;
    String quote = null;
    String status = null;
    String contract = "";
    long listed = 0;
    double[] tickStep = {Double.NaN, Double.NaN};
    for (Map.Entry<String, Node> m : o.members()) {
      Node v = m.getValue();
      switch (m.getKey()) {
        case "symbol" -> code = string(v);
        case "contractType" -> contract = string(v);
        case "status" -> status = string(v);
        case "baseCoin" -> base = string(v);
        case "quoteCoin" -> quote = string(v);
        case "launchTime" -> listed = emptyString(v) ? 0 : JsonReference.toWhole(v);
        case "priceFilter" -> {
          if (!isNull(v)) {
            for (Map.Entry<String, Node> f : object(v).members()) {
              if (f.getKey().equals("tickSize")) {
                tickStep[0] =
                    emptyString(f.getValue()) ? Double.NaN : JsonReference.toDouble(f.getValue());
              }
            }
          }
        }
        case "lotSizeFilter" -> {
          if (!isNull(v)) {
            double precision = Double.NaN;
            for (Map.Entry<String, Node> f : object(v).members()) {
              if (f.getKey().equals("qtyStep")) {
                tickStep[1] =
                    emptyString(f.getValue()) ? Double.NaN : JsonReference.toDouble(f.getValue());
              } else if (f.getKey().equals("basePrecision")) {
                precision =
                    emptyString(f.getValue()) ? Double.NaN : JsonReference.toDouble(f.getValue());
              }
            }
            if (Double.isNaN(tickStep[1])) {
              tickStep[1] = precision;
            }
          }
        }
        default -> {}
      }
    }
    Instrument.Type type =
        switch (contract) {
          case "" -> Instrument.Type.SPOT;
          case "LinearPerpetual", "InversePerpetual" -> Instrument.Type.PERPETUAL;
          case "LinearFutures", "InverseFutures" -> Instrument.Type.FUTURE;
          default -> Instrument.Type.OTHER;
        };
    Instrument.Status s =
        switch (status == null ? "" : status) {
          case "Trading" -> Instrument.Status.TRADING;
          case "PreLaunch" -> Instrument.Status.PRE_LAUNCH;
          case "Delivering", "Settling" -> Instrument.Status.HALTED;
          case "Closed" -> Instrument.Status.CLOSED;
          default -> Instrument.Status.OTHER;
        };
    return instrument("BYBIT", code, base, quote, status, type, s, tickStep, listed);
  }

  static String bybitBody(Random r) {
    StringBuilder s = new StringBuilder("{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{");
    boolean spot = r.nextBoolean();
    s.append("\"category\":\"").append(spot ? "spot" : "linear").append("\",\"list\":[");
    int rows = r.nextInt(5);
    for (int i = 0; i < rows; i++) {
      String base = pick(r, "BTC", "ETH", "SOL", "1000PEPE", "XRP");
      String quote = pick(r, "USDT", "USDC", "BTC");
      s.append(i == 0 ? "" : ",").append("{\"symbol\":\"").append(base).append(quote);
      String contract = spot ? "" : pick(r, "LinearPerpetual", "LinearFutures", "Odd");
      if (contract.equals("LinearFutures")) {
        s.append("-27DEC24");
      }
      s.append('"');
      if (!spot) {
        s.append(",\"contractType\":\"").append(contract).append('"');
      }
      s.append(",\"status\":\"")
          .append(pick(r, "Trading", "Trading", "PreLaunch", "Delivering", "Closed"))
          .append("\",\"baseCoin\":\"")
          .append(base)
          .append("\",\"quoteCoin\":\"")
          .append(quote)
          .append('"');
      if (!spot) {
        s.append(",\"launchTime\":\"")
            .append(r.nextInt(5) == 0 ? "" : Long.toString(1_500_000_000_000L + r.nextInt(1 << 30)))
            .append("\",\"deliveryTime\":\"0\",\"deliveryFeeRate\":\"\"");
      }
      s.append(",\"priceFilter\":{\"minPrice\":\"0.10\",\"tickSize\":\"")
          .append(step(r))
          .append("\"},\"lotSizeFilter\":{");
      s.append(spot ? "\"basePrecision\":\"" : "\"qtyStep\":\"").append(step(r)).append('"');
      s.append(",\"minOrderQty\":\"0.001\"}");
      if (r.nextBoolean()) {
        s.append(",\"leverageFilter\":{\"minLeverage\":\"1\",\"maxLeverage\":\"100.00\"}");
      }
      s.append(",\"unifiedMarginTrade\":true,\"preListingInfo\":null}");
    }
    s.append("],\"nextPageCursor\":\"")
        .append(r.nextBoolean() ? "" : "first%3DBTCUSDT%26last%3D" + r.nextInt(100))
        .append("\"},\"retExtInfo\":{},\"time\":1717245296000}");
    return s.toString();
  }

  // ---- Binance ----

  @Test
  void binance() {
    for (boolean futures : new boolean[] {false, true}) {
      fuzz(
          "binance instruments " + (futures ? "usdm" : "spot"),
          futures ? 20261208L : 20261209L,
          r -> binanceBody(r, futures),
          body -> {
            List<Instrument> out = new ArrayList<>();
            boolean seen =
                BinanceInstruments.parse(new JsonBytes(body, body.length, "t", "w"), futures, out);
            return new Outcome(Boolean.toString(seen), out);
          },
          body -> binanceReference(body, futures));
    }
  }

  static Outcome binanceReference(byte[] body, boolean futures) throws Refused {
    if (!(JsonReference.parse(body) instanceof Obj o)) {
      throw new Refused("not an object");
    }
    Node symbols = o.one("symbols");
    List<Instrument> out = new ArrayList<>();
    if (symbols != null) {
      if (!(symbols instanceof Arr rows)) {
        throw new Refused("symbols is not an array");
      }
      for (Node row : rows.items()) {
        out.add(binanceRow(row, futures));
      }
    }
    return new Outcome(Boolean.toString(symbols != null), out);
  }

  private static Instrument binanceRow(Node row, boolean futures) throws Refused {
    Obj o = object(row);
    String code = null;
    String base = null;
    String quote = null;
    String status = null;
    String contract = "";
    long listed = 0;
    double[] tickStep = {Double.NaN, Double.NaN};
    for (Map.Entry<String, Node> m : o.members()) {
      Node v = m.getValue();
      switch (m.getKey()) {
        case "symbol" -> code = string(v);
        case "status" -> status = string(v);
        case "baseAsset" -> base = string(v);
        case "quoteAsset" -> quote = string(v);
        case "contractType" -> contract = string(v);
        case "onboardDate" -> listed = JsonReference.toWhole(v);
        case "filters" -> {
          if (!(v instanceof Arr filters)) {
            throw new Refused("filters is not an array");
          }
          for (Node f : filters.items()) {
            String type = "";
            double tick = Double.NaN;
            double step = Double.NaN;
            for (Map.Entry<String, Node> k : object(f).members()) {
              switch (k.getKey()) {
                case "filterType" -> type = string(k.getValue());
                case "tickSize" -> tick = JsonReference.toDouble(k.getValue());
                case "stepSize" -> step = JsonReference.toDouble(k.getValue());
                default -> {}
              }
            }
            if (type.equals("PRICE_FILTER")) {
              tickStep[0] = tick;
            } else if (type.equals("LOT_SIZE")) {
              tickStep[1] = step;
            }
          }
        }
        default -> {}
      }
    }
    Instrument.Type type =
        !futures
            ? Instrument.Type.SPOT
            : switch (contract) {
              case "PERPETUAL", "TRADIFI_PERPETUAL" -> Instrument.Type.PERPETUAL;
              case "CURRENT_MONTH", "NEXT_MONTH", "CURRENT_QUARTER", "NEXT_QUARTER" ->
                  Instrument.Type.FUTURE;
              default -> Instrument.Type.OTHER;
            };
    Instrument.Status s =
        switch (status == null ? "" : status) {
          case "TRADING" -> Instrument.Status.TRADING;
          case "PENDING_TRADING", "PRE_TRADING" -> Instrument.Status.PRE_LAUNCH;
          case "BREAK",
              "HALT",
              "END_OF_DAY",
              "AUCTION_MATCH",
              "POST_TRADING",
              "PRE_DELIVERING",
              "DELIVERING",
              "PRE_SETTLE",
              "SETTLING" ->
              Instrument.Status.HALTED;
          case "CLOSE", "DELIVERED", "CANCELLED" -> Instrument.Status.CLOSED;
          default -> Instrument.Status.OTHER;
        };
    return instrument("BINANCE", code, base, quote, status, type, s, tickStep, listed);
  }

  static String binanceBody(Random r, boolean futures) {
    StringBuilder s =
        new StringBuilder(
            "{\"timezone\":\"UTC\",\"serverTime\":1717245296000,\"rateLimits\":[{\"rateLimitType\":"
                + "\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\",\"intervalNum\":1,\"limit\":6000}],"
                + "\"exchangeFilters\":[],\"symbols\":[");
    int rows = r.nextInt(5);
    for (int i = 0; i < rows; i++) {
      String base = pick(r, "BTC", "ETH", "BNB", "LUNA");
      String quote = pick(r, "USDT", "BTC", "FDUSD");
      String contract = pick(r, "PERPETUAL", "CURRENT_QUARTER", "");
      s.append(i == 0 ? "" : ",").append("{\"symbol\":\"").append(base).append(quote);
      if (futures && contract.equals("CURRENT_QUARTER")) {
        s.append("_250328");
      }
      s.append("\",");
      if (futures) {
        s.append("\"pair\":\"")
            .append(base)
            .append(quote)
            .append("\",\"contractType\":\"")
            .append(contract)
            .append("\",\"deliveryDate\":4133404800000,\"onboardDate\":")
            .append(1_569_398_400_000L + r.nextInt(1 << 30))
            .append(',');
      }
      s.append("\"status\":\"")
          .append(pick(r, "TRADING", "TRADING", "BREAK", "PENDING_TRADING", "SETTLING", "CLOSE"))
          .append("\",\"baseAsset\":\"")
          .append(base)
          .append("\",\"baseAssetPrecision\":8,\"quoteAsset\":\"")
          .append(quote)
          .append("\",\"quotePrecision\":8,\"orderTypes\":[\"LIMIT\",\"MARKET\"],\"filters\":[");
      boolean tickFirst = r.nextBoolean();
      String price =
          "{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"0.01\",\"maxPrice\":\"1000000.00\","
              + "\"tickSize\":\""
              + step(r)
              + "\"}";
      String lot =
          "{\"minQty\":\"0.00001\",\"maxQty\":\"9000.0\",\"stepSize\":\""
              + step(r)
              + "\",\"filterType\":\""
              + (r.nextInt(4) == 0 ? "MARKET_LOT_SIZE" : "LOT_SIZE")
              + "\"}";
      s.append(tickFirst ? price + "," + lot : lot + "," + price);
      s.append(",{\"filterType\":\"ICEBERG_PARTS\",\"limit\":10}]");
      s.append(",\"permissions\":[],\"permissionSets\":[[\"SPOT\",\"MARGIN\"]]}");
    }
    s.append("]}");
    return s.toString();
  }

  // ---- shared ----

  private static Instrument instrument(
      String venue,
      String code,
      String base,
      String quote,
      String status,
      Instrument.Type type,
      Instrument.Status mapped,
      double[] tickStep,
      long listed)
      throws Refused {
    for (String v : new String[] {code, base, quote, status}) {
      if (v == null || v.isEmpty()) {
        throw new Refused("a required field missing or empty");
      }
    }
    Symbol symbol;
    try {
      symbol =
          Symbol.of(
              venue,
              code,
              type == Instrument.Type.PERPETUAL ? MarketType.PERPETUAL : MarketType.SPOT);
    } catch (InvalidQueryException e) {
      throw new Refused("not a symbol code: " + e.getMessage());
    }
    return new Instrument(
        symbol,
        type,
        base,
        quote,
        mapped,
        status,
        positive(tickStep[0]),
        positive(tickStep[1]),
        listed > 0 ? Optional.of(Instant.ofEpochMilli(listed)) : Optional.empty());
  }

  private static OptionalDouble positive(double v) {
    return v > 0 && Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  private static String string(Node n) throws Refused {
    if (n instanceof Str s) {
      return s.value();
    }
    throw new Refused("not a string: " + n);
  }

  private static boolean emptyString(Node n) {
    return n instanceof Str s && s.raw().isEmpty();
  }

  private static Obj object(Node n) throws Refused {
    if (n instanceof Obj o) {
      return o;
    }
    throw new Refused("not an object: " + n);
  }

  private static boolean isNull(Node n) {
    return n instanceof Lit l && l.word().equals("null");
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  private static String step(Random r) {
    return pick(r, "0.01", "0.10", "1", "0.00000100", "0.5", "1e-8", "0", "");
  }

  private static void fuzz(
      String name, long seed, Function<Random, String> valid, Parser parser, Reference reference) {
    Random r = new Random(seed);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] body = valid.apply(r).getBytes(StandardCharsets.UTF_8);
      if (i % 50 != 0) { // every 50th case checks an unmutated body
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
          body = ParserFuzzTest.mutate(r, body);
        }
      }
      Outcome expected;
      String why = null;
      try {
        expected = reference.parse(body);
      } catch (Refused e) {
        expected = null;
        why = e.getMessage();
      }
      long t0 = System.nanoTime();
      Outcome actual = null;
      Throwable thrown = null;
      try {
        actual = parser.parse(body);
      } catch (Throwable e) {
        thrown = e;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      String where =
          name
              + " case "
              + i
              + " (seed "
              + seed
              + "), body "
              + new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8);
      if (ms > 2000) {
        fail(where + ": took " + ms + " ms");
      }
      if (thrown != null && !(thrown instanceof OhlcvException)) {
        throw new AssertionError(where + ": threw an untyped " + thrown, thrown);
      }
      if (expected == null) {
        if (thrown == null) {
          fail(where + ": accepted a body the format refuses (" + why + "), giving " + actual);
        }
        refused++;
      } else {
        if (thrown != null) {
          throw new AssertionError(
              where + ": refused a body the format allows, which gives " + expected, thrown);
        }
        assertEquals(expected, actual, where);
        accepted++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%s: %d bodies, %d parsed as the reference does, %d refused as it does%n",
        name,
        CASES,
        accepted,
        refused);
    assertTrue(accepted >= CASES / 10, name + ": too few valid bodies to compare: " + accepted);
    assertTrue(refused >= CASES / 10, name + ": too few refused bodies: " + refused);
  }
}
