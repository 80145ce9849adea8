package io.github.ohlcv4j.exchange;

import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;

/**
 * Polygon's {@code GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}} as
 * documented: {@code from} and {@code to} inclusive (epoch milliseconds here), {@code limit} counts
 * base aggregates (minutes for minute and hour bars), so a request over more of them returns only
 * the bars of the first {@code limit}; results come a page at a time with a {@code next_url} on
 * Polygon's own host, which the client must call with its key. The key comes as {@code apiKey}.
 */
public final class FakePolygon extends FakeVenue {
  private final String key;
  private final int pageRows;

  /**
   * @param key the only API key accepted
   * @param pageRows the most bars per response before a {@code next_url}
   */
  public FakePolygon(FakeMarket market, long now, String key, int pageRows) {
    super(market, now);
    this.key = key;
    this.pageRows = pageRows;
  }

  @Override
  protected MockResponse answer(HttpUrl url) {
    String given = url.queryParameter("apiKey");
    if (given == null) {
      return json(
          400,
          "{\"status\":\"ERROR\",\"request_id\":\"a1\",\"error\":\"API Key was not provided\"}");
    }
    if (!given.equals(key)) {
      return json(
          401, "{\"status\":\"ERROR\",\"request_id\":\"a2\",\"error\":\"Unknown API Key\"}");
    }
    List<String> p = url.pathSegments();
    if (p.size() != 9 || !p.get(0).equals("v2") || !p.get(1).equals("aggs")) {
      return json(404, "{\"status\":\"NOT_FOUND\",\"message\":\"Not found\"}");
    }
    String ticker = p.get(3);
    long base =
        p.get(6).equals("second")
            ? 1000
            : p.get(6).startsWith("min") || p.get(6).equals("hour") ? 60_000 : 86_400_000;
    long from = Long.parseLong(p.get(7));
    long to = Long.parseLong(p.get(8));
    long limit = longParam(url, "limit", 5000);
    long readable = from + limit * base; // base aggregates beyond the limit are not read
    List<FakeMarket.Bar> bars = market.bars(from, Math.min(to + 1, readable), now);
    int offset = (int) longParam(url, "cursor", 0);
    int until = Math.min(bars.size(), offset + pageRows);
    StringBuilder b =
        new StringBuilder("{\"ticker\":\"").append(ticker).append("\",\"queryCount\":");
    b.append(bars.size()).append(",\"resultsCount\":").append(until - offset);
    b.append(",\"adjusted\":true,\"results\":[");
    for (int i = offset; i < until; i++) {
      FakeMarket.Bar x = bars.get(i);
      b.append(i == offset ? "" : ",")
          .append("{\"v\":")
          .append(FakeMarket.decimal(x.volumeUnits(), 3, true))
          .append(",\"vw\":")
          .append(FakeMarket.decimal((x.h() + x.l()) * 5, 2, true))
          .append(",\"o\":")
          .append(FakeMarket.decimal(x.o(), 1, true))
          .append(",\"c\":")
          .append(FakeMarket.decimal(x.c(), 1, true))
          .append(",\"h\":")
          .append(FakeMarket.decimal(x.h(), 1, true))
          .append(",\"l\":")
          .append(FakeMarket.decimal(x.l(), 1, true))
          .append(",\"t\":")
          .append(x.openTime())
          .append(",\"n\":")
          .append(x.trades())
          .append('}');
    }
    b.append("],\"status\":\"OK\",\"request_id\":\"r").append(offset).append('"');
    if (until < bars.size()) {
      b.append(",\"next_url\":\"https://api.polygon.io")
          .append(url.encodedPath())
          .append("?cursor=")
          .append(until)
          .append("&limit=")
          .append(limit)
          .append('"');
    }
    b.append('}');
    return json(200, b.toString());
  }

  /** Polygon's HTTP 429 for more requests than the plan allows, with {@code Retry-After}. */
  public static Fault tooManyRequests(Duration retryAfter) {
    return new Fault(
        "429 Retry-After " + retryAfter.toSeconds(),
        r ->
            new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/json")
                .setHeader("Retry-After", Long.toString(retryAfter.toSeconds()))
                .body(
                    "{\"status\":\"ERROR\",\"request_id\":\"q9\",\"error\":\"You've exceeded"
                        + " the maximum requests per minute, please wait or upgrade your"
                        + " subscription to continue.\"}")
                .build());
  }

  /** Polygon's {@code NOT_AUTHORIZED}: the key's plan does not include the data. */
  public static Fault notAuthorized() {
    return new Fault(
        "403 NOT_AUTHORIZED",
        r ->
            new MockResponse.Builder()
                .code(403)
                .setHeader("Content-Type", "application/json")
                .body(
                    "{\"status\":\"NOT_AUTHORIZED\",\"request_id\":\"n4\",\"message\":\"You"
                        + " are not entitled to this data. Please upgrade your plan.\"}")
                .build());
  }
}
