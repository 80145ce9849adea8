package io.github.ohlcv4j.source.csv;

import io.github.ohlcv4j.Interval;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One file a {@link CsvSource} may read, and what its name says: {@code SYMBOL-INTERVAL[-...]} with
 * {@code .csv} or {@code .zip}, as Binance names its dumps ({@code BTCUSDT-1m-2024-01.zip}) and as
 * a file written with {@code CandleSeries.toCsv} may be named ({@code BTCUSDT-1h.csv}).
 */
final class CsvFile {
  final Path path;
  final @Nullable String symbol;
  final @Nullable Interval interval;
  final boolean zipped;

  private CsvFile(Path path, @Nullable String symbol, @Nullable Interval interval, boolean zipped) {
    this.path = path;
    this.symbol = symbol;
    this.interval = interval;
    this.zipped = zipped;
  }

  /** The file, if its name ends in {@code .csv} or {@code .zip}. */
  static Optional<CsvFile> of(Path path) {
    String name = String.valueOf(path.getFileName());
    String lower = name.toLowerCase(Locale.ROOT);
    boolean zip = lower.endsWith(".zip");
    if (!zip && !lower.endsWith(".csv")) {
      return Optional.empty();
    }
    String base = name.substring(0, name.length() - 4);
    String[] parts = base.split("-");
    for (int i = 1; i < parts.length; i++) {
      Interval iv = interval(parts[i]);
      if (iv != null) {
        return Optional.of(
            new CsvFile(path, String.join("-", java.util.Arrays.copyOf(parts, i)), iv, zip));
      }
    }
    return Optional.of(new CsvFile(path, null, null, zip));
  }

  /**
   * The interval a name part spells ({@code 1m}, {@code 4h}, {@code 1d}, {@code 1M}, {@code 1mo}).
   */
  static @Nullable Interval interval(String part) {
    if (part.isEmpty()
        || !Character.isDigit(part.charAt(0))
        || Character.isDigit(part.charAt(part.length() - 1))) {
      return null;
    }
    if (part.endsWith("mo")) {
      part = part.substring(0, part.length() - 2) + "M";
    }
    try {
      return Interval.parse(part);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** This file with the symbol and interval the source's settings give when its name says none. */
  CsvFile orElse(@Nullable String symbol, @Nullable Interval interval) {
    return new CsvFile(
        path,
        this.symbol != null ? this.symbol : symbol,
        this.interval != null ? this.interval : interval,
        zipped);
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
