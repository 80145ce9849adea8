package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ohlcv4j.source.SourceContext;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** Which timeouts a ClickHouse source uses: its builder's, else its context's, else its own. */
class TimeoutSettingsTest {

  private static OkHttpClient client(ClickHouseSource.Builder b) {
    return SourceSettings.of(b.url("http://localhost:1")).client();
  }

  @Test
  void withoutSettingsClickHouseKeepsItsOwnDefaults() {
    OkHttpClient c = client(ClickHouseSource.builder());
    assertEquals(10_000, c.connectTimeoutMillis());
    assertEquals(60_000, c.readTimeoutMillis());
    assertEquals(300_000, c.callTimeoutMillis());
  }

  @Test
  void aClientsTimeoutsReachTheSourceThroughItsContext() {
    SourceContext ctx =
        SourceContext.builder()
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(Duration.ofSeconds(2))
            .callTimeout(Duration.ofSeconds(3))
            .build();
    OkHttpClient c = client(ClickHouseSource.builder().context(ctx));
    assertEquals(1_000, c.connectTimeoutMillis());
    assertEquals(2_000, c.readTimeoutMillis());
    assertEquals(2_000, c.writeTimeoutMillis());
    assertEquals(3_000, c.callTimeoutMillis());
  }

  @Test
  void theSourcesOwnSettingsWinOverTheContexts() {
    SourceContext ctx = SourceContext.builder().readTimeout(Duration.ofSeconds(2)).build();
    OkHttpClient c =
        client(
            ClickHouseSource.builder()
                .context(ctx)
                .readTimeout(Duration.ofSeconds(7))
                .queryTimeout(Duration.ofSeconds(8)));
    assertEquals(7_000, c.readTimeoutMillis());
    assertEquals(8_000, c.callTimeoutMillis());
    assertEquals(10_000, c.connectTimeoutMillis());
  }
}
