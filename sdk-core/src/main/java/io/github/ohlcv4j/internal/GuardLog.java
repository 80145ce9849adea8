package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.OhlcvQuery;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logging for the resilience guards: one logger ({@code io.github.ohlcv4j.resilience}), so an
 * application can tune retry and circuit messages on their own, and the query's fields in the MDC
 * ({@code source}, {@code symbol}, {@code interval}, {@code duration_ms}) as well as in the
 * message. Messages hold error messages only, which are redacted where they are made; never request
 * headers.
 */
final class GuardLog {
  static final Logger LOG = LoggerFactory.getLogger("io.github.ohlcv4j.resilience");

  private GuardLog() {}

  /** Runs {@code r} with the query's fields in the MDC, restoring what was there before. */
  static void withMdc(String source, @Nullable OhlcvQuery query, long durationMs, Runnable r) {
    Map<String, @Nullable String> before = new HashMap<>();
    put(before, "source", source);
    if (query != null) {
      put(before, "symbol", query.symbol().toString());
      put(before, "interval", query.interval().toString());
    }
    put(before, "duration_ms", Long.toString(durationMs));
    try {
      r.run();
    } finally {
      for (Map.Entry<String, @Nullable String> e : before.entrySet()) {
        if (e.getValue() == null) {
          MDC.remove(e.getKey());
        } else {
          MDC.put(e.getKey(), e.getValue());
        }
      }
    }
  }

  private static void put(Map<String, @Nullable String> before, String key, String value) {
    before.put(key, MDC.get(key));
    MDC.put(key, value);
  }

  /** The first line of a message, for one-line logs; empty for null. */
  static String firstLine(@Nullable String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The symbol of a query for a message, or {@code "-"}. */
  static String symbol(@Nullable OhlcvQuery query) {
    return query == null ? "-" : query.symbol().toString();
  }

  /** The interval of a query for a message, or {@code "-"}. */
  static String interval(@Nullable OhlcvQuery query) {
    return query == null ? "-" : query.interval().toString();
  }
}
