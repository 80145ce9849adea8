package io.github.ohlcv4j.exchange;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A venue behind a MockWebServer that answers as the venue's documentation says, from a {@link
 * FakeMarket}. Scripted responses, queued with {@link #then(MockResponse)}, are sent first (to
 * inject errors between pages); every request is recorded.
 */
public abstract class FakeVenue extends Dispatcher {
  private final Deque<MockResponse> script = new ArrayDeque<>();
  private final List<HttpUrl> requests = new ArrayList<>();
  protected final FakeMarket market;
  protected final long now;

  /**
   * @param market the candles
   * @param now the venue's clock, sent in the {@code Date} header
   */
  protected FakeVenue(FakeMarket market, long now) {
    this.market = market;
    this.now = now;
  }

  /** Sends {@code response} to the next request instead of the venue's answer. */
  public synchronized FakeVenue then(MockResponse response) {
    script.add(response);
    return this;
  }

  /** The requests received so far. */
  public synchronized List<HttpUrl> requests() {
    return List.copyOf(requests);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    synchronized (this) {
      requests.add(request.getUrl());
      if (!script.isEmpty()) {
        return script.poll();
      }
    }
    return answer(request.getUrl());
  }

  /** The venue's answer. */
  protected abstract MockResponse answer(HttpUrl url);

  /** The {@code Date} header for the venue's clock. */
  public String date() {
    return httpDate(now);
  }

  /** An HTTP date. */
  public static String httpDate(long millis) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
  }

  /** A JSON response with the venue's {@code Date}. */
  protected MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .setHeader("Date", date())
        .body(body)
        .build();
  }

  protected static long longParam(HttpUrl url, String name, long otherwise) {
    String v = url.queryParameter(name);
    return v == null ? otherwise : Long.parseLong(v);
  }
}
