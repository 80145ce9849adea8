package io.github.ohlcv4j;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One instrument a venue lists, as its source reads it from the venue's reference data: the {@link
 * Symbol} to query it by, what kind of market it is, its base and quote assets, whether it trades,
 * and the price tick, size step and listing time where the venue publishes them. Get them from
 * {@link io.github.ohlcv4j.source.CandleSource#instruments()} or {@link
 * OhlcvClient#instruments(String)}; find one with {@link Instruments#find(String, String)}.
 *
 * <pre>{@code
 * Instrument btc = client.instruments("BYBIT").find("BTC", "USDT").get(0);
 * CandleSeries s = client.query(btc.symbol()).interval(Interval.H1).latest(24).fetch();
 * }</pre>
 *
 * @param symbol the symbol to query this instrument by, with its venue: {@code BYBIT:BTCUSDT.P}
 * @param type what kind of market it is
 * @param base the base asset (what is bought), upper case: {@code BTC}; for a stock, its ticker
 * @param quote the quote asset (what prices are in), upper case: {@code USDT}, {@code USD}
 * @param status whether the venue trades it now
 * @param venueStatus the status as the venue spells it ({@code "Trading"}, {@code "BREAK"}), for
 *     what {@link Status} does not tell apart; empty if the venue gives none
 * @param priceTick the smallest price step, if the venue publishes one (Bybit's {@code tickSize},
 *     Binance's {@code PRICE_FILTER tickSize})
 * @param sizeStep the smallest quantity step, if the venue publishes one (Bybit's {@code
 *     qtySize}/{@code basePrecision}, Binance's {@code LOT_SIZE stepSize})
 * @param listedAt when the venue listed it, if the venue says (Bybit's {@code launchTime}, Binance
 *     USD-M's {@code onboardDate}, Polygon's {@code list_date})
 */
public record Instrument(
    Symbol symbol,
    Type type,
    String base,
    String quote,
    Status status,
    String venueStatus,
    OptionalDouble priceTick,
    OptionalDouble sizeStep,
    Optional<Instant> listedAt) {

  /**
   * Checks that every component is present and the steps, if given, are positive finite numbers.
   *
   * @throws IllegalArgumentException if a step is zero, negative, NaN or infinite
   */
  public Instrument {
    Objects.requireNonNull(symbol, "symbol");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(quote, "quote");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(venueStatus, "venueStatus");
    Objects.requireNonNull(priceTick, "priceTick");
    Objects.requireNonNull(sizeStep, "sizeStep");
    Objects.requireNonNull(listedAt, "listedAt");
    base = base.toUpperCase(Locale.ROOT);
    quote = quote.toUpperCase(Locale.ROOT);
    positive(priceTick, "priceTick");
    positive(sizeStep, "sizeStep");
  }

  private static void positive(OptionalDouble v, String name) {
    if (v.isPresent() && !(v.getAsDouble() > 0 && Double.isFinite(v.getAsDouble()))) {
      throw new IllegalArgumentException(name + " must be positive and finite, got " + v);
    }
  }

  /** The code the venue spells the instrument with: {@code symbol().code()}. */
  public String code() {
    return symbol.code();
  }

  /** Whether the venue trades the instrument now: {@code status() == Status.TRADING}. */
  public boolean trading() {
    return status == Status.TRADING;
  }

  /** The kind of market an instrument trades in. */
  public enum Type {
    /** Spot pairs, and stocks, indices and currencies at Polygon. */
    SPOT,
    /** A perpetual swap: its symbol ends in {@code .P}. */
    PERPETUAL,
    /** A future (or a perpetual-like contract) with a delivery date. */
    FUTURE,
    /** Anything else the venue lists (options, leveraged tokens the venue marks as such). */
    OTHER
  }

  /** Whether a venue trades an instrument; {@link Instrument#venueStatus()} has its own word. */
  public enum Status {
    /** Trading now. */
    TRADING,
    /**
     * Announced, not trading yet (Bybit's {@code PreLaunch}, Binance's {@code PENDING_TRADING}).
     */
    PRE_LAUNCH,
    /** Listed but not trading now: halted, in a break, settling or being delivered. */
    HALTED,
    /** No longer trading: delisted, closed or delivered. */
    CLOSED,
    /** A status this library does not know; see {@link Instrument#venueStatus()}. */
    OTHER
  }
}
