package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.source.http.Http;
import io.github.ohlcv4j.source.http.Redact;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Talks to ClickHouse's HTTP interface: SQL in the POST body, settings as URL parameters (only real
 * settings: the server rejects any unknown parameter), credentials as {@link Credentials} says
 * (never in the URL). Failed requests become typed errors through {@link ServerError}, with the
 * password masked in every message. A redirect is not followed (the client must not follow them
 * either): it would carry the credentials to another host. Immutable and thread-safe.
 */
public final class Connection {

  private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");
  private static final int ERROR_BODY_LIMIT = 64 * 1024;

  /** Reads a successful streamed response; runs on the HTTP client's thread. */
  @FunctionalInterface
  public interface BodyReader<T> {
    /**
     * Reads the body.
     *
     * @param body the body stream
     * @param answer what the headers said
     */
    T read(InputStream body, Answer answer) throws IOException;
  }

  /**
   * What the headers of a successful answer say.
   *
   * @param serverTime the server's clock from the {@code Date} header, if sent
   * @param exceptionTag the {@code X-ClickHouse-Exception-Tag} (ClickHouse 25.11 and later): the
   *     token that marks an error the server writes into the body after rows
   */
  public record Answer(Optional<Instant> serverTime, Optional<String> exceptionTag) {

    /** An answer without headers of note. */
    public static final Answer NONE = new Answer(Optional.empty(), Optional.empty());
  }

  private final Http http;
  private final HttpUrl url;
  private final Credentials credentials;
  private final Map<String, String> settings;
  private final String source;
  private final String table;

  /**
   * @param client the HTTP client (with the source's timeouts, following no redirects)
   * @param url the server's HTTP endpoint, without credentials
   * @param credentials the user and password
   * @param settings ClickHouse settings sent with every query (names already checked)
   * @param source the source's name, for errors
   * @param table the qualified table, for schema hints in errors
   */
  public Connection(
      OkHttpClient client,
      HttpUrl url,
      Credentials credentials,
      Map<String, String> settings,
      String source,
      String table) {
    this.http = Http.of(client, source);
    this.url = Objects.requireNonNull(url, "url");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.settings = new LinkedHashMap<>(settings);
    this.source = Objects.requireNonNull(source, "source");
    this.table = Objects.requireNonNull(table, "table");
  }

  /** The endpoint, without credentials. */
  public HttpUrl url() {
    return url;
  }

  /** The source's name. */
  public String source() {
    return source;
  }

  /** The HTTP client. */
  public OkHttpClient client() {
    return http.client();
  }

  /** The HTTP component requests are sent with. */
  public Http http() {
    return http;
  }

  /** The credentials, which also mask the password in texts. */
  public Credentials credentials() {
    return credentials;
  }

  /** Runs a statement and returns its whole (small) text answer. */
  public CompletableFuture<String> text(String sql, String asked) {
    return text(sql, asked, Map.of());
  }

  /**
   * Runs a statement with settings of its own (besides the source's) and returns its whole (small)
   * text answer.
   */
  public CompletableFuture<String> text(String sql, String asked, Map<String, String> extra) {
    return send(
        () -> post(sql, extra),
        response -> {
          checkOk(response, asked);
          return body(response).string();
        });
  }

  /**
   * Runs a query and streams its answer through {@code reader}; see {@link #decode} for what
   * becomes of its errors.
   */
  public <T> CompletableFuture<T> stream(String sql, String asked, BodyReader<T> reader) {
    return stream(sql, asked, Map.of(), reader);
  }

  /** As {@link #stream(String, String, BodyReader)}, with settings of its own. */
  public <T> CompletableFuture<T> stream(
      String sql, String asked, Map<String, String> extra, BodyReader<T> reader) {
    return send(() -> post(sql, extra), response -> read(response, asked, reader));
  }

  /**
   * The request that runs a query, with settings of its own (besides the source's).
   *
   * @throws InvalidQueryException if the request cannot be built
   */
  public Request query(String sql, Map<String, String> extra) {
    try {
      return post(sql, extra);
    } catch (RuntimeException e) {
      throw unbuildable(e);
    }
  }

  /**
   * Reads the answer to a query: a refused status or a redirect to its typed error, an answer that
   * is not RowBinary to a {@link DataFormatException}, else the body streamed through {@code
   * reader} ({@link #decode}).
   */
  public <T> T read(Response response, String asked, BodyReader<T> reader) throws IOException {
    checkOk(response, asked);
    checkBinary(response, asked);
    Answer answer =
        new Answer(
            Http.serverTime(response),
            Optional.ofNullable(response.header("X-ClickHouse-Exception-Tag"))
                .filter(t -> !t.isBlank()));
    try (InputStream in = body(response).byteStream()) {
      return decode(reader, in, answer, asked);
    }
  }

  /**
   * Runs {@code reader} over a result stream. An error the server appended to the stream ({@link
   * RowBinaryReader.TrailingServerError}) becomes the typed error of the server's code; anything
   * else the reader throws that is not an {@link OhlcvException} (which would be a bug of the
   * reader) a {@link DataFormatException}, so that no untyped error leaves the source.
   */
  public <T> T decode(BodyReader<T> reader, InputStream in, Answer answer, String asked)
      throws IOException {
    try {
      return reader.read(in, answer);
    } catch (RowBinaryReader.TrailingServerError e) {
      OhlcvException x = ServerError.toException(200, e.text, source, asked, table, credentials);
      x.addSuppressed(new IllegalStateException("after " + e.rows + " rows"));
      throw x;
    } catch (DataFormatException e) {
      // The rows quote what came (a symbol nobody asked for, say): it could be an echo of the
      // request.
      String message = String.valueOf(e.getMessage());
      String redacted = credentials.redact(message);
      if (redacted.equals(message)) {
        throw e;
      }
      throw new DataFormatException(
          redacted,
          e.source().orElse(source),
          e.isRetryable(),
          e.retryAfter().orElse(null),
          e.venueCode().orElse(null),
          null);
    } catch (OhlcvException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DataFormatException(
          "ClickHouse ("
              + source
              + ") failed "
              + asked
              + ": the answer could not be decoded ("
              + credentials.redact(String.valueOf(e))
              + "). The response is not the expected RowBinary rows.",
          source,
          null,
          e);
    }
  }

  /**
   * Sends {@code body} as the data of an {@code INSERT ... FORMAT ...} statement (which goes into
   * the {@code query} URL parameter, as the body holds the data). The body should be {@linkplain
   * RequestBody#isOneShot() one-shot}: then the HTTP client never sends it twice on its own, which
   * could store the rows twice when a connection fails after the server has taken them.
   */
  public CompletableFuture<Void> insert(
      String insertSql, RequestBody body, boolean gzip, String asked) {
    return insert(insertSql, body, gzip, asked, Map.of());
  }

  /** As {@link #insert(String, RequestBody, boolean, String)}, with settings of its own. */
  public CompletableFuture<Void> insert(
      String insertSql, RequestBody body, boolean gzip, String asked, Map<String, String> extra) {
    return send(
        () -> {
          HttpUrl u =
              withSettings(url.newBuilder(), extra).addQueryParameter("query", insertSql).build();
          Request.Builder b = credentials.apply(new Request.Builder().url(u)).post(body);
          if (gzip) {
            b.header("Content-Encoding", "gzip");
          }
          return b.build();
        },
        response -> {
          checkOk(response, asked);
          return null;
        });
  }

  /** {@code GET /ping}: {@code Ok.} when the server is up. */
  public CompletableFuture<Duration> ping() {
    long start = System.nanoTime();
    return send(
        () ->
            new Request.Builder()
                .url(url.newBuilder().addPathSegment("ping").build())
                .get()
                .build(),
        response -> {
          checkOk(response, "answering /ping");
          String s = body(response).string().strip();
          if (!s.equals("Ok.")) {
            throw ServerError.toException(
                response.code(),
                "unexpected /ping answer " + s,
                source,
                "answering /ping",
                table,
                credentials);
          }
          return Duration.ofNanos(System.nanoTime() - start);
        });
  }

  /** Builds the request and sends it; a request that cannot be built is a failed future. */
  private <T> CompletableFuture<T> send(
      java.util.function.Supplier<Request> request, Http.Handler<T> handler) {
    Request r;
    try {
      r = request.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(unbuildable(e));
    }
    return http.send(r, handler);
  }

  private InvalidQueryException unbuildable(RuntimeException e) {
    return new InvalidQueryException(
        "ClickHouse ("
            + source
            + "): cannot build the HTTP request: "
            + credentials.redact(String.valueOf(e.getMessage())),
        source,
        null,
        null);
  }

  private Request post(String sql, Map<String, String> extra) {
    return credentials
        .apply(new Request.Builder().url(withSettings(url.newBuilder(), extra).build()))
        .post(RequestBody.create(sql, TEXT))
        .build();
  }

  /** The source's settings, then those of the request that the source does not set itself. */
  private HttpUrl.Builder withSettings(HttpUrl.Builder b, Map<String, String> extra) {
    for (Map.Entry<String, String> e : settings.entrySet()) {
      b.addQueryParameter(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (!settings.containsKey(e.getKey())) {
        b.addQueryParameter(e.getKey(), e.getValue());
      }
    }
    return b;
  }

  private void checkOk(Response response, String asked) throws IOException {
    if (response.isSuccessful()) {
      return;
    }
    if (response.isRedirect()) {
      String location = response.header("Location");
      HttpUrl to = location == null ? null : response.request().url().resolve(location);
      throw new SourceUnavailableException(
          "ClickHouse ("
              + source
              + ") failed "
              + asked
              + ": HTTP "
              + response.code()
              + " redirects to "
              + (to == null ? "nowhere" : Redact.url(to))
              + ". Redirects are not followed, so that the credentials never go to another host;"
              + " ClickHouse itself never redirects, so something else answers at "
              + Redact.url(url)
              + ". Point the source at the ClickHouse server's URL.",
          source,
          false,
          null,
          null,
          null);
    }
    BufferedSource s = body(response).source();
    s.request(ERROR_BODY_LIMIT);
    long n = Math.min(ERROR_BODY_LIMIT, s.getBuffer().size());
    boolean cut = n < s.getBuffer().size() || !s.exhausted();
    String text = s.getBuffer().readUtf8(n);
    text = cut ? credentials.redactCut(text) : credentials.redact(text);
    throw ServerError.toException(response.code(), text, source, asked, table, credentials);
  }

  /**
   * Refuses a successful answer that says it is text (an HTML page, JSON, plain text): ClickHouse
   * sends RowBinary as {@code application/octet-stream}, so a proxy or another service answered.
   * Without the check its bytes would be decoded as rows, and fail only by luck, with a message
   * about row times.
   */
  private void checkBinary(Response response, String asked) throws IOException {
    MediaType type = body(response).contentType();
    if (type == null
        || (type.type().equals("application") && type.subtype().equals("octet-stream"))) {
      return;
    }
    BufferedSource s = body(response).source();
    s.request(ERROR_BODY_LIMIT);
    String text =
        credentials.redactCut(
            s.getBuffer().readUtf8(Math.min(ERROR_BODY_LIMIT, s.getBuffer().size())));
    String snippet = text.strip().replaceAll("\\s+", " ");
    throw new DataFormatException(
        "ClickHouse ("
            + source
            + ") failed "
            + asked
            + ": the answer is "
            + type
            + " (HTTP "
            + response.code()
            + "), not RowBinary rows (application/octet-stream), so something other than ClickHouse"
            + " answered, such as a proxy or a maintenance page. Check the URL "
            + Redact.url(url)
            + ". Body: "
            + (snippet.length() <= 200 ? snippet : snippet.substring(0, 200) + "…"),
        source,
        null,
        null);
  }

  private static ResponseBody body(Response response) {
    return response.body();
  }

  @Override
  public String toString() {
    return "Connection{" + Redact.url(url) + ", user=" + credentials.user() + "}";
  }
}
