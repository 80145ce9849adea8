package io.github.ohlcv4j.exchange;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;

/**
 * What the tests' stand-ins for a venue's WebSocket and REST endpoints share: one MockWebServer,
 * the connections it upgraded (each a {@link Connection} that records what the client sent and
 * answers it as the venue does), upgrades held back on demand, and a deterministic market ({@link
 * #bar}). A venue's stand-in adds its paths, its protocol ({@link Connection#answer}) and its
 * formats.
 *
 * @param <C> the venue's connection
 */
public abstract class FakeVenueStream<C extends FakeVenueStream<C>.Connection> extends Dispatcher
    implements AutoCloseable {

  /** A minute, in milliseconds. */
  public static final long MIN = 60_000;

  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder()
          .build()
          .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  /** One connection as the venue sees it. */
  public abstract class Connection extends WebSocketListener {
    public final int id;
    public volatile @Nullable WebSocket socket;

    /** What the client sent, as text and parsed. */
    public final List<String> texts = new CopyOnWriteArrayList<>();

    public final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();

    /** The venue's clock when each message arrived, epoch milliseconds. */
    public final List<Long> receivedAt = new CopyOnWriteArrayList<>();

    /** The topics the client is subscribed to here. */
    public final Set<String> topics = ConcurrentHashMap.newKeySet();

    public final CountDownLatch closed = new CountDownLatch(1);

    /** The close code the client sent, if it closed the connection. */
    public volatile @Nullable String closeCode;

    /** What the client sent and the test has not taken yet. */
    public final BlockingQueue<Map<String, Object>> inbox = new LinkedBlockingQueue<>();

    protected Connection(int id) {
      this.id = id;
    }

    /** Answers one message of the client, as the venue does. */
    protected abstract void answer(WebSocket webSocket, Map<String, Object> message);

    /**
     * What the venue sends when the client sends something that is not JSON (nothing by default).
     */
    protected void notJson(WebSocket webSocket) {}

    /** What the venue sends first (nothing by default). */
    protected void greet(WebSocket webSocket) {}

    @Override
    public final void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      greet(webSocket);
      @SuppressWarnings("unchecked")
      C self = (C) this;
      opened.add(self);
    }

    @Override
    public final void onMessage(WebSocket webSocket, String text) {
      texts.add(text);
      Map<String, Object> m;
      try {
        m = JSON.fromJson(text);
      } catch (IOException e) {
        notJson(webSocket);
        throw new AssertionError("the client sent something that is not JSON: " + text, e);
      }
      try {
        answer(webSocket, m);
      } finally {
        receivedAt.add(clock.getAsLong());
        received.add(m);
        inbox.add(m);
      }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      closeCode = Integer.toString(code);
      webSocket.close(1000, null);
      closed.countDown();
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      closed.countDown();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      closed.countDown();
    }

    /** The next message the client sent, waiting up to 20 s. */
    public Map<String, Object> next() throws InterruptedException {
      Map<String, Object> m = inbox.poll(20, TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("connection " + id + " received nothing in 20 s");
      }
      return m;
    }

    /** The next message whose {@code key} is {@code value}, skipping others, up to 20 s each. */
    public Map<String, Object> next(String key, String value) throws InterruptedException {
      while (true) {
        Map<String, Object> m = next();
        if (value.equals(m.get(key))) {
          return m;
        }
      }
    }

    /** Waits until the client is subscribed to {@code topic} here. */
    public void awaitTopic(String topic) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!topics.contains(topic)) {
        Map<String, Object> m = inbox.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (m == null) {
          throw new AssertionError("connection " + id + " never subscribed to " + topic);
        }
      }
    }

    /** Waits until the connection is closed. */
    public boolean awaitClosed() throws InterruptedException {
      return closed.await(20, TimeUnit.SECONDS);
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
      return closed.getCount() > 0;
    }

    /** Sends {@code text} to the client. */
    public void send(String text) {
      WebSocket ws = socket;
      if (ws == null) {
        throw new AssertionError("connection " + id + " is not open");
      }
      ws.send(text);
    }
  }

  public final MockWebServer server = new MockWebServer();
  public final BlockingQueue<C> opened = new LinkedBlockingQueue<>();
  public final List<C> all = new CopyOnWriteArrayList<>();
  public final List<String> restRequests = new CopyOnWriteArrayList<>();

  /** Topics the venue refuses to subscribe to. */
  public final Set<String> refused = ConcurrentHashMap.newKeySet();

  /** The venue's clock, epoch milliseconds. */
  protected final LongSupplier clock;

  private volatile @Nullable CountDownLatch hold;

  /**
   * @param clock the venue's clock, epoch milliseconds
   */
  protected FakeVenueStream(LongSupplier clock) throws IOException {
    this.clock = clock;
    server.setDispatcher(this);
    server.start();
  }

  /** The {@code wsUrl} to give the source. */
  public String wsUrl() {
    return "ws://" + server.getHostName() + ":" + server.getPort();
  }

  /** The {@code baseUrl} to give the source. */
  public String baseUrl() {
    return server.url("/").toString();
  }

  /** Holds the next upgrades until {@link #release()}. */
  public void holdUpgrades() {
    hold = new CountDownLatch(1);
  }

  /** Lets held upgrades go on. */
  public void release() {
    CountDownLatch h = hold;
    if (h != null) {
      h.countDown();
    }
  }

  /** The next connection opened, waiting up to 20 s. */
  public C nextConnection() throws InterruptedException {
    C c = opened.poll(20, TimeUnit.SECONDS);
    if (c == null) {
      throw new AssertionError("no connection opened in 20 s");
    }
    return c;
  }

  /** The next connection's number. */
  protected int nextId() {
    return all.size() + 1;
  }

  /** Upgrades the request to {@code c}, once any hold is released. */
  protected MockResponse upgrade(C c) throws InterruptedException {
    CountDownLatch h = hold;
    if (h != null && !h.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("upgrade held for 30 s");
    }
    all.add(c);
    return new MockResponse.Builder().webSocketUpgrade(c).build();
  }

  /** Sends {@code frame} to every open connection subscribed to {@code topic}. */
  public void push(String topic, String frame) {
    for (C c : all) {
      if (c.topics.contains(topic) && c.socket != null && c.isOpen()) {
        c.send(frame);
      }
    }
  }

  /** Closes every connection, as a venue going down for a restart does. */
  public void disconnectAll() {
    for (C c : all) {
      WebSocket ws = c.socket;
      if (ws != null) {
        ws.close(1001, "going away");
      }
    }
  }

  @Override
  public void close() {
    release();
    server.close();
  }

  /** A JSON answer of the venue's REST API at {@code now}, its time in the {@code Date} header. */
  protected static MockResponse.Builder json(long now) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .setHeader(
            "Date",
            DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC)));
  }

  // ------------------------------------------------------------------ the market

  /**
   * A deterministic candle for the minute at {@code t}, in whole ticks: o, h, l, c, and volume in
   * whole units. {@code salt} tells markets apart; the open is {@code base} plus up to {@code
   * range}, the close within {@code move} of it, the wicks up to {@code wick}, the volume from
   * {@code minVolume} to below {@code minVolume + volumeRange}.
   */
  public static long[] bar(
      long t,
      long salt,
      long base,
      long range,
      long move,
      long wick,
      long minVolume,
      long volumeRange) {
    long s = mix(t * 31 + salt);
    long o = base + Math.floorMod(s, range);
    long c = o + Math.floorMod(s >>> 17, 2 * move + 1) - move;
    long h = Math.max(o, c) + Math.floorMod(s >>> 29, wick);
    long l = Math.min(o, c) - Math.floorMod(s >>> 37, wick);
    long v = minVolume + Math.floorMod(s >>> 43, volumeRange);
    return new long[] {o, h, l, c, v};
  }

  /**
   * The candle {@code b} of the minute at {@code t} as of {@code now}: itself once the minute has
   * ended, else partial, its close moved from the open as far as the minute has gone.
   */
  public static long[] asOf(long[] b, long t, long now) {
    if (now >= t + MIN) {
      return b;
    }
    double f = Math.max(0, Math.min(1, (now - t) / (double) MIN));
    long c = b[0] + Math.round((b[3] - b[0]) * f);
    return new long[] {
      b[0], Math.max(b[0], c), Math.min(b[0], c), c, Math.max(1, (long) (b[4] * f))
    };
  }

  /** {@code units} with {@code decimals} digits after the point ({@code 123, 2 → "1.23"}). */
  public static String decimal(long units, int decimals) {
    long pow = (long) Math.pow(10, decimals);
    String frac = String.format("%0" + decimals + "d", Math.floorMod(units, pow));
    return Math.floorDiv(units, pow) + "." + frac;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
