package io.github.ohlcv4j;

import org.jspecify.annotations.Nullable;

/**
 * A live subscription ended because its consumer fell too far behind: more closed or revised
 * candles waited for it than {@link LiveCandles#bufferSize(int)} allows. Updates of the candle in
 * progress are conflated and never count; closes are never dropped, so a consumer that cannot keep
 * up gets this error instead of silent loss. Not retryable as it is: consume faster (hand the work
 * to another thread), raise the buffer, or subscribe again with {@code from(...)} the last candle
 * handled, which fetches what was missed.
 */
public class SlowConsumerException extends OhlcvException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what fell behind and what to do
   * @param source the source's name, or null
   */
  public SlowConsumerException(String message, @Nullable String source) {
    super(message, source, false, null, null, null);
  }
}
