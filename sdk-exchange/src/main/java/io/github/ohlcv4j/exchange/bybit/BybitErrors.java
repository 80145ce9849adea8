package io.github.ohlcv4j.exchange.bybit;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.internal.BodyBuffer;
import io.github.ohlcv4j.exchange.internal.ErrorBodies;
import io.github.ohlcv4j.internal.VenueLimits;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.http.Redact;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Maps Bybit's answers to typed errors and reports its limit headers and bans to the shared venue
 * budget. Bybit signals application errors with HTTP 200 and a non-zero {@code retCode}, and an IP
 * over its request limit with HTTP 403.
 */
final class BybitErrors {
  static final Duration IP_BAN = Duration.ofMinutes(10);

  /** The rolling window Bybit counts the requests of {@code X-Bapi-Limit} in. */
  static final Duration WINDOW = Duration.ofSeconds(1);

  private final String source;
  private final String what;
  private final VenueLimits limits;

  BybitErrors(String source, String what, VenueLimits limits) {
    this.source = source;
    this.what = what;
    this.limits = limits;
  }

  /**
   * Reports {@code X-Bapi-Limit-Status} (requests left) of {@code X-Bapi-Limit}, with the end of
   * the window they are counted in. Bybit counts in a rolling window of one second, and its {@code
   * X-Bapi-Limit-Reset-Timestamp} is the current time unless the limit was hit (then it is when the
   * limit resets). So with requests left, what is used now is used for up to a second from the
   * venue's current time; a report that ended at that current time would be over before the next
   * request and slow nothing down.
   */
  void reportUsage(Response r, Instant serverNow) {
    Long limit = header(r, "X-Bapi-Limit");
    Long left = header(r, "X-Bapi-Limit-Status");
    if (limit == null || left == null) {
      return;
    }
    Long reset = header(r, "X-Bapi-Limit-Reset-Timestamp");
    Instant venueNow = reset != null ? max(Instant.ofEpochMilli(reset), serverNow) : serverNow;
    Instant resetAt = left > 0 ? venueNow.plus(WINDOW) : venueNow;
    limits.reportUsage(BybitSource.RATE_LIMIT_GROUP, Math.max(0, limit - left), limit, resetAt);
  }

  /** The error for a response whose HTTP status is not 200. */
  OhlcvException http(Response r, BodyBuffer.Body body, Instant now) {
    int status = r.code();
    String said = ErrorBodies.snippet(body, 200);
    if (status == 403) {
      Instant until = now.plus(IP_BAN);
      limits.banUntil(BybitSource.RATE_LIMIT_GROUP, until);
      return new RateLimitException(
          source
              + ": HTTP 403 for "
              + what
              + " (\""
              + said
              + "\"): Bybit blocks this IP for sending too many requests (600 per 5 seconds per IP)."
              + " Send nothing to Bybit before "
              + until
              + " (at least 10 minutes); the ban lifts by itself. (Bybit also answers 403 to"
              + " addresses in countries it does not serve.)",
          source,
          IP_BAN,
          "403",
          until,
          null);
    }
    if (status == 429) {
      Duration wait = resetWait(r, now);
      if (wait == null) {
        wait = Http.retryAfter(r, now).orElse(null);
      }
      if (wait != null) {
        limits.pauseUntil(BybitSource.RATE_LIMIT_GROUP, now.plus(wait));
      }
      return new RateLimitException(
          source
              + ": HTTP 429 for "
              + what
              + ": Bybit's system-level frequency protection refused the request"
              + (wait != null ? "; retry after " + wait.toMillis() + " ms" : "; retry later")
              + ".",
          source,
          wait,
          "429");
    }
    Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
    Optional<Long> code = f.flatMap(x -> x.whole("retCode"));
    if (status >= 500) {
      return new SourceUnavailableException(
          source
              + ": HTTP "
              + status
              + " for "
              + what
              + " (\""
              + said
              + "\"): Bybit had a server error, usually temporary.",
          source,
          true,
          Http.retryAfter(r, now).orElse(null),
          code.map(String::valueOf).orElse(Integer.toString(status)),
          null);
    }
    if (code.isPresent() && code.get() != 0) {
      return retCode(r, body, now);
    }
    if (status == 401) {
      return new AuthenticationException(
          source + ": HTTP 401 for " + what + " (\"" + said + "\"); market data needs no key.",
          source,
          "401",
          null);
    }
    if (status == 404) {
      return new SourceUnavailableException(
          source
              + ": HTTP 404 for "
              + what
              + " at "
              + Redact.url(r.request().url().newBuilder().query(null).build())
              + ": no such path. Check the baseUrl (Bybit's is "
              + BybitSource.DEFAULT_BASE_URL
              + ").",
          source,
          false,
          null,
          "404",
          null);
    }
    return new InvalidQueryException(
        source + ": HTTP " + status + " for " + what + ": Bybit refused the request: " + said,
        source,
        Integer.toString(status),
        null);
  }

  /** The error for a body whose {@code retCode} is not 0. */
  OhlcvException retCode(Response r, BodyBuffer.Body body, Instant now) {
    Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
    long code = f.flatMap(x -> x.whole("retCode")).orElse(-1L);
    String raw = f.flatMap(x -> x.text("retMsg")).orElse("");
    String msg = ErrorBodies.quote(raw, body.secrets());
    String said = source + ": Bybit refused " + what + ": retCode " + code + " \"" + msg + "\"";
    String c = Long.toString(code);
    String lower = raw.toLowerCase(Locale.ROOT);
    switch ((int) code) {
      case 10001:
        if (lower.contains("symbol")) {
          return new SymbolNotFoundException(
              said
                  + ". Check the symbol's spelling and category (spot, linear .P, inverse USD .P)"
                  + " in Bybit's instrument list.",
              source,
              c,
              null);
        }
        if (lower.contains("interval")) {
          return new UnsupportedIntervalException(
              said + ". Use one of Bybit's intervals: 1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w 1M.",
              source,
              c,
              null);
        }
        return new InvalidQueryException(
            said + ". The request's parameters were refused; change the query.", source, c, null);
      case 10029:
      case 170121:
        return new SymbolNotFoundException(
            said + ". Check the symbol's spelling and category.", source, c, null);
      case 10003:
      case 10004:
      case 10005:
      case 10007:
      case 10009:
      case 10010:
        return new AuthenticationException(
            said
                + ". Market data needs no key or signature; a proxy in front of Bybit may be adding"
                + " one.",
            source,
            c,
            null);
      case 10006:
      case 10018:
        {
          Instant at = venueNow(f, now);
          Duration wait = resetWait(r, at);
          if (wait != null) {
            limits.pauseUntil(BybitSource.RATE_LIMIT_GROUP, at.plus(wait));
          }
          return new RateLimitException(
              said
                  + ": too many requests"
                  + (wait != null
                      ? "; the limit resets in " + wait.toMillis() + " ms."
                      : "; slow down and retry."),
              source,
              wait,
              c);
        }
      case 10000:
      case 10016:
        return new SourceUnavailableException(
            said + ": a transient server error on Bybit's side.", source, true, null, c, null);
      case 10017:
        return new SourceUnavailableException(
            said
                + ": route not found. Check the baseUrl (Bybit's is "
                + BybitSource.DEFAULT_BASE_URL
                + ").",
            source,
            false,
            null,
            c,
            null);
      default:
        return new SourceUnavailableException(
            said + ". See Bybit's error code list; the request is not retried.",
            source,
            false,
            null,
            c,
            null);
    }
  }

  /**
   * The venue's time in milliseconds from the body's {@code time}, when it is no earlier than the
   * {@code Date} header's (which has whole seconds only) and not a second later; else {@code
   * serverNow}. A wait worked out from {@code Date} would be up to a second too long.
   */
  private static Instant venueNow(Optional<ErrorBodies.Fields> body, Instant serverNow) {
    Optional<Instant> time = body.flatMap(x -> x.whole("time")).map(Instant::ofEpochMilli);
    return time.isPresent()
            && !time.get().isBefore(serverNow)
            && time.get().isBefore(serverNow.plusSeconds(1))
        ? time.get()
        : serverNow;
  }

  /** The wait until {@code X-Bapi-Limit-Reset-Timestamp}, if the header is there. */
  private static @Nullable Duration resetWait(Response r, Instant now) {
    Long reset = header(r, "X-Bapi-Limit-Reset-Timestamp");
    if (reset == null) {
      return null;
    }
    Duration d = Duration.between(now, Instant.ofEpochMilli(reset));
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static @Nullable Long header(Response r, String name) {
    String v = r.header(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
