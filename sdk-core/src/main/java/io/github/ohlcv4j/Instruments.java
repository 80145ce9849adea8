package io.github.ohlcv4j;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The instruments a venue lists, as one source (or several, from {@link
 * OhlcvClient#instruments(String)}) read them at {@link #fetchedAt()}: look one up by {@link
 * #bySymbol(String) symbol}, {@link #find(String, String) find} those of a base and quote asset, or
 * {@link #stream()} them all. Instruments are in the order the venue listed them.
 *
 * <pre>{@code
 * Instruments bybit = client.instruments("BYBIT");
 * List<Instrument> btcUsdt = bybit.find("BTC", "USDT");   // BYBIT:BTCUSDT, BYBIT:BTCUSDT.P, ...
 * Optional<Instrument> perp = bybit.bySymbol("BYBIT:BTCUSDT.P");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Instruments {

  private final String source;
  private final Instant fetchedAt;
  private final List<Instrument> list;
  private final Map<String, List<Instrument>> byPair;
  private final Map<String, List<Instrument>> byCode;

  private Instruments(String source, Instant fetchedAt, List<Instrument> list) {
    this.source = source;
    this.fetchedAt = fetchedAt;
    this.list = list;
    Map<String, List<Instrument>> pairs = new HashMap<>();
    Map<String, List<Instrument>> codes = new HashMap<>();
    for (Instrument i : list) {
      pairs.computeIfAbsent(pair(i.base(), i.quote()), k -> new ArrayList<>(2)).add(i);
      codes.computeIfAbsent(i.code(), k -> new ArrayList<>(2)).add(i);
    }
    this.byPair = freeze(pairs);
    this.byCode = freeze(codes);
  }

  /**
   * The instruments {@code source} read at {@code fetchedAt}, in the given order.
   *
   * @param source the name of the source (or sources) they come from: {@code "bybit:linear"}
   * @param fetchedAt when the venue was asked
   * @param instruments the instruments
   */
  public static Instruments of(
      String source, Instant fetchedAt, Collection<Instrument> instruments) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    return new Instruments(source, fetchedAt, List.copyOf(instruments));
  }

  /**
   * The instruments of several lists, one after the other: the source names joined with {@code ",
   * "}, and the earliest {@link #fetchedAt()} (the list is as old as its oldest part).
   *
   * @throws IllegalArgumentException if {@code parts} is empty
   */
  public static Instruments concat(List<Instruments> parts) {
    Objects.requireNonNull(parts, "parts");
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("parts must not be empty");
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    List<Instrument> all = new ArrayList<>();
    Instant oldest = parts.get(0).fetchedAt;
    for (Instruments p : parts) {
      all.addAll(p.list);
      oldest = p.fetchedAt.isBefore(oldest) ? p.fetchedAt : oldest;
    }
    String names = parts.stream().map(Instruments::source).collect(Collectors.joining(", "));
    return new Instruments(names, oldest, List.copyOf(all));
  }

  /** The name of the source (or the names of the sources) the instruments come from. */
  public String source() {
    return source;
  }

  /** When the venue was asked; a cached list is this old. */
  public Instant fetchedAt() {
    return fetchedAt;
  }

  /** Every instrument, in the venue's order; unmodifiable. */
  public List<Instrument> list() {
    return list;
  }

  /** Every instrument, in the venue's order. */
  public Stream<Instrument> stream() {
    return list.stream();
  }

  /** How many instruments there are. */
  public int size() {
    return list.size();
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return list.isEmpty();
  }

  /**
   * The instruments whose base and quote assets are {@code base} and {@code quote}, in any case:
   * {@code find("BTC", "USDT")} gives Bybit's spot BTCUSDT, the perpetual BTCUSDT.P and the dated
   * futures, as far as this list holds them; empty if there is none. The way from a ccxt-style
   * {@code "BTC/USDT"} to the venue's code.
   */
  public List<Instrument> find(String base, String quote) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(quote, "quote");
    return byPair.getOrDefault(pair(base, quote), List.of());
  }

  /**
   * The one instrument of {@code base}/{@code quote} of {@code type}, if there is exactly one:
   * {@code find("BTC", "USDT", Instrument.Type.PERPETUAL)}.
   *
   * @throws InvalidQueryException if several match (say which), since picking one would be a guess
   */
  public Optional<Instrument> find(String base, String quote, Instrument.Type type) {
    Objects.requireNonNull(type, "type");
    List<Instrument> hits =
        find(base, quote).stream().filter(i -> i.type() == type).collect(Collectors.toList());
    if (hits.size() > 1) {
      throw new InvalidQueryException(
          "Several "
              + type.name().toLowerCase(Locale.ROOT)
              + " instruments of "
              + base
              + "/"
              + quote
              + " in "
              + source
              + ": "
              + hits.stream().map(i -> i.symbol().toString()).collect(Collectors.joining(", "))
              + "; pick one by its symbol with bySymbol(...).");
    }
    return hits.stream().findFirst();
  }

  /**
   * The instrument {@code symbol} names: its code (case-sensitive, as the venue spells it) and
   * market type ({@code .P}), and its venue if it has one. {@code bySymbol("BYBIT:BTCUSDT.P")},
   * {@code bySymbol("BTCUSDT")}.
   *
   * @throws InvalidQueryException if {@code symbol} is not a valid symbol ({@link
   *     Symbol#parse(String)})
   */
  public Optional<Instrument> bySymbol(String symbol) {
    return bySymbol(Symbol.parse(Objects.requireNonNull(symbol, "symbol")));
  }

  /**
   * The instrument {@code symbol} names; a symbol without a venue matches any venue. The first
   * match in the list's order.
   */
  public Optional<Instrument> bySymbol(Symbol symbol) {
    Objects.requireNonNull(symbol, "symbol");
    for (Instrument i : byCode.getOrDefault(symbol.code(), List.of())) {
      Symbol s = i.symbol();
      if (s.marketType() == symbol.marketType()
          && (symbol.venue().isEmpty() || symbol.venue().equals(s.venue()))) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** The instruments whose base asset is {@code base}, in any case. */
  public List<Instrument> byBase(String base) {
    String b = Objects.requireNonNull(base, "base").toUpperCase(Locale.ROOT);
    return list.stream().filter(i -> i.base().equals(b)).collect(Collectors.toUnmodifiableList());
  }

  /** The instruments whose quote asset is {@code quote}, in any case. */
  public List<Instrument> byQuote(String quote) {
    String q = Objects.requireNonNull(quote, "quote").toUpperCase(Locale.ROOT);
    return list.stream().filter(i -> i.quote().equals(q)).collect(Collectors.toUnmodifiableList());
  }

  /** The source, when the list was fetched and how many instruments it holds. */
  @Override
  public String toString() {
    return "Instruments{" + source + ", " + list.size() + " at " + fetchedAt + "}";
  }

  private static String pair(String base, String quote) {
    return base.toUpperCase(Locale.ROOT) + "/" + quote.toUpperCase(Locale.ROOT);
  }

  private static Map<String, List<Instrument>> freeze(Map<String, List<Instrument>> m) {
    Map<String, List<Instrument>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Map.copyOf(out);
  }
}
