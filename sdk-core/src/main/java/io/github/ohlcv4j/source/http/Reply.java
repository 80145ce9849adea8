package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.source.Page;
import java.time.Instant;
import java.util.Optional;
import okhttp3.Response;

/**
 * An accepted response, as {@link HttpPageCursor#parse(Reply)} gets it: the response, its body
 * (valid until {@code parse} returns), the venue's clock, and the series builder to parse into.
 * {@link #page(long, long)} builds the series and the page that carries it.
 */
public final class Reply {
  private final Response response;
  private final BodyBuffer.Body body;
  private final Optional<Instant> serverTime;
  private final Instant now;
  private final CandleSeries.Builder candles;
  private final HttpErrors errors;

  Reply(
      Response response,
      BodyBuffer.Body body,
      Optional<Instant> serverTime,
      Instant now,
      CandleSeries.Builder candles,
      HttpErrors errors) {
    this.response = response;
    this.body = body;
    this.serverTime = serverTime;
    this.now = now;
    this.candles = candles;
    this.errors = errors;
  }

  /** The response (its body is already read: use {@link #body()}). */
  public Response response() {
    return response;
  }

  /** The body; valid until {@code parse} returns. */
  public BodyBuffer.Body body() {
    return body;
  }

  /** The venue's clock from its {@code Date} header, if present and trusted. */
  public Optional<Instant> serverTime() {
    return serverTime;
  }

  /** The venue's clock if trusted, else the local clock: "now" for waits the venue asks for. */
  public Instant now() {
    return now;
  }

  /** The builder to parse the candles into, set up for the query. */
  public CandleSeries.Builder candles() {
    return candles;
  }

  /**
   * The error for a refusal the body states although the status was accepted (a non-zero code in an
   * envelope), as the source's {@link HttpErrors} maps it.
   */
  public OhlcvException error() {
    return errors.map(response, body, now);
  }

  /**
   * Builds the candles into the page that answered a request for the open times in {@code
   * [fromMillis, toMillis)} (see {@link Page#window()}), with the body's size and the venue's
   * clock.
   */
  public Page page(long fromMillis, long toMillis) {
    return new Page(candles.build(), body.length(), serverTime, fromMillis, toMillis);
  }
}
