package io.github.ohlcv4j.exchange;

import io.github.ohlcv4j.testing.Fault;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A venue behind a MockWebServer that answers as the venue's documentation says, from a {@link
 * FakeMarket}. Scripted responses, queued with {@link #then(MockResponse)}, are sent first (to
 * inject errors between pages); then {@link Fault}s, scripted with {@link #faults(Fault...)} or
 * drawn at random with {@link #randomFaults}, are applied to the venue's own answers. Every request
 * is recorded, with when it arrived and what it was answered ({@link #hits()}).
 */
public abstract class FakeVenue extends Dispatcher {

  /**
   * A request as the venue saw it.
   *
   * @param nanoTime when it arrived, by {@link System#nanoTime()}
   * @param clockMillis when it arrived, by the venue's clock
   * @param url the request's URL
   * @param fault the fault applied ({@code "none"}, a {@link Fault#name()}, or {@code "scripted"})
   * @param code the status code answered
   * @param weight the weight the venue counted
   */
  public record Hit(
      long nanoTime, long clockMillis, HttpUrl url, String fault, int code, int weight) {}

  private record Numbered(long seq, Hit hit) {}

  private final Deque<MockResponse> script = new ArrayDeque<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<HttpUrl> requests = new ArrayList<>();
  private final List<Numbered> hits = new ArrayList<>();
  private long sequence;
  private @Nullable Random random;
  private double faultRate;
  private List<Fault> pool = List.of();
  private volatile LongSupplier clock;
  protected final FakeMarket market;
  protected final long now;

  /**
   * @param market the candles
   * @param now the venue's clock (sent in the {@code Date} header) unless {@link
   *     #clock(LongSupplier)} says otherwise; candles exist up to it
   */
  protected FakeVenue(FakeMarket market, long now) {
    this.market = market;
    this.now = now;
    this.clock = () -> now;
  }

  /** Sends {@code response} to the next request instead of the venue's answer. */
  public synchronized FakeVenue then(MockResponse response) {
    script.add(response);
    return this;
  }

  /**
   * Applies these faults to the venue's answers to the next requests, in order ({@link
   * Fault#none()} lets one pass).
   */
  public synchronized FakeVenue faults(Fault... faults) {
    this.faults.addAll(List.of(faults));
    return this;
  }

  /**
   * After the scripted faults, fails each request with probability {@code rate}, with a fault drawn
   * from {@code faults} by a generator seeded with {@code seed}.
   */
  public synchronized FakeVenue randomFaults(long seed, double rate, List<Fault> faults) {
    this.random = new Random(seed);
    this.faultRate = rate;
    this.pool = List.copyOf(faults);
    return this;
  }

  /**
   * The venue's clock, in epoch milliseconds, for its {@code Date} header and its limits; {@code
   * now} unless set. Candles still exist up to {@code now}.
   */
  public FakeVenue clock(LongSupplier clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The venue's clock now, in epoch milliseconds. */
  public long clockMillis() {
    return clock.getAsLong();
  }

  /** The requests received so far. */
  public synchronized List<HttpUrl> requests() {
    return List.copyOf(requests);
  }

  /** Every request so far, in arrival order, with what it was answered. */
  public synchronized List<Hit> hits() {
    return hits.stream()
        .sorted(Comparator.comparingLong(Numbered::seq))
        .map(Numbered::hit)
        .collect(Collectors.toList());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    HttpUrl url = request.getUrl();
    long arrived;
    long at;
    long seq;
    MockResponse scripted;
    Fault fault = null;
    Admission admission = null;
    synchronized (this) {
      arrived = System.nanoTime();
      at = clockMillis();
      seq = sequence++;
      requests.add(url);
      scripted = script.poll();
      if (scripted == null) {
        admission = admit(url, at);
        fault = faults.poll();
        if (fault == null) {
          fault =
              random != null && random.nextDouble() < faultRate
                  ? pool.get(random.nextInt(pool.size()))
                  : Fault.none();
        }
      }
    }
    MockResponse out;
    String name;
    int weight = 0;
    if (scripted != null) {
      out = scripted;
      name = "scripted";
    } else if (admission.refusal != null) {
      out = admission.refusal;
      name = "refused by the venue";
      weight = admission.weight;
    } else {
      out = fault.applyTo(decorate(answer(url), admission));
      name = fault.name();
      weight = admission.weight;
    }
    synchronized (this) {
      hits.add(new Numbered(seq, new Hit(arrived, at, url, name, out.getCode(), weight)));
    }
    return out;
  }

  /**
   * What the venue's own limits say about a request arriving at {@code clockMillis}.
   *
   * @param weight what the request counts against the venue's budget
   * @param refusal the answer instead of the venue's, if the request is over a limit
   * @param used how much of its budget the venue counts as used, for usage headers
   */
  protected record Admission(int weight, @Nullable MockResponse refusal, long used) {
    Admission(int weight, @Nullable MockResponse refusal) {
      this(weight, refusal, 0);
    }
  }

  /** Admits every request with weight 1; venues with limits override it. */
  protected Admission admit(HttpUrl url, long clockMillis) {
    return new Admission(1, null);
  }

  /** The venue's answer with what its limits add (usage headers); as it is by default. */
  protected MockResponse decorate(MockResponse good, Admission admission) {
    return good;
  }

  /** The venue's answer. */
  protected abstract MockResponse answer(HttpUrl url);

  /** The {@code Date} header for the venue's clock. */
  public String date() {
    return httpDate(clockMillis());
  }

  /** An HTTP date. */
  public static String httpDate(long millis) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
  }

  /** A JSON response with the venue's {@code Date}. */
  protected MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .setHeader("Date", date())
        .body(body)
        .build();
  }

  protected static long longParam(HttpUrl url, String name, long otherwise) {
    String v = url.queryParameter(name);
    return v == null ? otherwise : Long.parseLong(v);
  }
}
