package io.github.ohlcv4j.exchange;

import java.util.List;
import java.util.Set;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;

/**
 * Binance's {@code GET /api/v3/klines} and {@code GET /fapi/v1/klines} as documented: ascending
 * 12-field rows, the first {@code limit} candles opening at or after {@code startTime} and at or
 * before {@code endTime}; {@code X-MBX-USED-WEIGHT-1M} counts the weight used.
 */
public final class FakeBinance extends FakeVenue {
  private final Set<String> symbols;
  private long weight;

  public FakeBinance(FakeMarket market, long now, Set<String> symbols) {
    super(market, now);
    this.symbols = symbols;
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
    int w = !futures ? 2 : limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
    synchronized (this) {
      weight += w;
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
    MockResponse r = json(200, b.toString());
    return r.newBuilder().setHeader("X-MBX-USED-WEIGHT-1M", Long.toString(usedWeight())).build();
  }

  /** The weight used so far. */
  public synchronized long usedWeight() {
    return weight;
  }
}
