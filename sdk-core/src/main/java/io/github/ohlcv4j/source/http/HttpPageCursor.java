package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Response;

/**
 * The request loop of an HTTP source ({@link HttpRequestCursor}) with answers read the way every
 * venue's are: into a bounded buffer, then parsed.
 *
 * <p>A venue's cursor says what to ask ({@link #more()}, {@link #request()}), how to read a good
 * answer ({@link #parse(Reply)}) and how to move on ({@link #advance(Object)}). Reading a response
 * ({@link #read(Response)}) always goes the same way: the venue's clock from {@code Date} (trusted
 * within two minutes of the local one) → the usage headers to the venue's budget ({@link
 * HttpErrors#reportUsage}) → the body into a bounded buffer that never trusts {@code
 * Content-Length} ({@link BodyBuffer}) → a refused status to a typed error ({@link HttpErrors#map})
 * → a {@link CandleSeries.Builder} for the query's symbol, interval, zone, bad-row policy and
 * expected size → {@link #parse(Reply)} → the buffer released.
 *
 * @param <S> what reading one response yields: the page, plus whatever the cursor needs to move on
 */
public abstract class HttpPageCursor<S> extends HttpRequestCursor<S> {
  private final String source;
  private final Clock clock;
  private final HttpErrors errors;
  private final BodyBuffer buffer;

  /**
   * A cursor over the requests that answer {@code query}.
   *
   * @param source the source: its HTTP component, name, clock and body cap
   * @param query the query
   * @param errors maps what the venue refuses
   */
  protected HttpPageCursor(HttpCandleSource source, OhlcvQuery query, HttpErrors errors) {
    super(Objects.requireNonNull(source, "source").http(), source.name(), query);
    this.source = source.name();
    this.clock = source.context().clock();
    this.errors = Objects.requireNonNull(errors, "errors");
    this.buffer =
        new BodyBuffer(
            64 * 1024,
            source.maxBodyBytes(),
            source.name(),
            query.symbol() + " " + query.interval() + " candles");
  }

  /** The error mapper. */
  protected final HttpErrors errors() {
    return errors;
  }

  /**
   * Reads an accepted response ({@link #accepts(Response)}) into the series builder and says what
   * it gave; runs on OkHttp's callback thread.
   *
   * @throws OhlcvException for what the body says (a venue error in an envelope, a malformed body:
   *     a {@link io.github.ohlcv4j.DataFormatException} that says where)
   * @throws IOException if reading fails
   */
  protected abstract S parse(Reply reply) throws IOException;

  /**
   * The rows the request in flight asks for, to size the series builder (so that a full page is
   * built without a copy); 0 when unknown.
   */
  protected int expectedRows() {
    return 0;
  }

  /** The zone of the series built: the query's unless the venue's candles live in another. */
  protected ZoneId seriesZone() {
    return query().zone();
  }

  /** Whether a response's status means an answer to parse: 200, by default. */
  protected boolean accepts(Response response) {
    return response.code() == 200;
  }

  /**
   * Reads one response as the class comment says. A source that streams its answers instead of
   * buffering them extends {@link HttpRequestCursor} instead.
   */
  @Override
  protected S read(Response response) throws IOException {
    Optional<Instant> date = Http.serverTime(response, clock);
    Instant now = date.orElseGet(clock::instant);
    errors.reportUsage(response, now);
    BodyBuffer.Body body = buffer.read(response);
    try {
      if (!accepts(response)) {
        throw errors.map(response, body, now);
      }
      OhlcvQuery query = query();
      CandleSeries.Builder b =
          CandleSeries.builder(query.symbol(), query.interval())
              .zone(seriesZone())
              .source(source)
              .badRows(query.badRows());
      int rows = expectedRows();
      if (rows > 0) {
        b.expectedSize(rows);
      }
      return parse(new Reply(response, body, date, now, b, errors));
    } finally {
      body.release();
    }
  }
}
