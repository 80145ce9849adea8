package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.clickhouse.internal.Sql;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of a candle table's columns: symbol, time (the candle's open time), open, high, low,
 * close and volume. {@link #ofDefaults()} are the names {@link ClickHouseSchema} creates: {@code
 * symbol}, {@code ts}, {@code open}, {@code high}, {@code low}, {@code close}, {@code volume}.
 * Change them with {@link #builder()} to read a table laid out by someone else.
 *
 * <p>Names are identifiers: letters, digits and underscores, not starting with a digit. Immutable
 * and thread-safe.
 */
public final class ColumnMapping {

  private static final ColumnMapping DEFAULTS = builder().build();

  private final String symbol;
  private final String time;
  private final String open;
  private final String high;
  private final String low;
  private final String close;
  private final String volume;

  private ColumnMapping(Builder b) {
    this.symbol = b.symbol;
    this.time = b.time;
    this.open = b.open;
    this.high = b.high;
    this.low = b.low;
    this.close = b.close;
    this.volume = b.volume;
  }

  /** The default names: {@code symbol, ts, open, high, low, close, volume}. */
  public static ColumnMapping ofDefaults() {
    return DEFAULTS;
  }

  /** A builder starting from the default names. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these names. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.symbol = symbol;
    b.time = time;
    b.open = open;
    b.high = high;
    b.low = low;
    b.close = close;
    b.volume = volume;
    return b;
  }

  /** The column holding the symbol's text form ({@code [VENUE:]CODE[.P]}), a {@code String}. */
  public String symbol() {
    return symbol;
  }

  /** The column holding the open time, a {@code DateTime} or {@code DateTime64(3)}. */
  public String time() {
    return time;
  }

  /** The column holding the open price. */
  public String open() {
    return open;
  }

  /** The column holding the high price. */
  public String high() {
    return high;
  }

  /** The column holding the low price. */
  public String low() {
    return low;
  }

  /** The column holding the close price. */
  public String close() {
    return close;
  }

  /** The column holding the volume. */
  public String volume() {
    return volume;
  }

  /** The seven names in table order: symbol, time, open, high, low, close, volume. */
  public List<String> all() {
    return List.of(symbol, time, open, high, low, close, volume);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ColumnMapping && all().equals(((ColumnMapping) o).all());
  }

  @Override
  public int hashCode() {
    return all().hashCode();
  }

  @Override
  public String toString() {
    return "ColumnMapping" + all();
  }

  /** Builds a {@link ColumnMapping}; each method names one column. Not thread-safe. */
  public static final class Builder {
    private String symbol = "symbol";
    private String time = "ts";
    private String open = "open";
    private String high = "high";
    private String low = "low";
    private String close = "close";
    private String volume = "volume";

    Builder() {}

    /** The symbol column; {@code symbol} by default. */
    public Builder symbol(String name) {
      this.symbol = Sql.checkIdentifier(name, "symbol column");
      return this;
    }

    /** The open-time column; {@code ts} by default. */
    public Builder time(String name) {
      this.time = Sql.checkIdentifier(name, "time column");
      return this;
    }

    /** The open-price column; {@code open} by default. */
    public Builder open(String name) {
      this.open = Sql.checkIdentifier(name, "open column");
      return this;
    }

    /** The high-price column; {@code high} by default. */
    public Builder high(String name) {
      this.high = Sql.checkIdentifier(name, "high column");
      return this;
    }

    /** The low-price column; {@code low} by default. */
    public Builder low(String name) {
      this.low = Sql.checkIdentifier(name, "low column");
      return this;
    }

    /** The close-price column; {@code close} by default. */
    public Builder close(String name) {
      this.close = Sql.checkIdentifier(name, "close column");
      return this;
    }

    /** The volume column; {@code volume} by default. */
    public Builder volume(String name) {
      this.volume = Sql.checkIdentifier(name, "volume column");
      return this;
    }

    /**
     * Builds the mapping.
     *
     * @throws IllegalArgumentException if two fields name the same column
     */
    public ColumnMapping build() {
      List<String> names = List.of(symbol, time, open, high, low, close, volume);
      Set<String> seen = new HashSet<>();
      for (String n : names) {
        if (!seen.add(n)) {
          throw new IllegalArgumentException(
              "Column \"" + n + "\" is mapped twice in " + names + "; each field needs its own");
        }
      }
      return new ColumnMapping(this);
    }
  }
}
