package io.github.ohlcv4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link OhlcvClient#fetchAll(java.util.Collection)} returns: for each symbol asked for,
 * either its series or the typed error its query ended with. One symbol failing does not fail the
 * others.
 *
 * <pre>{@code
 * FetchResults r = client.fetchAll(List.of("BTCUSDT", "ETHUSDT"), q -> q.interval(Interval.H1).latest(48));
 * r.series().forEach((symbol, series) -> System.out.println(series));
 * r.errors().forEach((symbol, error) -> System.err.println(symbol + ": " + error.getMessage()));
 * CandleSeries btc = r.get("BTCUSDT"); // or its error, thrown
 * System.out.println(r.table());       // the closes side by side, NaN where one has no candle
 * }</pre>
 *
 * <p>Maps iterate in the order the queries were given. Immutable and thread-safe.
 */
public final class FetchResults {

  private final List<Symbol> symbols;
  private final Map<Symbol, CandleSeries> series;
  private final Map<Symbol, OhlcvException> errors;

  FetchResults(
      List<Symbol> symbols, Map<Symbol, CandleSeries> series, Map<Symbol, OhlcvException> errors) {
    this.symbols = List.copyOf(symbols);
    Map<Symbol, CandleSeries> s = new LinkedHashMap<>();
    Map<Symbol, OhlcvException> e = new LinkedHashMap<>();
    for (Symbol sym : this.symbols) {
      CandleSeries one = series.get(sym);
      OhlcvException error = errors.get(sym);
      if ((one == null) == (error == null)) {
        throw new IllegalArgumentException(sym + " needs a series or an error, not both or none");
      }
      if (one != null) {
        s.put(sym, one);
      } else {
        e.put(sym, error);
      }
    }
    this.series = Collections.unmodifiableMap(s);
    this.errors = Collections.unmodifiableMap(e);
  }

  /** Every symbol asked for, in the order given. */
  public List<Symbol> symbols() {
    return symbols;
  }

  /** The series of the symbols whose queries succeeded, in the order given. */
  public Map<Symbol, CandleSeries> series() {
    return series;
  }

  /** The errors of the symbols whose queries failed, in the order given; empty if none did. */
  public Map<Symbol, OhlcvException> errors() {
    return errors;
  }

  /** Whether every query succeeded. */
  public boolean isComplete() {
    return errors.isEmpty();
  }

  /**
   * The series of {@code symbol}.
   *
   * @throws OhlcvException the error that symbol's query failed with
   * @throws IllegalArgumentException if {@code symbol} was not asked for
   */
  public CandleSeries get(Symbol symbol) {
    Objects.requireNonNull(symbol, "symbol");
    CandleSeries s = series.get(symbol);
    if (s != null) {
      return s;
    }
    OhlcvException e = errors.get(symbol);
    if (e != null) {
      throw e;
    }
    throw new IllegalArgumentException(symbol + " was not asked for; these were: " + symbols + ".");
  }

  /**
   * The series of the symbol {@code symbol} parses to; see {@link #get(Symbol)}.
   *
   * @throws OhlcvException the error that symbol's query failed with
   * @throws IllegalArgumentException if the symbol was not asked for
   */
  public CandleSeries get(String symbol) {
    return get(Symbol.parse(Objects.requireNonNull(symbol, "symbol")));
  }

  /** The error {@code symbol}'s query failed with, if it failed. */
  public Optional<OhlcvException> error(Symbol symbol) {
    return Optional.ofNullable(errors.get(Objects.requireNonNull(symbol, "symbol")));
  }

  /**
   * The series that succeeded on one time axis ({@link SeriesTable#of(java.util.Collection)}):
   * every bucket from the first candle to the last, {@code NaN} where a series has no candle.
   *
   * @throws InvalidQueryException if the series have different intervals
   */
  public SeriesTable table() {
    return SeriesTable.of(series.values());
  }

  /**
   * A summary: how many succeeded, and each failure's symbol and error type, such as {@code
   * FetchResults{2 of 3 fetched; failed: KRAKEN:XBTUSD SymbolNotFoundException}}.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("FetchResults{");
    b.append(series.size()).append(" of ").append(symbols.size()).append(" fetched");
    if (!errors.isEmpty()) {
      List<String> failed = new ArrayList<>();
      errors.forEach((s, e) -> failed.add(s + " " + e.getClass().getSimpleName()));
      b.append("; failed: ").append(String.join(", ", failed));
    }
    return b.append('}').toString();
  }
}
