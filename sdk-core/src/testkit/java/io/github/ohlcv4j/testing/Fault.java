package io.github.ohlcv4j.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;

/**
 * A way for a server to fail, applied to the good response it would have sent: the fault matrix.
 * Format-neutral, so a source module can run the same faults against its own venue's responses
 * (wrap its good responses in a {@link FakeVenue}-style dispatcher and apply these).
 *
 * @param name a short name for reports
 * @param apply turns the good response into the faulty one
 */
public record Fault(String name, UnaryOperator<MockResponse> apply) {

  /** Validates. */
  public Fault {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(apply, "apply");
  }

  /** The faulty response instead of {@code good}. */
  public MockResponse applyTo(MockResponse good) {
    return apply.apply(good);
  }

  /** No fault: the good response. */
  public static Fault none() {
    return new Fault("none", r -> r);
  }

  /** HTTP 429 with {@code Retry-After: seconds}. */
  public static Fault tooManyRequests(int retryAfterSeconds) {
    return new Fault(
        "429 Retry-After " + retryAfterSeconds,
        r ->
            new MockResponse.Builder()
                .code(429)
                .setHeader("Retry-After", retryAfterSeconds)
                .setHeader("Content-Type", "text/plain")
                .body("Too many requests; retry after " + retryAfterSeconds + " s")
                .build());
  }

  /** HTTP 418: the client is banned for {@code seconds} (said in {@code Retry-After}). */
  public static Fault ban(int seconds) {
    return new Fault(
        "418 ban " + seconds + "s",
        r ->
            new MockResponse.Builder()
                .code(418)
                .setHeader("Retry-After", seconds)
                .setHeader("Content-Type", "text/plain")
                .body("IP banned for " + seconds + " s after too many requests")
                .build());
  }

  /** An HTTP status with a short plain-text body (500, 502, 503, 504, ...). */
  public static Fault status(int code) {
    return new Fault(
        "HTTP " + code,
        r ->
            new MockResponse.Builder()
                .code(code)
                .setHeader("Content-Type", "text/plain")
                .body("server error " + code)
                .build());
  }

  /** A proxy's HTML error page, with status {@code code} (200 for a misconfigured proxy). */
  public static Fault htmlPage(int code) {
    return new Fault(
        "HTML page " + code,
        r ->
            new MockResponse.Builder()
                .code(code)
                .setHeader("Content-Type", "text/html; charset=utf-8")
                .body(
                    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad"
                        + " Gateway</h1></center><hr><center>nginx</center></body></html>\n")
                .build());
  }

  /** The connection is closed half way through the body. */
  public static Fault resetMidBody() {
    return new Fault(
        "reset mid-body",
        r -> r.newBuilder().onResponseBody(new SocketEffect.CloseSocket()).build());
  }

  /**
   * The body trickles: {@code bytes} every {@code period}, so a read timeout shorter than {@code
   * period} fires.
   */
  public static Fault slowBody(long bytes, Duration period) {
    return new Fault(
        "slow body",
        r -> r.newBuilder().throttleBody(bytes, period.toNanos(), TimeUnit.NANOSECONDS).build());
  }

  /**
   * A complete response (consistent Content-Length) whose body is the first half of the good one.
   */
  public static Fault truncatedBody() {
    return new Fault(
        "truncated body",
        r -> {
          String body = FakeVenue.bodyOf(r);
          return r.newBuilder().body(body.substring(0, body.length() / 2)).build();
        });
  }

  /** HTTP 200 with an empty body. */
  public static Fault emptyBody() {
    return new Fault("empty body", r -> r.newBuilder().body("").build());
  }

  /** HTTP 200 with a body in another format than the one asked for. */
  public static Fault wrongContentType() {
    return new Fault(
        "wrong content type",
        r ->
            r.newBuilder()
                .setHeader("Content-Type", "application/json")
                .body("{\"status\":\"ok\",\"note\":\"not what you asked for\"}")
                .build());
  }

  @Override
  public String toString() {
    return name;
  }
}
