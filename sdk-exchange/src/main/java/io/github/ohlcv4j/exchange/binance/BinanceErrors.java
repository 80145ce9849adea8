package io.github.ohlcv4j.exchange.binance;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Maps Binance's answers to typed errors ({@code {"code":-1121,"msg":"Invalid symbol."}} with an
 * HTTP 4xx) and reports its weight header and bans to the shared venue budget.
 */
final class BinanceErrors {
  private static final Pattern BANNED_UNTIL = Pattern.compile("banned until (\\d{10,16})");

  private final String source;
  private final String what;
  private final VenueLimits limits;
  private final String group;
  private final int weightLimit;

  BinanceErrors(String source, String what, VenueLimits limits, String group, int weightLimit) {
    this.source = source;
    this.what = what;
    this.limits = limits;
    this.group = group;
    this.weightLimit = weightLimit;
  }

  /** Reports {@code X-MBX-USED-WEIGHT-1M}: the weight used in the current minute. */
  void reportUsage(Response r, Instant serverNow) {
    String v = r.header("X-MBX-USED-WEIGHT-1M");
    if (v == null) {
      return;
    }
    long used;
    try {
      used = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return;
    }
    long ms = serverNow.toEpochMilli();
    Instant nextMinute = Instant.ofEpochMilli(ms - Math.floorMod(ms, 60_000L) + 60_000L);
    limits.reportUsage(group, used, weightLimit, nextMinute);
  }

  /** The error for a response that is not a klines array: an HTTP error or an error object. */
  OhlcvException http(Response r, BodyBuffer.Body body, Instant now) {
    int status = r.code();
    Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
    Long code = f.flatMap(x -> x.whole("code")).orElse(null);
    String raw = f.flatMap(x -> x.text("msg")).orElse(null);
    String msg =
        raw != null ? ErrorBodies.quote(raw, body.secrets()) : ErrorBodies.snippet(body, 200);
    String venueCode = code != null ? code.toString() : Integer.toString(status);
    String said =
        source
            + ": Binance refused "
            + what
            + " (HTTP "
            + status
            + (code != null ? ", code " + code : "")
            + ": \""
            + msg
            + "\")";
    Duration retryAfter = Http.retryAfter(r, now).orElse(null);
    if (status == 418) {
      Instant until = raw != null ? bannedUntil(raw) : null;
      if (until == null) {
        until = now.plus(retryAfter != null ? retryAfter : Duration.ofMinutes(2));
      }
      Duration wait = retryAfter != null ? retryAfter : Duration.between(now, until);
      if (wait.isNegative()) {
        wait = Duration.ZERO;
      }
      limits.banUntil(group, until);
      return new RateLimitException(
          said
              + ": this IP is banned until "
              + until
              + " for going on after HTTP 429s. Send nothing to Binance before then; bans grow"
              + " from 2 minutes to 3 days.",
          source,
          wait,
          venueCode,
          until,
          null);
    }
    if (status == 429 || (code != null && code == -1003)) {
      Duration wait = retryAfter;
      if (wait == null) {
        long ms = now.toEpochMilli();
        wait = Duration.ofMillis(60_000L - Math.floorMod(ms, 60_000L)); // the next weight minute
      }
      limits.pauseUntil(group, now.plus(wait));
      return new RateLimitException(
          said
              + ": too much request weight. Wait "
              + wait.toSeconds()
              + " s before the next request; going on risks an IP ban (HTTP 418).",
          source,
          wait,
          venueCode);
    }
    if (status == 403) {
      return new SourceUnavailableException(
          said
              + ": Binance's web application firewall blocked the request. Slow down, and check"
              + " that nothing in front of the client alters requests.",
          source,
          false,
          retryAfter,
          venueCode,
          null);
    }
    if (status == 451) {
      return new SourceUnavailableException(
          said + ": Binance does not serve this location.", source, false, null, venueCode, null);
    }
    if (status >= 500) {
      return new SourceUnavailableException(
          said + ": a server error on Binance's side, usually temporary.",
          source,
          true,
          retryAfter,
          venueCode,
          null);
    }
    if (status == 404 && code == null) {
      return new SourceUnavailableException(
          said + ": no such path. Check the baseUrl.", source, false, null, venueCode, null);
    }
    if (code != null) {
      switch (code.intValue()) {
        case -1121:
          return new SymbolNotFoundException(
              said
                  + ". Check the symbol's spelling and market: spot symbols go to binance:spot,"
                  + " perpetuals (.P) to binance:usdm.",
              source,
              venueCode,
              null);
        case -1120:
          return new UnsupportedIntervalException(
              said
                  + ". Use one of Binance's intervals (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 1w"
                  + " 1M; 1s on spot).",
              source,
              venueCode,
              null);
        case -1000:
        case -1001:
        case -1006:
        case -1007:
        case -1008:
          return new SourceUnavailableException(
              said + ": a transient error on Binance's side.",
              source,
              true,
              retryAfter,
              venueCode,
              null);
        case -1002:
        case -1022:
        case -2014:
        case -2015:
          return new AuthenticationException(
              said + ". Market data needs no key; something in front of the client adds one.",
              source,
              venueCode,
              null);
        default:
          break;
      }
    }
    return new InvalidQueryException(
        said + ". The request was refused; change the query.", source, venueCode, null);
  }

  private static @Nullable Instant bannedUntil(String msg) {
    Matcher m = BANNED_UNTIL.matcher(msg);
    if (!m.find()) {
      return null;
    }
    return Instant.ofEpochMilli(Long.parseLong(m.group(1)));
  }
}
