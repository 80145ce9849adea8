package io.github.ohlcv4j.examples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.ClickHouseSource;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.source.SourceContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BackfillToClickHouse} never writes the sample market's synthetic candles into the table
 * real candles go to: they go into a table named for them, and the output says so. The ClickHouse
 * here is a stand-in that records the SQL it is sent and refuses the password, so each run stops at
 * its first request; which table that request names is what is checked.
 */
class BackfillToClickHouseTest {

  private static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2024-01-02T00:00:00Z");
  private static final Pattern PLAIN_TABLE = Pattern.compile("'ohlcv'|\\.ohlcv\\b(?!_sample)");

  private final MockWebServer clickhouse = new MockWebServer();
  private final List<String> sql = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @BeforeEach
  void start() throws IOException {
    clickhouse.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            sql.add(r.getBody() == null ? "" : r.getBody().utf8());
            return new MockResponse.Builder()
                .code(516)
                .setHeader("Content-Type", "text/plain; charset=UTF-8")
                .setHeader("X-ClickHouse-Exception-Code", "516")
                .body(
                    "Code: 516. DB::Exception: default: Authentication failed: password is"
                        + " incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)"
                        + " (version 24.3.1.2672 (official build))\n")
                .build();
          }
        });
    clickhouse.start();
  }

  @AfterEach
  void stop() {
    clickhouse.close();
  }

  /** The target as the environment would configure it: default database, default table. */
  private ClickHouseSource.Builder target() {
    return ClickHouseSource.builder()
        .context(SourceContext.builder().environment(Map.<String, String>of()::get).build())
        .url(clickhouse.url("/").toString())
        .user("default")
        .password("wrong-password");
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSampleMarketGoesIntoATableOfItsOwnAndTheOutputSaysSo() {
    assertThrows(
        AuthenticationException.class,
        () ->
            BackfillToClickHouse.run(
                "sample:", List.of(Symbol.of("BTCUSDT")), FROM, TO, Interval.M1, target(), out));
    String text = printed();
    assertTrue(text.contains("SYNTHETIC"), text);
    assertTrue(text.contains("into default.ohlcv_sample"), text);
    assertTrue(text.contains("not into default.ohlcv."), text);
    assertFalse(sql.isEmpty(), "it reached the server");
    for (String q : sql) {
      assertTrue(q.contains("'ohlcv_sample'"), q);
      assertFalse(PLAIN_TABLE.matcher(q).find(), "never the real candles' table: " + q);
    }
  }

  @Test
  void aRealSourceGoesIntoTheConfiguredTable() {
    assertThrows(
        AuthenticationException.class,
        () ->
            BackfillToClickHouse.run(
                "binance:spot",
                List.of(Symbol.parse("BINANCE:BTCUSDT")),
                FROM,
                TO,
                Interval.M1,
                target(),
                out));
    String text = printed();
    assertFalse(text.contains("SYNTHETIC"), text);
    assertTrue(text.contains("into default.ohlcv at"), text);
    assertTrue(sql.get(0).contains("'ohlcv'"), sql.get(0));
  }

  @Test
  void syntheticCandlesFromAnotherSourceAreRefused() {
    CandleSeries synthetic =
        SampleSource.create()
            .fetch(OhlcvQuery.builder().symbol("BTCUSDT").between(FROM, TO).build());
    CandleSeries real =
        CandleSeries.builder(Symbol.of("BTCUSDT"), Interval.M1).add(FROM, 1, 2, 1, 2, 3).build();
    BackfillToClickHouse.Usage e =
        assertThrows(
            BackfillToClickHouse.Usage.class,
            () -> BackfillToClickHouse.checkLabelled(synthetic, "my-venue:", "ohlcv"));
    assertTrue(e.getMessage().contains("SYNTHETIC"), e.getMessage());
    assertTrue(e.getMessage().contains("ohlcv_sample"), e.getMessage());
    assertDoesNotThrow(
        () -> BackfillToClickHouse.checkLabelled(synthetic, "sample:", "ohlcv_sample"));
    assertDoesNotThrow(() -> BackfillToClickHouse.checkLabelled(real, "my-venue:", "ohlcv"));
  }
}
