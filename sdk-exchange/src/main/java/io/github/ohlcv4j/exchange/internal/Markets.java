package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.Symbol;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which of a venue's markets a symbol belongs to, decided from the symbol alone so that the URI a
 * provider suggests and the check a source makes always agree.
 *
 * <ul>
 *   <li>Bybit: {@code .P} perpetuals quoted in USD ({@code BTCUSD.P}) are {@code inverse}, other
 *       perpetuals ({@code BTCUSDT.P}, {@code BTCPERP.P}) {@code linear}; without {@code .P}, dated
 *       futures are derivatives too ({@code BTCUSDT-27DEC24}, {@code BTC-27DEC24} linear; {@code
 *       BTCUSDH25} inverse), anything else is {@code spot}.
 *   <li>Binance: {@code .P} perpetuals and dated USD-M futures ({@code BTCUSDT_250328}) are {@code
 *       usdm}, anything else {@code spot}.
 * </ul>
 */
public final class Markets {
  private Markets() {}

  private static final Pattern BYBIT_DATED_LINEAR =
      Pattern.compile("[A-Z0-9]+-\\d{1,2}[A-Z]{3}\\d{2}");
  private static final Pattern BYBIT_DATED_INVERSE =
      Pattern.compile("[A-Z0-9]+USD[FGHJKMNQUVXZ]\\d{2}");
  private static final Pattern BINANCE_DATED = Pattern.compile("[A-Z0-9]+_\\d{6}");

  /**
   * Whether the symbol leaves its market open: no venue and no {@code .P} suffix, such as a bare
   * {@code BTCUSDT}. Such a symbol is served by whichever market the user picked a source for, so
   * {@code OhlcvClient.of("bybit:linear")} answers {@code BTCUSDT}; {@code BYBIT:BTCUSDT} (spot by
   * convention) and {@code BTCUSDT.P} name their market.
   */
  public static boolean unqualified(Symbol symbol) {
    return symbol.venue().isEmpty() && symbol.marketType() == MarketType.SPOT;
  }

  /**
   * The refusal of a symbol that belongs to another market of the venue: {@code BYBIT:BTCUSDT}
   * (spot) asked of {@code bybit:linear}. A source's capabilities cannot say this (they know
   * venues, not markets), so its cursor asks.
   *
   * @param belongs what the symbol is: {@code "a Bybit spot symbol"}
   * @param serves what the source serves: {@code "linear symbols (BYBIT:BTCUSDT.P)"}
   * @param use what to do: {@code "Use bybit:spot."}
   */
  public static InvalidQueryException otherMarket(
      Symbol symbol, String source, String belongs, String serves, String use) {
    return InvalidQueryException.of(
            source,
            symbol + " is " + belongs + ", but " + source + " serves " + serves + ". " + use)
        .build();
  }

  /**
   * Whether a source for the market {@code market} of {@code venue} serves {@code symbol}: a symbol
   * of that venue (or one without a venue) whose market, as {@code marketOf} tells, is {@code
   * market}; a bare code such as {@code BTCUSDT} is served by every market.
   */
  public static boolean serves(
      Symbol symbol, String venue, Function<Symbol, String> marketOf, String market) {
    return symbol.venue().map(venue::equals).orElse(true) && servesMarket(symbol, marketOf, market);
  }

  /** Whether {@code symbol} is of {@code market} as {@code marketOf} tells, or leaves it open. */
  public static boolean servesMarket(
      Symbol symbol, Function<Symbol, String> marketOf, String market) {
    return unqualified(symbol) || marketOf.apply(symbol).equals(market);
  }

  /**
   * The constant among {@code values} whose {@code id} is {@code text} in any case.
   *
   * @throws io.github.ohlcv4j.InvalidQueryException with {@code unknown} followed by the text, if
   *     there is none
   */
  public static <E> E byId(E[] values, Function<E, String> id, String text, String unknown) {
    java.util.Objects.requireNonNull(text, "id");
    String lower = text.toLowerCase(Locale.ROOT);
    for (E v : values) {
      if (id.apply(v).equals(lower)) {
        return v;
      }
    }
    throw new io.github.ohlcv4j.InvalidQueryException(unknown.replace("%s", text));
  }

  /** Bybit's category for the symbol: {@code spot}, {@code linear} or {@code inverse}. */
  public static String bybitCategory(Symbol symbol) {
    String code = symbol.code().toUpperCase(Locale.ROOT);
    if (symbol.marketType() == MarketType.PERPETUAL) {
      return code.endsWith("USD") ? "inverse" : "linear";
    }
    if (BYBIT_DATED_LINEAR.matcher(code).matches()) {
      return "linear";
    }
    if (BYBIT_DATED_INVERSE.matcher(code).matches()) {
      return "inverse";
    }
    return "spot";
  }

  /** Binance's market for the symbol: {@code spot} or {@code usdm}. */
  public static String binanceMarket(Symbol symbol) {
    if (symbol.marketType() == MarketType.PERPETUAL) {
      return "usdm";
    }
    return BINANCE_DATED.matcher(symbol.code().toUpperCase(Locale.ROOT)).matches()
        ? "usdm"
        : "spot";
  }

  /** Whether {@code zone} is UTC at every instant (UTC, Z, GMT, Etc/UTC, +00:00). */
  public static boolean isUtc(ZoneId zone) {
    return zone.getRules().isFixedOffset()
        && zone.getRules().getOffset(java.time.Instant.EPOCH).equals(ZoneOffset.UTC);
  }

  /**
   * Refuses a symbol of another venue than {@code venue}; a symbol without a venue passes.
   *
   * @throws InvalidQueryException naming the venue the source serves
   */
  public static void requireVenue(Symbol symbol, String venue, String sourceName) {
    if (symbol.venue().isPresent() && !symbol.venue().get().equals(venue)) {
      throw new InvalidQueryException(
          symbol
              + " is not a "
              + venue
              + " symbol; "
              + sourceName
              + " serves "
              + venue
              + ":... symbols. Register a source for "
              + symbol.venue().get()
              + " or drop the venue prefix.",
          sourceName,
          null,
          null);
    }
  }
}
