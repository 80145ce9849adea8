package io.github.ohlcv4j.exchange.polygon;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.exchange.internal.BodyBuffer;
import io.github.ohlcv4j.exchange.internal.ErrorBodies;
import io.github.ohlcv4j.internal.VenueLimits;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.http.Redact;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import okhttp3.Response;

/**
 * Maps Polygon's answers to typed errors. Polygon's error objects carry {@code status} {@code
 * ERROR} with the text in {@code error}, or {@code NOT_AUTHORIZED} with the text in {@code
 * message}. Every text that goes into a message passes through {@link Redact}, so the API key never
 * shows, even if the venue or a proxy echoes it.
 */
final class PolygonErrors {
  private final String what;
  private final String key;
  private final VenueLimits limits;

  PolygonErrors(String what, String key, VenueLimits limits) {
    this.what = what;
    this.key = key;
    this.limits = limits;
  }

  /** The error for a response whose HTTP status is not 200. */
  OhlcvException http(Response r, BodyBuffer.Body body, Instant now) {
    Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
    String status = f.flatMap(x -> x.text("status")).orElse("");
    String text =
        f.flatMap(x -> x.text("error"))
            .or(() -> f.flatMap(x -> x.text("message")))
            .orElseGet(() -> ErrorBodies.snippet(body, 200));
    return map(r.code(), r, status, text, now);
  }

  /** The error for an HTTP 200 body whose status is {@code ERROR} or {@code NOT_AUTHORIZED}. */
  OhlcvException status(Response r, String status, String text, Instant now) {
    return map(r.code(), r, status, text, now);
  }

  /** The same error with anything that looks like the key masked. */
  DataFormatException redacted(DataFormatException e) {
    String m = String.valueOf(e.getMessage());
    String clean = Redact.text(m, key);
    if (clean.equals(m)) {
      return e;
    }
    return new DataFormatException(
        clean, "polygon", e.isRetryable(), null, e.venueCode().orElse(null), null);
  }

  private OhlcvException map(int http, Response r, String status, String text, Instant now) {
    List<String> secrets = new ArrayList<>(Redact.secrets(r.request()));
    secrets.addAll(Redact.forms(List.of(key)));
    String clean = ErrorBodies.quote(text, secrets);
    String said =
        "polygon: Polygon refused "
            + what
            + " (HTTP "
            + http
            + (status.isEmpty() ? "" : ", " + status)
            + ": \""
            + clean
            + "\")";
    String code = status.isEmpty() ? Integer.toString(http) : status;
    String lower = text.toLowerCase(Locale.ROOT);
    if (http == 429 || lower.contains("exceeded the maximum requests")) {
      Duration wait = Http.retryAfter(r, now).orElse(null);
      if (wait == null) {
        long ms = now.toEpochMilli();
        wait = Duration.ofMillis(60_000L - Math.floorMod(ms, 60_000L)); // the next minute
      }
      limits.pauseUntil(PolygonSource.RATE_LIMIT_GROUP, now.plus(wait));
      return new RateLimitException(
          said
              + ": too many requests for the plan (the free plan allows 5 a minute). Waiting "
              + wait.toSeconds()
              + " s.",
          "polygon",
          wait,
          code);
    }
    if (status.equalsIgnoreCase("NOT_AUTHORIZED") || http == 403) {
      return new AuthenticationException(
          said
              + ": the API key's plan does not include this data. Upgrade the plan or ask for"
              + " data it covers (e.g. an older range or a coarser interval).",
          "polygon",
          code,
          null);
    }
    if (http == 401 || lower.contains("api key")) {
      return new AuthenticationException(
          said + ": check the API key (" + PolygonSource.API_KEY_SETTING + ").",
          "polygon",
          code,
          null);
    }
    if (http >= 500) {
      return new SourceUnavailableException(
          said + ": a server error on Polygon's side, usually temporary.",
          "polygon",
          true,
          Http.retryAfter(r, now).orElse(null),
          code,
          null);
    }
    if (http == 404) {
      return new SourceUnavailableException(
          said
              + ": no such path. Check the baseUrl (Polygon's is "
              + PolygonSource.DEFAULT_BASE_URL
              + ").",
          "polygon",
          false,
          null,
          code,
          null);
    }
    return new InvalidQueryException(
        said + ". Polygon refused the request as asked; change the query.", "polygon", code, null);
  }
}
