package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.ExtraColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The extra columns as the store keeps them: one nullable DOUBLE column each, and a bit mask. */
public final class Extras {
  private Extras() {}

  /** All extra columns, in table order. */
  public static final List<ExtraColumn> ALL = List.of(ExtraColumn.values());

  /** The column name of an extra column: its constant's name in lower case. */
  public static String column(ExtraColumn c) {
    return c.name().toLowerCase(Locale.ROOT);
  }

  /** The bit of {@code c} in a mask. */
  public static int bit(ExtraColumn c) {
    return 1 << c.ordinal();
  }

  /** The mask of the extra columns {@code s} has. */
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
    for (ExtraColumn c : ALL) {
      if ((mask & bit(c)) != 0) {
        out.add(c);
      }
    }
    return out;
  }
}
