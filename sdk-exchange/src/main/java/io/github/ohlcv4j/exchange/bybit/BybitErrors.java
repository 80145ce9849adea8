package io.github.ohlcv4j.exchange.bybit;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.exchange.internal.ErrorBodies;
import io.github.ohlcv4j.source.http.BodyBuffer;
import io.github.ohlcv4j.source.http.HttpErrors;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Bybit's own answers, on top of the statuses every venue shares ({@link HttpErrors}): Bybit
 * signals application errors with HTTP 200 and a non-zero {@code retCode}, an IP over its request
 * limit with HTTP 403, and its limits in {@code X-Bapi-Limit*} headers.
 */
final class BybitErrors extends HttpErrors {
  static final Duration IP_BAN = Duration.ofMinutes(10);

  /** The rolling window Bybit counts the requests of {@code X-Bapi-Limit} in. */
  static final Duration WINDOW = Duration.ofSeconds(1);

  BybitErrors(BybitSource source, String what) {
    super(source, what);
  }

  /**
   * Reports {@code X-Bapi-Limit-Status} (requests left) of {@code X-Bapi-Limit}, with the end of
   * the window they are counted in. Bybit counts in a rolling window of one second, and its {@code
   * X-Bapi-Limit-Reset-Timestamp} is the current time unless the limit was hit (then it is when the
   * limit resets). So with requests left, what is used now is used for up to a second from the
   * venue's current time; a report that ended at that current time would be over before the next
   * request and slow nothing down.
   */
  @Override
  public void reportUsage(Response r, Instant serverNow) {
    Long limit = header(r, "X-Bapi-Limit");
    Long left = header(r, "X-Bapi-Limit-Status");
    if (limit == null || left == null) {
      return;
    }
    Long reset = header(r, "X-Bapi-Limit-Reset-Timestamp");
    Instant venueNow = reset != null ? max(Instant.ofEpochMilli(reset), serverNow) : serverNow;
    Instant resetAt = left > 0 ? venueNow.plus(WINDOW) : venueNow;
    limits().reportUsage(group(), Math.max(0, limit - left), limit, resetAt);
  }

  /** The {@code retCode} (when not 0) and {@code retMsg} of Bybit's envelope. */
  @Override
  protected ErrorBody errorBody(BodyBuffer.Body body) {
    Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
    return new ErrorBody(
        f.flatMap(x -> x.whole("retCode")).filter(c -> c != 0).map(String::valueOf),
        f.flatMap(x -> x.text("retMsg")));
  }

  @Override
  protected @Nullable OhlcvException venue(Failure f) {
    if (f.status() == 403) {
      Instant until = f.now().plus(IP_BAN);
      return banned(
          f,
          until,
          IP_BAN,
          ": Bybit blocks this IP for sending too many requests (600 per 5 seconds per IP)."
              + " Send nothing to Bybit before "
              + until
              + " (at least 10 minutes); the ban lifts by itself. (Bybit also answers 403 to"
              + " addresses in countries it does not serve.)");
    }
    if (f.status() >= 500 || f.status() == 429 || f.code().isEmpty()) {
      return null;
    }
    return retCode(f);
  }

  private OhlcvException retCode(Failure f) {
    String lower = f.message().orElse("").toLowerCase(Locale.ROOT);
    switch (Integer.parseInt(f.venueCode())) {
      case 10001:
        if (lower.contains("symbol")) {
          return refused(
              SymbolNotFoundException::of,
              f,
              ". Check the symbol's spelling and category (spot, linear .P, inverse USD .P) in"
                  + " Bybit's instrument list.");
        }
        return lower.contains("interval")
            ? refused(
                UnsupportedIntervalException::of,
                f,
                ". Use one of Bybit's intervals: 1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w 1M.")
            : refused(
                InvalidQueryException::of,
                f,
                ". The request's parameters were refused; change the query.");
      case 10029:
      case 170121:
        return refused(
            SymbolNotFoundException::of, f, ". Check the symbol's spelling and category.");
      case 10003:
      case 10004:
      case 10005:
      case 10007:
      case 10009:
      case 10010:
        return refused(
            AuthenticationException::of,
            f,
            ". Market data needs no key or signature; a proxy in front of Bybit may be adding"
                + " one.");
      case 10006:
      case 10018:
        Instant at = venueNow(f);
        return rateLimited(f, at, resetWait(f.response(), at));
      case 10000:
      case 10016:
        return unavailable(f, ": a transient server error on Bybit's side.");
      case 10017:
        return refused(
            SourceUnavailableException::permanent,
            f,
            ": route not found. Check the baseUrl (Bybit's is "
                + BybitSource.DEFAULT_BASE_URL
                + ").");
      default:
        return refused(
            SourceUnavailableException::permanent,
            f,
            ". See Bybit's error code list; the request is not retried.");
    }
  }

  /**
   * The wait until {@code X-Bapi-Limit-Reset-Timestamp}, else {@code Retry-After}; the limit resets
   * at the former.
   */
  @Override
  protected Optional<Duration> rateLimitWait(Failure f) {
    Optional<Duration> reset = resetWait(f.response(), f.now());
    return reset.isPresent() ? reset : f.retryAfter();
  }

  @Override
  protected String authAdvice() {
    return "market data needs no key.";
  }

  @Override
  protected String rateLimitAdvice() {
    return " Bybit's frequency protection refused the request.";
  }

  /**
   * The venue's time in milliseconds from the body's {@code time}, when it is no earlier than the
   * {@code Date} header's (which has whole seconds only) and not a second later; else the failure's
   * clock. A wait worked out from {@code Date} would be up to a second too long.
   */
  private static Instant venueNow(Failure f) {
    Instant serverNow = f.now();
    Optional<Instant> time =
        ErrorBodies.read(f.body().bytes(), f.body().length())
            .flatMap(x -> x.whole("time"))
            .map(Instant::ofEpochMilli);
    return time.isPresent()
            && !time.get().isBefore(serverNow)
            && time.get().isBefore(serverNow.plusSeconds(1))
        ? time.get()
        : serverNow;
  }

  /** The wait until {@code X-Bapi-Limit-Reset-Timestamp}, if the header is there. */
  private static Optional<Duration> resetWait(Response r, Instant now) {
    Long reset = header(r, "X-Bapi-Limit-Reset-Timestamp");
    if (reset == null) {
      return Optional.empty();
    }
    Duration d = Duration.between(now, Instant.ofEpochMilli(reset));
    return Optional.of(d.isNegative() ? Duration.ZERO : d);
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
