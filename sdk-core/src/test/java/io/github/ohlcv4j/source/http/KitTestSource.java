package io.github.ohlcv4j.source.http;

import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.time.ZoneOffset;
import java.util.Set;
import okhttp3.Request;

/** The smallest source on the kit, for the kit's own tests: a venue called "Kit". */
final class KitTestSource extends HttpCandleSource {
  private final SourceCapabilities capabilities =
      SourceCapabilities.builder()
          .intervals(Set.of(Interval.M1, Interval.D1))
          .calendarZones(Set.of(ZoneOffset.UTC))
          .venues(Set.of("KIT"))
          .rateLimitGroup("kit")
          .build();

  private KitTestSource(Builder b) {
    super(b, "kit:test", "Kit", "https://api.kit.invalid", 100);
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public PageCursor cursor(OhlcvQuery query) {
    throw new UnsupportedOperationException("the tests make their own cursors");
  }

  @Override
  protected Request healthRequest() {
    return new Request.Builder().url(url().addPathSegments("v1/ping").build()).build();
  }

  static final class Builder extends HttpCandleSource.Builder<Builder> {
    Builder() {
      super(1000);
    }

    @Override
    protected Builder self() {
      return this;
    }

    KitTestSource build() {
      return new KitTestSource(this);
    }
  }
}
