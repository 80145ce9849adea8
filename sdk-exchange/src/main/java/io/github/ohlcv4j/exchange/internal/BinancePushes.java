package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.DataFormatException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads one frame of Binance's market streams (spot and USD-M futures): a kline event {@code
 * {"e":"kline","E":…,"s":"BTCUSDT","k":{"t":…,"T":…,"s":"BTCUSDT","i":"1m","o":"…","c":"…",
 * "h":"…","l":"…","v":"…","x":false,…}}}, the same wrapped by a combined stream ({@code
 * {"stream":"btcusdt@kline_1m","data":{…}}}), the {@code serverShutdown} event (raw or combined),
 * an answer to a request ({@code {"result":null,"id":1}}), or an error, as documented ({@code
 * {"code":2,"msg":"…","id":1}}) or as served ({@code {"error":{"code":2,"msg":"…"},"id":1}}). Keys
 * come in any order; a key the format defines given twice is refused; other events' frames are read
 * through and left for the caller to ignore. Strict and linear in the frame, as {@link JsonBytes}
 * is; one reader per thread, reused from frame to frame with its {@link JsonBytes} and a {@link
 * TextCache} of the names it has read (event, symbol, interval, stream), so that a kline push
 * allocates nothing.
 *
 * <p>The usual frame, a raw stream's kline event, is read first on a quick path ({@link TextScan}:
 * the frame's characters copied in bulk, a strict subset of JSON); a frame outside that subset is
 * read again by the strict reader, which accepts it or says where it is wrong.
 */
public final class BinancePushes {

  private static final String[] TOP_NAMES = {
    "e", "E", "s", "k", "stream", "data", "result", "id", "code", "msg", "error"
  };
  private static final byte[][] TOP = BybitKlines.keys(TOP_NAMES);
  private static final String[] KLINE_NAMES = {"t", "s", "i", "o", "h", "l", "c", "v", "x"};
  private static final byte[][] KLINE = BybitKlines.keys(KLINE_NAMES);
  private static final String[] KLINE_FIELDS = {
    "k.t", "k.s", "k.i", "k.o", "k.h", "k.l", "k.c", "k.v", "k.x"
  };
  private static final int KLINE_REQUIRED = 0b1_1111_1101; // all but s
  private static final byte[][] ERROR = BybitKlines.keys("code", "msg");

  private static final String KLINE_EVENT = "kline";

  private static final byte[] KLINE_TOPIC = {'@', 'k', 'l', 'i', 'n', 'e', '_'};

  private String source = "";
  private final JsonBytes in = new JsonBytes(new byte[0], 0, source, "the kline stream");
  private final TextCache names = new TextCache();
  private final TextScan scan = new TextScan();
  private byte[] scratch = new byte[64];

  /** The combined stream's {@code stream}, or null for a raw frame. */
  public @Nullable String stream;

  /** The event type {@code e}, or null. */
  public @Nullable String event;

  /** The event time {@code E}, or {@link Long#MIN_VALUE}. */
  public long eventTime;

  /** Whether the frame is a kline event; its candle is in the fields below. */
  public boolean kline;

  /** The kline's symbol as Binance writes it ({@code s} of the event or of {@code k}). */
  public @Nullable String symbol;

  /** The kline's interval {@code k.i}, such as {@code 1m}. */
  public @Nullable String interval;

  /** The kline's open time {@code k.t}. */
  public long openTime;

  /** {@code k.o}. */
  public double open;

  /** {@code k.h}. */
  public double high;

  /** {@code k.l}. */
  public double low;

  /** {@code k.c}. */
  public double close;

  /** {@code k.v}, the base volume. */
  public double volume;

  /** {@code k.x}: whether the kline is closed. */
  public boolean closed;

  /** Whether the frame answers a request ({@code result} is there). */
  public boolean answer;

  /** The {@code id} of an answer or error (a number or a string, as text), or null. */
  public @Nullable String id;

  /** Whether the frame is an error; its {@link #code} and {@link #msg}. */
  public boolean error;

  /** The error's {@code code}. */
  public long code;

  /** The error's {@code msg}, or null. */
  public @Nullable String msg;

  /**
   * Reads {@code text}.
   *
   * @param source the feed's name, for errors
   * @throws DataFormatException saying where, if the frame is not one of Binance's
   */
  public void read(String text, String source) {
    this.source = source;
    if (!readQuick(text)) {
      readStrict(text, source);
    }
  }

  /**
   * Reads a kline event of a raw stream on the quick path ({@link TextScan}); false, with the
   * fields undefined, if the frame is anything else or not in the subset the quick path reads.
   */
  boolean readQuick(String text) {
    TextScan in = scan;
    clear();
    try {
      int p = in.expect(in.reset(text), '{');
      int seen = 0;
      String top = null;
      do {
        p = in.key(p);
        int bit;
        if (in.keyIs('e')) {
          bit = 1;
          p = in.string(p, KLINE_EVENT);
        } else if (in.keyIs('E')) {
          bit = 2;
          p = in.whole(p);
          eventTime = in.number;
        } else if (in.keyIs('s')) {
          bit = 4;
          p = in.string(p, names);
          top = in.text;
        } else if (in.keyIs('k')) {
          bit = 8;
          p = quickKline(in, p);
        } else {
          return false; // a combined stream, an answer, another event: read strictly
        }
        if ((seen & bit) != 0) {
          return false;
        }
        seen |= bit;
        p = in.more(p, '}');
      } while (p >= 0);
      in.expectEnd(~p);
      if (top != null) {
        symbol = top;
      }
      if (seen != 0b1111 && (seen != 0b1011 || symbol == null)) {
        return false;
      }
      event = KLINE_EVENT;
      kline = true;
      return true;
    } catch (TextScan.Bail e) {
      return false;
    }
  }

  /** Forgets the last frame. */
  private void clear() {
    stream = null;
    event = null;
    eventTime = Long.MIN_VALUE;
    kline = false;
    symbol = null;
    interval = null;
    answer = false;
    id = null;
    error = false;
    code = 0;
    msg = null;
  }

  /** Reads the kline object at {@code p}; returns the position after it. */
  private int quickKline(TextScan in, int p) {
    p = in.expect(p, '{');
    int seen = 0;
    do {
      p = in.key(p);
      int bit = 0;
      if (in.keyLength == 1) {
        switch (in.keyChar()) {
          case 't':
            bit = 1;
            p = in.whole(p);
            openTime = in.number;
            break;
          case 's':
            bit = 2;
            p = in.string(p, names);
            symbol = in.text;
            break;
          case 'i':
            bit = 4;
            p = in.string(p, names);
            interval = in.text;
            break;
          case 'o':
            bit = 8;
            p = in.decimal(p);
            open = in.decimal;
            break;
          case 'h':
            bit = 16;
            p = in.decimal(p);
            high = in.decimal;
            break;
          case 'l':
            bit = 32;
            p = in.decimal(p);
            low = in.decimal;
            break;
          case 'c':
            bit = 64;
            p = in.decimal(p);
            close = in.decimal;
            break;
          case 'v':
            bit = 128;
            p = in.decimal(p);
            volume = in.decimal;
            break;
          case 'x':
            bit = 256;
            p = in.bool(p);
            closed = in.truth;
            break;
          default:
            break;
        }
      }
      if (bit == 0) {
        p = in.skipSimple(p); // T, f, L, n, q, V, Q, B
      } else if ((seen & bit) != 0) {
        throw TextScan.BAIL;
      }
      seen |= bit;
      p = in.more(p, '}');
    } while (p >= 0);
    if ((seen & KLINE_REQUIRED) != KLINE_REQUIRED) {
      throw TextScan.BAIL;
    }
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
    object(in, true);
    in.expectEnd();
    if ("kline".equals(event)) {
      if (!kline) {
        throw in.fail("\"k\" in a kline event");
      }
      if (eventTime == Long.MIN_VALUE) {
        throw in.fail("\"E\" in a kline event");
      }
      if (stream == null && symbol == null) {
        throw in.fail("\"s\" in a kline event");
      }
    } else {
      kline = false;
    }
  }

  /**
   * The stream the kline came on: the combined stream's name, or {@code <symbol>@kline_<i>}. Names
   * met before come from the reader's cache, so that a push creates none.
   */
  public String topic() {
    String s = stream;
    if (s != null) {
      return s;
    }
    String sym = String.valueOf(symbol);
    String i = String.valueOf(interval);
    int n = sym.length() + KLINE_TOPIC.length + i.length();
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length * 2)];
    }
    byte[] b = scratch;
    int at = 0;
    for (int k = 0; k < sym.length(); k++) {
      char c = sym.charAt(k);
      if (c >= 0x80) {
        return sym.toLowerCase(Locale.ROOT) + "@kline_" + i;
      }
      b[at++] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    System.arraycopy(KLINE_TOPIC, 0, b, at, KLINE_TOPIC.length);
    at += KLINE_TOPIC.length;
    for (int k = 0; k < i.length(); k++) {
      char c = i.charAt(k);
      if (c >= 0x80) {
        return sym.toLowerCase(Locale.ROOT) + "@kline_" + i;
      }
      b[at++] = (byte) c;
    }
    return names.get(b, 0, at);
  }

  /**
   * Reads an object's keys; {@code top} for the frame itself, false for a combined {@code data}.
   */
  private void object(JsonBytes in, boolean top) {
    in.expect('{', "'{'");
    int seen = 0;
    if (in.consume('}')) {
      return;
    }
    do {
      int k = in.key(TOP);
      if (k >= 0 && !top && k >= 4) {
        k = -1; // inside data only the event's own keys count
      }
      if (k >= 0) {
        if ((seen & (1 << k)) != 0) {
          throw in.fail("no second \"" + TOP_NAMES[k] + "\" in the frame");
        }
        seen |= 1 << k;
        in.field(TOP_NAMES[k]);
      }
      switch (k) {
        case 0:
          event = in.nullValue() ? null : in.string(names);
          break;
        case 1:
          eventTime = in.whole();
          break;
        case 2:
          symbol = in.string(names);
          break;
        case 3:
          if (in.peek() != '{') {
            throw in.fail("a kline object");
          }
          kline(in);
          break;
        case 4:
          stream = in.string(names);
          break;
        case 5:
          if (in.peek() == '{') {
            in.field(null);
            object(in, false);
          } else {
            in.skipValue();
          }
          break;
        case 6:
          answer = true;
          in.skipValue(); // null, or what LIST_SUBSCRIPTIONS and GET_PROPERTY return
          break;
        case 7:
          if (in.nullValue()) {
            id = null;
          } else if (in.peek() == '"') {
            id = in.string();
          } else {
            id = Long.toString(in.whole());
          }
          break;
        case 8:
          code = in.whole();
          error = true;
          break;
        case 9:
          msg = in.nullValue() ? null : in.string();
          break;
        case 10:
          if (in.peek() == '{') {
            errorObject(in);
          } else {
            in.skipValue();
          }
          break;
        default:
          in.skipValue();
          break;
      }
      in.field(null);
    } while (in.more('}', "',' or '}' in the frame"));
  }

  private void errorObject(JsonBytes in) {
    in.expect('{', "'{'");
    error = true;
    if (in.consume('}')) {
      return;
    }
    do {
      int k = in.key(ERROR);
      if (k == 0) {
        in.field("error.code");
        code = in.whole();
      } else if (k == 1) {
        in.field("error.msg");
        msg = in.nullValue() ? null : in.string();
      } else {
        in.skipValue();
      }
      in.field(null);
    } while (in.more('}', "',' or '}' in the error"));
  }

  private void kline(JsonBytes in) {
    in.expect('{', "'{'");
    int seen = 0;
    if (!in.consume('}')) {
      do {
        int k = in.key(KLINE);
        if (k >= 0) {
          if ((seen & (1 << k)) != 0) {
            throw in.fail("no second \"" + KLINE_NAMES[k] + "\" in a kline");
          }
          seen |= 1 << k;
          in.field(KLINE_FIELDS[k]);
        }
        switch (k) {
          case 0:
            openTime = in.whole();
            break;
          case 1:
            String s = in.string(names);
            if (symbol == null) {
              symbol = s;
            }
            break;
          case 2:
            interval = in.string(names);
            break;
          case 3:
            open = in.number();
            break;
          case 4:
            high = in.number();
            break;
          case 5:
            low = in.number();
            break;
          case 6:
            close = in.number();
            break;
          case 7:
            volume = in.number();
            break;
          case 8:
            closed = in.bool();
            break;
          default:
            in.skipValue(); // T, f, L, n, q, V, Q, B
            break;
        }
        in.field(null);
      } while (in.more('}', "',' or '}' in a kline"));
    }
    if ((seen & KLINE_REQUIRED) != KLINE_REQUIRED) {
      for (int k = 0; k < KLINE_NAMES.length; k++) {
        if ((KLINE_REQUIRED & (1 << k)) != 0 && (seen & (1 << k)) == 0) {
          throw in.fail("\"" + KLINE_NAMES[k] + "\" in every kline");
        }
      }
    }
    kline = true;
  }

  @Override
  public String toString() {
    return "BinancePushes{" + source + ", event=" + event + ", kline=" + kline + "}";
  }
}
