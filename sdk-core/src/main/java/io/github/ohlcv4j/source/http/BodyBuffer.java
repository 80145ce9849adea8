package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Reads response bodies into a byte array that one cursor reuses from page to page, so that a long
 * backfill does not allocate a fresh array per response. {@link HttpPageCursor} reads every
 * response through one. A cursor's requests are sequential; if a read overlaps another anyway (a
 * cancelled call still finishing), it gets an array of its own.
 *
 * <p>The array grows with the bytes that arrive, never with what {@code Content-Length} announces
 * (a venue or proxy may announce anything), up to a cap: {@value #DEFAULT_MAX_BODY} bytes unless
 * the {@value #MAX_BODY_SETTING} setting says otherwise. A body announced or found to be larger is
 * a non-retryable {@link DataFormatException}: no candle page comes near the cap.
 */
public final class BodyBuffer {
  /** The setting (system property or environment variable) that sets the cap, in bytes. */
  public static final String MAX_BODY_SETTING = "OHLCV4J_MAX_BODY_BYTES";

  /** The cap unless set: 32 MiB, about seven times Polygon's largest page. */
  public static final int DEFAULT_MAX_BODY = 32 * 1024 * 1024;

  /** The smallest cap the setting accepts: 64 KiB. */
  static final int MIN_MAX_BODY = 64 * 1024;

  /** The largest cap the setting accepts: 1 GiB. */
  static final int MAX_MAX_BODY = 1024 * 1024 * 1024;

  private final AtomicBoolean busy = new AtomicBoolean();
  private final int max;
  private final String source;
  private final String what;
  private byte[] buf;

  /**
   * @param initial the initial capacity in bytes
   * @param max the largest body accepted, in bytes
   * @param source the source's name, for errors
   * @param what what was asked, for errors
   */
  public BodyBuffer(int initial, int max, String source, String what) {
    this.max = max;
    this.source = source;
    this.what = what;
    this.buf = new byte[Math.min(initial, max)];
  }

  /**
   * The cap a source's context sets with {@value #MAX_BODY_SETTING}, or {@value #DEFAULT_MAX_BODY}.
   *
   * @throws IllegalArgumentException if the setting is not a whole number of bytes between 64 KiB
   *     and 1 GiB
   */
  public static int maxBody(SourceContext context) {
    return context.env(MAX_BODY_SETTING).map(BodyBuffer::parseMax).orElse(DEFAULT_MAX_BODY);
  }

  private static int parseMax(String v) {
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < MIN_MAX_BODY || n > MAX_MAX_BODY) {
      throw new IllegalArgumentException(
          MAX_BODY_SETTING
              + " must be a whole number of bytes between "
              + MIN_MAX_BODY
              + " and "
              + MAX_MAX_BODY
              + ", got \""
              + v
              + "\"");
    }
    return (int) n;
  }

  /** The largest body accepted, in bytes. */
  public int max() {
    return max;
  }

  /** A body, how many of its bytes are filled, and the secrets of the request it answered. */
  public static final class Body {
    private final @Nullable BodyBuffer owner;
    private final byte[] bytes;
    private final int length;
    private final List<String> secrets;

    Body(@Nullable BodyBuffer owner, byte[] bytes, int length, List<String> secrets) {
      this.owner = owner;
      this.bytes = bytes;
      this.length = length;
      this.secrets = secrets;
    }

    /** The array holding the body; only the first {@link #length()} bytes are the body. */
    public byte[] bytes() {
      return bytes;
    }

    /** The body's length in bytes. */
    public int length() {
      return length;
    }

    /**
     * What must never show in a message made from this body: the request's secrets in every form an
     * echo may show them in ({@link Redact#secrets}).
     */
    public List<String> secrets() {
      return secrets;
    }

    /**
     * The body as text for a message: the request's secrets masked first (wherever a cut falls),
     * then white space collapsed and the text cut to at most {@code max} characters.
     */
    public String snippet(int max) {
      return Redact.snippet(bytes, length, 0, length, max, secrets, true);
    }

    /**
     * A text the venue sent (an error object's message), as a message may quote it: the request's
     * secrets masked first, then white space collapsed and the text cut to at most 200 characters.
     */
    public String quote(String text) {
      return Redact.snippet(text, 200, secrets);
    }

    /**
     * Whether the body starts like an HTML or XML page (its first character after white space is
     * {@code <}): a proxy's or a web server's page, not a venue's answer.
     */
    public boolean looksLikeHtml() {
      int i = 0;
      while (i < length && bytes[i] <= ' ' && bytes[i] >= 0) {
        i++;
      }
      return i < length && bytes[i] == '<';
    }

    /** Gives the array back for the next response; the body must not be used afterwards. */
    public void release() {
      if (owner != null && owner.buf == bytes) {
        owner.busy.set(false);
      }
    }
  }

  /**
   * Reads the whole body of {@code response}.
   *
   * @throws DataFormatException if the body is announced or found to be larger than the cap
   * @throws IOException if the connection fails or is cut while reading
   */
  public Body read(Response response) throws IOException {
    return read(response, Redact.secrets(response.request()));
  }

  /**
   * Reads the whole body of {@code response}, with {@code secrets} to keep out of messages made
   * from it.
   *
   * @throws DataFormatException if the body is announced or found to be larger than the cap
   * @throws IOException if the connection fails or is cut while reading
   */
  public Body read(Response response, List<String> secrets) throws IOException {
    ResponseBody body = response.body();
    long declared = body.contentLength();
    if (declared > max) {
      throw tooLarge("announces " + declared + " bytes (Content-Length)");
    }
    boolean mine = busy.compareAndSet(false, true);
    byte[] b = mine ? buf : new byte[Math.min(8192, max)];
    int n = 0;
    try (InputStream in = body.byteStream()) {
      while (true) {
        if (n == b.length) {
          if (b.length >= max) {
            if (in.read() < 0) {
              break;
            }
            throw tooLarge("goes on past them");
          }
          byte[] bigger = new byte[(int) Math.min(max, Math.max(8192L, (long) b.length * 2))];
          System.arraycopy(b, 0, bigger, 0, n);
          b = bigger;
        }
        int r = in.read(b, n, b.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (IOException | RuntimeException e) {
      if (mine) {
        busy.set(false);
      }
      throw e;
    }
    if (mine) {
      buf = b;
      return new Body(this, b, n, secrets);
    }
    return new Body(null, b, n, secrets);
  }

  private DataFormatException tooLarge(String how) {
    return DataFormatException.of(
            source,
            source
                + ": the response to "
                + what
                + " is larger than "
                + max
                + " bytes (it "
                + how
                + "), more than any page holds. A proxy or a wrong baseUrl may be answering; the"
                + " cap is set with "
                + MAX_BODY_SETTING
                + ".")
        .build();
  }
}
