package io.github.ohlcv4j.benchmarks;

import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.LiveSubscription;
import io.github.ohlcv4j.OhlcvClient;
import io.github.ohlcv4j.OhlcvEventListener;
import io.github.ohlcv4j.Symbol;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

/**
 * A load test of live candles (not a benchmark, not a unit test): one {@link OhlcvClient}
 * subscribes to 200 symbols ({@code BYBIT:L000USDT.P} …) on {@code bybit:linear}, whose stream is a
 * loopback stand-in for Bybit's v5 public WebSocket (a MockWebServer speaking the documented
 * protocol: subscribe answers, pongs, kline pushes). The stand-in sends 4 updates a second for
 * every symbol and, when the venue's minute turns, a close ({@code confirm: true}) for every
 * symbol. Each push carries its number in its volume, so the consumer knows which push it got and
 * when it was sent.
 *
 * <p>It prints updates and closes sent and received, the delay from the stand-in's send to the
 * consumer (p50, p99, max), the heap after a GC at the start, the middle and the end, and how many
 * connections were opened, and exits with 1 if a close was lost, duplicated, out of order or
 * changed, an update came twice or out of order, the last update of a symbol never came, a
 * subscription failed, or the client opened as many connections as symbols. Updates a busy consumer
 * missed because a newer one replaced them (conflation, as documented) are counted, not failed.
 *
 * <p>The venue's clock runs ahead of the machine's by less than a minute, so that its first minute
 * ends a few seconds into the run (within the two minutes of clock difference the client accepts):
 * a short run sees a close too.
 *
 * <pre>
 *   benchmarks/live-load.sh                       # 200 symbols, 60 s
 *   benchmarks/live-load.sh --seconds 10 --symbols 200 --rate 4
 * </pre>
 */
public final class LiveLoadTest {

  private static final long MINUTE = 60_000;

  private final int symbols;
  private final int rate;
  private final int seconds;
  private volatile long shift;

  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Conn> open = new CopyOnWriteArrayList<>();
  private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
  private final List<String> restRequests = new CopyOnWriteArrayList<>();

  // sender side, one thread
  private final long[][] sentAt;
  private final int[] seq;
  private final int[] lastUpdateSeq;
  private long updatesSent;
  private long closesSent;
  private long minute = Long.MIN_VALUE;
  private final List<long[]> closesExpected = new ArrayList<>(); // {symbol, open time, seq}

  // consumer side
  private final long[] delays;
  private final AtomicInteger delayCount = new AtomicInteger();
  private final AtomicLong updatesReceived = new AtomicLong();
  private final AtomicLong closesReceived = new AtomicLong();
  private final int[] lastSeqSeen;
  private final List<List<long[]>> closesSeen = new ArrayList<>(); // per symbol {open time, seq}
  private final List<String> violations = new CopyOnWriteArrayList<>();

  LiveLoadTest(int symbols, int rate, int seconds) {
    this.symbols = symbols;
    this.rate = rate;
    this.seconds = seconds;
    int maxSeq = (seconds + 10) * rate + seconds / 60 + 16;
    this.sentAt = new long[symbols][maxSeq];
    this.seq = new int[symbols];
    this.lastUpdateSeq = new int[symbols];
    this.lastSeqSeen = new int[symbols];
    Arrays.fill(lastSeqSeen, -1);
    Arrays.fill(lastUpdateSeq, -1);
    this.delays = new long[symbols * maxSeq];
    for (int i = 0; i < symbols; i++) {
      closesSeen.add(new CopyOnWriteArrayList<>());
    }
  }

  /**
   * Runs the load test.
   *
   * @param args {@code --seconds N} (60), {@code --symbols N} (200), {@code --rate N} updates a
   *     second per symbol (4)
   * @throws Exception if the stand-in cannot start
   */
  public static void main(String[] args) throws Exception {
    int seconds = 60;
    int symbols = 200;
    int rate = 4;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--symbols" -> symbols = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("options come in pairs: --seconds N --symbols N --rate N");
    }
    int status = new LiveLoadTest(symbols, rate, seconds).run();
    System.exit(status);
  }

  private long venueNow() {
    return System.currentTimeMillis() + shift;
  }

  private static String code(int i) {
    return String.format(Locale.ROOT, "L%03dUSDT", i);
  }

  int run() throws IOException, InterruptedException {
    server.setDispatcher(new Venue());
    server.start();
    String ws = "ws://" + server.getHostName() + ":" + server.getPort();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<LiveSubscription> subs = new ArrayList<>();
    ScheduledExecutorService sender =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "venue-sender");
              t.setDaemon(true);
              return t;
            });
    long[] heap = new long[3];
    try (OhlcvClient client =
        OhlcvClient.builder()
            .source("bybit:linear?baseUrl=" + server.url("/") + "&wsUrl=" + ws)
            .eventListener(OhlcvEventListener.NONE)
            .build()) {
      for (int i = 0; i < symbols; i++) {
        int s = i;
        subs.add(
            client
                .query(Symbol.parse("BYBIT:" + code(i) + ".P"))
                .interval(Interval.M1)
                .live()
                .subscribe(
                    e -> received(s, e),
                    err -> violations.add(code(s) + ": the stream ended: " + err.getMessage())));
      }
      long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (subscribed.size() < symbols && System.nanoTime() < waitEnd) {
        Thread.sleep(50);
      }
      if (subscribed.size() < symbols) {
        violations.add("only " + subscribed.size() + " of " + symbols + " topics subscribed");
      }
      heap[0] = heapAfterGc(memory);
      System.out.printf(
          Locale.ROOT,
          "%d symbols subscribed on %d connection(s); pushing %d updates/s per symbol for %d s%n",
          subscribed.size(),
          connections.get(),
          rate,
          seconds);
      long now = System.currentTimeMillis();
      long target = Math.floorDiv(now, MINUTE) * MINUTE + MINUTE - 3_000;
      shift = target >= now ? target - now : target + MINUTE - now; // a minute ends in 3 s
      long period = 1_000_000_000L / rate;
      sender.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.NANOSECONDS);
      Thread.sleep(seconds * 500L);
      heap[1] = heapAfterGc(memory);
      Thread.sleep(seconds * 1000L - seconds * 500L);
      sender.shutdown();
      if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
        violations.add("the stand-in's sender did not stop");
      }
      waitForLastUpdates();
      heap[2] = heapAfterGc(memory);
      for (LiveSubscription s : subs) {
        s.close();
      }
    } finally {
      sender.shutdownNow();
      server.close();
    }
    return report(heap);
  }

  /** Waits up to 10 s for every symbol's last push to arrive. */
  private void waitForLastUpdates() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      boolean all = true;
      for (int i = 0; i < symbols; i++) {
        synchronized (lastSeqSeen) {
          if (lastSeqSeen[i] < seq[i] - 1) {
            all = false;
            break;
          }
        }
      }
      if (all) {
        return;
      }
      Thread.sleep(20);
    }
  }

  private static long heapAfterGc(MemoryMXBean memory) {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  // ------------------------------------------------------------------ the stand-in's pushes

  /** One round: closes if the venue's minute turned, then one update for every symbol. */
  private void tick() {
    try {
      long now = venueNow();
      long m = Math.floorDiv(now, MINUTE) * MINUTE;
      if (minute != Long.MIN_VALUE && m > minute) {
        for (int i = 0; i < symbols; i++) {
          send(i, minute, true, now);
          closesSent++;
        }
      }
      minute = m;
      for (int i = 0; i < symbols; i++) {
        lastUpdateSeq[i] = seq[i];
        send(i, m, false, now);
        updatesSent++;
      }
    } catch (RuntimeException e) {
      violations.add("the stand-in failed: " + e);
    }
  }

  private void send(int symbol, long start, boolean confirm, long ts) {
    int n = seq[symbol]++;
    double low = 99 + symbol;
    double high = 101 + symbol;
    double close = low + (n % 21) / 10.0;
    String text =
        "{\"topic\":\"kline.1."
            + code(symbol)
            + "\",\"data\":[{\"start\":"
            + start
            + ",\"end\":"
            + (start + MINUTE - 1)
            + ",\"interval\":\"1\",\"open\":\""
            + (100 + symbol)
            + "\",\"close\":\""
            + close
            + "\",\"high\":\""
            + high
            + "\",\"low\":\""
            + low
            + "\",\"volume\":\""
            + n
            + "\",\"turnover\":\"0\",\"confirm\":"
            + confirm
            + ",\"timestamp\":"
            + ts
            + "}],\"ts\":"
            + ts
            + ",\"type\":\"snapshot\"}";
    if (confirm) {
      closesExpected.add(new long[] {symbol, start, n});
    }
    sentAt[symbol][n] = System.nanoTime();
    for (Conn c : open) {
      WebSocket socket = c.socket;
      if (socket != null && c.topics.contains("kline.1." + code(symbol))) {
        socket.send(text);
      }
    }
  }

  // ------------------------------------------------------------------ the consumer

  private void received(int symbol, CandleEvent e) {
    long at = System.nanoTime();
    int n = (int) e.candle().volume();
    if (n < 0 || n >= sentAt[symbol].length || sentAt[symbol][n] == 0) {
      violations.add(code(symbol) + ": an event of no push: " + e);
      return;
    }
    int d = delayCount.getAndIncrement();
    if (d < delays.length) {
      delays[d] = at - sentAt[symbol][n];
    }
    synchronized (lastSeqSeen) {
      if (n <= lastSeqSeen[symbol]) {
        violations.add(
            code(symbol) + ": push " + n + " came after push " + lastSeqSeen[symbol] + ": " + e);
      }
      lastSeqSeen[symbol] = Math.max(lastSeqSeen[symbol], n);
    }
    switch (e.kind()) {
      case UPDATE -> updatesReceived.incrementAndGet();
      case CLOSED -> {
        closesReceived.incrementAndGet();
        closesSeen.get(symbol).add(new long[] {e.candle().openTime().toEpochMilli(), n});
      }
      case REVISED -> violations.add(code(symbol) + ": a revision nobody sent: " + e);
    }
  }

  // ------------------------------------------------------------------ the report

  private int report(long[] heap) {
    for (int i = 0; i < symbols; i++) {
      List<long[]> expected = new ArrayList<>();
      for (long[] c : closesExpected) {
        if (c[0] == i) {
          expected.add(new long[] {c[1], c[2]});
        }
      }
      List<long[]> seen = closesSeen.get(i);
      if (expected.size() != seen.size()) {
        violations.add(
            code(i) + ": " + expected.size() + " closes sent, " + seen.size() + " received");
        continue;
      }
      for (int k = 0; k < expected.size(); k++) {
        if (expected.get(k)[0] != seen.get(k)[0] || expected.get(k)[1] != seen.get(k)[1]) {
          violations.add(
              code(i)
                  + ": close "
                  + k
                  + " was the push "
                  + seen.get(k)[1]
                  + " at "
                  + seen.get(k)[0]
                  + ", sent as push "
                  + expected.get(k)[1]
                  + " at "
                  + expected.get(k)[0]);
        }
      }
      if (lastSeqSeen[i] < seq[i] - 1) {
        violations.add(code(i) + ": the last push (" + (seq[i] - 1) + ") never came");
      }
    }
    if (connections.get() * 10 > symbols) {
      violations.add(connections.get() + " connections for " + symbols + " symbols");
    }
    int n = Math.min(delayCount.get(), delays.length);
    long[] d = Arrays.copyOf(delays, n);
    Arrays.sort(d);
    System.out.printf(
        Locale.ROOT, "updates: %d sent, %d received", updatesSent, updatesReceived.get());
    System.out.printf(
        Locale.ROOT,
        " (%d replaced by a newer one before delivery)%n",
        updatesSent - updatesReceived.get());
    System.out.printf(
        Locale.ROOT, "closes:  %d sent, %d received%n", closesSent, closesReceived.get());
    if (n > 0) {
      System.out.printf(
          Locale.ROOT,
          "delay send → consumer: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d events)%n",
          d[(int) (n * 0.50)] / 1e6,
          d[Math.min(n - 1, (int) (n * 0.99))] / 1e6,
          d[n - 1] / 1e6,
          n);
    }
    System.out.printf(
        Locale.ROOT,
        "heap used after GC: start %.1f MB, middle %.1f MB, end %.1f MB%n",
        heap[0] / 1e6,
        heap[1] / 1e6,
        heap[2] / 1e6);
    System.out.printf(
        Locale.ROOT,
        "connections opened: %d (for %d symbols); REST requests: %d%n",
        connections.get(),
        symbols,
        restRequests.size());
    for (String r : restRequests.subList(0, Math.min(5, restRequests.size()))) {
      System.out.println("  REST " + r);
    }
    if (violations.isEmpty()) {
      System.out.println("OK: nothing lost, duplicated or out of order");
      return 0;
    }
    System.out.println("FAILED: " + violations.size() + " violation(s)");
    for (String v : violations.subList(0, Math.min(20, violations.size()))) {
      System.out.println("  " + v);
    }
    return 1;
  }

  // ------------------------------------------------------------------ the stand-in's WebSocket

  private final class Venue extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getUrl().encodedPath();
      if (path.startsWith("/v5/public/")) {
        connections.incrementAndGet();
        return new MockResponse.Builder().webSocketUpgrade(new Conn()).build();
      }
      restRequests.add(request.getMethod() + " " + request.getUrl());
      if (path.equals("/v5/market/kline")) {
        String symbol = request.getUrl().queryParameter("symbol");
        return new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body(
                "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\",\"symbol\":\""
                    + symbol
                    + "\",\"list\":[]},\"retExtInfo\":{},\"time\":"
                    + venueNow()
                    + "}")
            .build();
      }
      return new MockResponse.Builder().code(404).build();
    }
  }

  /** One connection: answers subscribe, unsubscribe and ping as Bybit does. */
  private final class Conn extends WebSocketListener {
    volatile @Nullable WebSocket socket;
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    final int id = connections.get();

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      open.add(this);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      String op = field(text, "op");
      String reqId = field(text, "req_id");
      if ("ping".equals(op)) {
        webSocket.send(
            "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"c"
                + id
                + "\",\"req_id\":\""
                + reqId
                + "\",\"op\":\"ping\"}");
        return;
      }
      if (!"subscribe".equals(op) && !"unsubscribe".equals(op)) {
        return;
      }
      int a = text.indexOf("\"args\":[");
      int b = text.indexOf(']', a);
      for (String t : text.substring(a + 8, b).split(",")) {
        String topic = t.replace("\"", "").trim();
        if (topic.isEmpty()) {
          continue;
        }
        if ("subscribe".equals(op)) {
          topics.add(topic);
          subscribed.add(topic);
        } else {
          topics.remove(topic);
        }
      }
      webSocket.send(
          "{\"success\":true,\"ret_msg\":\""
              + ("subscribe".equals(op) ? "subscribe" : "")
              + "\",\"conn_id\":\"c"
              + id
              + "\",\"req_id\":\""
              + reqId
              + "\",\"op\":\""
              + op
              + "\"}");
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      open.remove(this);
      webSocket.close(1000, null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      open.remove(this);
    }
  }

  /** A string field of the client's small requests, {@code "name":"value"}. */
  private static @Nullable String field(String json, String name) {
    String key = "\"" + name + "\":\"";
    int a = json.indexOf(key);
    if (a < 0) {
      return null;
    }
    int b = json.indexOf('"', a + key.length());
    return b < 0 ? null : json.substring(a + key.length(), b);
  }
}
