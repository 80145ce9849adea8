package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.Instrument;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.Symbol;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * The fields of one instrument while a venue's row is read; {@link #build} checks that the ones
 * every instrument needs are there and makes the {@link Instrument}. Not thread-safe.
 */
final class InstrumentRow {
  @Nullable String code;
  @Nullable String base;
  @Nullable String quote;
  @Nullable String status;
  String contractType = "";
  double tick = Double.NaN;
  double step = Double.NaN;
  long listedMillis;

  /**
   * The instrument; fails through {@code in} (at the end of the row) if the code, base, quote or
   * status is missing, or the code is not one a symbol can hold.
   */
  Instrument build(
      JsonBytes in,
      String venue,
      Instrument.Type type,
      Instrument.Status mapped,
      String codeKey,
      String baseKey,
      String quoteKey,
      String statusKey) {
    String code = require(in, this.code, codeKey);
    String base = require(in, this.base, baseKey);
    String quote = require(in, this.quote, quoteKey);
    String status = require(in, this.status, statusKey);
    Symbol symbol;
    try {
      symbol =
          Symbol.of(
              venue,
              code,
              type == Instrument.Type.PERPETUAL ? MarketType.PERPETUAL : MarketType.SPOT);
    } catch (InvalidQueryException e) {
      in.field(codeKey);
      throw in.fail("an instrument code (" + e.getMessage() + ")");
    }
    return new Instrument(
        symbol,
        type,
        base,
        quote,
        mapped,
        status,
        positive(tick),
        positive(step),
        listedMillis > 0 ? Optional.of(Instant.ofEpochMilli(listedMillis)) : Optional.empty());
  }

  private static OptionalDouble positive(double v) {
    return v > 0 && Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }

  /** {@code value}, or a failure through {@code in} if it is missing or empty. */
  private static String require(JsonBytes in, @Nullable String value, String key) {
    if (value == null || value.isEmpty()) {
      in.field(null);
      throw in.fail("a non-empty \"" + key + "\" in every instrument (the row ends here)");
    }
    return value;
  }
}
