package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import io.github.ohlcv4j.source.http.BodyBuffer;
import io.github.ohlcv4j.source.http.HttpCandleSource;
import io.github.ohlcv4j.source.http.HttpErrors;
import io.github.ohlcv4j.source.http.HttpPageCursor;
import io.github.ohlcv4j.source.http.Redact;
import io.github.ohlcv4j.source.http.Reply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP source for the resilience tests, built on the same kit as the venue sources ({@link
 * HttpCandleSource}): it plans pages, sends each through the kit's request loop (asynchronous,
 * cancellable), maps what the server says with the kit's {@link HttpErrors}, reports usage headers
 * to the client's venue budgets, and never returns a page that holds less than the response
 * promised. It speaks {@link FakeVenue}'s wire format and authenticates with an API key (a URL
 * parameter) and a password (basic authentication), so tests can check that neither leaks.
 *
 * <p>Error mapping: 429 → {@link io.github.ohlcv4j.RateLimitException} with {@code Retry-After};
 * 418 → a ban until {@code Retry-After}; 401/403 → {@link
 * io.github.ohlcv4j.AuthenticationException}; 5xx → {@link
 * io.github.ohlcv4j.SourceUnavailableException}; a body cut short or empty → retryable {@link
 * DataFormatException}; another content type or a malformed row → non-retryable {@link
 * DataFormatException}.
 */
public final class HttpTestSource extends HttpCandleSource {

  /** The largest body read, in bytes. */
  public static final int MAX_BODY = 8 * 1024 * 1024;

  private final String apiKey;
  private final String password;
  private final IntUnaryOperator weight;
  private final SourceCapabilities capabilities;

  private HttpTestSource(Builder b) {
    super(b, b.name, "the fake venue", "http://fake-venue.invalid", 500);
    this.apiKey = b.apiKey;
    this.password = b.password;
    this.weight = b.weight;
    SourceCapabilities.Builder caps =
        SourceCapabilities.builder()
            .anyMultipleOf(Interval.M1)
            .maxRowsPerRequest(pageSize())
            .rateLimitGroup(b.group);
    if (b.rateLimit != null) {
      caps.rateLimit(b.rateLimit);
    }
    this.capabilities = caps.build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  @Override
  protected int maxBodyBytes() {
    return MAX_BODY;
  }

  @Override
  protected Request healthRequest() {
    // The fake venue has no ping path: the probe asks for one minute of its first symbol, signed as
    // every request is.
    HttpUrl u =
        url()
            .addPathSegments("v1/klines")
            .addQueryParameter("symbol", "BTCUSDT")
            .addQueryParameter("interval", "1m")
            .addQueryParameter("start", "0")
            .addQueryParameter("end", "60000")
            .addQueryParameter("limit", "1")
            .addQueryParameter("apiKey", apiKey)
            .build();
    return new Request.Builder()
        .url(u)
        .header("Authorization", "Basic " + FakeVenue.base64("user:" + password))
        .build();
  }

  @Override
  public PageCursor cursor(OhlcvQuery query) {
    TimeRange range = query.rangeAt(clock().instant());
    Interval interval = query.interval();
    long first = interval.bucketStart(range.fromMillis(), ZoneOffset.UTC);
    if (first < range.fromMillis()) {
      first = interval.plus(first, 1, ZoneOffset.UTC);
    }
    return new Cursor(query, first, range.toMillis());
  }

  /** The fake venue's errors: the kit's, with a ban for 418 and its usage header. */
  private final class Errors extends HttpErrors {
    Errors(String what) {
      super(HttpTestSource.this, what);
    }

    @Override
    public void reportUsage(Response r, Instant serverNow) {
      String usage = r.header("X-Usage");
      if (usage != null) {
        String[] u = usage.split(";");
        limits()
            .reportUsage(
                group(),
                Long.parseLong(u[0]),
                Long.parseLong(u[1]),
                Instant.ofEpochMilli(Long.parseLong(u[2])));
      }
    }

    @Override
    protected @Nullable OhlcvException venue(Failure f) {
      if (f.status() != 418) {
        return null;
      }
      Duration after = f.retryAfter().orElse(Duration.ofMinutes(2));
      return banned(f, f.now().plus(after), after, ": the fake venue banned this client.");
    }

    @Override
    protected String authAdvice() {
      return "check the API key and password.";
    }
  }

  private final class Cursor extends HttpPageCursor<Page> {
    private final long end;
    private final String what;
    private volatile long next;
    private volatile long stop;

    Cursor(OhlcvQuery query, long first, long end) {
      this(query, first, end, query + " candles");
    }

    private Cursor(OhlcvQuery query, long first, long end, String what) {
      super(HttpTestSource.this, query, new Errors(what));
      this.next = first;
      this.end = end;
      this.what = what;
    }

    @Override
    protected boolean more() {
      return next < end;
    }

    @Override
    public int nextWeight() {
      return weight.applyAsInt(pageSize());
    }

    @Override
    public int remainingEstimate() {
      long rows = (end - next) / query().interval().nominalMillis();
      return (int) ((rows + pageSize() - 1) / pageSize());
    }

    @Override
    protected Request request() {
      long start = next;
      stop = Math.min(end, query().interval().plus(start, pageSize(), ZoneOffset.UTC));
      HttpUrl u =
          url()
              .addPathSegments("v1/klines")
              .addQueryParameter("symbol", query().symbol().toString())
              .addQueryParameter("interval", query().interval().toString())
              .addQueryParameter("start", Long.toString(start))
              .addQueryParameter("end", Long.toString(stop))
              .addQueryParameter("limit", Long.toString(pageSize()))
              .addQueryParameter("apiKey", apiKey)
              .build();
      return new Request.Builder()
          .url(u)
          .header("Authorization", "Basic " + FakeVenue.base64("user:" + password))
          .build();
    }

    @Override
    protected Page parse(Reply reply) {
      BodyBuffer.Body raw = reply.body();
      String where = Redact.url(reply.response().request().url());
      String type = reply.response().header("Content-Type", "");
      if (!type.startsWith("text/csv")) {
        throw DataFormatException.of(
                name(),
                what
                    + ": "
                    + name()
                    + " answered "
                    + (type.isEmpty() ? "no content type" : type)
                    + " instead of text/csv at "
                    + where
                    + ": "
                    + raw.snippet(120))
            .build();
      }
      if (raw.length() == 0) {
        throw DataFormatException.retryable(
                name(), what + ": " + name() + " sent an empty body at " + where + ".")
            .build();
      }
      String body = new String(raw.bytes(), 0, raw.length(), StandardCharsets.UTF_8);
      String[] lines = body.split("\n", -1);
      int rows = 0;
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        if (line.startsWith("end,")) {
          int promised = Integer.parseInt(line.substring(4).trim());
          if (promised != rows) {
            throw cut(where, rows, "the body promised " + promised);
          }
          return reply.page(next, stop);
        }
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split(",");
        try {
          if (f.length != 6) {
            throw new NumberFormatException("expected 6 fields, got " + f.length);
          }
          reply
              .candles()
              .add(
                  Long.parseLong(f[0]),
                  Double.parseDouble(f[1]),
                  Double.parseDouble(f[2]),
                  Double.parseDouble(f[3]),
                  Double.parseDouble(f[4]),
                  Double.parseDouble(f[5]));
        } catch (NumberFormatException e) {
          if (i == lines.length - 1) {
            throw cut(where, rows, "its last line is incomplete");
          }
          throw DataFormatException.of(
                  name(),
                  what
                      + ": line "
                      + (i + 1)
                      + " of the answer at "
                      + where
                      + " is malformed: "
                      + Redact.snippet(line, 120, raw.secrets()))
              .cause(e)
              .build();
        }
        rows++;
      }
      throw cut(where, rows, "it has no end line");
    }

    private DataFormatException cut(String where, int rows, String why) {
      return DataFormatException.retryable(
              name(),
              what
                  + ": the answer at "
                  + where
                  + " was cut short after "
                  + rows
                  + " rows ("
                  + why
                  + ")")
          .build();
    }

    @Override
    protected Page advance(Page page) {
      next = stop; // moves only on success: a retry repeats this request
      return page;
    }
  }

  /**
   * Opens {@code fake-venue://host:port/?key=K&password=P} URIs, with the context of the client
   * that opens them, so the source reports to that client's venue limits. Optional parameters:
   * {@code name}, {@code pageSize}, {@code group}, {@code weight} (per request), {@code limit}
   * ({@code permits/periodMillis}, the suggested budget). Registered for the tests only.
   */
  public static final class Provider implements CandleSourceProvider {
    /** For the service loader. */
    public Provider() {}

    @Override
    public Set<String> schemes() {
      return Set.of("fake-venue");
    }

    @Override
    public CandleSource open(URI uri, SourceContext context) {
      Map<String, String> p = SourceUris.params(uri);
      Builder b =
          builder()
              .context(context)
              .baseUrl(
                  new HttpUrl.Builder()
                      .scheme("http")
                      .host(uri.getHost())
                      .port(uri.getPort())
                      .build()
                      .toString())
              .credentials(p.getOrDefault("key", ""), p.getOrDefault("password", ""));
      if (p.containsKey("name")) {
        b.name(p.get("name"));
      }
      if (p.containsKey("pageSize")) {
        b.pageSize(Integer.parseInt(p.get("pageSize")));
      }
      if (p.containsKey("group")) {
        b.group(p.get("group"));
      }
      if (p.containsKey("weight")) {
        int w = Integer.parseInt(p.get("weight"));
        b.weight(rows -> w);
      }
      if (p.containsKey("limit")) {
        String[] l = p.get("limit").split("/");
        b.rateLimit(
            RateLimitPolicy.of(Integer.parseInt(l[0]), Duration.ofMillis(Long.parseLong(l[1]))));
      }
      return b.build();
    }
  }

  /** Builds an {@link HttpTestSource}. */
  public static final class Builder extends HttpCandleSource.Builder<Builder> {
    private String name = "fake";
    private String apiKey = "";
    private String password = "";
    private IntUnaryOperator weight = rows -> 1;
    private String group = "fake";
    private @Nullable RateLimitPolicy rateLimit;

    Builder() {
      super(Integer.MAX_VALUE);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** The source's name; {@code "fake"} by default. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The server's base URL. */
    public Builder base(HttpUrl base) {
      return baseUrl(base.toString());
    }

    /** The credentials. */
    public Builder credentials(String apiKey, String password) {
      this.apiKey = apiKey;
      this.password = password;
      return this;
    }

    /** The weight of a request of {@code rows} rows; 1 by default. */
    public Builder weight(IntUnaryOperator weight) {
      this.weight = weight;
      return this;
    }

    /** The rate-limit group; {@code "fake"} by default. */
    public Builder group(String group) {
      this.group = group;
      return this;
    }

    /** The budget the source suggests. */
    public Builder rateLimit(RateLimitPolicy policy) {
      this.rateLimit = policy;
      return this;
    }

    /** Builds the source. */
    public HttpTestSource build() {
      return new HttpTestSource(this);
    }
  }
}
