package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.source.VenueLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import okhttp3.Response;

/**
 * Turns a venue's refusal into a typed {@link OhlcvException}: the HTTP statuses every venue shares
 * are mapped here once, and a venue extends this class with its own codes. Subclasses override
 * {@link #errorBody(BodyBuffer.Body)} to read the venue's error object, {@link #venue(Failure)} for
 * the codes and statuses that mean something else at that venue, and {@link #reportUsage(Response,
 * Instant)} for its usage headers.
 *
 * <p>What every venue shares ({@link #common(Failure)}), unless {@link #venue(Failure)} decided
 * otherwise:
 *
 * <ul>
 *   <li>429: a retryable {@link RateLimitException} that waits as {@link #rateLimitWait(Failure)}
 *       says ({@code Retry-After} by default), and pauses the venue's budget that long;
 *   <li>5xx: a retryable {@link SourceUnavailableException}, honouring {@code Retry-After};
 *   <li>401 and 403: an {@link AuthenticationException};
 *   <li>404: a non-retryable {@link SourceUnavailableException} that says to check the base URL;
 *   <li>an HTML page (a proxy's or a web server's, not the venue's): a non-retryable {@link
 *       SourceUnavailableException} that says so;
 *   <li>anything else: an {@link InvalidQueryException}: the venue refused the request as asked.
 * </ul>
 *
 * <p>Every text a message quotes from a body passes through {@link Redact} with the request's
 * secrets first ({@link BodyBuffer.Body#quote(String)}), so a key or password a venue or proxy
 * echoes never shows. One instance serves one cursor; thread-safe as long as subclasses are.
 */
public class HttpErrors {

  private final String source;
  private final String venue;
  private final String what;
  private final String group;
  private final String defaultBaseUrl;
  private final VenueLimits limits;

  /**
   * A mapper for the answers to one query of {@code source}.
   *
   * @param source the source, for its name, venue, rate-limit group, default base URL and the venue
   *     budgets of its context
   * @param what what was asked, for messages: {@code "BYBIT:BTCUSDT.P 1m klines"}
   */
  public HttpErrors(HttpCandleSource source, String what) {
    Objects.requireNonNull(source, "source");
    this.source = source.name();
    this.venue = source.venue();
    this.what = Objects.requireNonNull(what, "what");
    String g = source.capabilities().rateLimitGroup();
    this.group = g.isEmpty() ? source.name() : g;
    this.defaultBaseUrl = source.defaultBaseUrl();
    this.limits = source.context().venueLimits();
  }

  /** The source's name. */
  protected final String source() {
    return source;
  }

  /** What was asked, for messages. */
  protected final String what() {
    return what;
  }

  /** The rate-limit group pauses and usage are reported under. */
  protected final String group() {
    return group;
  }

  /** Where pauses, bans and usage go. */
  protected final VenueLimits limits() {
    return limits;
  }

  /**
   * Reports what the response's headers say about the venue's limits (usage of a weight budget,
   * requests left); called for every response, before its body is read. Nothing by default.
   *
   * @param serverNow the venue's clock if its {@code Date} is trusted, else the local clock
   */
  public void reportUsage(Response response, Instant serverNow) {}

  /**
   * The error for a response the venue refused: an HTTP status other than success, or an error the
   * body states (a non-zero code in an envelope).
   *
   * @param now the venue's clock if its {@code Date} is trusted, else the local clock
   */
  public final OhlcvException map(Response response, BodyBuffer.Body body, Instant now) {
    Failure f = new Failure(response, body, now, errorBody(body));
    OhlcvException e = venue(f);
    return e != null ? e : common(f);
  }

  /** What the venue's error object says; nothing by default. */
  protected ErrorBody errorBody(BodyBuffer.Body body) {
    return ErrorBody.none();
  }

  /**
   * The venue's own mapping, tried first: its codes, and statuses that mean something else at this
   * venue (a 403 that is a ban, a 418); {@code null} leaves the failure to {@link #common}.
   */
  protected @org.jspecify.annotations.Nullable OhlcvException venue(Failure f) {
    return null;
  }

  /** The mapping every venue shares; see the class comment. */
  protected final OhlcvException common(Failure f) {
    int status = f.status();
    if (status == 429) {
      return rateLimited(f, rateLimitWait(f));
    }
    if (status >= 500) {
      return unavailable(f, ": a server error on " + venue + "'s side, usually temporary.");
    }
    if (status == 401 || status == 403) {
      return refused(AuthenticationException::of, f, ": " + authAdvice());
    }
    if (status == 404) {
      return SourceUnavailableException.permanent(
              source,
              f.said()
                  + ": no such path at "
                  + Redact.url(f.response().request().url().newBuilder().query(null).build())
                  + ". Check the baseUrl ("
                  + venue
                  + "'s is "
                  + defaultBaseUrl
                  + ").")
          .venueCode(f.venueCode())
          .build();
    }
    if (f.body().looksLikeHtml()) {
      return SourceUnavailableException.permanent(
              source,
              f.said()
                  + ": an HTML page answered instead of "
                  + venue
                  + "'s API; a proxy or a wrong baseUrl ("
                  + venue
                  + "'s is "
                  + defaultBaseUrl
                  + ") may be answering.")
          .venueCode(f.venueCode())
          .build();
    }
    return refused(
        InvalidQueryException::of,
        f,
        ". " + venue + " refused the request as asked; change the query.");
  }

  /**
   * How long a rate-limited request should wait: {@code Retry-After} by default. Venues that say it
   * otherwise (a reset timestamp, a weight minute) override it.
   */
  protected Optional<Duration> rateLimitWait(Failure f) {
    return f.retryAfter();
  }

  /** What to do about refused credentials, for messages: check them, by default. */
  protected String authAdvice() {
    return "the credentials were refused or are missing; check them.";
  }

  /**
   * What to add to a rate-limit message (the venue's limit, the risk of a ban); none by default.
   */
  protected String rateLimitAdvice() {
    return "";
  }

  /**
   * A retryable {@link RateLimitException} for {@code f} that waits {@code wait} (if known), after
   * pausing the venue's budget until then.
   */
  protected final RateLimitException rateLimited(Failure f, Optional<Duration> wait) {
    return rateLimited(f, f.now(), wait);
  }

  /**
   * As {@link #rateLimited(Failure, Optional)}, with the wait counted from {@code from} (a venue
   * time more precise than its {@code Date} header).
   */
  protected final RateLimitException rateLimited(Failure f, Instant from, Optional<Duration> wait) {
    wait.ifPresent(w -> limits.pauseUntil(group, from.plus(w)));
    return RateLimitException.of(
            source,
            f.said()
                + ": too many requests"
                + wait.map(w -> "; wait " + human(w) + " before the next request")
                    .orElse("; retry later")
                + "."
                + rateLimitAdvice())
        .retryAfter(wait)
        .venueCode(f.venueCode())
        .build();
  }

  /**
   * A ban of this client (its IP) until {@code until}: reported to the venue's budget, so that no
   * query sends anything before then.
   *
   * @param wait how long the failed request should wait
   * @param advice what the message adds after the venue's words
   */
  protected final RateLimitException banned(
      Failure f, Instant until, Duration wait, String advice) {
    limits.banUntil(group, until);
    return RateLimitException.ban(source, f.said() + advice, until)
        .retryAfter(wait.isNegative() ? Duration.ZERO : wait)
        .venueCode(f.venueCode())
        .build();
  }

  /**
   * An error of {@code type} for {@code f}: the venue's words, then {@code advice}, with the
   * venue's code. For example {@code refused(SymbolNotFoundException::of, f, ". Check the
   * symbol.")}.
   */
  protected final <E extends OhlcvException> E refused(
      BiFunction<String, String, ? extends OhlcvException.Builder<? extends E>> type,
      Failure f,
      String advice) {
    return type.apply(source, f.said() + advice).venueCode(f.venueCode()).build();
  }

  /** A retryable {@link SourceUnavailableException}: {@code advice} follows the venue's words. */
  protected final SourceUnavailableException unavailable(Failure f, String advice) {
    return SourceUnavailableException.retryable(source, f.said() + advice)
        .retryAfter(f.retryAfter())
        .venueCode(f.venueCode())
        .build();
  }

  private static String human(Duration d) {
    return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
  }

  /**
   * What a venue's error object says.
   *
   * @param code the venue's error code ({@code "-1121"}, {@code "10001"}, {@code
   *     "NOT_AUTHORIZED"}), if the body has one
   * @param message the venue's error text, if the body has one
   */
  public record ErrorBody(Optional<String> code, Optional<String> message) {
    private static final ErrorBody NONE = new ErrorBody(Optional.empty(), Optional.empty());

    /** Validates. */
    public ErrorBody {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }

    /** A body that says nothing a mapper can use (plain text, HTML, an empty body). */
    public static ErrorBody none() {
      return NONE;
    }
  }

  /** One refused response, with what its body and headers say; made by {@link #map}. */
  public final class Failure {
    private final Response response;
    private final BodyBuffer.Body body;
    private final Instant now;
    private final ErrorBody error;

    Failure(Response response, BodyBuffer.Body body, Instant now, ErrorBody error) {
      this.response = response;
      this.body = body;
      this.now = now;
      this.error = error;
    }

    /** The response. */
    public Response response() {
      return response;
    }

    /** The HTTP status. */
    public int status() {
      return response.code();
    }

    /** The body. */
    public BodyBuffer.Body body() {
      return body;
    }

    /** The venue's clock if trusted, else the local clock. */
    public Instant now() {
      return now;
    }

    /** The venue's error code, if the body has one. */
    public Optional<String> code() {
      return error.code();
    }

    /**
     * The venue's error text as the body has it (not redacted: quote it with {@link #quoted()}).
     */
    public Optional<String> message() {
      return error.message();
    }

    /** The venue's code, else the HTTP status: what the error's {@code venueCode()} says. */
    public String venueCode() {
      return error.code().orElse(Integer.toString(status()));
    }

    /** The wait {@code Retry-After} asks for, if it is there (at most a day). */
    public Optional<Duration> retryAfter() {
      return Http.retryAfter(response, now);
    }

    /**
     * What the venue said, as a message may quote it: its error text, or the start of the body,
     * with the request's secrets masked.
     */
    public String quoted() {
      return error.message().map(body::quote).orElseGet(() -> body.snippet(200));
    }

    /**
     * The start every message shares: {@code bybit:linear: Bybit refused BYBIT:BTCUSDT.P 1m klines
     * (HTTP 400, code 10001: "...")}.
     */
    public String said() {
      return source
          + ": "
          + venue
          + " refused "
          + what
          + " (HTTP "
          + status()
          + error.code().map(c -> ", code " + c).orElse("")
          + ": \""
          + quoted()
          + "\")";
    }
  }
}
