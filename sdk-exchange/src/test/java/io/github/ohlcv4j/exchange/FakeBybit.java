package io.github.ohlcv4j.exchange;

import java.util.List;
import java.util.Set;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;

/**
 * Bybit's {@code GET /v5/market/kline} as documented: rows newest first, every value a string,
 * {@code end} inclusive, {@code limit} 1-1000 (200 by default), and when more candles than {@code
 * limit} fall in {@code [start, end]} the newest {@code limit} of them. Errors come with HTTP 200
 * and a non-zero {@code retCode}.
 */
public final class FakeBybit extends FakeVenue {
  private final Set<String> symbols;

  /**
   * @param symbols the symbols the venue knows
   */
  public FakeBybit(FakeMarket market, long now, Set<String> symbols) {
    super(market, now);
    this.symbols = symbols;
  }

  @Override
  protected MockResponse answer(HttpUrl url) {
    if (!url.encodedPath().equals("/v5/market/kline")) {
      return json(404, "");
    }
    String symbol = url.queryParameter("symbol");
    if (!symbols.contains(symbol)) {
      return json(
          200,
          "{\"retCode\":10001,\"retMsg\":\"Not supported symbols\",\"result\":{},"
              + "\"retExtInfo\":{},\"time\":"
              + now
              + "}");
    }
    long start = longParam(url, "start", 0);
    long end = longParam(url, "end", now);
    int limit = (int) longParam(url, "limit", 200);
    if (limit < 1 || limit > 1000) {
      return json(
          200,
          "{\"retCode\":10001,\"retMsg\":\"params error: limit\",\"result\":{},\"time\":"
              + now
              + "}");
    }
    // The candle containing start counts too (Bybit matches by bucket).
    List<FakeMarket.Bar> bars =
        market.bars(market.interval().bucketStart(start, market.zone()), end + 1, now);
    if (bars.size() > limit) {
      bars = bars.subList(bars.size() - limit, bars.size());
    }
    StringBuilder b = new StringBuilder();
    b.append("{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"symbol\":\"")
        .append(symbol)
        .append("\",\"category\":\"")
        .append(url.queryParameter("category"))
        .append("\",\"list\":[");
    for (int i = bars.size() - 1; i >= 0; i--) {
      FakeMarket.Bar x = bars.get(i);
      b.append(i == bars.size() - 1 ? "" : ",").append("[\"").append(x.openTime()).append('"');
      for (long p : new long[] {x.o(), x.h(), x.l(), x.c()}) {
        b.append(",\"").append(FakeMarket.decimal(p, 1, true)).append('"');
      }
      b.append(",\"").append(FakeMarket.decimal(x.volumeUnits(), 3, true)).append('"');
      b.append(",\"").append(FakeMarket.decimal(x.turnoverUnits(), 4, true)).append("\"]");
    }
    b.append("]},\"retExtInfo\":{},\"time\":").append(now).append('}');
    return json(200, b.toString());
  }
}
