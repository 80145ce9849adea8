package io.github.ohlcv4j.exchange;

import io.github.ohlcv4j.testing.Fault;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import mockwebserver3.MockResponse;
import okhttp3.HttpUrl;

/**
 * Bybit's {@code GET /v5/market/kline} as documented: rows newest first, every value a string,
 * {@code end} inclusive, {@code limit} 1-1000 (200 by default), and when more candles than {@code
 * limit} fall in {@code [start, end]} the newest {@code limit} of them. Errors come with HTTP 200
 * and a non-zero {@code retCode}.
 *
 * <p>Limits, when set: the IP limit ({@link #ipLimit}: no more than so many requests in any window
 * of the given length, else HTTP 403 "access too frequent" and a ban), and the per-UID limit with
 * its headers ({@link #uidLimit}: a rolling one-second window, {@code X-Bapi-Limit}, {@code
 * X-Bapi-Limit-Status} requests left, {@code X-Bapi-Limit-Reset-Timestamp} the current time, or
 * when the limit resets once it is hit, with {@code retCode} 10006).
 */
public final class FakeBybit extends FakeVenue {
  private final Set<String> symbols;
  private final Deque<Long> ipWindow = new ArrayDeque<>();
  private final Deque<Long> uidWindow = new ArrayDeque<>();
  private int ipLimit;
  private long ipWindowMillis;
  private long banMillis;
  private long bannedUntil = Long.MIN_VALUE;
  private int bans;
  private int uidLimit;
  private int uidUsedByOthers;

  /**
   * @param symbols the symbols the venue knows
   */
  public FakeBybit(FakeMarket market, long now, Set<String> symbols) {
    super(market, now);
    this.symbols = symbols;
  }

  /**
   * Bans the IP for {@code ban} (HTTP 403 "access too frequent" to every request) as soon as more
   * than {@code requests} arrive within any {@code window}, by the venue's clock.
   */
  public synchronized FakeBybit ipLimit(int requests, Duration window, Duration ban) {
    this.ipLimit = requests;
    this.ipWindowMillis = window.toMillis();
    this.banMillis = ban.toMillis();
    return this;
  }

  /** How many times the venue banned the IP. */
  public synchronized int bans() {
    return bans;
  }

  /**
   * Sends the per-UID limit headers: {@code limit} requests in a rolling second, of which other
   * programs of the same account use {@code usedByOthers} in every second.
   */
  public synchronized FakeBybit uidLimit(int limit, int usedByOthers) {
    this.uidLimit = limit;
    this.uidUsedByOthers = usedByOthers;
    return this;
  }

  @Override
  protected synchronized Admission admit(HttpUrl url, long at) {
    if (ipLimit > 0) {
      if (at < bannedUntil) {
        return new Admission(1, accessTooFrequent());
      }
      while (!ipWindow.isEmpty() && ipWindow.peekFirst() <= at - ipWindowMillis) {
        ipWindow.pollFirst();
      }
      ipWindow.addLast(at);
      if (ipWindow.size() > ipLimit) {
        bans++;
        bannedUntil = at + banMillis;
        return new Admission(1, accessTooFrequent());
      }
    }
    if (uidLimit > 0) {
      while (!uidWindow.isEmpty() && uidWindow.peekFirst() <= at - 1000) {
        uidWindow.pollFirst();
      }
      int used = uidUsedByOthers + uidWindow.size();
      if (used + 1 > uidLimit) {
        long reset = uidWindow.isEmpty() ? at + 1000 : uidWindow.peekFirst() + 1000;
        return new Admission(
            1,
            json(200, envelope(10006, "Too many visits!"))
                .newBuilder()
                .setHeader("X-Bapi-Limit", Integer.toString(uidLimit))
                .setHeader("X-Bapi-Limit-Status", "0")
                .setHeader("X-Bapi-Limit-Reset-Timestamp", Long.toString(reset))
                .build());
      }
      uidWindow.addLast(at);
      return new Admission(1, null, used + 1);
    }
    return new Admission(1, null);
  }

  @Override
  protected MockResponse decorate(MockResponse good, Admission admission) {
    if (uidLimit <= 0) {
      return good;
    }
    return good.newBuilder()
        .setHeader("X-Bapi-Limit", Integer.toString(uidLimit))
        .setHeader("X-Bapi-Limit-Status", Long.toString(Math.max(0, uidLimit - admission.used())))
        .setHeader("X-Bapi-Limit-Reset-Timestamp", Long.toString(clockMillis()))
        .build();
  }

  private MockResponse accessTooFrequent() {
    return new MockResponse.Builder()
        .code(403)
        .setHeader("Content-Type", "text/plain")
        .setHeader("Date", date())
        .body("403, access too frequent")
        .build();
  }

  /** An error envelope, as Bybit sends it with HTTP 200. */
  public String envelope(int retCode, String retMsg) {
    return "{\"retCode\":"
        + retCode
        + ",\"retMsg\":\""
        + retMsg
        + "\",\"result\":{},\"retExtInfo\":{},\"time\":"
        + clockMillis()
        + "}";
  }

  /** HTTP 200 with {@code retCode} and {@code retMsg} instead of the candles. */
  public Fault retCode(int retCode, String retMsg) {
    return new Fault("retCode " + retCode, r -> json(200, envelope(retCode, retMsg)));
  }

  /**
   * Bybit's 10006 "Too many visits!", with the limit headers saying it resets {@code resetIn} after
   * the request arrived.
   */
  public Fault tooManyVisits(Duration resetIn) {
    return new Fault(
        "retCode 10006",
        r ->
            json(200, envelope(10006, "Too many visits!"))
                .newBuilder()
                .setHeader("X-Bapi-Limit", "10")
                .setHeader("X-Bapi-Limit-Status", "0")
                .setHeader(
                    "X-Bapi-Limit-Reset-Timestamp",
                    Long.toString(clockMillis() + resetIn.toMillis()))
                .build());
  }

  /** HTTP 403 "access too frequent": Bybit's IP ban. */
  public Fault ipBan() {
    return new Fault("403 access too frequent", r -> accessTooFrequent());
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
