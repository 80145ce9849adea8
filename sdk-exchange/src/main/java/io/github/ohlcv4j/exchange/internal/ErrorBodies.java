package io.github.ohlcv4j.exchange.internal;

import com.squareup.moshi.JsonReader;
import io.github.ohlcv4j.source.http.BodyBuffer;
import io.github.ohlcv4j.source.http.Redact;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okio.Buffer;

/**
 * Reads the small JSON objects venues send with errors ({@code {"code":-1121,"msg":"..."}}, {@code
 * {"retCode":10006,"retMsg":"..."}}, {@code {"status":"ERROR","error":"..."}}) with Moshi, and
 * gives back their fields; bodies that are not a JSON object (plain text, HTML) give nothing.
 */
public final class ErrorBodies {
  private ErrorBodies() {}

  /** Error bodies longer than this are not parsed (they are not venue error objects). */
  private static final int MAX = 64 * 1024;

  /** The fields of an error object. */
  public static final class Fields {
    private final Map<?, ?> map;

    Fields(Map<?, ?> map) {
      this.map = map;
    }

    /** A text field, if present and a string. */
    public Optional<String> text(String name) {
      Object v = map.get(name);
      return v instanceof String ? Optional.of((String) v) : Optional.empty();
    }

    /** A numeric field (a JSON number, or a string holding a whole number), if present. */
    public Optional<Long> whole(String name) {
      Object v = map.get(name);
      if (v instanceof Number) {
        double d = ((Number) v).doubleValue();
        return d == Math.rint(d) ? Optional.of((long) d) : Optional.empty();
      }
      if (v instanceof String) {
        try {
          return Optional.of(Long.parseLong(((String) v).trim()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
      return Optional.empty();
    }
  }

  /** The fields of {@code body[0, length)} if it is a JSON object. */
  public static Optional<Fields> read(byte[] body, int length) {
    if (length > MAX) {
      return Optional.empty();
    }
    int i = 0;
    while (i < length && body[i] <= ' ') {
      i++;
    }
    if (i >= length || body[i] != '{') {
      return Optional.empty();
    }
    try (JsonReader r = JsonReader.of(new Buffer().write(body, 0, length))) {
      Object v = r.readJsonValue();
      return v instanceof Map ? Optional.of(new Fields((Map<?, ?>) v)) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The body as text for a message: the secrets of the request masked first, then white space
   * collapsed and the text cut to at most {@code max} characters.
   */
  public static String snippet(BodyBuffer.Body body, int max) {
    return body.snippet(max);
  }

  /**
   * A text the venue sent (an error object's message), as a message may quote it: the secrets of
   * the request masked first, then white space collapsed and the text cut to at most 200
   * characters.
   */
  public static String quote(String text, List<String> secrets) {
    return Redact.snippet(text, 200, secrets);
  }
}
