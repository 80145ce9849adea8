package io.github.ohlcv4j.testing;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.RateLimitException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.internal.SourceUris;
import io.github.ohlcv4j.internal.VenueLimits;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.http.Redact;
import io.github.ohlcv4j.resilience.RateLimitPolicy;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntUnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP source for the resilience tests, built like the real ones: it plans pages, sends
 * each through {@link Http} (asynchronous, cancellable), maps what the server says to the typed
 * errors, reports usage headers to the client's {@link VenueLimits}, and never returns a page that
 * holds less than the response promised. It speaks {@link FakeVenue}'s wire format and
 * authenticates with an API key (a URL parameter) and a password (basic authentication), so tests
 * can check that neither leaks.
 *
 * <p>Error mapping: 429 → {@link RateLimitException} with {@code Retry-After}; 418 → a ban until
 * {@code Retry-After}; 401/403 → {@link AuthenticationException}; 5xx → {@link
 * SourceUnavailableException}; a body cut short or empty → retryable {@link DataFormatException};
 * another content type or a malformed row → non-retryable {@link DataFormatException}.
 */
public final class HttpTestSource implements CandleSource {

  /** The largest body read, in bytes. */
  public static final int MAX_BODY = 8 * 1024 * 1024;

  private final String name;
  private final HttpUrl base;
  private final String apiKey;
  private final String password;
  private final String[] secrets;
  private final int pageSize;
  private final IntUnaryOperator weight;
  private final Http http;
  private final VenueLimits limits;
  private final SourceContext context;
  private final SourceCapabilities capabilities;

  private HttpTestSource(Builder b) {
    this.name = b.name;
    this.base = Objects.requireNonNull(b.base, "base");
    this.apiKey = b.apiKey;
    this.password = b.password;
    this.secrets =
        new String[] {apiKey, password, "user:" + password, FakeVenue.base64("user:" + password)};
    this.pageSize = b.pageSize;
    this.weight = b.weight;
    this.context = b.context;
    this.http = Http.of(context, name);
    this.limits = context.component(VenueLimits.class).orElse(VenueLimits.NONE);
    SourceCapabilities.Builder caps =
        SourceCapabilities.builder()
            .anyMultipleOf(Interval.M1)
            .maxRowsPerRequest(pageSize)
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
  public String name() {
    return name;
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public PageCursor cursor(OhlcvQuery query) {
    TimeRange range = query.rangeAt(context.clock().instant());
    Interval interval = query.interval();
    long first = interval.bucketStart(range.fromMillis(), ZoneOffset.UTC);
    if (first < range.fromMillis()) {
      first = interval.plus(first, 1, ZoneOffset.UTC);
    }
    return new Cursor(query, first, range.toMillis());
  }

  private final class Cursor implements PageCursor {
    final OhlcvQuery query;
    final long end;
    long next;
    volatile boolean closed;
    volatile @Nullable CompletableFuture<Page> outstanding;

    Cursor(OhlcvQuery query, long first, long end) {
      this.query = query;
      this.next = first;
      this.end = end;
    }

    @Override
    public boolean hasNext() {
      return !closed && next < end;
    }

    @Override
    public int nextWeight() {
      return weight.applyAsInt(pageSize);
    }

    @Override
    public int remainingEstimate() {
      long rows = (end - next) / query.interval().nominalMillis();
      return (int) ((rows + pageSize - 1) / pageSize);
    }

    @Override
    public CompletableFuture<Page> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("No more pages for " + query);
      }
      long start = next;
      long stop = Math.min(end, query.interval().plus(start, pageSize, ZoneOffset.UTC));
      HttpUrl url =
          base.newBuilder()
              .addPathSegments("v1/klines")
              .addQueryParameter("symbol", query.symbol().toString())
              .addQueryParameter("interval", query.interval().toString())
              .addQueryParameter("start", Long.toString(start))
              .addQueryParameter("end", Long.toString(stop))
              .addQueryParameter("limit", Long.toString(pageSize))
              .addQueryParameter("apiKey", apiKey)
              .build();
      Request request =
          new Request.Builder()
              .url(url)
              .header("Authorization", "Basic " + FakeVenue.base64("user:" + password))
              .build();
      CompletableFuture<Page> call = http.send(request, r -> read(r, start, stop));
      CompletableFuture<Page> result = new CompletableFuture<>();
      result.whenComplete(
          (p, e) -> {
            if (result.isCancelled()) {
              call.cancel(true);
            }
          });
      call.whenComplete(
          (p, e) -> {
            if (e != null) {
              result.completeExceptionally(e);
            } else {
              next = stop; // moves only on success: a retry repeats this request
              result.complete(p);
            }
          });
      outstanding = result;
      return result;
    }

    Page read(Response r, long start, long stop) throws IOException {
      String where = Redact.url(r.request().url());
      Instant now = context.clock().instant();
      String body = body(r, where);
      int code = r.code();
      if (code == 429) {
        Optional<Duration> after = Http.retryAfter(r, now);
        throw new RateLimitException(
            query + ": " + name + " says too many requests (HTTP 429) at " + where + ".",
            name,
            after.orElse(null),
            "429");
      }
      if (code == 418) {
        Duration after = Http.retryAfter(r, now).orElse(Duration.ofMinutes(2));
        throw new RateLimitException(
            query + ": " + name + " banned this client (HTTP 418) at " + where + ".",
            name,
            after,
            "418",
            now.plus(after),
            null);
      }
      if (code == 401 || code == 403) {
        throw new AuthenticationException(
            query
                + ": "
                + name
                + " refused the credentials (HTTP "
                + code
                + ") at "
                + where
                + ". Check the API key and password.",
            name,
            Integer.toString(code),
            null);
      }
      if (code >= 500) {
        throw new SourceUnavailableException(
            query
                + ": "
                + name
                + " failed with HTTP "
                + code
                + " at "
                + where
                + ": "
                + Http.snippet(body, 120, secrets),
            name,
            true,
            null,
            Integer.toString(code),
            null);
      }
      if (code != 200) {
        throw new InvalidQueryException(
            query
                + ": "
                + name
                + " answered HTTP "
                + code
                + ": "
                + Http.snippet(body, 120, secrets),
            name,
            Integer.toString(code),
            null);
      }
      String type = r.header("Content-Type", "");
      if (!type.startsWith("text/csv")) {
        throw new DataFormatException(
            query
                + ": "
                + name
                + " answered "
                + (type.isEmpty() ? "no content type" : type)
                + " instead of text/csv at "
                + where
                + ": "
                + Http.snippet(body, 120, secrets),
            name,
            null,
            null);
      }
      if (body.isEmpty()) {
        throw new DataFormatException(
            query + ": " + name + " sent an empty body at " + where + ".",
            name,
            true,
            null,
            null,
            null);
      }
      CandleSeries series = parse(body, where);
      String usage = r.header("X-Usage");
      if (usage != null) {
        String[] u = usage.split(";");
        limits.reportUsage(
            capabilities.rateLimitGroup(),
            Long.parseLong(u[0]),
            Long.parseLong(u[1]),
            Instant.ofEpochMilli(Long.parseLong(u[2])));
      }
      return new Page(series, body.length(), Http.serverTime(r, context.clock()), start, stop);
    }

    /**
     * The body as text, read as its bytes arrive (never sized by {@code Content-Length}) and at
     * most {@link HttpTestSource#MAX_BODY} bytes; a larger one is a {@link DataFormatException}.
     */
    String body(Response r, String where) throws IOException {
      long declared = r.body().contentLength();
      BufferedSource source = r.body().source();
      if (declared > MAX_BODY || source.request(MAX_BODY + 1L)) {
        throw new DataFormatException(
            query
                + ": the answer at "
                + where
                + " is larger than "
                + MAX_BODY
                + " bytes, more than any page holds.",
            name,
            null,
            null);
      }
      return source.getBuffer().readUtf8();
    }

    CandleSeries parse(String body, String where) {
      CandleSeries.Builder b = CandleSeries.builder(query.symbol(), query.interval()).source(name);
      String[] lines = body.split("\n", -1);
      int rows = 0;
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        if (line.startsWith("end,")) {
          int promised = Integer.parseInt(line.substring(4).trim());
          if (promised != rows) {
            throw cut(where, rows, "the body promised " + promised);
          }
          return b.build();
        }
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split(",");
        try {
          if (f.length != 6) {
            throw new NumberFormatException("expected 6 fields, got " + f.length);
          }
          b.add(
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
          throw new DataFormatException(
              query
                  + ": line "
                  + (i + 1)
                  + " of the answer at "
                  + where
                  + " is malformed: "
                  + Http.snippet(line, 120, secrets),
              name,
              null,
              e);
        }
        rows++;
      }
      throw cut(where, rows, "it has no end line");
    }

    DataFormatException cut(String where, int rows, String why) {
      return new DataFormatException(
          query
              + ": the answer at "
              + where
              + " was cut short after "
              + rows
              + " rows ("
              + why
              + ")",
          name,
          true,
          null,
          null,
          null);
    }

    @Override
    public void close() {
      closed = true;
      CompletableFuture<Page> f = outstanding;
      if (f != null) {
        f.cancel(true);
      }
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
              .base(
                  new HttpUrl.Builder()
                      .scheme("http")
                      .host(uri.getHost())
                      .port(uri.getPort())
                      .build())
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
  public static final class Builder {
    private String name = "fake";
    private @Nullable HttpUrl base;
    private String apiKey = "";
    private String password = "";
    private int pageSize = 500;
    private IntUnaryOperator weight = rows -> 1;
    private String group = "fake";
    private @Nullable RateLimitPolicy rateLimit;
    private SourceContext context = SourceContext.defaults();

    /** The source's name; {@code "fake"} by default. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The server's base URL. */
    public Builder base(HttpUrl base) {
      this.base = base;
      return this;
    }

    /** The credentials. */
    public Builder credentials(String apiKey, String password) {
      this.apiKey = apiKey;
      this.password = password;
      return this;
    }

    /** Rows per request. */
    public Builder pageSize(int pageSize) {
      this.pageSize = pageSize;
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

    /** The context: the OkHttp client and the client's venue limits come from it. */
    public Builder context(SourceContext context) {
      this.context = context;
      return this;
    }

    /** Builds the source. */
    public HttpTestSource build() {
      return new HttpTestSource(this);
    }
  }
}
