package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.internal.http.Http;
import io.github.ohlcv4j.internal.http.Redact;
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
import org.jspecify.annotations.Nullable;

/**
 * Talks to ClickHouse's HTTP interface: SQL in the POST body, settings as URL parameters (only real
 * settings: the server rejects any unknown parameter), credentials in the {@code X-ClickHouse-User}
 * and {@code X-ClickHouse-Key} headers (never in the URL, never together with Basic auth, which the
 * server refuses). Failed requests become typed errors through {@link ServerError}. Immutable and
 * thread-safe.
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
     * @param serverTime the server's clock from the {@code Date} header, if sent
     */
    T read(InputStream body, Optional<Instant> serverTime) throws IOException;
  }

  private final Http http;
  private final HttpUrl url;
  private final String user;
  private final @Nullable String password;
  private final Map<String, String> settings;
  private final String source;
  private final String table;

  /**
   * @param client the HTTP client (with the source's timeouts)
   * @param url the server's HTTP endpoint, without credentials
   * @param user the user
   * @param password the password, or null for none
   * @param settings ClickHouse settings sent with every query (names already checked)
   * @param source the source's name, for errors
   * @param table the qualified table, for schema hints in errors
   */
  public Connection(
      OkHttpClient client,
      HttpUrl url,
      String user,
      @Nullable String password,
      Map<String, String> settings,
      String source,
      String table) {
    this.http = new Http(client, source);
    this.url = Objects.requireNonNull(url, "url");
    this.user = Objects.requireNonNull(user, "user");
    this.password = password == null || password.isEmpty() ? null : password;
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

  /** Runs a statement and returns its whole (small) text answer. */
  public CompletableFuture<String> text(String sql, String asked) {
    return http.send(
        post(sql),
        response -> {
          checkOk(response, asked);
          return body(response).string();
        });
  }

  /**
   * Runs a query and streams its answer through {@code reader}. An error the server appended to the
   * stream ({@link RowBinaryReader.TrailingServerError}) becomes a typed error.
   */
  public <T> CompletableFuture<T> stream(String sql, String asked, BodyReader<T> reader) {
    return http.send(
        post(sql),
        response -> {
          checkOk(response, asked);
          checkBinary(response, asked);
          try (InputStream in = body(response).byteStream()) {
            return reader.read(in, Http.serverTime(response));
          } catch (RowBinaryReader.TrailingServerError e) {
            OhlcvException x = ServerError.toException(200, e.text, source, asked, table, password);
            x.addSuppressed(new IllegalStateException("after " + e.rows + " rows"));
            throw x;
          }
        });
  }

  /**
   * Sends {@code body} as the data of an {@code INSERT ... FORMAT ...} statement (which goes into
   * the {@code query} URL parameter, as the body holds the data).
   */
  public CompletableFuture<Void> insert(
      String insertSql, RequestBody body, boolean gzip, String asked) {
    HttpUrl u = withSettings(url.newBuilder()).addQueryParameter("query", insertSql).build();
    Request.Builder b = auth(new Request.Builder().url(u)).post(body);
    if (gzip) {
      b.header("Content-Encoding", "gzip");
    }
    Request request = b.build();
    return http.send(
        request,
        response -> {
          checkOk(response, asked);
          return null;
        });
  }

  /** {@code GET /ping}: {@code Ok.} when the server is up. */
  public CompletableFuture<Duration> ping() {
    HttpUrl u = url.newBuilder().addPathSegment("ping").build();
    long start = System.nanoTime();
    return http.send(
        new Request.Builder().url(u).get().build(),
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
                password);
          }
          return Duration.ofNanos(System.nanoTime() - start);
        });
  }

  private Request post(String sql) {
    return auth(new Request.Builder().url(withSettings(url.newBuilder()).build()))
        .post(RequestBody.create(sql, TEXT))
        .build();
  }

  private HttpUrl.Builder withSettings(HttpUrl.Builder b) {
    for (Map.Entry<String, String> e : settings.entrySet()) {
      b.addQueryParameter(e.getKey(), e.getValue());
    }
    return b;
  }

  private Request.Builder auth(Request.Builder b) {
    b.header("X-ClickHouse-User", user);
    if (password != null) {
      b.header("X-ClickHouse-Key", password);
    }
    return b;
  }

  private void checkOk(Response response, String asked) throws IOException {
    if (response.isSuccessful()) {
      return;
    }
    BufferedSource s = body(response).source();
    s.request(ERROR_BODY_LIMIT);
    long n = Math.min(ERROR_BODY_LIMIT, s.getBuffer().size());
    String text = s.getBuffer().readUtf8(n);
    throw ServerError.toException(response.code(), text, source, asked, table, password);
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
    String text = s.getBuffer().readUtf8(Math.min(ERROR_BODY_LIMIT, s.getBuffer().size()));
    String snippet = Redact.text(text.strip().replaceAll("\\s+", " "), password);
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
    return "Connection{" + Redact.url(url) + ", user=" + user + "}";
  }
}
