package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvEventListener.Fetch;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One run of a query as the engine and the guards carry it: its {@link Fetch} (id, query, source)
 * for events, and the MDC its log lines carry on whatever thread they run: the MDC of the thread
 * that started the run (an application's own request id or trace id included) plus {@link
 * Fetch#MDC_KEY}. Every step of a run that may log runs inside {@link #run}: the executor's steps,
 * timer callbacks, and the completion of each request ({@link #relay}).
 */
public final class FetchContext {

  private static final String PREFIX = prefix();
  private static final AtomicLong COUNTER = new AtomicLong();
  private static volatile @Nullable BiConsumer<OhlcvException, String> tagger;

  private final Fetch fetch;
  private final Map<String, String> mdc;
  private volatile @Nullable OhlcvException lastFailure;

  private FetchContext(Fetch fetch, Map<String, String> mdc) {
    this.fetch = fetch;
    this.mdc = mdc;
  }

  /** A new run of {@code query} on {@code source}, with the calling thread's MDC. */
  public static FetchContext start(OhlcvQuery query, String source) {
    Fetch fetch = new Fetch(nextId(), query, source);
    Map<String, String> captured = MDC.getCopyOfContextMap();
    Map<String, String> mdc = captured == null ? new HashMap<>() : new HashMap<>(captured);
    mdc.put(Fetch.MDC_KEY, fetch.id());
    return new FetchContext(fetch, Map.copyOf(mdc));
  }

  /** A new id: the JVM's random prefix, a dash and a counter, in base 36. */
  public static String nextId() {
    return PREFIX + "-" + Long.toString(COUNTER.incrementAndGet(), 36);
  }

  private static String prefix() {
    long r = new SecureRandom().nextLong() & Long.MAX_VALUE;
    String s = Long.toString(r % (36L * 36 * 36 * 36 * 36), 36);
    return "0".repeat(5 - s.length()) + s.toLowerCase(Locale.ROOT);
  }

  /** The run as events name it. */
  public Fetch fetch() {
    return fetch;
  }

  /** The run's id. */
  public String id() {
    return fetch.id();
  }

  /** The query. */
  public OhlcvQuery query() {
    return fetch.query();
  }

  /** The source's name. */
  public String source() {
    return fetch.source();
  }

  /** Runs {@code r} with the run's MDC, then puts back the thread's own. */
  public void run(Runnable r) {
    Map<String, String> before = MDC.getCopyOfContextMap();
    MDC.setContextMap(mdc);
    try {
      r.run();
    } finally {
      if (before == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(before);
      }
    }
  }

  /** {@code r}, to run later with the run's MDC. */
  public Runnable wrap(Runnable r) {
    Objects.requireNonNull(r, "r");
    return () -> run(r);
  }

  /**
   * A future that completes as {@code f} does, within the run's MDC, so that whatever depends on it
   * (the guards, the engine) logs with the run's fields on the thread that completed {@code f};
   * cancelling it cancels {@code f}.
   */
  public <T> CompletableFuture<T> relay(CompletableFuture<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    out.whenComplete(
        (v, e) -> {
          if (out.isCancelled()) {
            f.cancel(true);
          }
        });
    f.whenComplete(
        (v, e) ->
            run(
                () -> {
                  if (e == null) {
                    out.complete(v);
                  } else {
                    out.completeExceptionally(e);
                  }
                }));
    return out;
  }

  /**
   * Notes that an attempt of this run failed with {@code e} (a retry may follow), so that an error
   * ending the run later (its deadline) can say what went wrong last.
   */
  public void attemptFailed(OhlcvException e) {
    lastFailure = Objects.requireNonNull(e, "e");
  }

  /** The error the last failed attempt of this run ended with, if one failed. */
  public Optional<OhlcvException> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * Marks {@code e} as the error that ended this run ({@link OhlcvException#fetchId()}), unless it
   * already names one.
   */
  public void tag(OhlcvException e) {
    BiConsumer<OhlcvException, String> t = tagger;
    if (t != null) {
      t.accept(e, fetch.id());
    }
  }

  /**
   * Installs what sets an error's fetch id; called once by {@link OhlcvException}'s initializer,
   * which keeps the setter out of the public API.
   */
  public static void tagger(BiConsumer<OhlcvException, String> setter) {
    if (tagger == null) {
      tagger = Objects.requireNonNull(setter, "setter");
    }
  }

  @Override
  public String toString() {
    return "fetch " + fetch.id() + " of " + fetch.query() + " on " + fetch.source();
  }
}
