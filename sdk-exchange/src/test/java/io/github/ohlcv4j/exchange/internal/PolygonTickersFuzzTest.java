package io.github.ohlcv4j.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.github.ohlcv4j.testing.PropertyCheck;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutation fuzzing of {@link PolygonTickers} against a slow reference written on {@link
 * JsonReference}'s tree, as {@link InstrumentParserFuzzTest} does for Bybit and Binance: pages of
 * {@code /v3/reference/tickers} in Polygon's documented format, some left whole, most mutated; for
 * every body the parser gives exactly the reference's envelope and instruments, or, exactly when
 * the reference refuses the body, a typed {@link OhlcvException}; never another exception, never a
 * value of its own. Cases come from {@link PropertyCheck}, so a failure names its seed to replay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PolygonTickersFuzzTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** A body, and how many times it was mutated. */
  record Case(byte[] body, int mutations) {
    @Override
    public String toString() {
      return mutations
          + " mutations: "
          + new String(body, 0, Math.min(body.length, 600), StandardCharsets.UTF_8);
    }
  }

  /** What the parser or the reference made of a body. */
  record Outcome(String envelope, List<Instrument> instruments) {}

  @Test
  void parsesExactlyWhatTheReferenceDoes() {
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    int tries =
        PropertyCheck.of("polygon tickers against the reference", 2000)
            .forAll(
                (r, size) -> {
                  byte[] body = body(r, 1 + size / 20).getBytes(StandardCharsets.UTF_8);
                  int n = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(3);
                  for (int k = 0; k < n; k++) {
                    body = ParserFuzzTest.mutate(r, body);
                  }
                  return new Case(body, n);
                },
                c -> {
                  Outcome expected;
                  try {
                    expected = reference(c.body());
                  } catch (Refused e) {
                    expected = null;
                  }
                  Outcome actual;
                  try {
                    actual = parse(c.body());
                  } catch (OhlcvException e) {
                    if (expected != null) {
                      throw new AssertionError("refused a body the format allows: " + expected, e);
                    }
                    refused.incrementAndGet();
                    return;
                  }
                  assertEquals(expected, actual, "accepted a body the format refuses");
                  accepted.incrementAndGet();
                });
    System.out.printf(
        Locale.ROOT,
        "polygon tickers: %d bodies, %d parsed as the reference does, %d refused as it does%n",
        tries,
        accepted.get(),
        refused.get());
    assertTrue(accepted.get() >= tries / 10, "too few valid bodies to compare: " + accepted);
    assertTrue(refused.get() >= tries / 10, "too few refused bodies: " + refused);
  }

  static Outcome parse(byte[] body) {
    List<Instrument> out = new ArrayList<>();
    PolygonTickers.Result r = PolygonTickers.parse(new JsonBytes(body, body.length, "t", "w"), out);
    return new Outcome(r.status() + "/" + r.hasResults() + "/" + r.nextUrl(), out);
  }

  static Outcome reference(byte[] body) throws Refused {
    if (!(JsonReference.parse(body) instanceof Obj o)) {
      throw new Refused("not an object");
    }
    Node results = o.one("results");
    String next = text(o.one("next_url"));
    String status = text(o.one("status"));
    List<Instrument> out = new ArrayList<>();
    if (results != null && !isNull(results)) {
      if (!(results instanceof Arr rows)) {
        throw new Refused("results is not an array");
      }
      for (Node row : rows.items()) {
        out.add(row(row));
      }
    }
    return new Outcome(
        (status == null ? "" : status)
            + "/"
            + (results != null)
            + "/"
            + (next == null || next.isEmpty() ? null : next),
        out);
  }

  private static String text(Node n) throws Refused {
    if (n == null || isNull(n)) {
      return null;
    }
    if (n instanceof Str s) {
      return s.value();
    }
    throw new Refused("not a string: " + n);
  }

  private static Instrument row(Node row) throws Refused {
    if (!(row instanceof Obj o)) {
      throw new Refused("a ticker that is not an object");
    }
    String ticker = null;
    String currency = null;
    Boolean active = null;
    String market = "";
    Instant listed = null;
    for (Map.Entry<String, Node> m : o.members()) {
      Node v = m.getValue();
      switch (m.getKey()) {
        case "ticker" -> ticker = string(v);
        case "currency_name" -> currency = string(v);
        case "active" -> {
          if (!(v instanceof Lit l) || !(l.word().equals("true") || l.word().equals("false"))) {
            throw new Refused("active is not true or false");
          }
          active = l.word().equals("true");
        }
        case "market" -> market = string(v);
        case "list_date" -> listed = date(v);
        default -> {}
      }
    }
    if (ticker == null || ticker.isEmpty() || currency == null || currency.isEmpty()) {
      throw new Refused("no ticker or currency");
    }
    if (active == null) {
      throw new Refused("no active");
    }
    Symbol symbol;
    try {
      symbol = Symbol.of("POLYGON", ticker, MarketType.SPOT);
    } catch (InvalidQueryException e) {
      throw new Refused("not a symbol code: " + e.getMessage());
    }
    return new Instrument(
        symbol,
        market.toLowerCase(Locale.ROOT).equals("options")
            ? Instrument.Type.OTHER
            : Instrument.Type.SPOT,
        ticker,
        currency,
        active ? Instrument.Status.TRADING : Instrument.Status.CLOSED,
        active ? "active" : "inactive",
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        Optional.ofNullable(listed));
  }

  private static Instant date(Node v) throws Refused {
    if (isNull(v) || (v instanceof Str e && e.raw().isEmpty())) {
      return null;
    }
    LocalDate d;
    try {
      d = LocalDate.parse(string(v));
    } catch (DateTimeException e) {
      throw new Refused("not a date");
    }
    if (d.getYear() < 1000 || d.getYear() > 9999) {
      throw new Refused("a year out of range");
    }
    return d.atStartOfDay(NEW_YORK).toInstant();
  }

  private static String string(Node n) throws Refused {
    if (n instanceof Str s) {
      return s.value();
    }
    throw new Refused("not a string: " + n);
  }

  private static boolean isNull(Node n) {
    return n instanceof Lit l && l.word().equals("null");
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }

  /** A page as Polygon documents it, with up to {@code most} tickers. */
  static String body(Random r, int most) {
    StringBuilder s = new StringBuilder("{\"results\":[");
    int rows = r.nextInt(most + 1);
    for (int i = 0; i < rows; i++) {
      String ticker = pick(r, "A", "AAPL", "BRK.A", "MSFT", "X:BTCUSD", "SPY", "GOOGL");
      s.append(i == 0 ? "" : ",")
          .append("{\"ticker\":\"")
          .append(ticker)
          .append("\",\"name\":\"")
          .append(pick(r, "Apple Inc.", "Agilent Technologies Inc.", "SPDR S\\u0026P 500"))
          .append("\",\"market\":\"")
          .append(pick(r, "stocks", "stocks", "otc", "options"))
          .append("\",\"locale\":\"us\",\"primary_exchange\":\"")
          .append(pick(r, "XNAS", "XNYS", "ARCX"))
          .append("\",\"type\":\"")
          .append(pick(r, "CS", "ETF", "ADRC", "PFD"))
          .append("\",\"active\":")
          .append(r.nextInt(4) != 0)
          .append(",\"currency_name\":\"")
          .append(pick(r, "usd", "usd", "USD", "eur"))
          .append('"');
      if (r.nextBoolean()) {
        s.append(",\"cik\":\"0000320193\",\"composite_figi\":\"BBG000B9XRY4\"");
      }
      if (r.nextInt(3) == 0) {
        s.append(",\"list_date\":\"")
            .append(1960 + r.nextInt(65))
            .append(String.format(Locale.ROOT, "-%02d-%02d", 1 + r.nextInt(12), 1 + r.nextInt(28)))
            .append('"');
      }
      s.append(",\"last_updated_utc\":\"2024-05-31T00:00:00Z\"}");
    }
    s.append("],\"status\":\"OK\",\"request_id\":\"e70013d92930de90e089dc8fa098888e\",\"count\":")
        .append(rows);
    if (r.nextBoolean()) {
      s.append(",\"next_url\":\"https://api.polygon.io/v3/reference/tickers?cursor=YWN0aXZl")
          .append(r.nextInt(1000))
          .append('"');
    }
    return s.append('}').toString();
  }
}
