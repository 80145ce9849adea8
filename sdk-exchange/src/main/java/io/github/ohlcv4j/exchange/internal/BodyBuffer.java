package io.github.ohlcv4j.exchange.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Reads response bodies into a byte array that one cursor reuses from page to page, so that a long
 * backfill does not allocate a fresh array per response. A cursor's requests are sequential; if a
 * read overlaps another anyway (a cancelled call still finishing), it gets an array of its own.
 */
public final class BodyBuffer {
  /** Bodies larger than this are refused: no candle page comes near it. */
  static final int MAX_BODY = 256 * 1024 * 1024;

  private final AtomicBoolean busy = new AtomicBoolean();
  private byte[] buf;

  /**
   * @param initial the initial capacity in bytes
   */
  public BodyBuffer(int initial) {
    this.buf = new byte[initial];
  }

  /** A body and how many of its bytes are filled. */
  public static final class Body {
    private final @Nullable BodyBuffer owner;
    private final byte[] bytes;
    private final int length;

    Body(@Nullable BodyBuffer owner, byte[] bytes, int length) {
      this.owner = owner;
      this.bytes = bytes;
      this.length = length;
    }

    /** The array holding the body; only the first {@link #length()} bytes are the body. */
    public byte[] bytes() {
      return bytes;
    }

    /** The body's length in bytes. */
    public int length() {
      return length;
    }

    /** Gives the array back for the next response; the body must not be used afterwards. */
    public void release() {
      if (owner != null && owner.buf == bytes) {
        owner.busy.set(false);
      }
    }
  }

  /**
   * Reads the whole body.
   *
   * @throws IOException if the connection fails or is cut while reading
   */
  public Body read(ResponseBody body) throws IOException {
    long declared = body.contentLength();
    if (declared > MAX_BODY) {
      throw new IOException("response body of " + declared + " bytes is too large");
    }
    boolean mine = busy.compareAndSet(false, true);
    byte[] b = mine ? buf : new byte[Math.max(8192, (int) Math.max(declared, 0))];
    if (declared > b.length) {
      b = new byte[(int) declared];
    }
    int n = 0;
    try (InputStream in = body.byteStream()) {
      while (true) {
        if (n == b.length) {
          if (b.length >= MAX_BODY) {
            throw new IOException("response body is larger than " + MAX_BODY + " bytes");
          }
          byte[] bigger = new byte[(int) Math.min(MAX_BODY, (long) b.length * 2)];
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
      return new Body(this, b, n);
    }
    return new Body(null, b, n);
  }
}
