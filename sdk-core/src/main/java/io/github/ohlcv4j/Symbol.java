package io.github.ohlcv4j;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An instrument, optionally tied to a venue: {@code Symbol.parse("BINANCE:BTCUSDT.P")} is the
 * Binance USD-M perpetual on BTCUSDT, {@code Symbol.parse("AAPL")} is AAPL on whatever source
 * serves it.
 *
 * <p>The text form is {@code [VENUE:]CODE[.P]}. The venue is the part before the first colon
 * (letters, digits and underscores, upper-cased); everything after it is the code, so {@code
 * "POLYGON:X:BTCUSD"} has venue {@code POLYGON} and code {@code X:BTCUSD}. A trailing {@code .P}
 * marks a {@link MarketType#PERPETUAL perpetual}. Without a venue the symbol means "any venue": the
 * client routes it to its default source. {@link #toString()} gives back the text form, and {@code
 * parse(s.toString()).equals(s)} holds for every parsed symbol.
 *
 * <p>Codes are case-sensitive and passed to sources as they are. {@link #of(String, String,
 * MarketType)} accepts any non-empty code that is valid Unicode, including characters {@code parse}
 * refuses; sources escape what they send. Neither accepts a lone (unpaired) surrogate: such a text
 * has no UTF-8 form, so two different symbols would be sent and stored as the same bytes.
 *
 * <p>Immutable and thread-safe.
 */
public final class Symbol {

  private static final Pattern VENUE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  private final String venue;
  private final String code;
  private final MarketType marketType;

  private Symbol(String venue, String code, MarketType marketType) {
    this.venue = venue;
    this.code = code;
    this.marketType = marketType;
  }

  /**
   * Parses {@code [VENUE:]CODE[.P]}.
   *
   * <p>A ccxt-style pair ({@code "BTC/USDT"}, {@code "BTC/USDT:USDT"}) is refused rather than taken
   * as a code the venue would then reject: the message says how to write it ({@code "BTCUSDT"},
   * {@code "BTCUSDT.P"}) and how to look the venue's code up with {@link
   * OhlcvClient#instruments(String)} and {@link Instruments#find(String, String)}. A source whose
   * codes do hold a slash (a table of one's own) gets them through {@link #of(String, String,
   * MarketType)}, which takes any code.
   *
   * @throws InvalidQueryException saying what was given, what is accepted and how to write it, if
   *     the text is empty, has white space or control characters, a lone surrogate, an empty or
   *     malformed venue, an empty code, or a slash
   */
  public static Symbol parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new InvalidQueryException(
          "A symbol cannot be empty; expected [VENUE:]CODE[.P], e.g. \"BINANCE:BTCUSDT\"");
    }
    requireValidUnicode(text, "Symbol");
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isWhitespace(ch) || Character.isISOControl(ch)) {
        throw new InvalidQueryException(
            "Symbol \""
                + printable(text)
                + "\" has white space or a control character at index "
                + i
                + "; expected [VENUE:]CODE[.P], e.g. \"BINANCE:BTCUSDT\"");
      }
    }
    if (text.indexOf('/') >= 0) {
      throw new InvalidQueryException(slashPair(text));
    }
    String venue = "";
    String rest = text;
    int colon = text.indexOf(':');
    if (colon >= 0) {
      venue = text.substring(0, colon);
      rest = text.substring(colon + 1);
      if (!VENUE.matcher(venue).matches()) {
        throw new InvalidQueryException(
            "Symbol \""
                + text
                + "\" has an invalid venue \""
                + venue
                + "\": a venue is letters, digits and underscores starting with a letter, e.g. \"BYBIT:BTCUSDT\"");
      }
    }
    MarketType type = MarketType.SPOT;
    if (rest.endsWith(MarketType.PERPETUAL.suffix())) {
      type = MarketType.PERPETUAL;
      rest = rest.substring(0, rest.length() - MarketType.PERPETUAL.suffix().length());
    }
    if (rest.isEmpty()) {
      throw new InvalidQueryException(
          "Symbol \""
              + text
              + "\" has no code after the venue; expected [VENUE:]CODE[.P], e.g. \"BINANCE:BTCUSDT\"");
    }
    return new Symbol(venue.toUpperCase(Locale.ROOT), rest, type);
  }

  /**
   * The refusal of a ccxt-style pair ({@code BTC/USDT}, {@code BYBIT:BTC/USDT}, {@code
   * BTC/USDT:USDT}): no venue spells its code with a slash, so taking it as a code would only have
   * the venue refuse it later, or worse, match nothing silently.
   */
  private static String slashPair(String text) {
    String venue = "";
    String pair = text;
    int colon = text.indexOf(':');
    if (colon >= 0 && text.indexOf('/') > colon) {
      venue = text.substring(0, colon);
      pair = text.substring(colon + 1);
    }
    String settle = "";
    int c2 = pair.indexOf(':');
    if (c2 >= 0) { // ccxt's BASE/QUOTE:SETTLE is a swap
      settle = pair.substring(c2 + 1);
      pair = pair.substring(0, c2);
    }
    int slash = pair.indexOf('/');
    String base = pair.substring(0, slash);
    String quote = pair.substring(slash + 1);
    boolean simple =
        !base.isEmpty()
            && !quote.isEmpty()
            && quote.indexOf('/') < 0
            && (venue.isEmpty() || VENUE.matcher(venue).matches());
    if (!simple) {
      return "Symbol \""
          + printable(text)
          + "\" has a '/', which no venue's code has; expected [VENUE:]CODE[.P] with the venue's own"
          + " code, e.g. \"BINANCE:BTCUSDT\".";
    }
    String v = venue.isEmpty() ? "" : venue.toUpperCase(Locale.ROOT) + ":";
    String written = v + base + quote + (settle.isEmpty() ? "" : MarketType.PERPETUAL.suffix());
    return "Symbol \""
        + printable(text)
        + "\" is a ccxt-style pair; ohlcv4j takes the venue's own code: write \""
        + written
        + "\""
        + (settle.isEmpty() ? "" : " (.P marks the perpetual)")
        + ", or look the code up with client.instruments(\""
        + (venue.isEmpty() ? "BYBIT" : venue.toUpperCase(Locale.ROOT))
        + "\").find(\""
        + base
        + "\", \""
        + quote
        + "\").";
  }

  /**
   * A spot symbol with no venue.
   *
   * @throws InvalidQueryException if the code is empty or not valid Unicode
   */
  public static Symbol of(String code) {
    return of("", code, MarketType.SPOT);
  }

  /**
   * A symbol from its parts. {@code venue} may be empty (any venue) and is upper-cased; {@code
   * code} may hold any characters but must not be empty and must be valid Unicode (no lone
   * surrogate).
   *
   * @throws InvalidQueryException if the venue is malformed, or the code empty or not valid
   *     Unicode, saying what is accepted
   */
  public static Symbol of(String venue, String code, MarketType marketType) {
    Objects.requireNonNull(venue, "venue");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(marketType, "marketType");
    if (!venue.isEmpty() && !VENUE.matcher(venue).matches()) {
      throw new InvalidQueryException(
          "Invalid venue \""
              + printable(venue)
              + "\": a venue is letters, digits and underscores starting with a letter (e.g."
              + " \"BYBIT\", \"BINANCE\"), or empty for any venue");
    }
    if (code.isEmpty()) {
      throw new InvalidQueryException(
          "A symbol code cannot be empty: give the instrument as the venue spells it, e.g."
              + " \"BTCUSDT\" or \"AAPL\"");
    }
    requireValidUnicode(code, "Symbol code");
    return new Symbol(venue.toUpperCase(Locale.ROOT), code, marketType);
  }

  /** The venue in upper case, empty for "any venue". */
  public Optional<String> venue() {
    return venue.isEmpty() ? Optional.empty() : Optional.of(venue);
  }

  /**
   * The instrument code as the venue spells it, without the venue and without the {@code .P}
   * suffix.
   */
  public String code() {
    return code;
  }

  /** Spot or perpetual. */
  public MarketType marketType() {
    return marketType;
  }

  /** This symbol without its venue. */
  public Symbol withoutVenue() {
    return venue.isEmpty() ? this : new Symbol("", code, marketType);
  }

  /**
   * This symbol on another venue.
   *
   * @throws InvalidQueryException if the venue is malformed, as {@link #of(String, String,
   *     MarketType)}
   */
  public Symbol withVenue(String venue) {
    return of(venue, code, marketType);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Symbol)) {
      return false;
    }
    Symbol s = (Symbol) o;
    return venue.equals(s.venue) && code.equals(s.code) && marketType == s.marketType;
  }

  @Override
  public int hashCode() {
    return Objects.hash(venue, code, marketType);
  }

  /** The text form {@code [VENUE:]CODE[.P]}, which {@link #parse(String)} reads back. */
  @Override
  public String toString() {
    return (venue.isEmpty() ? "" : venue + ":") + code + marketType.suffix();
  }

  /** Refuses a lone (unpaired) surrogate, which has no UTF-8 form. */
  private static void requireValidUnicode(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isHighSurrogate(ch)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a pair: one code point
        continue;
      }
      if (Character.isSurrogate(ch)) {
        throw new InvalidQueryException(
            what
                + " \""
                + printable(text)
                + "\" has a lone surrogate (\\u"
                + String.format(Locale.ROOT, "%04x", (int) ch)
                + ") at index "
                + i
                + ": it is not valid Unicode text, so it cannot be sent or stored as itself. Check"
                + " how the text was decoded.");
      }
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
