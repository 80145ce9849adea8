package io.github.ohlcv4j.exchange.polygon;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.exchange.internal.ErrorBodies;
import io.github.ohlcv4j.source.http.BodyBuffer;
import io.github.ohlcv4j.source.http.HttpErrors;
import io.github.ohlcv4j.source.http.Redact;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Polygon's own answers, on top of the statuses every venue shares ({@link HttpErrors}). Polygon's
 * error objects carry {@code status} {@code ERROR} with the text in {@code error}, or {@code
 * NOT_AUTHORIZED} with the text in {@code message}; an {@code ERROR} can also come with HTTP 200.
 * Every text that goes into a message passes through {@link Redact}, so the API key never shows,
 * even if the venue or a proxy echoes it.
 */
final class PolygonErrors extends HttpErrors {
  private final String key;

  PolygonErrors(PolygonSource source, String what, String key) {
    super(source, what);
    this.key = key;
  }

  /** The {@code status} and the {@code error} (or {@code message}) of Polygon's error object. */
  @Override
  protected ErrorBody errorBody(BodyBuffer.Body body) {
    Optional<ErrorBodies.Fields> f = ErrorBodies.read(body.bytes(), body.length());
    return new ErrorBody(
        f.flatMap(x -> x.text("status")).filter(s -> !s.isEmpty()),
        f.flatMap(x -> x.text("error")).or(() -> f.flatMap(x -> x.text("message"))));
  }

  /** The same error with anything that looks like the key masked. */
  DataFormatException redacted(DataFormatException e) {
    String m = String.valueOf(e.getMessage());
    String clean = Redact.text(m, key);
    if (clean.equals(m)) {
      return e;
    }
    OhlcvException.Builder<DataFormatException> b =
        e.isRetryable()
            ? DataFormatException.retryable(source(), clean)
            : DataFormatException.of(source(), clean);
    e.venueCode().ifPresent(b::venueCode);
    return b.build();
  }

  @Override
  protected @Nullable OhlcvException venue(Failure f) {
    int http = f.status();
    String status = f.code().orElse("");
    String lower = f.message().orElse("").toLowerCase(Locale.ROOT);
    if (http == 429 || lower.contains("exceeded the maximum requests")) {
      return rateLimited(f, rateLimitWait(f));
    }
    boolean plan = status.equalsIgnoreCase("NOT_AUTHORIZED") || http == 403;
    if (plan || http == 401 || lower.contains("api key")) {
      return refused(
          AuthenticationException::of,
          f,
          plan
              ? ": the API key's plan does not include this data. Upgrade the plan or ask for data"
                  + " it covers (e.g. an older range or a coarser interval)."
              : ": check the API key (" + PolygonSource.API_KEY_SETTING + ").");
    }
    return null;
  }

  /** {@code Retry-After}, else the rest of the minute (Polygon's plans count per minute). */
  @Override
  protected Optional<Duration> rateLimitWait(Failure f) {
    Optional<Duration> after = f.retryAfter();
    if (after.isPresent()) {
      return after;
    }
    long ms = f.now().toEpochMilli();
    return Optional.of(Duration.ofMillis(60_000L - Math.floorMod(ms, 60_000L)));
  }

  @Override
  protected String rateLimitAdvice() {
    return " The free plan allows 5 requests a minute.";
  }
}
