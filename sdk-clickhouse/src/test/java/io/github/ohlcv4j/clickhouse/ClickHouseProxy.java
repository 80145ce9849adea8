package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.testing.Fault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * A proxy in front of a real ClickHouse server, on a MockWebServer: passes every request on and
 * sends the server's answer back, except that it applies scripted {@link Fault}s to the answers to
 * candle queries ({@code ... FORMAT RowBinary}): a body cut short, a connection dropped, a proxy's
 * own error page. Records the candle queries it saw. Close it after the test.
 */
final class ClickHouseProxy extends Dispatcher implements AutoCloseable {

  /** A candle query as the proxy saw it: the fault applied and the status sent back. */
  record Hit(String fault, int code, long bytes) {}

  private final HttpUrl upstream;
  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient client =
      new OkHttpClient.Builder().readTimeout(60, TimeUnit.SECONDS).build();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final List<Hit> hits = new ArrayList<>();

  ClickHouseProxy(String upstream) {
    this.upstream = HttpUrl.get(upstream);
    server.setDispatcher(this);
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The proxy's {@code host:port}. */
  String hostPort() {
    return server.getHostName() + ":" + server.getPort();
  }

  /** Applies these faults to the answers to the next candle queries, in order. */
  synchronized ClickHouseProxy faults(Fault... faults) {
    this.faults.addAll(List.of(faults));
    return this;
  }

  /** The candle queries seen so far. */
  synchronized List<Hit> hits() {
    return List.copyOf(hits);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String sql = request.getBody() == null ? "" : request.getBody().utf8();
    HttpUrl url = upstream.newBuilder().encodedQuery(request.getUrl().encodedQuery()).build();
    Request.Builder forward = new Request.Builder().url(url);
    for (String h : List.of("X-ClickHouse-User", "X-ClickHouse-Key")) {
      String v = request.getHeaders().get(h);
      if (v != null) {
        forward.header(h, v);
      }
    }
    if (request.getMethod().equals("POST")) {
      forward.post(RequestBody.create(sql, MediaType.get("text/plain; charset=utf-8")));
    }
    MockResponse answer;
    try (Response r = client.newCall(forward.build()).execute()) {
      Buffer body = new Buffer();
      body.writeAll(r.body().source());
      MockResponse.Builder b = new MockResponse.Builder().code(r.code());
      for (String name : r.headers().names()) {
        if (name.equalsIgnoreCase("Content-Type") || name.startsWith("X-ClickHouse")) {
          b.setHeader(name, Objects.requireNonNull(r.header(name)));
        }
      }
      answer = b.body(body).build();
    } catch (IOException e) {
      return new MockResponse.Builder().code(502).body("proxy: " + e).build();
    }
    if (!sql.contains("FORMAT RowBinary")) {
      return answer;
    }
    Fault fault;
    synchronized (this) {
      fault = faults.poll();
    }
    MockResponse out = fault == null ? answer : fault.applyTo(answer);
    synchronized (this) {
      hits.add(new Hit(fault == null ? "none" : fault.name(), out.getCode(), bodySize(answer)));
    }
    return out;
  }

  private static long bodySize(MockResponse r) {
    return r.getBody() == null ? 0 : r.getBody().getContentLength();
  }

  /**
   * The body cut to {@code keep} of its bytes, with a {@code Content-Length} to match: the client
   * sees a well-framed, shorter answer.
   */
  static Fault cutTo(String name, java.util.function.LongUnaryOperator keep) {
    return new Fault(
        name,
        r -> {
          Buffer whole = new Buffer();
          try {
            Objects.requireNonNull(r.getBody()).writeTo(whole);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          Buffer part = new Buffer();
          part.write(whole, Math.min(whole.size(), keep.applyAsLong(whole.size())));
          return r.newBuilder().body(part).build();
        });
  }

  @Override
  public void close() {
    server.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
