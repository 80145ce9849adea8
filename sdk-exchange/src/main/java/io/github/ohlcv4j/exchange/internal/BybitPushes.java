package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.DataFormatException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads one frame of Bybit's v5 public WebSocket: a kline push {@code
 * {"topic":"kline.1.BTCUSDT","type":"snapshot","ts":…,"data":[{"start":…,"open":"…",…,"confirm":false,"timestamp":…}]}}
 * (every element of {@code data}, however many), or an answer to a request ({@code
 * {"success":true,"ret_msg":"subscribe","conn_id":"…","req_id":"7","op":"subscribe"}}, pongs
 * alike). Keys come in any order; a key the format defines given twice is refused. Strict and
 * linear in the frame, as {@link JsonBytes} is; one reader per thread, reused from frame to frame
 * with its {@link JsonBytes} and a {@link TextCache} of the topics it has read, so that a push
 * allocates nothing.
 *
 * <p>The usual frame, a kline push, is read first on a quick path ({@link TextScan}: the frame's
 * characters copied in bulk, a strict subset of JSON); a frame outside that subset is read again by
 * the strict reader, which accepts it or says where it is wrong.
 */
public final class BybitPushes {

  private static final byte[][] TOP =
      BybitKlines.keys("topic", "ts", "data", "success", "ret_msg", "op", "req_id", "type");
  private static final String[] ROW_NAMES = {
    "start", "open", "high", "low", "close", "volume", "confirm", "timestamp"
  };
  private static final byte[][] ROW = BybitKlines.keys(ROW_NAMES);
  private static final TextScan.Key K_CLOSE = new TextScan.Key("close");
  private static final TextScan.Key K_CONFIRM = new TextScan.Key("confirm");
  private static final TextScan.Key K_DATA = new TextScan.Key("data");
  private static final TextScan.Key K_HIGH = new TextScan.Key("high");
  private static final TextScan.Key K_LOW = new TextScan.Key("low");
  private static final TextScan.Key K_OP = new TextScan.Key("op");
  private static final TextScan.Key K_OPEN = new TextScan.Key("open");
  private static final TextScan.Key K_REQ_ID = new TextScan.Key("req_id");
  private static final TextScan.Key K_RET_MSG = new TextScan.Key("ret_msg");
  private static final TextScan.Key K_START = new TextScan.Key("start");
  private static final TextScan.Key K_SUCCESS = new TextScan.Key("success");
  private static final TextScan.Key K_TIMESTAMP = new TextScan.Key("timestamp");
  private static final TextScan.Key K_TOPIC = new TextScan.Key("topic");
  private static final TextScan.Key K_TS = new TextScan.Key("ts");
  private static final TextScan.Key K_TYPE = new TextScan.Key("type");
  private static final TextScan.Key K_VOLUME = new TextScan.Key("volume");

  /** A kline's keys in the order Bybit documents and sends them. */
  private static final TextScan.Key[] ROW_ORDER = {
    K_START,
    new TextScan.Key("end"),
    new TextScan.Key("interval"),
    K_OPEN,
    K_CLOSE,
    K_HIGH,
    K_LOW,
    K_VOLUME,
    new TextScan.Key("turnover"),
    K_CONFIRM,
    K_TIMESTAMP
  };

  private static final int REQUIRED = 0b0111_1111; // all but timestamp

  private String source = "";
  private final JsonBytes in = new JsonBytes(new byte[0], 0, source, "the kline subscription");
  private final TextCache topics = new TextCache();
  private final TextScan scan = new TextScan();

  /** What a frame said besides its candles. */
  public @Nullable String topic;

  /** The frame's {@code ts}, or {@link Long#MIN_VALUE}. */
  public long ts;

  /** The {@code success} of an answer; null for a push. */
  public @Nullable Boolean success;

  /** The {@code ret_msg} of an answer, or null. */
  public @Nullable String retMsg;

  /** The {@code op} of an answer, or null. */
  public @Nullable String op;

  /** The {@code req_id} of an answer, or null. */
  public @Nullable String reqId;

  /** How many candles the frame held. */
  public int rows;

  /** The candles: open time, then prices, volume; whether closed; the last trade's time. */
  public long[] start = new long[4];

  /** Open prices. */
  public double[] open = new double[4];

  /** High prices. */
  public double[] high = new double[4];

  /** Low prices. */
  public double[] low = new double[4];

  /** Close prices. */
  public double[] close = new double[4];

  /** Volumes. */
  public double[] volume = new double[4];

  /** Whether each candle is closed ({@code confirm}). */
  public boolean[] confirm = new boolean[4];

  /** Each candle's {@code timestamp}, or {@link Long#MIN_VALUE}. */
  public long[] timestamp = new long[4];

  /**
   * Reads {@code text}.
   *
   * @param source the feed's name, for errors
   * @throws DataFormatException saying where, if the frame is not one of Bybit's
   */
  public void read(String text, String source) {
    this.source = source;
    if (!readQuick(text)) {
      readStrict(text, source);
    }
  }

  /**
   * Reads a kline push on the quick path ({@link TextScan}); false, with the fields undefined, if
   * the frame is anything else or not in the subset the quick path reads.
   */
  boolean readQuick(String text) {
    TextScan in = scan;
    clear();
    try {
      int p = in.expect(in.reset(text), '{');
      int seen = 0;
      do {
        int bit;
        p = in.key(p);
        if (in.keyIs(K_TOPIC)) {
          bit = 1;
          p = in.string(p, topics);
          topic = in.text;
        } else if (in.keyIs(K_DATA)) {
          bit = 2;
          p = in.expect(p, '[');
          do {
            p = in.more(quickRow(in, p), ']');
          } while (p >= 0);
          p = ~p;
        } else if (in.keyIs(K_TS)) {
          bit = 4;
          p = in.whole(p);
          ts = in.number;
        } else if (in.keyIs(K_TYPE)) {
          bit = 8;
          p = in.skipSimple(p);
        } else if (in.keyIs(K_SUCCESS)
            || in.keyIs(K_RET_MSG)
            || in.keyIs(K_OP)
            || in.keyIs(K_REQ_ID)) {
          return false; // an answer: rare, read strictly
        } else {
          bit = 0;
          p = in.skipSimple(p);
        }
        if ((seen & bit) != 0) {
          return false;
        }
        seen |= bit;
        p = in.more(p, '}');
      } while (p >= 0);
      in.expectEnd(~p);
      return rows > 0 && topic != null;
    } catch (TextScan.Bail e) {
      return false;
    }
  }

  /** Forgets the last frame. */
  private void clear() {
    topic = null;
    ts = Long.MIN_VALUE;
    success = null;
    retMsg = null;
    op = null;
    reqId = null;
    rows = 0;
  }

  /** Reads one kline at {@code p}; returns the position after it. */
  private int quickRow(TextScan in, int p) {
    int r = rows;
    grow(r + 1);
    p = in.expect(p, '{');
    int seen = 0;
    int guess = 0;
    timestamp[r] = Long.MIN_VALUE;
    do {
      int bit = 0;
      p = in.key(p, ROW_ORDER[guess]);
      guess = in.guessed && guess + 1 < ROW_ORDER.length ? guess + 1 : 0;
      switch (in.keyChar()) {
        case 's':
          if (in.keyIs(K_START)) {
            bit = 1;
            p = in.whole(p);
            start[r] = in.number;
          }
          break;
        case 'o':
          if (in.keyIs(K_OPEN)) {
            bit = 2;
            p = in.decimal(p);
            open[r] = in.decimal;
          }
          break;
        case 'h':
          if (in.keyIs(K_HIGH)) {
            bit = 4;
            p = in.decimal(p);
            high[r] = in.decimal;
          }
          break;
        case 'l':
          if (in.keyIs(K_LOW)) {
            bit = 8;
            p = in.decimal(p);
            low[r] = in.decimal;
          }
          break;
        case 'c':
          if (in.keyIs(K_CLOSE)) {
            bit = 16;
            p = in.decimal(p);
            close[r] = in.decimal;
          } else if (in.keyIs(K_CONFIRM)) {
            bit = 64;
            p = in.bool(p);
            confirm[r] = in.truth;
          }
          break;
        case 'v':
          if (in.keyIs(K_VOLUME)) {
            bit = 32;
            p = in.decimal(p);
            volume[r] = in.decimal;
          }
          break;
        case 't':
          if (in.keyIs(K_TIMESTAMP)) {
            bit = 128;
            p = in.whole(p);
            timestamp[r] = in.number;
          }
          break;
        default:
          break;
      }
      if (bit == 0) {
        p = in.skipSimple(p); // end, interval, turnover
      } else if ((seen & bit) != 0) {
        throw TextScan.BAIL;
      }
      seen |= bit;
      p = in.more(p, '}');
    } while (p >= 0);
    if ((seen & REQUIRED) != REQUIRED) {
      throw TextScan.BAIL;
    }
    rows++;
    return ~p;
  }

  /** Reads {@code text} with {@link JsonBytes}, which says where a frame is wrong. */
  void readStrict(String text, String source) {
    this.source = source;
    JsonBytes in = this.in.reset(text, source);
    clear();
    if (in.peek() != '{') {
      throw in.fail("a JSON object");
    }
    in.expect('{', "'{'");
    int seen = 0;
    if (!in.consume('}')) {
      do {
        int k = in.key(TOP);
        if (k >= 0) {
          if ((seen & (1 << k)) != 0) {
            throw in.fail("no second key of the same name in the frame");
          }
          seen |= 1 << k;
        }
        switch (k) {
          case 0:
            in.field("topic");
            topic = in.string(topics);
            break;
          case 1:
            in.field("ts");
            ts = in.whole();
            break;
          case 2:
            in.field("data");
            if (in.peek() == '[') {
              data(in);
            } else {
              in.skipValue(); // an option answer's {"successTopics":[...]}
            }
            break;
          case 3:
            in.field("success");
            success = in.bool();
            break;
          case 4:
            in.field("ret_msg");
            retMsg = in.nullValue() ? null : in.string();
            break;
          case 5:
            in.field("op");
            op = in.string();
            break;
          case 6:
            in.field("req_id");
            reqId = in.nullValue() ? null : in.string();
            break;
          default:
            in.field(null);
            in.skipValue();
            break;
        }
        in.field(null);
      } while (in.more('}', "',' or '}' in the frame"));
    }
    in.expectEnd();
    if (rows > 0 && topic == null) {
      throw new DataFormatException(
          source + ": a WebSocket frame holds candles but no topic: " + in.snippet(200),
          source,
          null,
          null);
    }
  }

  private void data(JsonBytes in) {
    in.expect('[', "'['");
    if (in.consume(']')) {
      return;
    }
    do {
      int r = rows;
      grow(r + 1);
      in.row(r);
      in.expect('{', "a kline object");
      int seen = 0;
      timestamp[r] = Long.MIN_VALUE;
      if (!in.consume('}')) {
        do {
          int k = in.key(ROW);
          if (k >= 0) {
            if ((seen & (1 << k)) != 0) {
              throw in.fail("no second \"" + ROW_NAMES[k] + "\" in a kline");
            }
            seen |= 1 << k;
            in.field(ROW_NAMES[k]);
          }
          switch (k) {
            case 0:
              start[r] = in.whole();
              break;
            case 1:
              open[r] = in.number();
              break;
            case 2:
              high[r] = in.number();
              break;
            case 3:
              low[r] = in.number();
              break;
            case 4:
              close[r] = in.number();
              break;
            case 5:
              volume[r] = in.number();
              break;
            case 6:
              confirm[r] = in.bool();
              break;
            case 7:
              timestamp[r] = in.whole();
              break;
            default:
              in.skipValue(); // end, interval, turnover
              break;
          }
          in.field(null);
        } while (in.more('}', "',' or '}' in a kline"));
      }
      if ((seen & REQUIRED) != REQUIRED) {
        for (int k = 0; k < ROW_NAMES.length; k++) {
          if ((REQUIRED & (1 << k)) != 0 && (seen & (1 << k)) == 0) {
            throw in.fail("\"" + ROW_NAMES[k] + "\" in every kline");
          }
        }
      }
      rows++;
      in.row(-1);
    } while (in.more(']', "',' or ']' after a kline"));
  }

  private void grow(int n) {
    if (n <= start.length) {
      return;
    }
    int cap = Math.max(n, start.length * 2);
    start = Arrays.copyOf(start, cap);
    open = Arrays.copyOf(open, cap);
    high = Arrays.copyOf(high, cap);
    low = Arrays.copyOf(low, cap);
    close = Arrays.copyOf(close, cap);
    volume = Arrays.copyOf(volume, cap);
    confirm = Arrays.copyOf(confirm, cap);
    timestamp = Arrays.copyOf(timestamp, cap);
  }

  @Override
  public String toString() {
    return "BybitPushes{" + source + ", topic=" + topic + ", rows=" + rows + "}";
  }
}
