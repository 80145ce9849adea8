package io.github.ohlcv4j;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The length of one candle: an amount of a {@link Unit}, such as {@code 15m}, {@code 4h} or {@code
 * 1M}; parse one with {@link #parse(String)} or use a constant like {@link #M1}.
 *
 * <p><b>Fixed and calendar intervals.</b> Seconds, minutes and hours are <em>fixed</em>: every
 * candle has the same length, and buckets are aligned to the Unix epoch ({@code 1970-01-01T00:00Z})
 * whatever the time zone. Days, weeks and months are <em>calendar</em> intervals: their boundaries
 * are local midnights in a {@link ZoneId}, so a day can last 23 or 25 hours across a
 * daylight-saving change and a month 28 to 31 days. Weeks start on Monday. Multiples of calendar
 * units are aligned to the epoch in their own unit: {@code 3d} buckets start on every third local
 * day counted from 1970-01-01, {@code 2w} buckets on every second Monday counted from Monday
 * 1969-12-29, and {@code 3M} buckets on January, April, July and October (quarters). Fixed
 * intervals can instead start at a zone's midnight ({@link Alignment#ZONE_MIDNIGHT}, through the
 * methods that take an {@link Alignment}).
 *
 * <p>Instances are immutable and thread-safe; {@code equals} compares amount and unit, so {@code
 * 60m} is not equal to {@code 1h} (use {@link #toDuration()} to compare lengths of fixed
 * intervals).
 */
public final class Interval implements Comparable<Interval> {

  /** The unit of an interval. */
  public enum Unit {
    /** One second. Fixed. */
    SECOND("s", 1_000L),
    /** One minute. Fixed. */
    MINUTE("m", 60_000L),
    /** One hour. Fixed. */
    HOUR("h", 3_600_000L),
    /** One calendar day: local midnight to local midnight in a zone. */
    DAY("d", 86_400_000L),
    /** One calendar week, Monday to Monday in a zone. */
    WEEK("w", 7 * 86_400_000L),
    /** One calendar month in a zone. */
    MONTH("M", 30 * 86_400_000L);

    private final String symbol;
    private final long nominalMillis;

    Unit(String symbol, long nominalMillis) {
      this.symbol = symbol;
      this.nominalMillis = nominalMillis;
    }

    /** The suffix used by {@link Interval#parse(String)} and {@link Interval#toString()}. */
    public String symbol() {
      return symbol;
    }

    /** Whether this unit has a length that depends on the calendar and time zone. */
    public boolean isCalendar() {
      return this.compareTo(DAY) >= 0;
    }
  }

  /** One minute. */
  public static final Interval M1 = new Interval(1, Unit.MINUTE);

  /** Three minutes. */
  public static final Interval M3 = new Interval(3, Unit.MINUTE);

  /** Five minutes. */
  public static final Interval M5 = new Interval(5, Unit.MINUTE);

  /** Fifteen minutes. */
  public static final Interval M15 = new Interval(15, Unit.MINUTE);

  /** Thirty minutes. */
  public static final Interval M30 = new Interval(30, Unit.MINUTE);

  /** One hour. */
  public static final Interval H1 = new Interval(1, Unit.HOUR);

  /** Two hours. */
  public static final Interval H2 = new Interval(2, Unit.HOUR);

  /** Four hours. */
  public static final Interval H4 = new Interval(4, Unit.HOUR);

  /** Six hours. */
  public static final Interval H6 = new Interval(6, Unit.HOUR);

  /** Twelve hours. */
  public static final Interval H12 = new Interval(12, Unit.HOUR);

  /** One calendar day. */
  public static final Interval D1 = new Interval(1, Unit.DAY);

  /** One calendar week, starting Monday. */
  public static final Interval W1 = new Interval(1, Unit.WEEK);

  /** One calendar month. */
  public static final Interval MN1 = new Interval(1, Unit.MONTH);

  private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\s*([a-zA-Z]+)");
  private static final String ACCEPTED =
      "an amount and a unit such as \"1s\", \"1m\", \"15m\", \"1h\", \"4h\", \"1d\", \"1w\" or \"1M\""
          + " (s = second, m = minute, h = hour, d = day, w = week, M = month; \"1M\" is a month, \"1m\" a minute;"
          + " the long forms \"1min\", \"1hour\", \"1day\", \"1week\", \"1month\" also work)";

  /**
   * Monday 1969-12-29, the Monday on or before the epoch, from which multi-week buckets are
   * counted.
   */
  private static final long EPOCH_MONDAY_DAY = -3;

  private final int amount;
  private final Unit unit;

  private Interval(int amount, Unit unit) {
    this.amount = amount;
    this.unit = unit;
  }

  /**
   * Returns the interval of {@code amount} units.
   *
   * @throws InvalidQueryException if {@code amount} is not positive
   */
  public static Interval of(int amount, Unit unit) {
    Objects.requireNonNull(unit, "unit");
    if (amount <= 0) {
      throw new InvalidQueryException(
          "An interval needs a positive amount, got "
              + amount
              + " "
              + unit
              + "; use 1 or more, e.g. Interval.of(15, Unit.MINUTE)");
    }
    return new Interval(amount, unit);
  }

  /**
   * Returns the fixed interval of the given whole number of seconds, minutes or hours, picking the
   * largest unit.
   *
   * @throws InvalidQueryException if {@code seconds} is not between 1 and {@link Integer#MAX_VALUE}
   */
  public static Interval ofSeconds(long seconds) {
    if (seconds <= 0 || seconds > Integer.MAX_VALUE) {
      throw new InvalidQueryException(
          "An interval needs a positive number of seconds up to "
              + Integer.MAX_VALUE
              + ", got "
              + seconds
              + "; e.g. Interval.ofSeconds(900) is 15m");
    }
    if (seconds % 3600 == 0) {
      return of((int) (seconds / 3600), Unit.HOUR);
    }
    if (seconds % 60 == 0) {
      return of((int) (seconds / 60), Unit.MINUTE);
    }
    return of((int) seconds, Unit.SECOND);
  }

  /**
   * Parses the usual short forms: {@code "1m"}, {@code "15m"}, {@code "1h"}, {@code "1d"}, {@code
   * "1w"}, {@code "1M"}. Upper-case {@code M} is a month and lower-case {@code m} a minute; long
   * forms such as {@code "15min"}, {@code "1hour"}, {@code "1day"}, {@code "2weeks"} and {@code
   * "1month"} are accepted in any case.
   *
   * @throws InvalidQueryException naming the accepted forms if {@code text} is not one of them
   */
  public static Interval parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new InvalidQueryException(
          "Cannot parse interval \"" + text + "\": expected " + ACCEPTED);
    }
    int amount = Integer.parseInt(m.group(1));
    String u = m.group(2);
    Unit unit = unitOf(u);
    if (unit == null) {
      throw new InvalidQueryException(
          "Cannot parse interval \""
              + text
              + "\": unknown unit \""
              + u
              + "\"; expected "
              + ACCEPTED);
    }
    if (amount == 0) {
      throw new InvalidQueryException(
          "Cannot parse interval \""
              + text
              + "\": the amount must be positive; expected "
              + ACCEPTED);
    }
    return of(amount, unit);
  }

  private static @Nullable Unit unitOf(String u) {
    switch (u) {
      case "s":
      case "S":
        return Unit.SECOND;
      case "m":
        return Unit.MINUTE;
      case "h":
      case "H":
        return Unit.HOUR;
      case "d":
      case "D":
        return Unit.DAY;
      case "w":
      case "W":
        return Unit.WEEK;
      case "M":
        return Unit.MONTH;
      default:
        break;
    }
    switch (u.toLowerCase(Locale.ROOT)) {
      case "sec":
      case "secs":
      case "second":
      case "seconds":
        return Unit.SECOND;
      case "min":
      case "mins":
      case "minute":
      case "minutes":
        return Unit.MINUTE;
      case "hr":
      case "hour":
      case "hours":
        return Unit.HOUR;
      case "day":
      case "days":
        return Unit.DAY;
      case "wk":
      case "week":
      case "weeks":
        return Unit.WEEK;
      case "mo":
      case "mon":
      case "month":
      case "months":
        return Unit.MONTH;
      default:
        return null;
    }
  }

  /** The number of units, at least 1. */
  public int amount() {
    return amount;
  }

  /** The unit. */
  public Unit unit() {
    return unit;
  }

  /** Whether every candle of this interval has the same length (seconds, minutes, hours). */
  public boolean isFixed() {
    return !unit.isCalendar();
  }

  /** Whether this interval follows the calendar of a time zone (days, weeks, months). */
  public boolean isCalendar() {
    return unit.isCalendar();
  }

  /**
   * The exact length of a fixed interval.
   *
   * @throws UnsupportedOperationException for a calendar interval, whose length depends on the date
   *     and zone; use {@link #nominalDuration()} for an approximation
   */
  public Duration toDuration() {
    if (isCalendar()) {
      throw new UnsupportedOperationException(
          this + " is a calendar interval; its length depends on the date and zone");
    }
    return Duration.ofMillis(fixedMillis());
  }

  /**
   * The nominal length: exact for fixed intervals, 24 hours a day, 7 days a week and 30 days a
   * month for calendar ones. Good for estimates (page counts, progress), not for bucket arithmetic.
   */
  public Duration nominalDuration() {
    return Duration.ofMillis(nominalMillis());
  }

  /** Nominal length in milliseconds; see {@link #nominalDuration()}. */
  public long nominalMillis() {
    return amount * unit.nominalMillis;
  }

  /**
   * The exact length of a fixed interval in milliseconds, for arithmetic on the columnar hot path.
   *
   * @throws UnsupportedOperationException for a calendar interval
   */
  public long fixedMillis() {
    if (unit.isCalendar()) {
      throw new UnsupportedOperationException(
          this + " is a calendar interval; its length depends on the date and zone");
    }
    return amount * unit.nominalMillis;
  }

  /**
   * The start of the bucket that contains {@code epochMillis}, in epoch milliseconds. Fixed
   * intervals are aligned to the epoch and ignore {@code zone} (see {@link #bucketStart(long,
   * ZoneId, Alignment)} to align them to the zone's midnight); calendar intervals are aligned to
   * local boundaries in {@code zone} (see the class comment). A time exactly on a boundary starts
   * its own bucket: buckets are half-open {@code [start, end)}.
   */
  public long bucketStart(long epochMillis, ZoneId zone) {
    if (isFixed()) {
      long step = fixedMillis();
      return epochMillis - Math.floorMod(epochMillis, step);
    }
    Objects.requireNonNull(zone, "zone");
    if (zone instanceof ZoneOffset
        && ((ZoneOffset) zone).getTotalSeconds() == 0
        && unit == Unit.DAY) {
      long days = Math.floorDiv(epochMillis, 86_400_000L);
      return Math.floorDiv(days, amount) * amount * 86_400_000L;
    }
    LocalDate date = Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate();
    LocalDate start = startDate(date);
    return start.atStartOfDay(zone).toInstant().toEpochMilli();
  }

  /** The start of the bucket that contains {@code time}; see {@link #bucketStart(long, ZoneId)}. */
  public Instant bucketStart(Instant time, ZoneId zone) {
    Objects.requireNonNull(time, "time");
    return Instant.ofEpochMilli(bucketStart(time.toEpochMilli(), zone));
  }

  /**
   * The end (exclusive) of the bucket that starts at {@code bucketStartMillis}, which must be a
   * bucket start for this interval and zone. For calendar intervals the end is the next local
   * boundary, so DST days and short months come out right.
   */
  public long bucketEnd(long bucketStartMillis, ZoneId zone) {
    return plus(bucketStartMillis, 1, zone);
  }

  /**
   * Adds {@code n} intervals (may be negative) to a bucket start. For fixed intervals this is plain
   * arithmetic; for calendar intervals it moves by local days, weeks or months in {@code zone}.
   */
  public long plus(long bucketStartMillis, long n, ZoneId zone) {
    if (isFixed()) {
      return bucketStartMillis + n * fixedMillis();
    }
    Objects.requireNonNull(zone, "zone");
    if (zone instanceof ZoneOffset
        && ((ZoneOffset) zone).getTotalSeconds() == 0
        && unit == Unit.DAY) {
      return bucketStartMillis + n * amount * 86_400_000L;
    }
    ZonedDateTime start = Instant.ofEpochMilli(bucketStartMillis).atZone(zone);
    LocalDate date = start.toLocalDate();
    LocalDate next;
    switch (unit) {
      case DAY:
        next = date.plusDays(n * amount);
        break;
      case WEEK:
        next = date.plusWeeks(n * amount);
        break;
      default:
        next = date.plusMonths(n * amount);
        break;
    }
    return next.atStartOfDay(zone).toInstant().toEpochMilli();
  }

  /**
   * The start of the bucket that contains {@code epochMillis}, with fixed buckets placed as {@code
   * alignment} says: {@link Alignment#EPOCH} is {@link #bucketStart(long, ZoneId)}; {@link
   * Alignment#ZONE_MIDNIGHT} starts buckets at local midnight in {@code zone} and every interval
   * after it on the local clock (see {@link Alignment}). Calendar intervals ignore {@code
   * alignment}.
   *
   * @throws InvalidQueryException for {@link Alignment#ZONE_MIDNIGHT} if this fixed interval does
   *     not divide a day ({@link #canAlign(Alignment)})
   */
  public long bucketStart(long epochMillis, ZoneId zone, Alignment alignment) {
    if (!onLocalGrid(alignment)) {
      return bucketStart(epochMillis, zone);
    }
    return LocalGrid.start(epochMillis, fixedMillis(), Objects.requireNonNull(zone, "zone"));
  }

  /**
   * The end (exclusive) of the bucket that starts at {@code bucketStartMillis}, with fixed buckets
   * placed as {@code alignment} says; see {@link #bucketStart(long, ZoneId, Alignment)}. A bucket
   * aligned to the zone's midnight can be shorter or longer than the interval on a daylight-saving
   * day.
   *
   * @throws InvalidQueryException as {@link #bucketStart(long, ZoneId, Alignment)}
   */
  public long bucketEnd(long bucketStartMillis, ZoneId zone, Alignment alignment) {
    if (!onLocalGrid(alignment)) {
      return bucketEnd(bucketStartMillis, zone);
    }
    return LocalGrid.next(bucketStartMillis, fixedMillis(), Objects.requireNonNull(zone, "zone"));
  }

  /**
   * Moves {@code n} buckets (may be negative) from a bucket start, with fixed buckets placed as
   * {@code alignment} says; see {@link #plus(long, long, ZoneId)}.
   *
   * @throws InvalidQueryException as {@link #bucketStart(long, ZoneId, Alignment)}
   */
  public long plus(long bucketStartMillis, long n, ZoneId zone, Alignment alignment) {
    if (!onLocalGrid(alignment)) {
      return plus(bucketStartMillis, n, zone);
    }
    return LocalGrid.plus(
        bucketStartMillis, n, fixedMillis(), Objects.requireNonNull(zone, "zone"));
  }

  /**
   * Whether buckets of this interval can be placed as {@code alignment} says: always for {@link
   * Alignment#EPOCH} and for calendar intervals; for {@link Alignment#ZONE_MIDNIGHT}, fixed
   * intervals that divide a day evenly (1m, 15m, 1h, 4h, 12h, 1d …, not 7m or 5h).
   */
  public boolean canAlign(Alignment alignment) {
    Objects.requireNonNull(alignment, "alignment");
    return alignment == Alignment.EPOCH || isCalendar() || 86_400_000L % fixedMillis() == 0;
  }

  /**
   * Whether every bucket placed as {@code alignment} says in {@code zone} lasts {@link
   * #fixedMillis()}: a fixed interval aligned to the epoch, or to the midnight of a zone without
   * daylight saving (the epoch grid shifted by the zone's offset).
   */
  boolean isRegular(ZoneId zone, Alignment alignment) {
    return isFixed() && (alignment == Alignment.EPOCH || zone.getRules().isFixedOffset());
  }

  /** Throws unless {@link #canAlign(Alignment)}, saying why and what to use instead. */
  void checkAlign(Alignment alignment) {
    if (!canAlign(alignment)) {
      throw new InvalidQueryException(
          this
              + " buckets cannot start at the zone's midnight: "
              + this
              + " does not divide a day; use an interval that does (1m, 5m, 15m, 1h, 2h, 4h, 6h,"
              + " 8h, 12h) or Alignment.EPOCH");
    }
  }

  private boolean onLocalGrid(Alignment alignment) {
    checkAlign(alignment);
    return alignment == Alignment.ZONE_MIDNIGHT && isFixed();
  }

  private LocalDate startDate(LocalDate date) {
    switch (unit) {
      case DAY:
        {
          long day = date.toEpochDay();
          return LocalDate.ofEpochDay(Math.floorDiv(day, amount) * amount);
        }
      case WEEK:
        {
          LocalDate monday =
              date.minusDays(date.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue());
          if (amount == 1) {
            return monday;
          }
          long weeks = Math.floorDiv(monday.toEpochDay() - EPOCH_MONDAY_DAY, 7);
          long aligned = Math.floorDiv(weeks, amount) * amount;
          return LocalDate.ofEpochDay(EPOCH_MONDAY_DAY + aligned * 7);
        }
      default:
        {
          long months = (date.getYear() - 1970L) * 12 + date.getMonthValue() - 1;
          long aligned = Math.floorDiv(months, amount) * amount;
          return LocalDate.of(1970, 1, 1).plusMonths(aligned);
        }
    }
  }

  /**
   * Whether candles of this interval can be combined into candles of {@code target} without any
   * candle straddling a target boundary: {@code target} must be at least as long and its boundaries
   * must be boundaries of this interval. For example 1m → 5m, 1h → 1d and 1d → 1M are compatible,
   * 3m → 5m and 1w → 1M are not. Fixed → calendar conversions assume the zone's offset is a whole
   * multiple of this interval (true for UTC and whole-hour zones).
   */
  public boolean divides(Interval target) {
    Objects.requireNonNull(target, "target");
    if (isFixed() && target.isFixed()) {
      return target.fixedMillis() % fixedMillis() == 0;
    }
    if (isFixed()) {
      // A calendar boundary is a local midnight: fixed candles must divide a day.
      return 86_400_000L % fixedMillis() == 0;
    }
    if (target.isFixed()) {
      return false;
    }
    switch (unit) {
      case DAY:
        if (target.unit == Unit.DAY) {
          return target.amount % amount == 0;
        }
        return amount == 1;
      case WEEK:
        return target.unit == Unit.WEEK && target.amount % amount == 0;
      default:
        return target.unit == Unit.MONTH && target.amount % amount == 0;
    }
  }

  /** Compares by nominal length, then by unit, so {@code 60m} sorts before {@code 1h}. */
  @Override
  public int compareTo(Interval other) {
    int c = Long.compare(nominalMillis(), other.nominalMillis());
    return c != 0 ? c : unit.compareTo(other.unit);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Interval && ((Interval) o).amount == amount && ((Interval) o).unit == unit;
  }

  @Override
  public int hashCode() {
    return amount * 31 + unit.hashCode();
  }

  /** The short form accepted by {@link #parse(String)}, e.g. {@code "15m"} or {@code "1M"}. */
  @Override
  public String toString() {
    return amount + unit.symbol;
  }

  /** Helper for {@code ChronoUnit}-based code: the unit as a {@link ChronoUnit}. */
  public ChronoUnit chronoUnit() {
    switch (unit) {
      case SECOND:
        return ChronoUnit.SECONDS;
      case MINUTE:
        return ChronoUnit.MINUTES;
      case HOUR:
        return ChronoUnit.HOURS;
      case DAY:
        return ChronoUnit.DAYS;
      case WEEK:
        return ChronoUnit.WEEKS;
      default:
        return ChronoUnit.MONTHS;
    }
  }
}
