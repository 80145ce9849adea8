package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.duckdb.DuckDbSource;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.source.SampleSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A cold backfill: a year of 1-minute candles (525,600) fetched through a client with a DuckDB
 * store from a loopback stand-in for Binance spot, and how much of the venue's request-weight
 * budget it used.
 *
 * <p>The stand-in is a {@link MockWebServer} answering {@code GET /api/v3/klines} as Binance
 * documents it: 12-field rows, at most {@code limit} (1000) candles from {@code startTime}, weight
 * 2 a request, {@code X-MBX-USED-WEIGHT-1M} on every answer, counted per wall-clock minute as
 * Binance does, and HTTP 429 with {@code -1003} and {@code Retry-After} for a request over the
 * minute's limit. Its candles are a {@link SampleSource} market's, prices with 8 decimals.
 *
 * <p>The report: requests, weight used, the longest minute's weight against the limit (never over:
 * and no 429), the elapsed time, the weight allowed in the minutes the run spanned (the limit times
 * the venue minutes it touched), and the fraction used (the goal is at least 80 %, when the
 * backfill needs more than one minute's budget). The store then holds every candle: the run checks
 * it against the market.
 *
 * <p>Run: {@code benchmarks/backfill.sh [--days 365] [--weight-limit 300]}; Binance's own spot
 * limit is 6000 a minute, under which a year (1,052 weight) takes less than one minute's budget.
 */
public final class ColdBackfill {

  /** Where the backfill starts: 2023-01-01T00:00:00Z. */
  static final Instant START = Instant.parse("2023-01-01T00:00:00Z");

  /** Binance's weight of one spot klines request. */
  static final int WEIGHT = 2;

  private ColdBackfill() {}

  /**
   * What a run found.
   *
   * @param candles candles the store holds for the range afterwards
   * @param expected candles the market has in the range
   * @param missing open times of the market the store lacks, or whose prices differ
   * @param requests klines requests the venue answered
   * @param refused requests the venue refused for going over the weight limit (429)
   * @param weight weight the venue counted
   * @param maxMinute the most weight counted in one venue minute
   * @param minutes venue minutes the run touched
   * @param limit the weight limit per minute
   * @param elapsed wall-clock time of the backfill
   */
  record Result(
      int candles,
      int expected,
      int missing,
      int requests,
      int refused,
      long weight,
      long maxMinute,
      int minutes,
      int limit,
      Duration elapsed) {

    /** The weight the venue would have accepted in the minutes the run spanned. */
    long allowed() {
      return (long) limit * minutes;
    }

    /** The fraction of {@link #allowed()} used. */
    double used() {
      return allowed() == 0 ? 0 : (double) weight / allowed();
    }

    /** Whether the venue never counted more than its limit in a minute, nor refused a request. */
    boolean withinBudget() {
      return maxMinute <= limit && refused == 0;
    }
  }

  /**
   * Runs a backfill of {@code days} days of minutes into a new store file under {@code dir}.
   *
   * @param days how many days from {@link #START}
   * @param limit the stand-in's weight limit per minute (Binance spot: 6000)
   */
  static Result run(int days, int limit, Path dir) throws IOException {
    Instant end = START.plus(Duration.ofDays(days));
    SampleSource market = SampleSource.create();
    StandIn venue = new StandIn(market, limit);
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(venue);
      server.start();
      String base = server.url("/").toString();
      BinanceSource binance =
          BinanceSource.builder(BinanceSource.Market.SPOT)
              .baseUrl(base.substring(0, base.length() - 1))
              .weightLimit(limit)
              .build();
      Path file = dir.resolve("backfill.duckdb");
      OhlcvQuery year =
          OhlcvQuery.builder()
              .symbol("BINANCE:BTCUSDT")
              .interval(Interval.M1)
              .between(START, end)
              .build();
      long t0 = System.nanoTime();
      try (OhlcvClient client =
          OhlcvClient.builder()
              .source(binance)
              .store(DuckDbSource.builder().path(file).build())
              .autoDiscover(false)
              .build()) {
        client.fetch(year);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      CandleSeries expected =
          market.fetch(OhlcvQuery.builder().symbol("BTCUSDT").between(START, end).build());
      int missing;
      int held;
      try (DuckDbSource store = DuckDbSource.builder().path(file).readOnly(true).build()) {
        CandleSeries stored = store.fetch(year);
        held = stored.size();
        missing = missing(expected, stored);
      }
      return venue.result(held, expected.size(), missing, elapsed);
    }
  }

  /** Open times of {@code expected} that {@code stored} lacks, or holds with other prices. */
  private static int missing(CandleSeries expected, CandleSeries stored) {
    int missing = 0;
    for (int i = 0; i < expected.size(); i++) {
      int j = stored.indexOf(expected.openTimeMillis(i));
      if (j < 0
          || stored.open(j) != price(expected.open(i))
          || stored.high(j) != price(expected.high(i))
          || stored.low(j) != price(expected.low(i))
          || stored.close(j) != price(expected.close(i))) {
        missing++;
      }
    }
    return missing;
  }

  /** A price as the stand-in sends it (8 decimals) and a parser reads it back. */
  private static double price(double p) {
    return Double.parseDouble(decimal(p));
  }

  private static String decimal(double v) {
    return BigDecimal.valueOf(v).setScale(8, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * Runs the backfill and prints the report. Arguments: {@code --days N} (365), {@code
   * --weight-limit W} (300), {@code --dir PATH} (a new temporary directory, removed afterwards).
   */
  public static void main(String[] args) throws IOException {
    int days = 365;
    int limit = 300;
    Path dir = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--days" -> days = Integer.parseInt(args[i + 1]);
        case "--weight-limit" -> limit = Integer.parseInt(args[i + 1]);
        case "--dir" -> dir = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
      }
    }
    boolean temporary = dir == null;
    Path d = dir != null ? dir : Files.createTempDirectory("ohlcv4j-backfill");
    Files.createDirectories(d);
    try {
      Result r = run(days, limit, d);
      System.out.printf(
          Locale.ROOT,
          "candles %,d of %,d in the store, %d missing or different%n"
              + "requests %,d (weight %d each), refused (429) %d%n"
              + "weight used %,d; most in one venue minute %,d of %,d%n"
              + "elapsed %.1f s over %d venue minutes: %,d weight allowed, %.1f %% used%n",
          r.candles(),
          r.expected(),
          r.missing(),
          r.requests(),
          WEIGHT,
          r.refused(),
          r.weight(),
          r.maxMinute(),
          r.limit(),
          r.elapsed().toMillis() / 1000.0,
          r.minutes(),
          r.allowed(),
          100 * r.used());
      if (r.missing() != 0 || r.candles() != r.expected() || !r.withinBudget()) {
        System.out.println("FAILED: the store lacks candles or the budget was exceeded");
        System.exit(1);
      }
    } finally {
      if (temporary) {
        try (Stream<Path> files = Files.walk(d)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** Binance's spot klines endpoint over a sample market, counting weight per minute. */
  static final class StandIn extends Dispatcher {
    private static final DateTimeFormatter HTTP_DATE =
        DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final SampleSource market;
    private final int limit;
    private final TreeMap<Long, Long> usedByMinute = new TreeMap<>();
    private int requests;
    private int refused;

    StandIn(SampleSource market, int limit) {
      this.market = market;
      this.limit = limit;
    }

    synchronized Result result(int held, int expected, int missing, Duration elapsed) {
      long weight = usedByMinute.values().stream().mapToLong(Long::longValue).sum();
      long max = usedByMinute.values().stream().mapToLong(Long::longValue).max().orElse(0);
      int minutes =
          usedByMinute.isEmpty() ? 0 : (int) (usedByMinute.lastKey() - usedByMinute.firstKey() + 1);
      return new Result(
          held, expected, missing, requests, refused, weight, max, minutes, limit, elapsed);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      HttpUrl url = request.getUrl();
      long now = System.currentTimeMillis();
      if (!url.encodedPath().equals("/api/v3/klines")) {
        return json(404, "<html><body><h1>404 Not Found</h1></body></html>", now);
      }
      long used;
      synchronized (this) {
        long minute = now / 60_000L;
        used = usedByMinute.getOrDefault(minute, 0L);
        if (used + WEIGHT > limit) {
          refused++;
          return json(
                  429,
                  "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is "
                      + limit
                      + " request weight per 1 MINUTE. Please use WebSocket Streams for live"
                      + " updates to avoid polling the API.\"}",
                  now)
              .newBuilder()
              .setHeader("Retry-After", Long.toString((60_000L - now % 60_000L + 999) / 1000))
              .setHeader("X-MBX-USED-WEIGHT-1M", Long.toString(used))
              .build();
        }
        used += WEIGHT;
        usedByMinute.put(minute, used);
        requests++;
      }
      if (!"BTCUSDT".equals(url.queryParameter("symbol"))
          || !"1m".equals(url.queryParameter("interval"))) {
        return json(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", now);
      }
      long start = param(url, "startTime", 0);
      long end = param(url, "endTime", now);
      int n = (int) Math.min(param(url, "limit", 500), 1000);
      List<String> rows = new ArrayList<>();
      long to = Math.min(end + 1, start + n * 60_000L);
      if (to > start) {
        CandleSeries c =
            market.fetch(
                OhlcvQuery.builder()
                    .symbol("BTCUSDT")
                    .between(Instant.ofEpochMilli(start), Instant.ofEpochMilli(to))
                    .build());
        for (int i = 0; i < c.size() && rows.size() < n; i++) {
          long open = c.openTimeMillis(i);
          double quote = c.volume(i) * c.close(i);
          rows.add(
              "["
                  + open
                  + ",\""
                  + decimal(c.open(i))
                  + "\",\""
                  + decimal(c.high(i))
                  + "\",\""
                  + decimal(c.low(i))
                  + "\",\""
                  + decimal(c.close(i))
                  + "\",\""
                  + decimal(c.volume(i))
                  + "\","
                  + (open + 59_999)
                  + ",\""
                  + decimal(quote)
                  + "\","
                  + (100 + i % 50)
                  + ",\""
                  + decimal(c.volume(i) / 2)
                  + "\",\""
                  + decimal(quote / 2)
                  + "\",\"0\"]");
        }
      }
      return json(200, "[" + String.join(",", rows) + "]", now)
          .newBuilder()
          .setHeader("X-MBX-USED-WEIGHT-1M", Long.toString(used))
          .build();
    }

    private static long param(HttpUrl url, String name, long dflt) {
      String v = url.queryParameter(name);
      return v == null ? dflt : Long.parseLong(v);
    }

    private static MockResponse json(int code, String body, long now) {
      return new MockResponse.Builder()
          .code(code)
          .setHeader("Content-Type", "application/json;charset=UTF-8")
          .setHeader("Date", HTTP_DATE.format(Instant.ofEpochMilli(now)))
          .body(body)
          .build();
    }
  }
}
