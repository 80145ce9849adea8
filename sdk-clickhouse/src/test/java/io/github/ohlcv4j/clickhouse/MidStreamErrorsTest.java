package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Errors a modern server writes into a result it has started, byte for byte as it sends them:
 * ClickHouse 25.11 and later mark the error with the {@code X-ClickHouse-Exception-Tag} of the
 * answer and then cut the connection (the chunked body never ends); 24.11 to 25.10 write the bare
 * error text and cut it. A raw socket server sends them, as nothing else frames an answer that
 * breaks off this way.
 */
@Timeout(30)
class MidStreamErrorsTest {

  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  static final OhlcvQuery DAY =
      OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(86_400)).build();
  static final String TAG = "dngjzjnxkvlwkeua";
  static final String DESCRIBE =
      "v\t\t25.11.2.24\nt\t\tReplacingMergeTree\nc\tsymbol\tLowCardinality(String)"
          + "\nc\tts\tDateTime64(3, 'UTC')\nc\topen\tFloat64\nc\thigh\tFloat64\nc\tlow\tFloat64"
          + "\nc\tclose\tFloat64\nc\tvolume\tFloat64\n";

  RawServer server;

  @BeforeEach
  void start() throws IOException {
    server = new RawServer();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  ClickHouseSource source() {
    return ClickHouseSource.builder().url(server.url()).database("md").table("ohlcv").build();
  }

  static byte[] rows(int n) {
    return rows(0, n);
  }

  /** {@code n} one-minute candles from minute {@code first} of the day. */
  static byte[] rows(int first, int n) {
    ByteBuffer b = ByteBuffer.allocate(n * 48).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = first; i < first + n; i++) {
      b.putLong(T0.toEpochMilli() + 60_000L * i);
      b.putDouble(10).putDouble(12).putDouble(9).putDouble(11).putDouble(1);
    }
    return b.array();
  }

  /** The block a 25.11+ server writes: marker, tag, text, its length, tag, marker. */
  static byte[] tagged(String text) {
    int length = text.getBytes(StandardCharsets.UTF_8).length;
    return ("\r\n__exception__\r\n"
            + TAG
            + "\r\n"
            + text
            + "\n"
            + length
            + " "
            + TAG
            + "\r\n__exception__\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A 200 answer in chunks; {@code cut}: the connection ends before the last chunk's marker. */
  static byte[] chunked(String tagHeader, boolean cut, byte[]... chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                + "X-ClickHouse-Server-Display-Name: ch1\r\n"
                + (tagHeader == null ? "" : "X-ClickHouse-Exception-Tag: " + tagHeader + "\r\n")
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    for (byte[] c : chunks) {
      out.writeBytes((Integer.toHexString(c.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(c);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (!cut) {
      out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  static byte[] text(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return ("HTTP/1.1 200 OK\r\nContent-Type: text/tab-separated-values; charset=UTF-8\r\n"
            + "X-ClickHouse-Exception-Tag: "
            + TAG
            + "\r\nContent-Length: "
            + b.length
            + "\r\nConnection: close\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aTaggedErrorAfterRowsIsTheServersErrorAndADeterministicOneIsNotRetried() {
    String error =
        "Code: 395. DB::Exception: Value passed to 'throwIf' function is non-zero: while executing"
            + " 'FUNCTION throwIf(greater(__table1.volume, 1_UInt8) :: 2) -> throwIf(greater(volume,"
            + " 1)) UInt8 : 7'. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 25.11.2.24 (official"
            + " build))";
    server.answer(text(DESCRIBE));
    server.answer(chunked(TAG, true, rows(0, 700), rows(700, 700), tagged(error)));
    InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> source().fetch(DAY));
    assertEquals("395", e.venueCode().orElseThrow());
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("Value passed to 'throwIf' function is non-zero"));
    assertFalse(e.getMessage().contains(TAG), e.getMessage());
    assertFalse(e.getMessage().contains("__exception__"), e.getMessage());
  }

  @Test
  void aTaggedErrorThatMayPassIsRetryableWithItsCode() {
    String error =
        "Code: 241. DB::Exception: (total) memory limit exceeded: would use 9.31 GiB (attempt to"
            + " allocate chunk of 4194304 bytes), maximum: 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)"
            + " (version 25.11.2.24 (official build))";
    server.answer(text(DESCRIBE));
    server.answer(chunked(TAG, true, rows(1000), tagged(error)));
    ClickHouseSource source = source();
    SourceUnavailableException e =
        assertThrows(SourceUnavailableException.class, () -> source.fetch(DAY));
    assertEquals("241", e.venueCode().orElseThrow());
    assertTrue(e.isRetryable());
    assertTrue(e.getMessage().contains("memory limit exceeded"), e.getMessage());
    // The same block in an answer that ends properly.
    server.answer(chunked(TAG, false, rows(0, 10), tagged(error)));
    OhlcvException again = assertThrows(OhlcvException.class, () -> source.fetch(DAY));
    assertEquals("241", again.venueCode().orElseThrow());
  }

  @Test
  void anUntaggedErrorTextBeforeTheConnectionIsCutIsTheServersError() {
    // 24.11 to 25.10: the text, then the connection is cut.
    server.answer(text(DESCRIBE));
    server.answer(
        chunked(
            null,
            true,
            rows(1000),
            ("Code: 396. DB::Exception: Limit for result exceeded, max rows: 100.00 thousand,"
                    + " current rows: 101.00 thousand. (TOO_MANY_ROWS_OR_BYTES) (version 25.3.1.2)\n")
                .getBytes(StandardCharsets.UTF_8)));
    InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> source().fetch(DAY));
    assertEquals("396", e.venueCode().orElseThrow());
  }

  @Test
  void aConnectionCutWithoutAnErrorStaysARetryableIoError() {
    server.answer(text(DESCRIBE));
    server.answer(chunked(TAG, true, rows(1000)));
    ClickHouseSource source = source();
    OhlcvException e = assertThrows(OhlcvException.class, () -> source.fetch(DAY));
    assertInstanceOf(SourceUnavailableException.class, e);
    assertTrue(e.isRetryable());
    assertTrue(e.venueCode().isEmpty());
    // And a whole answer with the tag header is read as usual.
    server.answer(chunked(TAG, false, rows(0, 700), rows(700, 740)));
    assertEquals(1440, source.fetch(DAY).size());
  }

  /** Answers each connection with the next scripted bytes, then closes it. */
  static final class RawServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Deque<byte[]> answers = new ArrayDeque<>();
    private final Thread thread;

    RawServer() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread = new Thread(this::serve, "raw-http");
      thread.setDaemon(true);
      thread.start();
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    synchronized void answer(byte[] raw) {
      answers.add(raw);
    }

    private synchronized byte[] next() {
      return answers.poll();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          readRequest(s.getInputStream());
          byte[] raw = next();
          OutputStream out = s.getOutputStream();
          out.write(raw != null ? raw : text("no answer scripted"));
          out.flush();
        } catch (IOException e) {
          if (!socket.isClosed()) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    private static void readRequest(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        head.append((char) c);
      }
      long length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Long.parseLong(line.substring(15).trim());
        }
      }
      in.readNBytes((int) length);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
