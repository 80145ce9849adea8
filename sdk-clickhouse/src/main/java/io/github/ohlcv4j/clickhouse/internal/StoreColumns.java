package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The columns a candle table has besides the seven the source maps, so that it can keep what a
 * venue sends: {@code flags UInt8} (the partial and suspect flags) and one {@code Float64} per
 * {@link ExtraColumn}, named as the constant in lower case ({@code quote_volume}, ..., {@code
 * close_time}), NaN where a candle has no value. The coverage table records, per symbol, which
 * extra columns and flags were ever written ({@link #maskOf}), so that a reader selects only those.
 */
public final class StoreColumns {
  private StoreColumns() {}

  /** The flags column. */
  public static final String FLAGS = "flags";

  /** The flags a store keeps: partial and suspect (in-progress and filled rows are not stored). */
  public static final int STORED_FLAGS = CandleSeries.PARTIAL | CandleSeries.SUSPECT;

  /** All extra columns, in table order. */
  public static final List<ExtraColumn> EXTRAS = List.of(ExtraColumn.values());

  /** The column of an extra column. */
  public static String column(ExtraColumn c) {
    return c.name().toLowerCase(Locale.ROOT);
  }

  /** The store columns and their types (with defaults), in table order. */
  public static List<String[]> definitions() {
    List<String[]> out = new ArrayList<>();
    out.add(new String[] {FLAGS, "UInt8 DEFAULT 0"});
    for (ExtraColumn x : EXTRAS) {
      out.add(new String[] {column(x), "Float64 DEFAULT nan"});
    }
    return out;
  }

  /** The names of the store columns, in table order. */
  public static List<String> names() {
    List<String> out = new ArrayList<>();
    for (String[] d : definitions()) {
      out.add(d[0]);
    }
    return out;
  }

  /** The bit of an extra column in a mask. */
  public static int bit(ExtraColumn c) {
    return 1 << c.ordinal();
  }

  /** The mask of the extra columns a series has. */
  public static int maskOf(CandleSeries s) {
    int m = 0;
    for (ExtraColumn c : s.extraColumns()) {
      m |= bit(c);
    }
    return m;
  }

  /** The extra columns of a mask, in table order. */
  public static List<ExtraColumn> of(int mask) {
    List<ExtraColumn> out = new ArrayList<>();
    for (ExtraColumn c : EXTRAS) {
      if ((mask & bit(c)) != 0) {
        out.add(c);
      }
    }
    return out;
  }
}
