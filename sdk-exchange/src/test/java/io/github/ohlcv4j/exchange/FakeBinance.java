package io.github.ohlcv4j.exchange;

import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;

/**
 * Binance's {@code GET /api/v3/klines} and {@code GET /fapi/v1/klines} as documented: ascending
 * 12-field rows, the first {@code limit} candles opening at or after {@code startTime} and at or
 * before {@code endTime}; {@code X-MBX-USED-WEIGHT-1M} counts the weight used in the venue's
 * current minute (by others, {@link #othersUsed(long)}, and by the client). With a {@link
 * #weightLimit(long)} a request over the minute's budget gets Binance's 429 ({@code -1003}).
 */
public final class FakeBinance extends FakeVenue {
  private final Set<String> symbols;
  private final Map<Long, Long> usedByMinute = new HashMap<>();
  private long weight;
  private long weightLimit;
  private int overBudget;

  public FakeBinance(FakeMarket market, long now, Set<String> symbols) {
    super(market, now);
    this.symbols = symbols;
  }

  /**
   * Refuses requests that would take the weight used in a venue minute over {@code limit}, with
   * HTTP 429 and {@code Retry-After} until the next minute, as Binance does.
   */
  public synchronized FakeBinance weightLimit(long limit) {
    this.weightLimit = limit;
    return this;
  }

  /** Other programs on the client's IP used {@code weight} in the venue's current minute. */
  public synchronized FakeBinance othersUsed(long weight) {
    usedByMinute.merge(clockMillis() / 60_000L, weight, Long::sum);
    return this;
  }

  /** How many requests the venue refused for going over its weight limit. */
  public synchronized int overBudget() {
    return overBudget;
  }

  private static int weight(HttpUrl url) {
    boolean futures = url.encodedPath().equals("/fapi/v1/klines");
    int limit = (int) Math.min(longParam(url, "limit", 500), futures ? 1500 : 1000);
    return !futures ? 2 : limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
  }

  @Override
  protected synchronized Admission admit(HttpUrl url, long clockMillis) {
    int w = weight(url);
    long minute = clockMillis / 60_000L;
    long used = usedByMinute.getOrDefault(minute, 0L);
    if (weightLimit > 0 && used + w > weightLimit) {
      overBudget++;
      long retryAfter = (60_000L - clockMillis % 60_000L + 999) / 1000;
      return new Admission(
          w,
          json(
                  429,
                  "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is "
                      + weightLimit
                      + " request weight per 1 MINUTE. Please use WebSocket Streams for live"
                      + " updates to avoid polling the API.\"}")
              .newBuilder()
              .setHeader("Retry-After", Long.toString(retryAfter))
              .setHeader("X-MBX-USED-WEIGHT-1M", Long.toString(used))
              .build());
    }
    usedByMinute.put(minute, used + w);
    weight += w;
    return new Admission(w, null, used + w);
  }

  @Override
  protected MockResponse decorate(MockResponse good, Admission admission) {
    return good.getCode() != 200
        ? good
        : good.newBuilder()
            .setHeader("X-MBX-USED-WEIGHT-1M", Long.toString(admission.used()))
            .build();
  }

  @Override
  protected MockResponse answer(HttpUrl url) {
    boolean futures = url.encodedPath().equals("/fapi/v1/klines");
    if (!futures && !url.encodedPath().equals("/api/v3/klines")) {
      return json(404, "");
    }
    if (!symbols.contains(url.queryParameter("symbol"))) {
      return json(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
    }
    long start = longParam(url, "startTime", 0);
    long end = longParam(url, "endTime", now);
    int limit = (int) longParam(url, "limit", 500);
    int max = futures ? 1500 : 1000;
    if (limit > max) {
      limit = max;
    }
    List<FakeMarket.Bar> bars = market.bars(start, end + 1, now);
    if (bars.size() > limit) {
      bars = bars.subList(0, limit);
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < bars.size(); i++) {
      FakeMarket.Bar x = bars.get(i);
      long closeTime = market.interval().plus(x.openTime(), 1, market.zone()) - 1;
      b.append(i == 0 ? "" : ",").append('[').append(x.openTime());
      for (long p : new long[] {x.o(), x.h(), x.l(), x.c()}) {
        b.append(",\"").append(FakeMarket.decimal(p * 10_000_000L, 8, false)).append('"');
      }
      b.append(",\"").append(FakeMarket.decimal(x.volumeUnits() * 100_000L, 8, false)).append('"');
      b.append(',').append(closeTime);
      b.append(",\"").append(FakeMarket.decimal(x.turnoverUnits() * 10_000L, 8, false)).append('"');
      b.append(',').append(x.trades());
      b.append(",\"").append(FakeMarket.decimal(x.volumeUnits() * 50_000L, 8, false)).append('"');
      b.append(",\"").append(FakeMarket.decimal(x.turnoverUnits() * 5_000L, 8, false)).append('"');
      b.append(",\"0\"]");
    }
    b.append(']');
    return json(200, b.toString());
  }

  /** The weight used so far, over all minutes. */
  public synchronized long usedWeight() {
    return weight;
  }

  /** Binance's HTTP 429 for too much weight, asking for {@code retryAfter}. */
  public static Fault tooMuchWeight(Duration retryAfter) {
    return new Fault(
        "429 -1003 Retry-After " + retryAfter.toSeconds(),
        r ->
            new MockResponse.Builder()
                .code(429)
                .setHeader("Content-Type", "application/json")
                .setHeader("Retry-After", Long.toString(retryAfter.toSeconds()))
                .body(
                    "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is 6000"
                        + " request weight per 1 MINUTE. Please use WebSocket Streams for live"
                        + " updates to avoid polling the API.\"}")
                .build());
  }

  /**
   * Binance's HTTP 418: the IP is banned for {@code ban} from when the request arrives, by the
   * venue's clock, stated in the message and in {@code Retry-After}.
   */
  public Fault banned(Duration ban) {
    return new Fault(
        "418 ban " + ban.toMillis() + " ms",
        r -> {
          long until = clockMillis() + ban.toMillis();
          return new MockResponse.Builder()
              .code(418)
              .setHeader("Content-Type", "application/json")
              .setHeader("Date", date())
              .setHeader("Retry-After", Long.toString((ban.toMillis() + 999) / 1000))
              .body(
                  "{\"code\":-1003,\"msg\":\"Way too much request weight used; IP banned until "
                      + until
                      + ". Please use WebSocket Streams for live updates to avoid bans.\"}")
              .build();
        });
  }

  /** A Binance error object with HTTP 400, such as {@code -1121} or {@code -1120}. */
  public static Fault error(int code, String msg) {
    return new Fault(
        "400 " + code,
        r ->
            new MockResponse.Builder()
                .code(400)
                .setHeader("Content-Type", "application/json")
                .body("{\"code\":" + code + ",\"msg\":\"" + msg + "\"}")
                .build());
  }
}
