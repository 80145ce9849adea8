package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.testing.Fault;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.ByteString;

/**
 * A proxy in front of a real ClickHouse server, on a MockWebServer: passes every request on and
 * sends the server's answer back, except that it applies scripted {@link Fault}s to the answers to
 * candle queries ({@code ... FORMAT RowBinary}): a body cut short, a connection dropped, a proxy's
 * own error page; and to the answers to inserts, after the server has had the insert (or, with
 * {@link #cutInsertsAfter}, part of it). Close it after the test. Records the candle queries and
 * inserts it saw, and the text of every statement but inserts.
 */
final class ClickHouseProxy extends Dispatcher implements AutoCloseable {

  /** A candle query as the proxy saw it: the fault applied and the status sent back. */
  record Hit(String fault, int code, long bytes) {}

  private final HttpUrl upstream;
  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient client =
      new OkHttpClient.Builder().readTimeout(60, TimeUnit.SECONDS).build();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final Deque<Fault> insertFaults = new ArrayDeque<>();
  private final List<Hit> hits = new ArrayList<>();
  private final List<Hit> inserts = new ArrayList<>();
  private final List<String> statements = new ArrayList<>();
  private long cutInsertsAfter = -1;

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

  /**
   * Applies these faults to the answers to the next inserts, in order, after passing each insert on
   * to the server.
   */
  synchronized ClickHouseProxy insertFaults(Fault... faults) {
    this.insertFaults.addAll(List.of(faults));
    return this;
  }

  /**
   * Passes on only the first {@code bytes} of each insert's body and then breaks off the upload, as
   * a connection lost mid-request would: the server has a part of the rows.
   */
  synchronized ClickHouseProxy cutInsertsAfter(long bytes) {
    this.cutInsertsAfter = bytes;
    return this;
  }

  /** The candle queries seen so far. */
  synchronized List<Hit> hits() {
    return List.copyOf(hits);
  }

  /** The statements other than inserts seen so far, in order. */
  synchronized List<String> statements() {
    return List.copyOf(statements);
  }

  /** The inserts seen so far, with the number of body bytes each carried. */
  synchronized List<Hit> inserts() {
    return List.copyOf(inserts);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    ByteString bytes = request.getBody() == null ? ByteString.EMPTY : request.getBody();
    String query = request.getUrl().queryParameter("query");
    boolean insert = query != null && query.startsWith("INSERT");
    String sql = insert ? "" : bytes.utf8();
    if (!insert) {
      synchronized (this) {
        statements.add(sql.isEmpty() && query != null ? query : sql);
      }
    }
    HttpUrl url =
        upstream
            .newBuilder()
            .encodedPath(request.getUrl().encodedPath())
            .encodedQuery(request.getUrl().encodedQuery())
            .build();
    Request.Builder forward = new Request.Builder().url(url);
    for (String h :
        List.of("X-ClickHouse-User", "X-ClickHouse-Key", "Authorization", "Content-Encoding")) {
      String v = request.getHeaders().get(h);
      if (v != null) {
        forward.header(h, v);
      }
    }
    long cut;
    synchronized (this) {
      cut = insert ? cutInsertsAfter : -1;
    }
    if (cut >= 0) {
      return cutInsert(url, request, bytes, cut);
    }
    if (request.getMethod().equals("POST")) {
      String type = request.getHeaders().get("Content-Type");
      MediaType media = MediaType.get(type != null ? type : "text/plain; charset=utf-8");
      forward.post(RequestBody.create(bytes, media));
    }
    if (insert) {
      return forwardInsert(forward.build(), bytes.size());
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

  private MockResponse forwardInsert(Request forward, long size) {
    MockResponse answer;
    try (Response r = client.newCall(forward).execute()) {
      answer =
          new MockResponse.Builder()
              .code(r.code())
              .setHeader("Content-Type", r.header("Content-Type", "text/plain"))
              .body(r.body().string())
              .build();
    } catch (IOException e) {
      return new MockResponse.Builder().code(502).body("proxy: " + e).build();
    }
    return insertAnswer(answer, size);
  }

  /**
   * Sends the server an insert whose upload ends after {@code keep} of its bytes (the request says
   * it has them all, then the proxy's side of the connection closes), waits for the server's
   * answer, and drops the client's connection: what a connection lost mid-upload does.
   */
  private MockResponse cutInsert(HttpUrl url, RecordedRequest request, ByteString body, long keep) {
    StringBuilder head =
        new StringBuilder("POST ")
            .append(url.encodedPath())
            .append('?')
            .append(url.encodedQuery())
            .append(" HTTP/1.1\r\nHost: ")
            .append(url.host())
            .append("\r\nConnection: close\r\nContent-Length: ")
            .append(body.size())
            .append("\r\n");
    for (String h : List.of("X-ClickHouse-User", "X-ClickHouse-Key", "Authorization")) {
      String v = request.getHeaders().get(h);
      if (v != null) {
        head.append(h).append(": ").append(v).append("\r\n");
      }
    }
    head.append("\r\n");
    try (Socket socket = new Socket(url.host(), url.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body.substring(0, (int) Math.min(keep, body.size())).toByteArray());
      out.flush();
      socket.shutdownOutput();
      socket.getInputStream().readAllBytes(); // the server's answer: it had only part of the rows
    } catch (IOException e) {
      // the server may reset the connection instead of answering: the same for the test
    }
    MockResponse dropped =
        new MockResponse.Builder()
            .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
            .build();
    return insertAnswer(dropped, body.size());
  }

  private MockResponse insertAnswer(MockResponse answer, long size) {
    Fault fault;
    synchronized (this) {
      fault = insertFaults.poll();
    }
    MockResponse out = fault == null ? answer : fault.applyTo(answer);
    synchronized (this) {
      inserts.add(new Hit(fault == null ? "none" : fault.name(), out.getCode(), size));
    }
    return out;
  }

  /** The connection is closed as the answer would start: the client gets no answer at all. */
  static Fault dropBeforeAnswer() {
    return new Fault(
        "connection dropped before the answer",
        r ->
            r.newBuilder()
                .onResponseStart(new SocketEffect.CloseSocket(true, false, false))
                .build());
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
