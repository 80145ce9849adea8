package io.github.ohlcv4j;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The text forms of a series: the short table of {@link CandleSeries#toString()} and CSV. */
final class TextFormat {
  private TextFormat() {}

  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter DAYS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);

  /**
   * A double in plain decimal notation with the digits needed to read it back exactly: {@code
   * 20000}, {@code 0.00002829}, {@code NaN}. Never scientific notation, which spreadsheets and
   * humans misread.
   */
  static String plain(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    String s = Double.toString(d);
    if (s.indexOf('E') >= 0) {
      return new BigDecimal(s).toPlainString();
    }
    return s;
  }

  /**
   * A double for people to read: at most 10 significant digits, so sums like {@code
   * 255.88599999999988} show as {@code 255.886}. Only for display; CSV keeps every digit.
   */
  static String display(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return new BigDecimal(d)
        .round(new java.math.MathContext(10))
        .stripTrailingZeros()
        .toPlainString();
  }

  static void csv(CandleSeries s, Appendable out) throws IOException {
    List<ExtraColumn> extras = new ArrayList<>(s.extraColumns());
    boolean flags = s.hasFlags();
    out.append("open_time,open,high,low,close,volume");
    for (ExtraColumn c : extras) {
      out.append(',').append(c.name().toLowerCase(Locale.ROOT));
    }
    if (flags) {
      out.append(",flags");
    }
    out.append('\n');
    StringBuilder line = new StringBuilder(128);
    for (int i = 0; i < s.size; i++) {
      line.setLength(0);
      line.append(Instant.ofEpochMilli(s.cols.time[i]));
      line.append(',').append(plain(s.cols.open[i]));
      line.append(',').append(plain(s.cols.high[i]));
      line.append(',').append(plain(s.cols.low[i]));
      line.append(',').append(plain(s.cols.close[i]));
      line.append(',').append(plain(s.cols.volume[i]));
      for (ExtraColumn c : extras) {
        double x = s.cols.presentExtra(c.ordinal())[i];
        line.append(',');
        if (c == ExtraColumn.CLOSE_TIME && Double.isFinite(x)) {
          line.append(Instant.ofEpochMilli((long) x));
        } else {
          line.append(plain(x));
        }
      }
      if (flags) {
        line.append(',').append(flagText(s.cols.flag(i), '|'));
      }
      line.append('\n');
      out.append(line);
    }
  }

  static String flagText(int f, char sep) {
    StringBuilder b = new StringBuilder();
    if ((f & CandleSeries.PARTIAL) != 0) {
      b.append("partial");
    }
    if ((f & CandleSeries.IN_PROGRESS) != 0) {
      b.append(b.length() > 0 ? String.valueOf(sep) : "").append("in_progress");
    }
    if ((f & CandleSeries.FILLED) != 0) {
      b.append(b.length() > 0 ? String.valueOf(sep) : "").append("filled");
    }
    if ((f & CandleSeries.SUSPECT) != 0) {
      b.append(b.length() > 0 ? String.valueOf(sep) : "").append("suspect");
    }
    return b.toString();
  }

  static String table(CandleSeries s, int edge) {
    ZoneId zone = s.zone;
    String zoneName = zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    DateTimeFormatter fmt =
        s.interval.isCalendar()
            ? DAYS
            : s.interval.unit() == Interval.Unit.SECOND ? SECONDS : MINUTES;
    StringBuilder b = new StringBuilder();
    b.append(s.symbol).append(' ').append(s.interval).append(" · ");
    b.append(String.format(Locale.ROOT, "%,d", s.size))
        .append(s.size == 1 ? " candle" : " candles");
    if (s.size > 0) {
      b.append(" · ").append(fmt.format(Instant.ofEpochMilli(s.cols.time[0]).atZone(zone)));
      b.append(" → ")
          .append(fmt.format(Instant.ofEpochMilli(s.cols.time[s.size - 1]).atZone(zone)));
      b.append(' ').append(zoneName);
    }
    if (!s.source.isEmpty()) {
      b.append(" · source ").append(s.source);
    }
    if (s.synthetic) {
      b.append(" · SYNTHETIC sample data, not market prices");
    }
    if (s.size == 0 || edge == 0) {
      return b.toString();
    }
    List<String[]> rows = new ArrayList<>();
    boolean flags = s.hasFlags();
    rows.add(
        flags
            ? new String[] {"open time", "open", "high", "low", "close", "volume", "flags"}
            : new String[] {"open time", "open", "high", "low", "close", "volume"});
    boolean elide = s.size > 2 * edge;
    for (int i = 0; i < s.size; i++) {
      if (elide && i == edge) {
        String[] dots = new String[rows.get(0).length];
        java.util.Arrays.fill(dots, "");
        dots[0] = "… " + String.format(Locale.ROOT, "%,d", s.size - 2 * edge) + " more";
        rows.add(dots);
        i = s.size - edge;
      }
      String[] r = new String[rows.get(0).length];
      r[0] = fmt.format(Instant.ofEpochMilli(s.cols.time[i]).atZone(zone));
      r[1] = display(s.cols.open[i]);
      r[2] = display(s.cols.high[i]);
      r[3] = display(s.cols.low[i]);
      r[4] = display(s.cols.close[i]);
      r[5] = display(s.cols.volume[i]);
      if (flags) {
        r[6] = flagText(s.cols.flag(i), ',');
      }
      rows.add(r);
    }
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int c = 0; c < cols; c++) {
        if (!(r == rows.get(0) && c == 0) && !(r[0].startsWith("…") && c == 0)) {
          width[c] = Math.max(width[c], r[c].length());
        }
      }
    }
    width[0] = Math.max(width[0], "open time".length());
    for (String[] r : rows) {
      b.append('\n');
      for (int c = 0; c < cols; c++) {
        String cell = r[c];
        if (c == 0) {
          b.append(cell);
          if (c + 1 < cols) {
            b.append(" ".repeat(Math.max(1, width[0] - cell.length() + 2)));
          }
        } else if (c == cols - 1 && flags) {
          b.append("  ").append(cell);
        } else {
          b.append(" ".repeat(Math.max(0, width[c] - cell.length() + (c == 1 ? 0 : 2))))
              .append(cell);
        }
      }
      while (b.charAt(b.length() - 1) == ' ') {
        b.setLength(b.length() - 1);
      }
    }
    return b.toString();
  }
}
