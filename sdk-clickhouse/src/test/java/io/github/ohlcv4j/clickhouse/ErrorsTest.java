package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.Health;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What callers get when things go wrong against the real server. */
@ExtendWith(ClickHouseServer.Extension.class)
class ErrorsTest {

  static final Symbol BTC = SeededMarket.SYMBOLS.get(0);
  static final OhlcvQuery ALL =
      OhlcvQuery.builder().symbol(BTC).between(SeededMarket.START, SeededMarket.END).build();

  static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  void anErrorInTheMiddleOfAStreamIsNeverAShortSeries(SeededMarket m) {
    // The limit is hit after more than a megabyte has been sent with HTTP 200: the server appends
    // its error to the rows.
    ClickHouseSource limited =
        m.source().setting("max_result_rows", "100000").setting("max_block_size", "8192").build();
    OhlcvException e = assertThrows(OhlcvException.class, () -> limited.fetch(ALL));
    assertInstanceOf(InvalidQueryException.class, e, e.getMessage());
    assertEquals("396", e.venueCode().orElseThrow());
    assertTrue(e.getMessage().contains("Limit for result exceeded"), e.getMessage());
    OhlcvException streamed =
        assertThrows(OhlcvException.class, () -> limited.pages(ALL).collect(Collectors.toList()));
    assertEquals("396", streamed.venueCode().orElseThrow());
    // The same query below the limit is fine.
    assertEquals(
        100_000,
        limited
            .fetch(ALL.newBuilder().to(SeededMarket.START.plusSeconds(60L * 100_000)).build())
            .size());
  }

  @Test
  void aMissingTableSaysHowToCreateIt(ClickHouseServer server) {
    ClickHouseSource source = server.source(SeededMarket.DATABASE, "no_such_table").build();
    SourceUnavailableException e =
        assertThrows(SourceUnavailableException.class, () -> source.fetch(ALL));
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("ClickHouseSchema"), e.getMessage());
    assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
    ClickHouseSource noDatabase = server.source("no_such_db", "t").build();
    assertFalse(
        assertThrows(SourceUnavailableException.class, () -> noDatabase.fetch(ALL)).isRetryable());
  }

  @Test
  void aMissingColumnNamesIt(SeededMarket m) {
    ClickHouseSource source =
        m.source().columns(ColumnMapping.builder().volume("qty").build()).build();
    SourceUnavailableException e =
        assertThrows(SourceUnavailableException.class, () -> source.fetch(ALL));
    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("no column qty"), e.getMessage());
  }

  @Test
  void wrongCredentialsAreAnAuthenticationErrorWithoutThePassword(SeededMarket m) {
    String wrong = "not-the-" + ClickHouseServer.PASSWORD;
    ClickHouseSource source = m.source().user(ClickHouseServer.USER).password(wrong).build();
    AuthenticationException e =
        assertThrows(AuthenticationException.class, () -> source.fetch(ALL));
    assertFalse(e.isRetryable());
    assertEquals("193", e.venueCode().orElseThrow());
    assertFalse(everything(e).contains(wrong), everything(e));
    assertFalse(source.toString().contains(wrong));
    ClickHouseSource unknown = m.source().user("nobody").build();
    assertEquals(
        "192",
        assertThrows(AuthenticationException.class, () -> unknown.fetch(ALL))
            .venueCode()
            .orElseThrow());
    Health h = source.health();
    assertEquals(Health.Status.DOWN, h.status());
    assertFalse(h.detail().contains(wrong), h.detail());
  }

  @Test
  void theRightCredentialsWork(SeededMarket m) {
    ClickHouseSource source =
        m.source().user(ClickHouseServer.USER).password(ClickHouseServer.PASSWORD).build();
    assertEquals(SeededMarket.MINUTES, source.fetch(ALL).size());
  }

  @Test
  void aReadOnlyUserCannotWrite(SeededMarket m) {
    ClickHouseSource reader = m.source().user(ClickHouseServer.READONLY_USER).build();
    assertEquals(SeededMarket.MINUTES, reader.fetch(ALL).size());
    CandleSeries one = m.written.get(BTC).head(1);
    AuthenticationException e =
        assertThrows(
            AuthenticationException.class,
            () -> ClickHouseWriter.builder(reader).build().write(one));
    assertEquals("164", e.venueCode().orElseThrow());
  }

  @Test
  void anUnknownSettingIsRefused(SeededMarket m) {
    ClickHouseSource source = m.source().setting("no_such_setting", "1").build();
    InvalidQueryException e = assertThrows(InvalidQueryException.class, () -> source.fetch(ALL));
    assertEquals("115", e.venueCode().orElseThrow());
  }

  @Test
  void aServerThatIsNotThereIsRetryable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ClickHouseSource source =
        ClickHouseSource.builder()
            .url("http://127.0.0.1:" + port)
            .user("u")
            .password("secret-pw-123")
            .build();
    SourceUnavailableException e =
        assertThrows(SourceUnavailableException.class, () -> source.fetch(ALL));
    assertTrue(e.isRetryable());
    assertFalse(everything(e).contains("secret-pw-123"));
    assertEquals(Health.Status.DOWN, source.health().status());
  }
}
