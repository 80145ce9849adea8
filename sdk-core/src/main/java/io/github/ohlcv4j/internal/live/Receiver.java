package io.github.ohlcv4j.internal.live;

import io.github.ohlcv4j.CandleEvent;
import io.github.ohlcv4j.OhlcvException;

/** Who gets a live subscription's events: a consumer, or a {@code Flow.Subscriber}. */
public interface Receiver {
  /** An event. */
  void onNext(CandleEvent event);

  /** The subscription ended with an error. */
  void onError(OhlcvException error);

  /** The subscription was closed. */
  void onComplete();
}
