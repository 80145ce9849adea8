package io.github.ohlcv4j.exchange.binance;

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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Binance's own answers ({@code {"code":-1121,"msg":"Invalid symbol."}} with an HTTP 4xx), on top
 * of the statuses every venue shares ({@link HttpErrors}), and its weight header.
 */
final class BinanceErrors extends HttpErrors {
  private static final Pattern BANNED_UNTIL = Pattern.compile("banned until (\\d{10,16})");

  private final int weightLimit;

  BinanceErrors(BinanceSource source, String what) {
    super(source, what);
    this.weightLimit = source.weightLimit();
  }

  /** Reports {@code X-MBX-USED-WEIGHT-1M}: the weight used in the current minute. */
  @Override
  public void reportUsage(Response r, Instant serverNow) {
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
    limits().reportUsage(group(), used, weightLimit, nextMinute(serverNow));
  }

  /** The {@code code} and {@code msg} of Binance's error object. */
  @Override
  protected ErrorBody errorBody(BodyBuffer.Body body) {
    Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
    return new ErrorBody(
        f.flatMap(x -> x.whole("code")).map(String::valueOf), f.flatMap(x -> x.text("msg")));
  }

  @Override
  protected @Nullable OhlcvException venue(Failure f) {
    int status = f.status();
    if (status == 418) {
      Instant until = f.message().map(BinanceErrors::bannedUntil).orElse(null);
      Optional<Duration> retryAfter = f.retryAfter();
      if (until == null) {
        until = f.now().plus(retryAfter.orElse(Duration.ofMinutes(2)));
      }
      return banned(
          f,
          until,
          retryAfter.orElse(Duration.between(f.now(), until)),
          ": this IP is banned until "
              + until
              + " for going on after HTTP 429s. Send nothing to Binance before then; bans grow"
              + " from 2 minutes to 3 days.");
    }
    if (f.code().equals(Optional.of("-1003"))) {
      return rateLimited(f, rateLimitWait(f));
    }
    if (status == 403) {
      return SourceUnavailableException.permanent(
              source(),
              f.said()
                  + ": Binance's web application firewall blocked the request. Slow down, and"
                  + " check that nothing in front of the client alters requests.")
          .retryAfter(f.retryAfter())
          .venueCode(f.venueCode())
          .build();
    }
    if (status == 451) {
      return refused(
          SourceUnavailableException::permanent, f, ": Binance does not serve this location.");
    }
    if (status >= 500 || status == 429 || f.code().isEmpty()) {
      return null;
    }
    return code(f);
  }

  private OhlcvException code(Failure f) {
    switch (f.venueCode()) {
      case "-1121":
        return refused(
            SymbolNotFoundException::of,
            f,
            ". Check the symbol's spelling and market: spot symbols go to binance:spot, perpetuals"
                + " (.P) to binance:usdm.");
      case "-1120":
        return refused(
            UnsupportedIntervalException::of,
            f,
            ". Use one of Binance's intervals (1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 1w 1M; 1s on"
                + " spot).");
      case "-1000":
      case "-1001":
      case "-1006":
      case "-1007":
      case "-1008":
        return unavailable(f, ": a transient error on Binance's side.");
      case "-1002":
      case "-1022":
      case "-2014":
      case "-2015":
        return refused(
            AuthenticationException::of,
            f,
            ". Market data needs no key; something in front of the client adds one.");
      default:
        return refused(
            InvalidQueryException::of, f, ". The request was refused; change the query.");
    }
  }

  /** {@code Retry-After}, else the rest of the weight minute. */
  @Override
  protected Optional<Duration> rateLimitWait(Failure f) {
    Optional<Duration> after = f.retryAfter();
    return after.isPresent() ? after : Optional.of(Duration.between(f.now(), nextMinute(f.now())));
  }

  @Override
  protected String rateLimitAdvice() {
    return " Going on risks an IP ban (HTTP 418).";
  }

  /** The start of the minute after {@code now}: when Binance's weight count starts again. */
  private static Instant nextMinute(Instant now) {
    long ms = now.toEpochMilli();
    return Instant.ofEpochMilli(ms - Math.floorMod(ms, 60_000L) + 60_000L);
  }

  private static @Nullable Instant bannedUntil(String msg) {
    Matcher m = BANNED_UNTIL.matcher(msg);
    if (!m.find()) {
      return null;
    }
    return Instant.ofEpochMilli(Long.parseLong(m.group(1)));
  }
}
