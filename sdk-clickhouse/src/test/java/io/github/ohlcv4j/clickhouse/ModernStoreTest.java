package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.source.CandleStore;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.testing.CandleStoreContract;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store contract on a modern engine (ClickHouse 26.x as chDB, behind the test shim): tables
 * with {@code DateTime64(3)} and {@code LowCardinality} symbols, the SQL of modern servers.
 */
@ExtendWith(ChdbServer.Extension.class)
class ModernStoreTest extends CandleStoreContract {

  static final String DB = "ohlcv4j_modern_store";
  private static final AtomicInteger TABLES = new AtomicInteger();

  private ChdbServer engine;

  @BeforeEach
  void engine(ChdbServer engine) {
    this.engine = engine;
  }

  @Override
  protected int randomRounds() {
    return 1;
  }

  @Override
  protected CandleStore store(Instant now) {
    ClickHouseSource source =
        engine
            .source(DB, "store_" + TABLES.incrementAndGet())
            .context(SourceContext.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build())
            .build();
    ClickHouseSchema.builder(source).build().migrate();
    return source;
  }
}
