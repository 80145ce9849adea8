package io.github.ohlcv4j.clickhouse;

import java.util.Locale;
import java.util.Optional;

/**
 * The ClickHouse type of a candle table's time column, which holds each candle's open time (UTC).
 */
public enum TimeColumnType {
  /**
   * {@code DateTime}: whole seconds since the epoch as {@code UInt32}, 1970 to 2106. The only time
   * type of ClickHouse before 20.1 (such as Debian's 18.16); candles must open on whole seconds.
   */
  DATE_TIME("DateTime"),

  /**
   * {@code DateTime64(3)}: milliseconds since the epoch as {@code Int64}. Needs ClickHouse 20.5 or
   * later here; the default for new tables on such servers.
   */
  DATE_TIME64_3("DateTime64(3)");

  private final String sqlType;

  TimeColumnType(String sqlType) {
    this.sqlType = sqlType;
  }

  /** The type as written in SQL, without a time zone: {@code DateTime} or {@code DateTime64(3)}. */
  public String sqlType() {
    return sqlType;
  }

  /**
   * The time type of a column type as {@code system.columns} reports it: {@code DateTime}, {@code
   * DateTime('UTC')}, {@code DateTime64(3)} or {@code DateTime64(3, 'UTC')}; empty for anything
   * else (another precision, {@code Nullable}, a number).
   */
  public static Optional<TimeColumnType> ofColumnType(String columnType) {
    String t = columnType.strip().toLowerCase(Locale.ROOT);
    if (t.equals("datetime") || t.startsWith("datetime(")) {
      return Optional.of(DATE_TIME);
    }
    if (t.equals("datetime64(3)") || t.startsWith("datetime64(3,")) {
      return Optional.of(DATE_TIME64_3);
    }
    return Optional.empty();
  }
}
