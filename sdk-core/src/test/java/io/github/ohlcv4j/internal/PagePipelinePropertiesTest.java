package io.github.ohlcv4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.UnexpectedFailureException;
import io.github.ohlcv4j.resilience.CircuitBreakerPolicy;
import io.github.ohlcv4j.resilience.RetryPolicy;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.testing.PropertyCheck;
import io.github.ohlcv4j.testing.ScriptedSource;
import io.github.ohlcv4j.testing.ScriptedSource.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The page pipeline (cursor → guards → window and grid checks → seams → resampling) against pages
 * nobody scripted by hand: for any sequence of pages — rows of other windows, rows outside the
 * query, exact duplicates, rows out of order, pages without a window, faults between pages (retried
 * or not), an {@link Error} — and any page size, {@code fetch} and {@code stream} both return
 * exactly the scripted market's candles for the query, or both fail with the typed error the script
 * leads to. Never a shorter series presented as complete.
 *
 * <p>Each case is a query, a page size and a script of what each request does; the expected outcome
 * is worked out from the script alone (which page each request is for, how many times in a row it
 * failed). Cases come from {@link PropertyCheck}: seeded, smallest first, and a failure names the
 * seed that replays it.
 */
@Timeout(120)
class PagePipelinePropertiesTest {

  private static final Instant ORIGIN = Instant.parse("2023-06-01T00:00:00Z");
  private static final long M = 60_000L;
  private static final int ATTEMPTS = 4;
  private static final int TRIES = 300;
  private static final RetryPolicy RETRY =
      RetryPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(2), ATTEMPTS);

  /** What one request does. */
  enum Kind {
    OK(false, false),
    ROWS_OF_NEXT_WINDOWS(false, false),
    ROWS_OF_EARLIER_WINDOWS(false, false),
    ROWS_OUTSIDE_THE_QUERY(false, false),
    EXACT_DUPLICATES(false, false),
    SHUFFLED(false, false),
    NO_WINDOW(false, false),
    UNAVAILABLE(true, false),
    CUT_SHORT(true, false),
    MALFORMED(false, true),
    OFF_THE_GRID(false, true),
    ERROR(false, true);

    final boolean retryable;
    final boolean fatal;

    Kind(boolean retryable, boolean fatal) {
      this.retryable = retryable;
      this.fatal = fatal;
    }
  }

  /** One request's script: what it does, with the numbers it needs. */
  record Step(Kind kind, int a, int b, long seed) {
    @Override
    public String toString() {
      return kind == Kind.OK ? "ok" : kind.name().toLowerCase() + "(" + a + "," + b + ")";
    }
  }

  /** A query, a page size and a script. */
  record Scenario(
      int startMinute, int minutes, @Nullable Interval resample, int pageSize, List<Step> steps) {

    OhlcvQuery query() {
      Instant from = ORIGIN.plus(Duration.ofMinutes(startMinute));
      OhlcvQuery.Builder b =
          OhlcvQuery.builder()
              .symbol("BTCUSDT")
              .interval(Interval.M1)
              .between(from, from.plus(Duration.ofMinutes(minutes)));
      if (resample != null) {
        b.resample(resample);
      }
      return b.build();
    }

    int pages() {
      return (minutes + pageSize - 1) / pageSize;
    }

    /** The error type the script ends with, or null if every page gets through. */
    @Nullable Class<? extends OhlcvException> expectedFailure() {
      int page = 0;
      int inARow = 0;
      for (Step s : steps) {
        if (page == pages()) {
          return null;
        }
        if (s.kind.fatal) {
          return s.kind == Kind.ERROR
              ? UnexpectedFailureException.class
              : DataFormatException.class;
        }
        if (s.kind.retryable) {
          if (++inARow == ATTEMPTS) {
            return s.kind == Kind.UNAVAILABLE
                ? SourceUnavailableException.class
                : DataFormatException.class;
          }
          continue;
        }
        page++;
        inARow = 0;
      }
      return null; // requests after the script succeed
    }

    @Override
    public String toString() {
      return query() + " pageSize=" + pageSize + " script=" + steps;
    }
  }

  static Scenario scenario(Random r, int size) {
    int minutes = 1 + r.nextInt(Math.max(1, size * 4));
    Interval[] targets = {null, null, Interval.M5, Interval.M15, Interval.H1};
    Interval resample = targets[r.nextInt(targets.length)];
    int start = r.nextInt(10_000);
    if (resample != null) {
      start -= start % (int) (resample.fixedMillis() / M); // a resampled range starts on a bucket
    }
    int pageSize = 1 + r.nextInt(r.nextBoolean() ? 10 : Math.max(1, minutes));
    int pages = (minutes + pageSize - 1) / pageSize;
    List<Step> steps = new ArrayList<>();
    int n = pages + r.nextInt(6);
    for (int i = 0; i < n; i++) {
      steps.add(step(r));
    }
    return new Scenario(start, minutes, resample, pageSize, steps);
  }

  private static Step step(Random r) {
    int p = r.nextInt(100);
    Kind k;
    if (p < 40) {
      k = Kind.OK;
    } else if (p < 48) {
      k = Kind.ROWS_OF_NEXT_WINDOWS;
    } else if (p < 54) {
      k = Kind.ROWS_OF_EARLIER_WINDOWS;
    } else if (p < 60) {
      k = Kind.ROWS_OUTSIDE_THE_QUERY;
    } else if (p < 65) {
      k = Kind.EXACT_DUPLICATES;
    } else if (p < 70) {
      k = Kind.SHUFFLED;
    } else if (p < 76) {
      k = Kind.NO_WINDOW;
    } else if (p < 86) {
      k = Kind.UNAVAILABLE;
    } else if (p < 92) {
      k = Kind.CUT_SHORT;
    } else if (p < 94) {
      k = Kind.MALFORMED;
    } else if (p < 96) {
      k = Kind.OFF_THE_GRID;
    } else if (p < 97) {
      k = Kind.ERROR;
    } else {
      k = Kind.OK;
    }
    return new Step(k, 1 + r.nextInt(3), 1 + r.nextInt(200), r.nextLong());
  }

  /** The outcome that plays {@code step} on the planned page; {@code market} gives any candle. */
  private static Outcome outcome(Step step, Function<long[], CandleSeries> market) {
    return (source, planned) -> {
      switch (step.kind) {
        case UNAVAILABLE:
          return CompletableFuture.failedFuture(
              SourceUnavailableException.retryable(source.name(), "HTTP 503 (scripted)").build());
        case CUT_SHORT:
          return CompletableFuture.failedFuture(
              DataFormatException.retryable(source.name(), "the body was cut short (scripted)")
                  .build());
        case MALFORMED:
          return CompletableFuture.failedFuture(
              DataFormatException.of(source.name(), "malformed row (scripted)").build());
        case ERROR:
          return CompletableFuture.failedFuture(new AssertionError("injected (scripted)"));
        default:
          return CompletableFuture.completedFuture(change(step, planned.get(), market));
      }
    };
  }

  private static Page change(Step step, Page p, Function<long[], CandleSeries> market) {
    long from = p.window().orElseThrow().fromMillis();
    long to = p.window().orElseThrow().toMillis();
    CandleSeries c = p.candles();
    switch (step.kind) {
      case ROWS_OF_NEXT_WINDOWS:
        // rows from up to b minutes after the window: the next pages', or after the query
        return with(p, market.apply(span(to + (step.b - 1) * M, step.a)));
      case ROWS_OF_EARLIER_WINDOWS:
        return with(p, market.apply(span(from - (long) step.b * M, step.a)));
      case ROWS_OUTSIDE_THE_QUERY:
        return with(
            with(p, market.apply(span(from - 10_000L * M, step.a))),
            market.apply(span(to + 10_000L * M, step.a)));
      case EXACT_DUPLICATES:
        {
          int i = step.b % c.size();
          return with(p, c.slice(i, Math.min(c.size(), i + step.a)));
        }
      case SHUFFLED:
        {
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < c.size(); i++) {
            order.add(i);
          }
          Collections.shuffle(order, new Random(step.seed));
          CandleSeries.Builder b =
              CandleSeries.builder(c.symbol(), c.interval()).source(c.source()).synthetic(true);
          for (int i : order) {
            b.add(c.openTimeMillis(i), c.open(i), c.high(i), c.low(i), c.close(i), c.volume(i));
          }
          return new Page(b.build(), p.bytes(), p.serverTime(), p.window());
        }
      case NO_WINDOW:
        return new Page(c, p.bytes(), p.serverTime());
      case OFF_THE_GRID:
        {
          int k = step.b % c.size();
          CandleSeries.Builder b =
              CandleSeries.builder(c.symbol(), c.interval()).source(c.source()).synthetic(true);
          for (int i = 0; i < c.size(); i++) {
            b.add(
                c.openTimeMillis(i) + (i == k ? 1000 : 0),
                c.open(i),
                c.high(i),
                c.low(i),
                c.close(i),
                c.volume(i));
          }
          return new Page(b.build(), p.bytes(), p.serverTime(), p.window());
        }
      default:
        return p;
    }
  }

  private static long[] span(long from, int minutes) {
    return new long[] {from, from + minutes * M};
  }

  private static Page with(Page p, CandleSeries extra) {
    if (extra.isEmpty()) {
      return p;
    }
    return new Page(
        CandleSeries.concat(List.of(p.candles(), extra)), p.bytes(), p.serverTime(), p.window());
  }

  /** A scripted source that plays the scenario. */
  private static ScriptedSource source(Scenario s) {
    ScriptedSource src = ScriptedSource.of("scripted", s.pageSize());
    Function<long[], CandleSeries> market =
        span ->
            src.expected(
                OhlcvQuery.builder()
                    .symbol("BTCUSDT")
                    .interval(Interval.M1)
                    .between(Instant.ofEpochMilli(span[0]), Instant.ofEpochMilli(span[1]))
                    .build());
    return src.then(s.steps().stream().map(step -> outcome(step, market)).toArray(Outcome[]::new));
  }

  private static OhlcvClient client(ScriptedSource s) {
    return OhlcvClient.builder()
        .source(s)
        .retryPolicy(RETRY)
        .circuitBreakerPolicy(CircuitBreakerPolicy.none())
        .build();
  }

  /** What running the query gave: the series, or the error. */
  record Result(@Nullable CandleSeries series, @Nullable OhlcvException error, int requests) {}

  private static Result fetch(Scenario s) {
    ScriptedSource src = source(s);
    try (OhlcvClient c = client(src)) {
      return new Result(c.fetch(s.query()), null, src.requests().size());
    } catch (OhlcvException e) {
      return new Result(null, e, src.requests().size());
    }
  }

  private static Result stream(Scenario s) {
    ScriptedSource src = source(s);
    try (OhlcvClient c = client(src)) {
      List<CandleSeries> parts = c.pages(s.query()).collect(Collectors.toList());
      return new Result(
          parts.isEmpty() ? null : CandleSeries.concat(parts), null, src.requests().size());
    } catch (OhlcvException e) {
      return new Result(null, e, src.requests().size());
    }
  }

  private static void check(Scenario s, Result r, CandleSeries truth, String how) {
    Class<? extends OhlcvException> failure = s.expectedFailure();
    if (failure == null) {
      if (r.error() != null) {
        throw new AssertionError(how + " failed where the script lets it succeed", r.error());
      }
      assertEquals(truth, r.series(), how + ": the truth, every candle");
    } else {
      assertTrue(r.error() != null, how + " must fail with " + failure.getSimpleName());
      assertEquals(failure, r.error().getClass(), how + ": " + r.error());
      assertNotEquals(OhlcvException.class, r.error().getClass());
      assertFalse(r.error().getMessage().isBlank());
    }
  }

  @Test
  void fetchAndStreamReturnTheTruthOrTheTypedErrorTheScriptLeadsTo() {
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<Kind, Integer> requests = new EnumMap<>(Kind.class);
    long[] sent = {0};
    int checked =
        PropertyCheck.of("page pipeline", TRIES)
            .forAll(
                PagePipelinePropertiesTest::scenario,
                s -> {
                  CandleSeries truth = ScriptedSource.of("truth", 100_000).expected(s.query());
                  Result fetched = fetch(s);
                  check(s, fetched, truth, "fetch");
                  Result streamed = stream(s);
                  check(s, streamed, truth, "stream");
                  sent[0] += fetched.requests() + streamed.requests();
                  outcomes.merge(
                      fetched.error() == null
                          ? "truth"
                          : fetched.error().getClass().getSimpleName(),
                      1,
                      Integer::sum);
                  s.steps().forEach(step -> requests.merge(step.kind(), 1, Integer::sum));
                });
    assertEquals(TRIES, checked);
    // The cases must exercise both ends: most succeed despite what the pages carry.
    assertTrue(outcomes.getOrDefault("truth", 0) > TRIES / 3, outcomes.toString());
    System.out.println(
        "PROPERTY page-pipeline cases="
            + checked
            + " outcomes="
            + outcomes
            + " requests_sent="
            + sent[0]
            + " scripted="
            + requests);
  }
}
