package io.github.ohlcv4j.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.clickhouse.cluster.ClickHouseCluster;
import io.github.ohlcv4j.clickhouse.cluster.ClusterNode;
import io.github.ohlcv4j.source.SampleSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The figures of docs/scaling.md: one million one-minute candles (four symbols of 250,000, two on
 * each shard) written and read through the SDK on the single test server and on the test cluster
 * (through one node), in the same run. Not part of the normal test run; run it on a quiet machine
 * with
 *
 * <pre>
 * CI=true ./mvnw -pl sdk-clickhouse -am verify -Dtest=ClusterFigures -Dohlcv4j.figures=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read the table in {@code target/surefire-reports/...ClusterFigures-output.txt}. Each figure
 * is the median of five runs; every run's answer is checked against what was written.
 */
@Timeout(1800)
@EnabledIfSystemProperty(named = "ohlcv4j.figures", matches = "true")
@ExtendWith({ClickHouseCluster.Extension.class, ClickHouseServer.Extension.class})
class ClusterFigures {

  static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  static final int PER_SYMBOL = 250_000;
  static final Instant END = START.plus(Duration.ofMinutes(PER_SYMBOL));
  static final int RUNS = 5;

  @Test
  void aMillionCandlesOnOneServerAndOnTheCluster(
      ClickHouseCluster cluster, ClickHouseServer single) {
    List<Symbol> symbols = new ArrayList<>();
    for (int k = 0; symbols.size() < 4; k++) {
      Symbol s = Symbol.parse("BINANCE:COIN" + k + "USDT");
      long onShard = symbols.stream().filter(x -> shard(cluster, x) == shard(cluster, s)).count();
      if (onShard < 2) {
        symbols.add(s);
      }
    }
    SampleSource sample =
        SampleSource.builder()
            .clock(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC))
            .pageSize(1_000_000)
            .build();
    Map<Symbol, CandleSeries> candles = new LinkedHashMap<>();
    for (Symbol s : symbols) {
      candles.put(s, sample.fetch(OhlcvQuery.builder().symbol(s).between(START, END).build()));
    }
    ClusterNode node = cluster.node(1, 1);
    node.sql("DROP DATABASE IF EXISTS figures ON CLUSTER ohlcv4j");
    single.sql("DROP DATABASE IF EXISTS figures");
    Map<String, String> table = new LinkedHashMap<>();
    for (boolean onCluster : new boolean[] {false, true}) {
      String where = onCluster ? "cluster (2 shards x 2 replicas)" : "single server";
      Supplier<ClickHouseSource> fresh =
          new Supplier<>() {
            int n;

            @Override
            public ClickHouseSource get() {
              String name = "t" + (++n);
              ClickHouseSource s =
                  onCluster
                      ? ClickHouseSource.builder()
                          .url(node.url())
                          .database("figures")
                          .table(name)
                          .build()
                      : single.source("figures", name).build();
              ClickHouseSchema.Builder schema = ClickHouseSchema.builder(s);
              if (onCluster) {
                schema.cluster(ClickHouseCluster.NAME);
              }
              schema.build().migrate();
              return s;
            }
          };
      List<ClickHouseSource> tables = new ArrayList<>();
      table.put(
          where + ": ClickHouseWriter.write, 1M candles",
          median(
              () -> {
                ClickHouseSource s = fresh.get();
                tables.add(s);
                long t0 = System.nanoTime();
                ClickHouseWriter.builder(s).build().writeAll(candles.values());
                return System.nanoTime() - t0;
              }));
      ClickHouseSource read = tables.get(0);
      table.put(
          where + ": fetch, 1M stored candles (FINAL)",
          median(
              () -> {
                long t0 = System.nanoTime();
                long n = 0;
                for (Symbol s : symbols) {
                  CandleSeries got = read.fetch(range(s).build());
                  assertEquals(candles.get(s), got);
                  n += got.size();
                }
                assertEquals(4L * PER_SYMBOL, n);
                return System.nanoTime() - t0;
              }));
      table.put(
          where + ": fetchAll resampled to 1h on the server",
          median(
              () -> {
                long t0 = System.nanoTime();
                Map<Symbol, CandleSeries> got =
                    read.fetchAll(symbols, range(symbols.get(0)).resample(Interval.H1).build());
                assertEquals(
                    4 * (PER_SYMBOL / 60 + 1),
                    got.values().stream().mapToInt(CandleSeries::size).sum());
                return System.nanoTime() - t0;
              }));
      List<ClickHouseSource> stores = new ArrayList<>();
      table.put(
          where + ": store write with coverage, 1M candles, new",
          median(
              () -> {
                ClickHouseSource s = fresh.get();
                stores.add(s);
                long t0 = System.nanoTime();
                for (CandleSeries c : candles.values()) {
                  s.write(c, new TimeRange(START, END));
                }
                return System.nanoTime() - t0;
              }));
      table.put(
          where + ": store write again (all stored as they are)",
          median(
              () -> {
                long t0 = System.nanoTime();
                for (CandleSeries c : candles.values()) {
                  assertEquals(
                      PER_SYMBOL, stores.get(0).write(c, new TimeRange(START, END)).replaced());
                }
                return System.nanoTime() - t0;
              }));
    }
    StringBuilder out = new StringBuilder("\n| | ms (median of " + RUNS + ") |\n|---|---|\n");
    table.forEach((k, v) -> out.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    System.err.println(out);
  }

  static OhlcvQuery.Builder range(Symbol s) {
    return OhlcvQuery.builder().symbol(s).between(START, END);
  }

  static int shard(ClickHouseCluster cluster, Symbol s) {
    return ClusterSourceTest.shardOf(cluster, s);
  }

  static String median(Supplier<Long> run) {
    long[] t = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      t[i] = run.get();
    }
    java.util.Arrays.sort(t);
    return String.format("%.0f (%.0f–%.0f)", t[RUNS / 2] / 1e6, t[0] / 1e6, t[RUNS - 1] / 1e6);
  }
}
