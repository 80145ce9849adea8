package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.internal.Errors;
import io.github.ohlcv4j.internal.http.Redact;
import io.github.ohlcv4j.source.live.LiveEnvironment;
import io.github.ohlcv4j.source.live.LiveFeed;
import io.github.ohlcv4j.source.live.LiveSink;
import io.github.ohlcv4j.source.live.VenueProtocol;
import io.github.ohlcv4j.source.live.WebSocketLimits;
import io.github.ohlcv4j.source.live.WebSocketSession;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The connections of one WebSocket feed: which topic rides on which connection, subscribing in
 * batches within the venue's limits, heartbeats, the silence and acknowledgement watchdog,
 * reconnects with backoff inside the connection-rate limit, and make-before-break replacement.
 *
 * <p>One lock guards the state; OkHttp's reader threads take it only briefly (acknowledgements,
 * connection changes). Candle pushes do not take it: they read the topic table (a concurrent map)
 * and the topic's sinks (a copy-on-write array) and hand the push on.
 */
public final class WsHub {
  private static final Logger log = LoggerFactory.getLogger("io.github.ohlcv4j.live");

  /** The prefix of the names of the WebSocket threads all feeds share. */
  public static final String THREAD_PREFIX = "ohlcv4j-shared-ws-";

  /**
   * WebSocket calls hold a dispatcher thread for as long as they are open, so they get a dispatcher
   * of their own: daemon threads (a program that forgets to close its client still exits), no cap
   * that 64 open sockets would hit, idle threads gone after a minute.
   */
  private static final Dispatcher DISPATCHER = dispatcher();

  private static Dispatcher dispatcher() {
    AtomicInteger n = new AtomicInteger();
    Dispatcher d =
        new Dispatcher(
            new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                60,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                  Thread t = new Thread(r, THREAD_PREFIX + n.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                }));
    d.setMaxRequests(1 << 16);
    d.setMaxRequestsPerHost(1 << 16);
    return d;
  }

  private final String name;
  private final VenueProtocol protocol;
  private final Request request;
  private final WebSocketLimits limits;
  private final OkHttpClient http;
  private final Object lock = new Object();
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
  private final List<Conn> conns = new ArrayList<>();
  private final ArrayDeque<Long> connectTimes = new ArrayDeque<>();
  private @Nullable LiveEnvironment env;
  private int nextConnection = 1;
  private long nextRequest = 1;

  /**
   * @param name the feed's name
   * @param protocol the venue's protocol
   * @param url the WebSocket URL (ws, wss, http or https)
   * @param limits the venue's limits
   * @param base the HTTP client whose settings (proxy, TLS, timeouts) the sockets use
   */
  public WsHub(
      String name, VenueProtocol protocol, String url, WebSocketLimits limits, OkHttpClient base) {
    this.name = name;
    this.protocol = protocol;
    this.request = new Request.Builder().url(url).build();
    this.limits = limits;
    OkHttpClient.Builder b =
        base.newBuilder().dispatcher(DISPATCHER).webSocketCloseTimeout(Duration.ofSeconds(2));
    if (!limits.protocolPing().isZero()) {
      b.pingInterval(limits.protocolPing());
    }
    this.http = b.build();
  }

  /** The URL, redacted, for messages. */
  public String url() {
    return Redact.url(request.url());
  }

  /** Connections open or opening, for tests and health. */
  public int connections() {
    synchronized (lock) {
      return conns.size();
    }
  }

  /** Opens a stream of {@code topicName} into {@code sink}. */
  public LiveFeed.Handle open(String topicName, LiveSink sink, LiveEnvironment environment) {
    int chars = protocol.characters(topicName);
    if (chars > limits.charactersPerConnection()) {
      throw new InvalidQueryException(
          name
              + ": the topic "
              + topicName
              + " is longer than a connection may carry ("
              + limits.charactersPerConnection()
              + " characters)",
          name,
          null,
          null);
    }
    Topic t;
    synchronized (lock) {
      if (env == null) {
        env = environment;
      }
      Topic known = topics.get(topicName);
      boolean fresh = known == null;
      t = known == null ? new Topic(topicName, chars) : known;
      if (fresh) {
        topics.put(topicName, t);
      }
      t.add(sink);
      if (fresh) {
        assign(t);
      }
    }
    Topic topic = t;
    return new LiveFeed.Handle() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (lock) {
          if (closed) {
            return;
          }
          closed = true;
          topic.remove(sink);
          if (topic.sinks.length == 0 && topics.get(topic.name) == topic) {
            drop(topic);
          }
        }
      }
    };
  }

  /** Drops every connection at once; streams hear nothing more. */
  public void close() {
    List<Conn> all;
    synchronized (lock) {
      all = new ArrayList<>(conns);
      conns.clear();
      topics.clear();
      for (Conn c : all) {
        c.state = State.CLOSED;
        c.cancelTimers();
      }
    }
    for (Conn c : all) {
      WebSocket ws = c.ws;
      if (ws != null) {
        ws.cancel();
      }
    }
  }

  private LiveEnvironment env() {
    LiveEnvironment e = env;
    if (e == null) {
      throw new IllegalStateException("no stream opened yet");
    }
    return e;
  }

  // ------------------------------------------------------------------ topics and connections

  /** Puts a new topic on a connection with room for it, or on a new connection. */
  private void assign(Topic t) {
    Conn target = null;
    for (Conn c : conns) {
      if (c.state != State.CLOSED
          && !c.retiring
          && c.topics.size() < limits.topicsPerConnection()
          && c.chars + t.chars <= limits.charactersPerConnection()) {
        target = c;
        break;
      }
    }
    if (target == null) {
      target = new Conn(0);
      conns.add(target);
      place(target, t);
      connect(target);
      return;
    }
    place(target, t);
    if (target.state == State.READY) {
      pump(target);
    }
  }

  private void place(Conn c, Topic t) {
    c.topics.add(t);
    c.chars += t.chars;
    c.toSubscribe.add(t);
    t.conn = c;
  }

  /** The last stream of a topic closed: unsubscribe it, and close a connection left empty. */
  private void drop(Topic t) {
    topics.remove(t.name, t);
    for (Conn c : new ArrayList<>(conns)) {
      if (!c.topics.remove(t)) {
        continue;
      }
      c.chars -= t.chars;
      boolean queued = c.toSubscribe.remove(t);
      c.singles.remove(t);
      if (c.topics.isEmpty()) {
        shut(c, "no more streams");
      } else if (!queued && c.state == State.READY) {
        c.toUnsubscribe.add(t);
        pump(c);
      }
    }
  }

  /** Closes a connection on purpose: politely, with OkHttp's close timeout as the backstop. */
  private void shut(Conn c, String why) {
    conns.remove(c);
    c.state = State.CLOSED;
    c.cancelTimers();
    if (c.replacement != null) {
      c.replacement.replaces = null;
    }
    if (c.replaces != null) {
      c.replaces.replacement = null;
      c.replaces.retiring = false;
    }
    WebSocket ws = c.ws;
    if (ws != null) {
      log.debug("{}: closing connection {}: {}", name, c.id, why);
      ws.close(1000, why);
    }
  }

  private void connect(Conn c) {
    if (c.state == State.CLOSED) {
      return;
    }
    LiveEnvironment e = env();
    long now = e.nanoTime();
    long window = limits.connectionWindow().toNanos();
    while (!connectTimes.isEmpty() && connectTimes.peekFirst() <= now - window) {
      connectTimes.pollFirst();
    }
    if (connectTimes.size() >= limits.connections()) {
      long wait = connectTimes.peekFirst() + window - now;
      log.warn(
          "{}: {} connections opened in the last {}; the venue allows no more, so connection {}"
              + " waits {} ms",
          name,
          connectTimes.size(),
          limits.connectionWindow(),
          c.id,
          Duration.ofNanos(wait).toMillis());
      c.timer = e.schedule(() -> runLocked(() -> connect(c)), Duration.ofNanos(wait));
      return;
    }
    connectTimes.addLast(now);
    c.state = State.CONNECTING;
    c.ws = http.newWebSocket(request, c.listener);
  }

  /** Runs {@code r} under the lock, logging what it throws (timer tasks have no caller). */
  private void runLocked(Runnable r) {
    try (MDC.MDCCloseable m = MDC.putCloseable("source", name)) {
      synchronized (lock) {
        r.run();
      }
    } catch (Throwable e) {
      log.warn("{}: a connection task failed", name, e);
    }
  }

  // ------------------------------------------------------------------ sending

  /** Sends what a connection has queued, as fast as the control-message rate allows. */
  private void pump(Conn c) {
    while (c.state == State.OPEN || c.state == State.READY) {
      boolean ready = c.state == State.READY;
      boolean work =
          !c.texts.isEmpty()
              || (ready
                  && (!c.singles.isEmpty()
                      || !c.toSubscribe.isEmpty()
                      || !c.toUnsubscribe.isEmpty()));
      if (!work) {
        return;
      }
      LiveEnvironment e = env();
      long now = e.nanoTime();
      if (now < c.nextSend) {
        if (c.sendTimer == null) {
          c.sendTimer =
              e.schedule(
                  () ->
                      runLocked(
                          () -> {
                            c.sendTimer = null;
                            pump(c);
                          }),
                  Duration.ofNanos(c.nextSend - now));
        }
        return;
      }
      String text;
      if (!c.texts.isEmpty()) {
        text = c.texts.pollFirst();
      } else if (!c.singles.isEmpty()) {
        Topic t = c.singles.pollFirst();
        text = request(c, List.of(t), true);
      } else if (!c.toSubscribe.isEmpty()) {
        List<Topic> batch = new ArrayList<>();
        Iterator<Topic> it = c.toSubscribe.iterator();
        while (it.hasNext() && batch.size() < limits.topicsPerRequest()) {
          batch.add(it.next());
          it.remove();
        }
        text = request(c, batch, true);
      } else {
        List<Topic> batch = new ArrayList<>();
        Iterator<Topic> it = c.toUnsubscribe.iterator();
        while (it.hasNext() && batch.size() < limits.topicsPerRequest()) {
          batch.add(it.next());
          it.remove();
        }
        text = request(c, batch, false);
      }
      c.nextSend = now + (long) (1e9 / limits.controlMessagesPerSecond());
      WebSocket ws = c.ws;
      if (ws == null || !ws.send(text)) {
        // OkHttp refuses a message only once the socket is closing (or its queue is full).
        lost(
            c,
            new SourceUnavailableException(
                name + ": connection " + c.id + " would not take a message; it is closing",
                name,
                null));
        return;
      }
    }
  }

  private String request(Conn c, List<Topic> batch, boolean subscribe) {
    String id = Long.toString(nextRequest++);
    List<String> names = new ArrayList<>(batch.size());
    for (Topic t : batch) {
      names.add(t.name);
    }
    c.outstanding.put(id, new Pending(batch, subscribe, env().nanoTime()));
    return subscribe ? protocol.subscribe(names, id) : protocol.unsubscribe(names, id);
  }

  // ------------------------------------------------------------------ connection events

  private void opened(Conn c, WebSocket webSocket) {
    if (c.state != State.CONNECTING || c.ws != webSocket) {
      return;
    }
    LiveEnvironment e = env();
    c.state = State.OPEN;
    c.openedAt = e.nanoTime();
    c.lastFrame = c.openedAt;
    long check =
        Math.max(
            1_000_000L,
            Math.min(limits.silenceTimeout().toNanos(), limits.ackTimeout().toNanos()) / 4);
    c.watchdog = e.schedule(() -> runLocked(() -> watch(c, check)), Duration.ofNanos(check));
    if (!limits.heartbeat().isZero() && protocol.heartbeat("0").isPresent()) {
      c.heartbeat = e.schedule(() -> runLocked(() -> beat(c)), limits.heartbeat());
    }
    if (!limits.maxConnectionAge().isZero()) {
      c.age =
          e.schedule(
              () -> runLocked(() -> rotate(c, "it reached its age")), limits.maxConnectionAge());
    }
    log.debug("{}: connection {} open to {}", name, c.id, url());
  }

  private void ready(Conn c) {
    if (c.state != State.OPEN) {
      return;
    }
    c.state = State.READY;
    pump(c);
  }

  private void beat(Conn c) {
    if (c.state == State.CLOSED) {
      return;
    }
    c.texts.addLast(protocol.heartbeat(Long.toString(nextRequest++)).orElseThrow());
    pump(c);
    c.heartbeat = env().schedule(() -> runLocked(() -> beat(c)), limits.heartbeat());
  }

  private void watch(Conn c, long period) {
    if (c.state == State.CLOSED) {
      return;
    }
    long now = env().nanoTime();
    long silent = now - c.lastFrame;
    String problem = null;
    if (silent > limits.silenceTimeout().toNanos()) {
      problem = "no frame for " + Duration.ofNanos(silent).toMillis() + " ms";
    } else {
      for (Pending p : c.outstanding.values()) {
        if (now - p.sentAt > limits.ackTimeout().toNanos()) {
          problem =
              "no answer to a "
                  + (p.subscribe ? "subscribe" : "unsubscribe")
                  + " request for "
                  + Duration.ofNanos(now - p.sentAt).toMillis()
                  + " ms";
          break;
        }
      }
    }
    if (problem != null) {
      log.warn("{}: connection {}: {}; replacing it", name, c.id, problem);
      lost(
          c,
          new SourceUnavailableException(
              name + ": connection " + c.id + " to " + url() + " went silent (" + problem + ")",
              name,
              null));
      return;
    }
    c.watchdog = env().schedule(() -> runLocked(() -> watch(c, period)), Duration.ofNanos(period));
  }

  /** Make-before-break: a new connection takes the topics, then this one closes. */
  private void rotate(Conn c, String why) {
    if (c.state == State.CLOSED || c.retiring || c.topics.isEmpty()) {
      return;
    }
    log.info("{}: replacing connection {} because {}", name, c.id, why);
    c.retiring = true;
    Conn next = new Conn(0);
    next.replaces = c;
    c.replacement = next;
    conns.add(next);
    for (Topic t : c.topics) {
      next.topics.add(t);
      next.chars += t.chars;
      next.toSubscribe.add(t);
    }
    connect(next);
  }

  /** A connection ended without being asked to: tell the streams, and reconnect. */
  private void lost(Conn c, OhlcvException cause) {
    if (c.state == State.CLOSED) {
      return;
    }
    c.state = State.CLOSED;
    c.cancelTimers();
    conns.remove(c);
    WebSocket ws = c.ws;
    if (ws != null) {
      ws.cancel();
    }
    if (c.topics.isEmpty()) {
      return;
    }
    Conn old = c.replaces;
    if (old != null) {
      // A replacement failed: the old connection carries on, and tries again later.
      old.replacement = null;
      old.retiring = false;
      for (Topic t : c.topics) {
        if (t.conn == c) {
          t.conn = old;
        }
      }
      log.warn(
          "{}: the replacement of connection {} failed ({})", name, old.id, cause.getMessage());
      old.age =
          env().schedule(() -> runLocked(() -> rotate(old, "its replacement failed")), backoff(1));
      return;
    }
    Conn next = c.replacement;
    if (next != null && next.state != State.CLOSED) {
      // The old one of a pair went first: its topics wait for the replacement.
      next.replaces = null;
      for (Topic t : c.topics) {
        if (t.conn == c && !next.topics.contains(t)) {
          next.topics.add(t);
          next.toSubscribe.add(t);
        }
      }
      interrupt(c, cause);
      return;
    }
    interrupt(c, cause);
    Conn again = new Conn(c.attempt + 1);
    conns.add(again);
    for (Topic t : c.topics) {
      place(again, t);
    }
    Duration wait = backoff(again.attempt);
    again.timer = env().schedule(() -> runLocked(() -> connect(again)), wait);
    log.warn(
        "{}: connection {} lost ({}); reconnecting as connection {} in {} ms (attempt {})",
        name,
        c.id,
        cause.getMessage(),
        again.id,
        wait.toMillis(),
        again.attempt);
    env().listener().liveReconnecting(name, again.id, again.attempt, wait, cause);
  }

  private void interrupt(Conn c, OhlcvException cause) {
    for (Topic t : c.topics) {
      if (t.conn != c) {
        continue;
      }
      t.active = false;
      if (t.everActive && !t.interrupted) {
        t.interrupted = true;
        for (LiveSink s : t.sinks) {
          safely(() -> s.interrupted(cause));
        }
      }
    }
  }

  private Duration backoff(int attempt) {
    long initial = limits.backoffInitial().toNanos();
    long max = limits.backoffMax().toNanos();
    long d = initial;
    for (int i = 1; i < attempt && d < max; i++) {
      d *= 2;
    }
    d = Math.min(d, max);
    // Between half and the whole of it, so that many clients cut off together do not return
    // together.
    return Duration.ofNanos((long) (d * (0.5 + 0.5 * env().random())));
  }

  private void acknowledged(Conn c, String id) {
    Pending p = take(c, id);
    if (p == null || !p.subscribe) {
      return;
    }
    for (Topic t : p.topics) {
      if (!c.topics.contains(t) || topics.get(t.name) != t) {
        continue;
      }
      t.conn = c;
      t.active = true;
      t.everActive = true;
      if (t.interrupted) {
        t.interrupted = false;
        for (LiveSink s : t.sinks) {
          safely(s::resumed);
        }
      }
    }
    announceIfDone(c);
  }

  /** Once every topic of a connection is subscribed: the event, and the end of a replacement. */
  private void announceIfDone(Conn c) {
    if (!c.announced
        && c.state == State.READY
        && !c.topics.isEmpty()
        && c.toSubscribe.isEmpty()
        && c.singles.isEmpty()
        && allAcknowledged(c)) {
      c.announced = true;
      c.attempt = 0;
      log.debug("{}: connection {} carries {} streams", name, c.id, c.topics.size());
      env().listener().liveConnected(name, c.id, c.topics.size());
      Conn old = c.replaces;
      if (old != null) {
        c.replaces = null;
        old.replacement = null;
        for (Topic t : old.topics) {
          if (t.conn == old) {
            t.conn = c;
          }
        }
        old.topics.clear();
        shut(old, "replaced by connection " + c.id);
        log.info("{}: connection {} replaced connection {}", name, c.id, old.id);
      }
    }
  }

  private boolean allAcknowledged(Conn c) {
    for (Pending p : c.outstanding.values()) {
      if (p.subscribe) {
        return false;
      }
    }
    return true;
  }

  private void refused(Conn c, String id, OhlcvException error) {
    Pending p = take(c, id);
    if (p == null) {
      log.warn(
          "{}: connection {}: the venue refused a request: {}", name, c.id, error.getMessage());
      return;
    }
    if (!p.subscribe) {
      log.warn("{}: an unsubscribe request was refused: {}", name, error.getMessage());
      return;
    }
    if (p.topics.size() > 1) {
      log.warn(
          "{}: the venue refused a subscription of {} topics ({}); subscribing one at a time",
          name,
          p.topics.size(),
          error.getMessage());
      for (Topic t : p.topics) {
        if (c.topics.contains(t)) {
          c.singles.addLast(t);
        }
      }
      pump(c);
      return;
    }
    Topic t = p.topics.get(0);
    log.warn("{}: the venue refused the topic {}: {}", name, t.name, error.getMessage());
    failTopic(t, error);
    // An empty connection is closed; otherwise the others stay.
    if (c.topics.isEmpty()) {
      shut(c, "its only topic was refused");
    }
    announceIfDone(c);
  }

  private void failTopic(Topic t, OhlcvException error) {
    topics.remove(t.name, t);
    for (Conn c : conns) {
      if (c.topics.remove(t)) {
        c.chars -= t.chars;
        c.toSubscribe.remove(t);
        c.singles.remove(t);
      }
    }
    for (LiveSink s : t.sinks) {
      safely(() -> s.failed(error));
    }
  }

  /** The request an answer is for: by its id, or the oldest one for an answer without an id. */
  private @Nullable Pending take(Conn c, String id) {
    if (!id.isEmpty()) {
      return c.outstanding.remove(id);
    }
    Iterator<Map.Entry<String, Pending>> it = c.outstanding.entrySet().iterator();
    if (!it.hasNext()) {
      return null;
    }
    Pending p = it.next().getValue();
    it.remove();
    return p;
  }

  private void failConnection(Conn c, OhlcvException error) {
    log.warn("{}: connection {} failed for good: {}", name, c.id, error.getMessage());
    List<Topic> mine = new ArrayList<>();
    for (Topic t : c.topics) {
      if (t.conn == c) {
        mine.add(t);
      }
    }
    for (Topic t : mine) {
      failTopic(t, error);
    }
    c.topics.clear();
    shut(c, "failed: " + error.getMessage());
  }

  private void safely(Runnable r) {
    try {
      r.run();
    } catch (Throwable e) {
      log.warn("{}: a stream's handler threw; ignored", name, e);
    }
  }

  // ------------------------------------------------------------------ state

  private enum State {
    WAITING,
    CONNECTING,
    OPEN,
    READY,
    CLOSED
  }

  /** A request waiting for its answer. */
  private static final class Pending {
    final List<Topic> topics;
    final boolean subscribe;
    final long sentAt;

    Pending(List<Topic> topics, boolean subscribe, long sentAt) {
      this.topics = topics;
      this.subscribe = subscribe;
      this.sentAt = sentAt;
    }
  }

  /** A venue topic and the streams that want it. */
  private static final class Topic {
    final String name;
    final int chars;
    volatile LiveSink[] sinks = new LiveSink[0];
    @Nullable Conn conn;
    boolean active;
    boolean everActive;
    boolean interrupted;

    Topic(String name, int chars) {
      this.name = name;
      this.chars = chars;
    }

    void add(LiveSink s) {
      LiveSink[] a = Arrays.copyOf(sinks, sinks.length + 1);
      a[a.length - 1] = s;
      sinks = a;
    }

    void remove(LiveSink s) {
      List<LiveSink> l = new ArrayList<>(Arrays.asList(sinks));
      l.remove(s);
      sinks = l.toArray(new LiveSink[0]);
    }
  }

  /** One WebSocket connection and what it carries. */
  private final class Conn implements WebSocketSession {
    final int id;
    int attempt;
    final LinkedHashSet<Topic> topics = new LinkedHashSet<>();
    final LinkedHashSet<Topic> toSubscribe = new LinkedHashSet<>();
    final LinkedHashSet<Topic> toUnsubscribe = new LinkedHashSet<>();
    final ArrayDeque<Topic> singles = new ArrayDeque<>();
    final ArrayDeque<String> texts = new ArrayDeque<>();
    final LinkedHashMap<String, Pending> outstanding = new LinkedHashMap<>();
    final Listener listener = new Listener();
    int chars;
    volatile State state = State.WAITING;
    volatile @Nullable WebSocket ws;
    volatile long lastFrame;
    long openedAt;
    long nextSend = Long.MIN_VALUE;
    boolean retiring;
    boolean announced;
    @Nullable Conn replacement;
    @Nullable Conn replaces;
    @Nullable Future<?> timer;
    @Nullable Future<?> sendTimer;
    @Nullable Future<?> watchdog;
    @Nullable Future<?> heartbeat;
    @Nullable Future<?> age;

    Conn(int attempt) {
      this.id = nextConnection++;
      this.attempt = attempt;
    }

    void cancelTimers() {
      for (Future<?> f : new Future<?>[] {timer, sendTimer, watchdog, heartbeat, age}) {
        if (f != null) {
          f.cancel(false);
        }
      }
      timer = sendTimer = watchdog = heartbeat = age = null;
    }

    @Override
    public String feed() {
      return name;
    }

    @Override
    public int connection() {
      return id;
    }

    @Override
    public void candle(
        String topic,
        long openTimeMillis,
        double open,
        double high,
        double low,
        double close,
        double volume,
        boolean closed,
        long venueTimeMillis) {
      Topic t = WsHub.this.topics.get(topic);
      if (t == null) {
        return; // unsubscribed a moment ago, or never asked for
      }
      for (LiveSink s : t.sinks) {
        try {
          s.candle(openTimeMillis, open, high, low, close, volume, closed, venueTimeMillis);
        } catch (Throwable e) {
          log.warn("{}: a stream of {} threw on a push; ignored", name, topic, e);
        }
      }
    }

    @Override
    public void acknowledged(String requestId) {
      runLocked(() -> WsHub.this.acknowledged(this, requestId));
    }

    @Override
    public void refused(String requestId, OhlcvException error) {
      runLocked(() -> WsHub.this.refused(this, requestId, error));
    }

    @Override
    public void ready() {
      runLocked(() -> WsHub.this.ready(this));
    }

    @Override
    public void send(String text) {
      runLocked(
          () -> {
            texts.addLast(text);
            pump(this);
          });
    }

    @Override
    public void rotate() {
      runLocked(() -> WsHub.this.rotate(this, "the venue asked for it"));
    }

    @Override
    public void fail(OhlcvException error) {
      runLocked(() -> failConnection(this, error));
    }

    /** OkHttp's callbacks for this connection, all on its reader thread. */
    private final class Listener extends WebSocketListener {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        runLocked(() -> opened(Conn.this, webSocket));
        if (state == State.OPEN) {
          try {
            protocol.opened(Conn.this);
          } catch (Throwable e) {
            runLocked(
                () -> lost(Conn.this, Errors.wrap(e, name, "while opening connection " + id)));
          }
        }
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        if (state == State.CLOSED) {
          return;
        }
        lastFrame = env().nanoTime();
        try {
          protocol.message(text, Conn.this);
        } catch (DataFormatException e) {
          try (MDC.MDCCloseable m = MDC.putCloseable("source", name)) {
            log.warn("{}: connection {}: skipped a malformed frame: {}", name, id, e.getMessage());
          }
        } catch (Throwable e) {
          try (MDC.MDCCloseable m = MDC.putCloseable("source", name)) {
            log.warn("{}: connection {}: reading a frame failed; skipped", name, id, e);
          }
        }
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(1000, null);
        runLocked(
            () ->
                lost(
                    Conn.this,
                    new SourceUnavailableException(
                        name
                            + ": the venue closed connection "
                            + id
                            + " (code "
                            + code
                            + (reason.isEmpty() ? "" : ", \"" + reason + "\"")
                            + ")",
                        name,
                        null)));
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
        runLocked(() -> lost(Conn.this, failure(t, response)));
      }
    }

    private OhlcvException failure(Throwable t, @Nullable Response response) {
      String what =
          response != null && response.code() != 101
              ? "the venue answered the upgrade with HTTP " + response.code()
              : String.valueOf(t.getMessage());
      return new SourceUnavailableException(
          name + ": connection " + id + " to " + url() + " failed: " + what, name, t);
    }
  }
}
