package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.SampleSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * A small candle venue for {@code MockWebServer}, speaking the wire format of {@link
 * HttpTestSource}, whose candles come from a {@link SampleSource} (so the right answer to any query
 * is that source's answer), and which fails as a test says: a script of {@link Fault}s for the next
 * requests, then random faults at a given rate. Records every request with its arrival time, so
 * tests can check retry and rate budgets from the server's side. Thread-safe (MockWebServer
 * dispatches from one thread per connection).
 *
 * <p>Wire format: {@code GET /v1/klines?symbol=BTCUSDT&interval=1m&start=<ms>&end=<ms>&limit=<n>}
 * with the API key in {@code apiKey} and a password in basic authentication; the answer is {@code
 * text/csv}: a header line, {@code openTime,open,high,low,close,volume} rows, then {@code
 * end,<rows>}. Usage is reported in {@code X-Usage: <used>;<limit>;<resetEpochMs>} when a budget is
 * set.
 */
public final class FakeVenue extends Dispatcher {

  /** A request as the server saw it. */
  public record Hit(
      long nanoTime, String symbol, long start, int limit, int weight, String fault, boolean ok) {}

  private final SampleSource market;
  private final String apiKey;
  private final String password;
  private final Deque<Fault> script = new ArrayDeque<>();
  private final List<Hit> hits = new ArrayList<>();
  private @Nullable Random random;
  private double faultRate;
  private List<Fault> pool = List.of();
  private Function<RecordedRequest, Integer> weight = r -> 1;
  private long usageLimit;
  private long usageWindowMillis;
  private long usageUsed;
  private long usageWindowEnd;

  /**
   * A venue serving {@code market}'s candles to clients that know {@code apiKey} and {@code
   * password}.
   */
  public FakeVenue(SampleSource market, String apiKey, String password) {
    this.market = Objects.requireNonNull(market, "market");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.password = Objects.requireNonNull(password, "password");
  }

  /** Fails the next requests with these faults, in order ({@link Fault#none()} to let one pass). */
  public synchronized FakeVenue script(Fault... faults) {
    script.addAll(List.of(faults));
    return this;
  }

  /**
   * After the script, fails each request with probability {@code rate}, with a fault drawn from
   * {@code faults}, from a generator seeded with {@code seed}.
   */
  public synchronized FakeVenue randomFaults(long seed, double rate, List<Fault> faults) {
    this.random = new Random(seed);
    this.faultRate = rate;
    this.pool = List.copyOf(faults);
    return this;
  }

  /** How the venue weighs a request (1 by default), for {@link Hit#weight()}. */
  public synchronized FakeVenue weight(Function<RecordedRequest, Integer> weight) {
    this.weight = Objects.requireNonNull(weight, "weight");
    return this;
  }

  /**
   * Reports usage of a budget of {@code limit} weight per {@code windowMillis} in {@code X-Usage},
   * counting the weight of every request it answers.
   */
  public synchronized FakeVenue usageBudget(long limit, long windowMillis) {
    this.usageLimit = limit;
    this.usageWindowMillis = windowMillis;
    return this;
  }

  /** Every request so far, in arrival order. */
  public synchronized List<Hit> hits() {
    return List.copyOf(hits);
  }

  /** How many requests arrived. */
  public synchronized int requestCount() {
    return hits.size();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    long arrived = System.nanoTime();
    HttpUrl url = request.getUrl();
    String symbol = String.valueOf(url.queryParameter("symbol"));
    long start = parseLong(url.queryParameter("start"));
    int limit = (int) parseLong(url.queryParameter("limit"));
    Fault fault;
    int w;
    synchronized (this) {
      w = weight.apply(request);
      fault = script.pollFirst();
      if (fault == null) {
        fault =
            random != null && random.nextDouble() < faultRate
                ? pool.get(random.nextInt(pool.size()))
                : Fault.none();
      }
    }
    MockResponse good = answer(request, url, w);
    // Recorded before the fault is applied: a fault may hold the answer back (or tell the test it
    // was asked), and the request has arrived by then.
    synchronized (this) {
      hits.add(
          new Hit(
              arrived,
              symbol,
              start,
              limit,
              w,
              fault.name(),
              fault.name().equals("none") && good.getCode() == 200));
    }
    return fault.applyTo(good);
  }

  private MockResponse answer(RecordedRequest request, HttpUrl url, int w) {
    if (!apiKey.equals(url.queryParameter("apiKey"))
        || !("Basic " + base64("user:" + password))
            .equals(request.getHeaders().get("Authorization"))) {
      return new MockResponse.Builder()
          .code(401)
          .setHeader("Content-Type", "text/plain")
          .body("invalid credentials")
          .build();
    }
    try {
      Symbol symbol = Symbol.parse(Objects.requireNonNull(url.queryParameter("symbol")));
      Interval interval = Interval.parse(Objects.requireNonNull(url.queryParameter("interval")));
      long start = parseLong(url.queryParameter("start"));
      long end = parseLong(url.queryParameter("end"));
      int limit = (int) parseLong(url.queryParameter("limit"));
      long to = Math.min(end, interval.plus(start, limit, java.time.ZoneOffset.UTC));
      CandleSeries s =
          start >= to
              ? CandleSeries.empty(symbol, interval)
              : market.fetch(
                  OhlcvQuery.builder()
                      .symbol(symbol)
                      .interval(interval)
                      .between(Instant.ofEpochMilli(start), Instant.ofEpochMilli(to))
                      .build());
      MockResponse.Builder b =
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "text/csv; charset=utf-8")
              .body(csv(s));
      String usage = usage(w);
      if (usage != null) {
        b.setHeader("X-Usage", usage);
      }
      return b.build();
    } catch (RuntimeException e) {
      return new MockResponse.Builder()
          .code(400)
          .setHeader("Content-Type", "text/plain")
          .body("bad request: " + e.getMessage())
          .build();
    }
  }

  private synchronized @Nullable String usage(int w) {
    if (usageLimit <= 0) {
      return null;
    }
    long now = System.currentTimeMillis();
    if (now >= usageWindowEnd) {
      usageWindowEnd = (now / usageWindowMillis + 1) * usageWindowMillis;
      usageUsed = 0;
    }
    usageUsed += w;
    return usageUsed + ";" + usageLimit + ";" + usageWindowEnd;
  }

  /** The wire form of a series. */
  public static String csv(CandleSeries s) {
    StringBuilder b = new StringBuilder("openTime,open,high,low,close,volume\n");
    for (int i = 0; i < s.size(); i++) {
      b.append(s.openTimeMillis(i))
          .append(',')
          .append(num(s.open(i)))
          .append(',')
          .append(num(s.high(i)))
          .append(',')
          .append(num(s.low(i)))
          .append(',')
          .append(num(s.close(i)))
          .append(',')
          .append(num(s.volume(i)))
          .append('\n');
    }
    return b.append("end,").append(s.size()).append('\n').toString();
  }

  private static String num(double d) {
    return Double.toString(d).toLowerCase(Locale.ROOT);
  }

  /** The body of a response, as text. */
  public static String bodyOf(MockResponse r) {
    MockResponseBody body = r.getBody();
    if (body == null) {
      return "";
    }
    try (Buffer buffer = new Buffer()) {
      body.writeTo(buffer);
      return buffer.readUtf8();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static long parseLong(@Nullable String s) {
    return s == null ? 0 : Long.parseLong(s);
  }
}
