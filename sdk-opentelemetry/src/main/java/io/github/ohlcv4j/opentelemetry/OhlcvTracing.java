package io.github.ohlcv4j.opentelemetry;

import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.resilience.CircuitState;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry spans for an {@link io.github.ohlcv4j.OhlcvClient}: install it as the client's
 * event listener.
 *
 * <pre>{@code
 * OhlcvClient client = OhlcvClient.builder()
 *     .source("bybit:linear")
 *     .eventListener(OhlcvTracing.create(openTelemetry))   // or .plus(...) beside another listener
 *     .build();
 * }</pre>
 *
 * <p>Each run of a query ({@code fetch}, {@code fetchAsync}, {@code stream}) is a span named
 * {@value #FETCH_SPAN} (kind {@code INTERNAL}), a child of the span current where the run was
 * started: the caller's, even though its pages are fetched, retried and parsed on other threads
 * (the client's pool, OkHttp's, the timer's) and a stream's pages as it is consumed. Each page
 * request (each attempt) is a child span named {@value #PAGE_SPAN} (kind {@code CLIENT}), from
 * sending to parsed. Retries, rate-limit waits, circuit changes and requests refused before they
 * were sent are events on the fetch span; a failed page or fetch records its error and has status
 * {@code ERROR}. Attribute names are in {@code docs/observability.md}.
 *
 * <p>Uses the OpenTelemetry API only: without an SDK (the application's choice) every span is a
 * no-op. A stream that is never closed nor read to its end leaves its span open. Thread-safe.
 */
public final class OhlcvTracing implements OhlcvEventListener {

  /** The instrumentation scope name: {@value}. */
  public static final String INSTRUMENTATION_NAME = "io.github.ohlcv4j";

  /** The name of the span of a run of a query: {@value}. */
  public static final String FETCH_SPAN = "ohlcv4j.fetch";

  /** The name of the span of one page request: {@value}. */
  public static final String PAGE_SPAN = "ohlcv4j.page";

  /** The run's id, as in the MDC ({@code fetch_id}) and on errors. */
  public static final AttributeKey<String> FETCH_ID = AttributeKey.stringKey("ohlcv4j.fetch.id");

  /** The source's name. */
  public static final AttributeKey<String> SOURCE = AttributeKey.stringKey("ohlcv4j.source");

  /** The symbol, in its full form ({@code BYBIT:BTCUSDT.P}). */
  public static final AttributeKey<String> SYMBOL = AttributeKey.stringKey("ohlcv4j.symbol");

  /** The interval fetched ({@code 1m}). */
  public static final AttributeKey<String> INTERVAL = AttributeKey.stringKey("ohlcv4j.interval");

  /** The page number, from 1. */
  public static final AttributeKey<Long> PAGE = AttributeKey.longKey("ohlcv4j.page");

  /** The attempt at a page, from 1 across retries. */
  public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("ohlcv4j.attempt");

  /** Candles: of a page as received, or of a fetch as answered. */
  public static final AttributeKey<Long> ROWS = AttributeKey.longKey("ohlcv4j.rows");

  /** Bytes of a page's answer. */
  public static final AttributeKey<Long> BYTES = AttributeKey.longKey("ohlcv4j.bytes");

  /** A wait, in milliseconds, on the {@code retry} and {@code rate_limit_wait} events. */
  public static final AttributeKey<Long> WAIT_MS = AttributeKey.longKey("ohlcv4j.wait_ms");

  /** The class of an error, as OpenTelemetry's semantic conventions name it. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final Tracer tracer;
  private final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();

  private OhlcvTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** Tracing through {@code openTelemetry}'s tracer provider. */
  public static OhlcvTracing create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    TracerBuilder builder = openTelemetry.tracerBuilder(INSTRUMENTATION_NAME);
    Package p = OhlcvTracing.class.getPackage();
    String version = p == null ? null : p.getImplementationVersion();
    if (version != null) {
      builder.setInstrumentationVersion(version);
    }
    return new OhlcvTracing(builder.build());
  }

  /** The spans of one run. */
  private static final class Run {
    final Span span;
    final Context context;
    @Nullable Span page;
    int pageNumber;

    Run(Span span) {
      this.span = span;
      this.context = Context.root().with(span);
    }
  }

  @Override
  public void fetchStart(Fetch fetch) {
    Span span =
        tracer
            .spanBuilder(FETCH_SPAN)
            .setSpanKind(SpanKind.INTERNAL)
            .setParent(Context.current()) // the caller's: this runs on the thread that started it
            .setAllAttributes(queryAttributes(fetch).put(FETCH_ID, fetch.id()).build())
            .startSpan();
    runs.put(fetch.id(), new Run(span));
  }

  @Override
  public void pageStart(Fetch fetch, int page, int attempt) {
    Run run = runs.get(fetch.id());
    if (run == null) {
      return;
    }
    Span span =
        tracer
            .spanBuilder(PAGE_SPAN)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(run.context)
            .setAllAttributes(queryAttributes(fetch).put(PAGE, page).put(ATTEMPT, attempt).build())
            .startSpan();
    synchronized (run) {
      endPage(run); // not expected: one request of a run at a time
      run.page = span;
      run.pageNumber = page;
    }
  }

  @Override
  public void pageEnd(Fetch fetch, int page, int rows, long bytes, Duration duration) {
    Run run = runs.get(fetch.id());
    if (run == null) {
      return;
    }
    synchronized (run) {
      Span span = run.page;
      if (span != null) {
        span.setAttribute(ROWS, rows);
        span.setAttribute(BYTES, bytes);
        span.end();
        run.page = null;
      }
    }
  }

  @Override
  public void pageFailed(Fetch fetch, int page, OhlcvException error, Duration duration) {
    Run run = runs.get(fetch.id());
    if (run == null) {
      return;
    }
    synchronized (run) {
      Span span = run.page;
      if (span != null && run.pageNumber == page) {
        failed(span, error);
        span.end();
        run.page = null;
        return;
      }
    }
    // Refused before it was sent (open circuit, rate budget): no request, so no span.
    run.span.addEvent(
        "request_refused", Attributes.of(PAGE, (long) page, ERROR_TYPE, errorType(error)));
  }

  @Override
  public void retry(Fetch fetch, int attempt, OhlcvException cause, Duration wait) {
    Run run = runs.get(fetch.id());
    if (run != null) {
      run.span.addEvent(
          "retry",
          Attributes.of(
              ATTEMPT, (long) attempt, WAIT_MS, wait.toMillis(), ERROR_TYPE, errorType(cause)));
    }
  }

  @Override
  public void rateLimitWait(Fetch fetch, Duration wait) {
    Run run = runs.get(fetch.id());
    if (run != null) {
      run.span.addEvent("rate_limit_wait", Attributes.of(WAIT_MS, wait.toMillis()));
    }
  }

  @Override
  public void circuitStateChanged(
      String source, CircuitState from, CircuitState to, Optional<Fetch> fetch) {
    fetch
        .map(f -> runs.get(f.id()))
        .ifPresent(
            run ->
                run.span.addEvent(
                    "circuit_state_changed",
                    Attributes.of(
                        AttributeKey.stringKey("ohlcv4j.circuit.from"),
                        from.name(),
                        AttributeKey.stringKey("ohlcv4j.circuit.to"),
                        to.name())));
  }

  @Override
  public void fetchEnd(Fetch fetch, int rows, Duration duration) {
    Run run = runs.remove(fetch.id());
    if (run != null) {
      synchronized (run) {
        endPage(run);
      }
      run.span.setAttribute(ROWS, rows);
      run.span.end();
    }
  }

  @Override
  public void fetchFailed(Fetch fetch, OhlcvException error, Duration duration) {
    Run run = runs.remove(fetch.id());
    if (run != null) {
      synchronized (run) {
        Span page = run.page;
        if (page != null) { // cancelled or closed while a request was in flight
          failed(page, error);
          page.end();
          run.page = null;
        }
      }
      failed(run.span, error);
      run.span.end();
    }
  }

  private static void endPage(Run run) {
    Span page = run.page;
    if (page != null) {
      page.end();
      run.page = null;
    }
  }

  private static void failed(Span span, OhlcvException error) {
    span.recordException(error);
    span.setAttribute(ERROR_TYPE, errorType(error));
    span.setStatus(StatusCode.ERROR, firstLine(error.getMessage()));
  }

  private static AttributesBuilder queryAttributes(Fetch fetch) {
    return Attributes.builder()
        .put(SOURCE, fetch.source())
        .put(SYMBOL, fetch.query().symbol().toString())
        .put(INTERVAL, fetch.query().interval().toString());
  }

  /** The error's nearest public class name (the tree under {@link OhlcvException}). */
  static String errorType(Throwable e) {
    Class<?> c = e.getClass();
    while (c.getSuperclass() != null && c.getName().contains(".internal.")) {
      c = c.getSuperclass();
    }
    return c.getName();
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public String toString() {
    return "OhlcvTracing{runs in flight=" + runs.size() + "}";
  }
}
