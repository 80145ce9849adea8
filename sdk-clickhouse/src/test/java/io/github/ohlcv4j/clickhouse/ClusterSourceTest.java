package io.github.ohlcv4j.clickhouse;

import static io.github.ohlcv4j.clickhouse.Candles.assertSameCandles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.clickhouse.cluster.ClickHouseCluster;
import io.github.ohlcv4j.clickhouse.cluster.ClusterNode;
import io.github.ohlcv4j.source.SampleSource;
import io.github.ohlcv4j.testing.LogCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.event.Level;

/**
 * The source and the writer on the real test cluster — a {@code Distributed} table over replicated
 * replacing tables on two shards of two 18.16 replicas — against the same candles on a single
 * server and the in-JVM resampler: reads with {@code FINAL} by default, candles written twice read
 * once, writes visible when {@code write()} returns, a shard down a typed error, a retried batch
 * stored once, and a replica down changing nothing the caller sees.
 */
@Timeout(300)
@ExtendWith({ClickHouseCluster.Extension.class, ClickHouseServer.Extension.class})
class ClusterSourceTest {

  static final String DB = "ohlcv4j_cluster_source";
  static final String TABLE = "candles_1m";
  static final Instant START = Instant.parse("2024-03-01T00:00:00Z");
  static final Instant END = Instant.parse("2024-03-15T00:00:00Z");
  static final Symbol BTC = Symbol.parse("BINANCE:BTCUSDT");
  static final Symbol ETH = Symbol.parse("BINANCE:ETHUSDT");
  static final Symbol HOLES = Symbol.parse("BYBIT:SOLUSDT.P");
  static final Symbol AAPL = Symbol.parse("NASDAQ:AAPL");
  static final List<Symbol> SYMBOLS = List.of(BTC, ETH, HOLES, AAPL);
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Map<Symbol, CandleSeries> written;

  static ClickHouseSource.Builder on(ClusterNode node, String db, String table) {
    return ClickHouseSource.builder().url(node.url()).database(db).table(table);
  }

  static CandleSeries sample(Symbol s, Instant from, Instant to) {
    SampleSource sample =
        SampleSource.builder()
            .clock(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC))
            .pageSize(1_000_000)
            .build();
    return sample.fetch(OhlcvQuery.builder().symbol(s).between(from, to).build());
  }

  /** {@code s} without a block of 400 candles and every 613th. */
  static CandleSeries withHoles(CandleSeries s) {
    CandleSeries.Builder b = CandleSeries.builder(s.symbol(), s.interval());
    for (int i = 0; i < s.size(); i++) {
      if ((i >= 5000 && i < 5400) || i % 613 == 0) {
        continue;
      }
      b.add(s.openTimeMillis(i), s.open(i), s.high(i), s.low(i), s.close(i), s.volume(i));
    }
    return b.build();
  }

  /** The candles of one day of {@code s}, corrected: another close and twice the volume. */
  static CandleSeries corrected(CandleSeries s, Instant day) {
    CandleSeries one = s.between(day, day.plus(Duration.ofDays(1)));
    CandleSeries.Builder b = CandleSeries.builder(s.symbol(), s.interval());
    for (int i = 0; i < one.size(); i++) {
      double close = Math.min(one.high(i), Math.max(one.low(i), one.close(i) + 0.25));
      b.add(one.openTimeMillis(i), one.open(i), one.high(i), one.low(i), close, 2 * one.volume(i));
    }
    return b.build();
  }

  /**
   * Creates the cluster table (merges stopped on every node, so that both copies of a rewritten
   * candle stay until a reader collapses them) and the same table on the single server, writes the
   * same candles to both — and a corrected copy of one day of two symbols — once per run.
   */
  static synchronized Map<Symbol, CandleSeries> seed(
      ClickHouseCluster cluster, ClickHouseServer single) {
    if (written != null) {
      return written;
    }
    assertEquals(2, shardsOf(cluster, SYMBOLS).size(), "the symbols use both shards");
    ClusterNode writerNode = cluster.node(1, 1);
    writerNode.sql("DROP DATABASE IF EXISTS " + DB + " ON CLUSTER ohlcv4j");
    ClickHouseSource onCluster = on(writerNode, DB, TABLE).build();
    ClickHouseSchema.builder(onCluster).cluster(ClickHouseCluster.NAME).build().migrate();
    for (ClusterNode n : cluster.nodes()) {
      n.sql("SYSTEM STOP MERGES " + DB + "." + TABLE + "_local");
    }
    ClickHouseSource onSingle = single.source(DB, TABLE).build();
    ClickHouseSchema.builder(onSingle).build().migrate();
    single.sql("SYSTEM STOP MERGES " + DB + "." + TABLE);

    Map<Symbol, CandleSeries> w = new LinkedHashMap<>();
    List<CandleSeries> rewrites = new ArrayList<>();
    for (Symbol s : SYMBOLS) {
      CandleSeries all = sample(s, START, END);
      CandleSeries data = s.equals(HOLES) ? withHoles(all) : all;
      w.put(s, data);
    }
    for (Symbol s : List.of(BTC, HOLES)) {
      CandleSeries fix = corrected(w.get(s), START.plus(Duration.ofDays(4)));
      rewrites.add(fix);
      w.put(s, merge(w.get(s), fix));
    }
    for (ClickHouseSource target : List.of(onCluster, onSingle)) {
      ClickHouseWriter writer = ClickHouseWriter.builder(target).build();
      for (Symbol s : SYMBOLS) {
        writer.write(s.equals(HOLES) ? withHoles(sample(s, START, END)) : sample(s, START, END));
      }
      writer.writeAll(rewrites);
    }
    // Both copies are stored: a read without FINAL would see them.
    assertEquals(
        (long) (rewrites.get(0).size() + rewrites.get(1).size()),
        count(writerNode, DB + "." + TABLE, "") - count(writerNode, DB + "." + TABLE, "FINAL"));
    written = w;
    return w;
  }

  static CandleSeries merge(CandleSeries base, CandleSeries fix) {
    CandleSeries.Builder b = CandleSeries.builder(base.symbol(), base.interval());
    b.addAll(base);
    b.addAll(fix);
    return b.build();
  }

  static long count(ClusterNode n, String table, String fin) {
    return Long.parseLong(n.sql("SELECT count() FROM " + table + " " + fin + " FORMAT TSV").trim());
  }

  /** The shards ({@code cityHash64(symbol) % 2 + 1}) the symbols live on. */
  static java.util.Set<Integer> shardsOf(ClickHouseCluster cluster, List<Symbol> symbols) {
    java.util.Set<Integer> shards = new java.util.TreeSet<>();
    for (Symbol s : symbols) {
      shards.add(shardOf(cluster, s));
    }
    return shards;
  }

  static int shardOf(ClickHouseCluster cluster, Symbol s) {
    return Integer.parseInt(
        cluster.node(1, 1).sql("SELECT cityHash64('" + s + "') % 2 + 1 FORMAT TSV").trim());
  }

  static OhlcvQuery.Builder range(Symbol s, Instant from, Instant to) {
    return OhlcvQuery.builder().symbol(s).between(from, to);
  }

  /** The queries every node must answer as the single server and the JVM do. */
  static Map<String, UnaryOperator<OhlcvQuery.Builder>> shapes() {
    Map<String, UnaryOperator<OhlcvQuery.Builder>> m = new LinkedHashMap<>();
    m.put("stored", q -> q);
    m.put("5m", q -> q.resample(Interval.M5));
    m.put("1h New York", q -> q.resample(Interval.H1).zone(NEW_YORK));
    m.put("4h", q -> q.resample(Interval.H4));
    m.put("1d", q -> q.resample(Interval.D1));
    m.put("1d Berlin", q -> q.resample(Interval.D1).zone(BERLIN));
    m.put("1d New York", q -> q.resample(Interval.D1).zone(NEW_YORK));
    m.put("1w", q -> q.resample(Interval.W1));
    m.put("15m stored as 1m", q -> q.interval(Interval.M15));
    m.put("15m to 1h", q -> q.interval(Interval.M15).resample(Interval.H1));
    return m;
  }

  static CandleSeries expected(CandleSeries w, String shape, Instant from, Instant to) {
    CandleSeries in = w.between(from, to);
    switch (shape) {
      case "stored":
        return in;
      case "5m":
        return in.resample(Interval.M5);
      case "1h New York":
        return in.resample(Interval.H1, NEW_YORK);
      case "4h":
        return in.resample(Interval.H4);
      case "1d":
        return in.resample(Interval.D1);
      case "1d Berlin":
        return in.resample(Interval.D1, BERLIN);
      case "1d New York":
        return in.resample(Interval.D1, NEW_YORK);
      case "1w":
        return in.resample(Interval.W1);
      case "15m stored as 1m":
        // 15m candles that open in the range, each made of all its minutes
        return w.resample(Interval.M15).between(from, to);
      default:
        return w.resample(Interval.M15).between(from, to).resample(Interval.H1);
    }
  }

  @Test
  void everyReadThroughAnyNodeEqualsTheSingleServerAndTheJvm(
      ClickHouseCluster cluster, ClickHouseServer single) {
    Map<Symbol, CandleSeries> w = seed(cluster, single);
    ClickHouseSource reference = single.source(DB, TABLE).build();
    Instant[][] ranges = {
      {START, END},
      // starts inside a day and a week: the first bucket is read as candles, resampled in the JVM
      {START.plus(Duration.ofHours(30)).plusSeconds(60), END.minus(Duration.ofHours(7))},
    };
    for (ClusterNode n : List.of(cluster.node(1, 2), cluster.node(2, 1))) {
      ClickHouseSource source = on(n, DB, TABLE).build();
      // Every shape through one node; the whole range through the other.
      Instant[][] asked = n.shard() == 1 ? ranges : new Instant[][] {ranges[0]};
      for (Symbol s : SYMBOLS) {
        for (Instant[] r : asked) {
          for (Map.Entry<String, UnaryOperator<OhlcvQuery.Builder>> shape : shapes().entrySet()) {
            OhlcvQuery q = shape.getValue().apply(range(s, r[0], r[1])).build();
            String what = n.name() + " " + s + " " + shape.getKey() + " from " + r[0];
            CandleSeries got = source.fetch(q);
            assertSameCandles(reference.fetch(q), got, what + " (single server)");
            assertSameCandles(expected(w.get(s), shape.getKey(), r[0], r[1]), got, what);
          }
        }
      }
      // Several symbols in one request per window.
      OhlcvQuery hourly = range(BTC, START, END).resample(Interval.H1).build();
      Map<Symbol, CandleSeries> all = source.fetchAll(SYMBOLS, hourly);
      for (Symbol s : SYMBOLS) {
        assertSameCandles(w.get(s).resample(Interval.H1), all.get(s), n.name() + " fetchAll " + s);
      }
      assertEquals(w.get(BTC).head(100), source.fetch(range(BTC, START, END).limit(100).build()));
    }
  }

  @Test
  void aShardingKeyThatIsNotTheSymbolIsReportedOnce(
      ClickHouseCluster cluster, ClickHouseServer single) {
    Map<Symbol, CandleSeries> w = seed(cluster, single);
    ClusterNode n = cluster.node(2, 2);
    n.sql(
        "CREATE TABLE IF NOT EXISTS "
            + DB
            + ".by_random ON CLUSTER ohlcv4j AS "
            + DB
            + "."
            + TABLE
            + " ENGINE = Distributed(ohlcv4j, "
            + DB
            + ", "
            + TABLE
            + "_local, rand())");
    ClickHouseSource source = on(n, DB, "by_random").build();
    try (LogCapture logs = LogCapture.start()) {
      OhlcvQuery q = range(ETH, START, START.plus(Duration.ofDays(2))).build();
      assertEquals(w.get(ETH).between(START, START.plus(Duration.ofDays(2))), source.fetch(q));
      source.fetch(q.newBuilder().resample(Interval.H1).build());
      List<LogCapture.Event> warnings = logs.events(e -> e.level() == Level.WARN);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(
          warnings.get(0).message().contains("is sharded by rand(), not by the symbol column"),
          warnings.get(0).message());
    }
    // The table made by the schema is sharded by the symbol: no warning.
    try (LogCapture logs = LogCapture.start()) {
      on(n, DB, TABLE).build().fetch(range(ETH, START, START.plusSeconds(3600)).build());
      assertEquals(List.of(), logs.events(e -> e.level() == Level.WARN));
    }
  }

  @Test
  void writesAreOnTheirShardAndReadableWhenWriteReturns(ClickHouseCluster cluster) {
    String db = "ohlcv4j_cluster_writes";
    ClusterNode node = cluster.node(2, 2);
    node.sql("DROP DATABASE IF EXISTS " + db + " ON CLUSTER ohlcv4j");
    ClickHouseSource source = on(node, db, TABLE).build();
    ClickHouseSchema.builder(source).cluster(ClickHouseCluster.NAME).build().migrate();
    ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
    Instant to = START.plus(Duration.ofMinutes(50_000));
    for (Symbol s : SYMBOLS) {
      CandleSeries candles = sample(s, START, to);
      writer.write(candles);
      // Right away, through the same node: every candle.
      assertEquals(candles, source.fetch(range(s, START, to).build()), s.toString());
      // On one replica of the symbol's shard, on no replica of the other.
      int shard = shardOf(cluster, s);
      long onShard = 0;
      for (ClusterNode n : cluster.shard(shard)) {
        onShard = Math.max(onShard, localCount(n, db, s));
      }
      assertEquals(50_000, onShard, s + " on shard " + shard);
      for (ClusterNode n : cluster.shard(3 - shard)) {
        assertEquals(0, localCount(n, db, s), s + " on " + n.name());
      }
    }
  }

  static long localCount(ClusterNode n, String db, Symbol s) {
    return Long.parseLong(
        n.sql(
                "SELECT count() FROM "
                    + db
                    + "."
                    + TABLE
                    + "_local WHERE symbol = '"
                    + s
                    + "' FORMAT TSV")
            .trim());
  }

  @Test
  void aStoppedShardIsATypedErrorForWritesAndReads(ClickHouseCluster cluster) {
    String db = "ohlcv4j_cluster_shard_down";
    ClusterNode node = cluster.node(1, 1);
    node.sql("DROP DATABASE IF EXISTS " + db + " ON CLUSTER ohlcv4j");
    ClickHouseSource source = on(node, db, TABLE).build();
    ClickHouseSchema.builder(source).cluster(ClickHouseCluster.NAME).build().migrate();
    Symbol onShard2 = SYMBOLS.stream().filter(s -> shardOf(cluster, s) == 2).findFirst().get();
    Instant to = START.plus(Duration.ofDays(1));
    ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
    writer.write(sample(onShard2, START, to));
    assertEquals(1440, source.fetch(range(onShard2, START, to).build()).size());

    cluster.stop(cluster.node(2, 1), cluster.node(2, 2));
    SourceUnavailableException write =
        assertThrows(
            SourceUnavailableException.class,
            () -> writer.write(sample(onShard2, to, to.plus(Duration.ofDays(1)))));
    SourceUnavailableException read =
        assertThrows(
            SourceUnavailableException.class,
            () -> source.fetch(range(onShard2, START, to).build()));
    for (SourceUnavailableException e : List.of(write, read)) {
      assertEquals("279", e.venueCode().orElseThrow(), e.getMessage());
      assertTrue(e.isRetryable(), e.getMessage());
      assertTrue(
          e.getMessage().contains("a shard of the cluster cannot be reached, none of its replicas"),
          e.getMessage());
      for (ClusterNode down : cluster.shard(2)) {
        assertTrue(e.getMessage().contains("127.0.0.1:" + down.tcpPort()), e.getMessage());
      }
    }
    assertTrue(write.getMessage().contains("Stored for certain by this write: 0 rows"));
  }

  @Test
  void aRetriedBatchIsStoredOnce(ClickHouseCluster cluster) {
    String db = "ohlcv4j_cluster_retry";
    ClusterNode node = cluster.node(1, 2);
    node.sql("DROP DATABASE IF EXISTS " + db + " ON CLUSTER ohlcv4j");
    ClickHouseSchema.builder(on(node, db, TABLE).build())
        .cluster(ClickHouseCluster.NAME)
        .build()
        .migrate();
    try (ClickHouseProxy proxy = new ClickHouseProxy(node.url())) {
      ClickHouseSource source =
          ClickHouseSource.builder()
              .url("http://" + proxy.hostPort())
              .database(db)
              .table(TABLE)
              .build();
      ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
      List<CandleSeries> batch = new ArrayList<>();
      for (Symbol s : SYMBOLS) {
        batch.add(sample(s, START, START.plus(Duration.ofDays(2))));
      }
      // The answer to the second insert is lost after the cluster stored it.
      proxy.insertFaults(
          io.github.ohlcv4j.testing.Fault.none(), ClickHouseProxy.dropBeforeAnswer());
      assertThrows(SourceUnavailableException.class, () -> writer.writeAll(batch));
      writer.writeAll(batch); // the caller writes everything again
      for (ClusterNode n : cluster.nodes()) {
        n.sql("SYSTEM SYNC REPLICA " + db + "." + TABLE + "_local");
      }
      // Every candle once, even without FINAL: the replicas dropped the blocks they had.
      assertEquals(4 * 2 * 1440L, count(node, db + "." + TABLE, ""));
      for (ClusterNode n : cluster.nodes()) {
        for (Symbol s : SYMBOLS) {
          if (shardOf(cluster, s) == n.shard()) {
            assertEquals(2 * 1440L, localCount(n, db, s), s + " on " + n.name());
          }
        }
      }
    }
  }

  @Test
  void aStoppedReplicaChangesNothingTheCallerSees(
      ClickHouseCluster cluster, ClickHouseServer single) {
    Map<Symbol, CandleSeries> w = seed(cluster, single);
    ClickHouseSource s1 = on(cluster.node(1, 1), DB, TABLE).build();
    ClickHouseSource s2 = on(cluster.node(2, 2), DB, TABLE).build();
    cluster.node(1, 2).stop();
    cluster.node(2, 1).stop(); // one replica of each shard is down
    for (ClickHouseSource source : List.of(s1, s2)) {
      for (Symbol s : SYMBOLS) {
        assertEquals(w.get(s), source.fetch(range(s, START, END).build()), s.toString());
        assertSameCandles(
            w.get(s).resample(Interval.D1, NEW_YORK),
            source.fetch(range(s, START, END).resample(Interval.D1).zone(NEW_YORK).build()),
            s + " daily");
      }
    }
    // Writes go on, and are readable at once.
    Symbol fresh = Symbol.parse("KRAKEN:XBTUSD");
    CandleSeries more = sample(fresh, START, START.plus(Duration.ofDays(1)));
    ClickHouseWriter.builder(s1).build().write(more);
    assertEquals(more, s1.fetch(range(fresh, START, END).build()));
  }
}
