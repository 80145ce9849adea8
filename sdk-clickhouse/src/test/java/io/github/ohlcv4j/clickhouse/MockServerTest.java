package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answers a real server does not give on demand: a modern server's version and errors, 5xx from a
 * proxy, bodies cut short. Requests are checked for what they send.
 */
class MockServerTest {

  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  static final OhlcvQuery DAY =
      OhlcvQuery.builder().symbol("BTCUSDT").between(T0, T0.plusSeconds(86_400)).build();

  MockWebServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  ClickHouseSource source() {
    return ClickHouseSource.builder()
        .url(server.url("/").toString())
        .database("md")
        .table("ohlcv")
        .user("sdk")
        .password("pw-Secr3t-42")
        .build();
  }

  static String describe(String version, String timeType) {
    return "v\t\t"
        + version
        + "\nt\t\tReplacingMergeTree\nc\tsymbol\tLowCardinality(String)\nc\tts\t"
        + timeType
        + "\nc\topen\tFloat64\nc\thigh\tFloat64\nc\tlow\tFloat64\nc\tclose\tFloat64"
        + "\nc\tvolume\tFloat64\n";
  }

  static Buffer rows(int n, boolean millis) {
    ByteBuffer b = ByteBuffer.allocate(n * 48).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      long t = T0.toEpochMilli() + 60_000L * i;
      if (millis) {
        b.putLong(t);
      } else {
        b.putInt((int) (t / 1000));
      }
      b.putDouble(10).putDouble(12).putDouble(9).putDouble(11).putDouble(1);
    }
    return new Buffer().write(b.array(), 0, b.position());
  }

  @Test
  void sendsCredentialsInHeadersAndSqlInTheBody() throws Exception {
    server.enqueue(new MockResponse.Builder().body(describe("18.16.1", "DateTime")).build());
    server.enqueue(new MockResponse.Builder().body(rows(3, false)).build());
    CandleSeries s = source().fetch(DAY);
    assertEquals(3, s.size());
    RecordedRequest describe = server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest select = server.takeRequest(5, TimeUnit.SECONDS);
    for (RecordedRequest r : new RecordedRequest[] {describe, select}) {
      assertEquals("sdk", r.getHeaders().get("X-ClickHouse-User"));
      assertEquals("pw-Secr3t-42", r.getHeaders().get("X-ClickHouse-Key"));
      assertEquals(null, r.getHeaders().get("Authorization"));
      assertFalse(r.getUrl().toString().contains("pw-Secr3t-42"));
    }
    String sql = select.getBody().utf8();
    assertTrue(sql.startsWith("SELECT `ts`, `open`"), sql);
    assertTrue(sql.endsWith("FORMAT RowBinary"), sql);
    // No settings by default: a user with readonly=1 may not send any.
    assertEquals(0, select.getUrl().querySize());
  }

  @Test
  void aModernServerGetsTheModernDialectAndDateTime64() throws Exception {
    server.enqueue(
        new MockResponse.Builder().body(describe("24.3.1.2672", "DateTime64(3, 'UTC')")).build());
    server.enqueue(new MockResponse.Builder().body(new Buffer()).build());
    // The answer is empty: is the symbol known at all? It is.
    server.enqueue(new MockResponse.Builder().body("BINANCE:BTCUSDT\n").build());
    CandleSeries s = source().fetch(DAY.newBuilder().resample(Interval.M15).build());
    assertTrue(s.isEmpty());
    server.takeRequest(5, TimeUnit.SECONDS);
    String sql = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
    String lookup = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
    assertTrue(lookup.startsWith("SELECT toString(`symbol`) FROM"), lookup);
    assertTrue(lookup.contains("LIMIT 1") && !lookup.contains("FINAL"), lookup);
    // Millisecond arithmetic, which holds before 1970 (toStartOfInterval wraps to 2106 there).
    assertTrue(sql.contains("toUnixTimestamp64Milli(`ts`) % 900000"), sql);
    assertFalse(sql.contains("toStartOfInterval"), sql);
    assertTrue(sql.contains("toDateTime64('2024-01-01 00:00:00.000', 3, 'UTC')"), sql);

    server.enqueue(
        new MockResponse.Builder().body(describe("24.3.1.2672", "DateTime64(3, 'UTC')")).build());
    server.enqueue(new MockResponse.Builder().body(rows(4, true)).build());
    CandleSeries raw = source().fetch(DAY);
    assertEquals(4, raw.size());
    assertEquals(T0.plusSeconds(180), raw.openTime(3));
  }

  @Test
  void theNewErrorFormatIsUnderstood() {
    server.enqueue(new MockResponse.Builder().body(describe("23.8.2.7", "DateTime")).build());
    server.enqueue(
        new MockResponse.Builder()
            .code(500)
            .addHeader("X-ClickHouse-Exception-Code", "159")
            .body(
                "Code: 159. DB::Exception: Timeout exceeded: elapsed 300.1 seconds, maximum: 300."
                    + " (TIMEOUT_EXCEEDED) (version 23.8.2.7 (official build))\n")
            .build());
    SourceUnavailableException e =
        assertThrows(SourceUnavailableException.class, () -> source().fetch(DAY));
    assertTrue(e.isRetryable());
    assertEquals("159", e.venueCode().orElseThrow());
    assertTrue(e.getMessage().contains("Timeout exceeded: elapsed 300.1 seconds"), e.getMessage());
    assertFalse(e.getMessage().contains("TIMEOUT_EXCEEDED"), e.getMessage());
  }

  @Test
  void aProxysServiceUnavailableIsRetryableAndTheNextTryWorks() {
    server.enqueue(new MockResponse.Builder().code(503).body("<html>busy</html>").build());
    server.enqueue(new MockResponse.Builder().body(describe("18.16.1", "DateTime")).build());
    server.enqueue(new MockResponse.Builder().body(rows(2, false)).build());
    ClickHouseSource source = source();
    SourceUnavailableException e =
        assertThrows(SourceUnavailableException.class, () -> source.fetch(DAY));
    assertTrue(e.isRetryable());
    assertEquals(2, source.fetch(DAY).size()); // the failed lookup of the table was not kept
  }

  @Test
  void aBodyEndingInsideARowIsARetryableFormatError() {
    server.enqueue(new MockResponse.Builder().body(describe("18.16.1", "DateTime")).build());
    Buffer partial = new Buffer();
    partial.write(rows(3, false), 44 * 2 + 10);
    server.enqueue(new MockResponse.Builder().body(partial).build());
    DataFormatException e = assertThrows(DataFormatException.class, () -> source().fetch(DAY));
    assertTrue(e.isRetryable());
    assertTrue(e.getMessage().contains("ends inside a row"), e.getMessage());
  }

  @Test
  void aConnectionDroppedMidBodyIsRetryable() {
    server.enqueue(new MockResponse.Builder().body(describe("18.16.1", "DateTime")).build());
    server.enqueue(
        new MockResponse.Builder()
            .body(rows(1000, false))
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    OhlcvException e = assertThrows(OhlcvException.class, () -> source().fetch(DAY));
    assertTrue(e.isRetryable(), e.toString());
  }

  @Test
  void aPageThatSaysItIsTextIsNotDecodedAsRows() {
    server.enqueue(new MockResponse.Builder().body(describe("18.16.1", "DateTime")).build());
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "text/html; charset=utf-8")
            .body("<html><body>Service temporarily unavailable</body></html>")
            .build());
    ClickHouseSource source = source();
    DataFormatException e = assertThrows(DataFormatException.class, () -> source.fetch(DAY));
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("text/html"), e.getMessage());
    assertTrue(e.getMessage().contains("Service temporarily unavailable"), e.getMessage());
    // ClickHouse's own type passes.
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/octet-stream")
            .body(rows(2, false))
            .build());
    assertEquals(2, source.fetch(DAY).size());
  }

  @Test
  void somethingElseAtTheUrlIsSaidSo() {
    server.enqueue(new MockResponse.Builder().body("<html>hello</html>").build());
    OhlcvException e = assertThrows(OhlcvException.class, () -> source().fetch(DAY));
    assertInstanceOf(io.github.ohlcv4j.DataFormatException.class, e, e.getMessage());
  }

  /** A Distributed table of a modern server, with the cluster behind it. */
  static void distributed(MockWebServer server, String version, int readonly) {
    server.enqueue(
        new MockResponse.Builder()
            .body(
                describe(version, "DateTime64(3, 'UTC')")
                        .replace("t\t\tReplacingMergeTree", "t\t\tDistributed")
                    + "f\t\tDistributed('candles', 'md', 'ohlcv_local', cityHash64(symbol))\n")
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .body(
                "l\t\tReplicatedReplacingMergeTree\ns\treadonly\t"
                    + readonly
                    + "\nr\t1\t1\nr\t1\t2\nr\t2\t1\nr\t2\t2\n")
            .build());
  }

  @Test
  void aModernClusterIsReadWithFinalSkippingShardsAndWrittenInTheForeground() throws Exception {
    distributed(server, "24.8.4.13", 0);
    server.enqueue(new MockResponse.Builder().body(rows(2, true)).build());
    ClickHouseSource source = source();
    assertEquals(2, source.fetch(DAY).size());
    server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest topology = server.takeRequest(5, TimeUnit.SECONDS);
    assertTrue(
        topology.getBody().utf8().contains("FROM system.clusters WHERE cluster = 'candles'"));
    RecordedRequest select = server.takeRequest(5, TimeUnit.SECONDS);
    String sql = select.getBody().utf8();
    assertTrue(sql.contains("FROM `md`.`ohlcv` FINAL WHERE"), sql);
    assertEquals("1", select.getUrl().queryParameter("optimize_skip_unused_shards"));
    assertEquals("in_order", select.getUrl().queryParameter("load_balancing"));

    server.enqueue(new MockResponse.Builder().body("").build());
    CandleSeries one =
        CandleSeries.builder(io.github.ohlcv4j.Symbol.parse("BTCUSDT"), Interval.M1)
            .add(T0, 1, 2, 0.5, 1.5, 3)
            .build();
    ClickHouseWriter.builder(source).build().write(one);
    RecordedRequest insert = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("1", insert.getUrl().queryParameter("distributed_foreground_insert"));
    assertEquals(null, insert.getUrl().queryParameter("insert_distributed_sync"));
    assertEquals("1", insert.getUrl().queryParameter("insert_deduplicate"));
    assertEquals("in_order", insert.getUrl().queryParameter("load_balancing"));
  }

  @Test
  void aReadOnlyUserReadsAClusterWithoutSettingsAndItsOwnSettingsWin() throws Exception {
    distributed(server, "23.8.2.7", 1);
    server.enqueue(new MockResponse.Builder().body(rows(2, true)).build());
    assertEquals(2, source().fetch(DAY).size());
    server.takeRequest(5, TimeUnit.SECONDS);
    server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest select = server.takeRequest(5, TimeUnit.SECONDS);
    assertTrue(select.getBody().utf8().contains(" FINAL WHERE"));
    assertEquals(0, select.getUrl().querySize());

    distributed(server, "23.8.2.7", 0);
    server.enqueue(new MockResponse.Builder().body(rows(2, true)).build());
    ClickHouseSource mine =
        ClickHouseSource.builder()
            .url(server.url("/").toString())
            .database("md")
            .table("ohlcv")
            .setting("load_balancing", "random")
            .build();
    assertEquals(2, mine.fetch(DAY).size());
    server.takeRequest(5, TimeUnit.SECONDS);
    server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest read = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals(List.of("random"), read.getUrl().queryParameterValues("load_balancing"));
    assertEquals("1", read.getUrl().queryParameter("optimize_skip_unused_shards"));
  }
}
