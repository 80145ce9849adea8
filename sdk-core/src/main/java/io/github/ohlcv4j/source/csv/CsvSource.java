package io.github.ohlcv4j.source.csv;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.SymbolNotFoundException;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.Page;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import io.github.ohlcv4j.source.SourceContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Candles from CSV files on disk: a file, or a folder of files (searched to a depth of eight, so a
 * tree of Binance downloads works as it is). Open one with {@code CandleSources.open("csv:PATH")}
 * or {@link #of(Path)}, and query it through a client like any source: paging, retries, resampling,
 * {@code completeOnly} and the rest work the same.
 *
 * <p><b>Files.</b> Two forms are read, decided per file: the form {@link CandleSeries#toCsv} writes
 * (a header {@code open_time,open,high,low,close,volume} with optional extra columns and {@code
 * flags}, ISO-8601 open times), and Binance's public kline dumps (the monthly and daily files of
 * its data site, zipped or not: twelve columns without a header, open time, open, high, low, close,
 * volume, close time, quote volume, trades, taker buy base and quote volume, ignore; or the same
 * with a header, as the USD-M futures dumps have). Epoch times are milliseconds or microseconds
 * (Binance's spot dumps since 2025), told apart per file by their size; a file must keep to one.
 * Rows must be ascending within a file.
 *
 * <p><b>Which file answers a query.</b> A file named {@code SYMBOL-INTERVAL[-anything].csv} (or
 * {@code .zip}), as Binance names its dumps ({@code BTCUSDT-1m-2024-01.zip}), holds candles of that
 * symbol code and interval ({@code 1mo} is a month, as Binance spells it); a query reads the files
 * whose code equals its symbol's code (any case; the venue and {@code .P} are not in file names)
 * and whose interval is its interval. Other files hold what {@link Builder#symbol(String)} and
 * {@link Builder#interval(Interval)} say, or are left out. A query whose symbol no file holds fails
 * with a {@link SymbolNotFoundException}; one whose interval no file of the symbol holds with an
 * {@link UnsupportedIntervalException} that names the intervals there are, to resample from.
 *
 * <p><b>Paging.</b> Files are read in the order of their first candle, one page of at most {@link
 * Builder#pageSize(int)} rows at a time, each with the window of open times it answers, so files
 * that overlap never hand a candle over twice. Reading happens in {@link PageCursor#next()}, on the
 * calling thread; {@link #cursor(OhlcvQuery)} does no I/O.
 *
 * <p><b>Errors.</b> A value that cannot be read is a {@link io.github.ohlcv4j.DataFormatException}
 * that names the file, the line and the column; a last line cut short without a line end is one
 * that may be retried (the file may still be being written); a file that cannot be read is a
 * retryable {@link SourceUnavailableException}.
 *
 * <p>Calendar candles (days, weeks, months) are taken to start at midnight in {@link
 * Builder#zone(ZoneId)} (UTC unless given); queries for them in another zone are refused before any
 * file is read. Immutable and thread-safe.
 */
public final class CsvSource implements CandleSource {

  /** Rows per page unless given: 50,000, more than a month of one-minute candles. */
  public static final int DEFAULT_PAGE_SIZE = 50_000;

  private static final int MAX_DEPTH = 8;

  private final Path path;
  private final String name;
  private final ZoneId zone;
  private final int pageSize;
  private final @Nullable String symbol;
  private final @Nullable Interval interval;
  private final Clock clock;
  private final SourceContext context;
  private final SourceCapabilities capabilities;

  private CsvSource(Builder b) {
    this.path = Objects.requireNonNull(b.path, "path");
    this.name = "csv:" + path;
    this.zone = b.zone;
    this.pageSize = b.pageSize;
    this.symbol = b.symbol;
    this.interval = b.interval;
    this.context = b.context;
    this.clock = b.context.clock();
    this.capabilities =
        SourceCapabilities.builder()
            .anyMultipleOf(Interval.of(1, Interval.Unit.SECOND))
            .calendarZones(Set.of(zone))
            .maxRowsPerRequest(pageSize)
            .build();
  }

  /** A source over the file or folder {@code path}, with the defaults. */
  public static CsvSource of(Path path) {
    return builder().path(path).build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this source's settings. */
  public Builder newBuilder() {
    Builder b = new Builder().path(path).zone(zone).pageSize(pageSize).context(context);
    b.symbol = symbol;
    b.interval = interval;
    return b;
  }

  /** The file or folder read. */
  public Path path() {
    return path;
  }

  /** {@code csv:} and the path. */
  @Override
  public String name() {
    return name;
  }

  @Override
  public SourceCapabilities capabilities() {
    return capabilities;
  }

  /** Plans the query; no I/O: the files are listed and read by the cursor's first page. */
  @Override
  public PageCursor cursor(OhlcvQuery query) {
    Objects.requireNonNull(query, "query");
    return new Cursor(query, query.rangeAt(clock.instant()));
  }

  @Override
  public String toString() {
    return "CsvSource{" + path + ", zone=" + zone + ", pageSize=" + pageSize + "}";
  }

  /** The files that hold candles of the query's symbol and interval, by their first candle. */
  private List<Start> files(OhlcvQuery query) {
    if (!Files.exists(path)) {
      throw SourceUnavailableException.permanent(name, name + ": no such file or folder.").build();
    }
    List<CsvFile> all = new ArrayList<>();
    try (Stream<Path> s = Files.isDirectory(path) ? Files.walk(path, MAX_DEPTH) : Stream.of(path)) {
      s.filter(Files::isRegularFile)
          .sorted()
          .forEach(p -> CsvFile.of(p).ifPresent(f -> all.add(f.orElse(symbol, interval))));
    } catch (IOException | UncheckedIOException e) {
      throw unreadable(path, e);
    }
    String code = query.symbol().code();
    List<CsvFile> ofSymbol = new ArrayList<>();
    for (CsvFile f : all) {
      if (f.interval != null && (f.symbol == null || f.symbol.equalsIgnoreCase(code))) {
        ofSymbol.add(f);
      }
    }
    if (ofSymbol.isEmpty()) {
      throw SymbolNotFoundException.of(
              name,
              name
                  + " has no file of "
                  + code
                  + " ("
                  + query.symbol()
                  + "): it holds "
                  + describe(all)
                  + ". Name files SYMBOL-INTERVAL.csv (BTCUSDT-1m-2024-01.zip), or give the"
                  + " symbol and interval of an unnamed file as csv:PATH?symbol=BTCUSDT&interval=1m.")
          .build();
    }
    List<Start> starts = new ArrayList<>();
    TreeSet<Interval> held = new TreeSet<>();
    for (CsvFile f : ofSymbol) {
      held.add(Objects.requireNonNull(f.interval));
      if (f.interval.equals(query.interval())) {
        starts.add(new Start(f, firstTime(f)));
      }
    }
    if (starts.isEmpty()) {
      throw UnsupportedIntervalException.of(
              name,
              name
                  + " holds "
                  + code
                  + " candles of "
                  + held
                  + ", not "
                  + query.interval()
                  + ". Query one of those, and resample("
                  + query.interval()
                  + ") where it divides.")
          .build();
    }
    starts.sort(Comparator.comparingLong((Start s) -> s.first).thenComparing(s -> s.file.path));
    return starts;
  }

  private static String describe(List<CsvFile> files) {
    TreeSet<String> kinds = new TreeSet<>();
    for (CsvFile f : files) {
      kinds.add(
          f.interval == null
              ? "files without SYMBOL-INTERVAL in their names"
              : (f.symbol == null ? "any symbol" : f.symbol.toUpperCase(Locale.ROOT))
                  + " "
                  + f.interval);
    }
    return kinds.isEmpty() ? "no .csv or .zip file" : String.join(", ", kinds);
  }

  /** The open time of a file's first row; {@link Long#MAX_VALUE} for a file without rows. */
  private long firstTime(CsvFile f) {
    try (CsvReader r = CsvReader.open(f, name)) {
      CsvReader.Row row = r.next();
      return row == null ? Long.MAX_VALUE : row.time;
    } catch (IOException e) {
      throw unreadable(f.path, e);
    }
  }

  private OhlcvException unreadable(Path p, Exception e) {
    return SourceUnavailableException.retryable(
            name, name + ": cannot read " + p + ": " + e.getMessage() + "; it will be tried again.")
        .cause(e)
        .build();
  }

  /** A file and the open time of its first candle. */
  private static final class Start {
    final CsvFile file;
    final long first;

    Start(CsvFile file, long first) {
      this.file = file;
      this.first = first;
    }
  }

  /**
   * Reads the files a page at a time. A page answers {@code [from, to)} of one file, where the
   * file's part ends where the next file begins; the reader stays open from page to page, and a
   * page that failed is read again from its first line.
   */
  private final class Cursor implements PageCursor {
    private final OhlcvQuery query;
    private final TimeRange range;
    private @Nullable List<Start> files;
    private int index;
    private int resumeLine;
    private long pageFrom = Long.MIN_VALUE;
    private @Nullable CsvReader reader;
    private boolean closed;

    Cursor(OhlcvQuery query, TimeRange range) {
      this.query = query;
      this.range = range;
    }

    @Override
    public synchronized boolean hasNext() {
      return !closed && (files == null || index < files.size());
    }

    @Override
    public synchronized CompletableFuture<Page> next() {
      if (!hasNext()) {
        throw new NoSuchElementException("No more pages for " + query + " from " + name);
      }
      try {
        return CompletableFuture.completedFuture(page());
      } catch (RuntimeException e) {
        closeReader(); // the next attempt reads the page again from its first line
        return CompletableFuture.failedFuture(e);
      }
    }

    private Page page() {
      List<Start> fs = files;
      if (fs == null) {
        fs = skipBefore(files(query));
        files = fs;
        if (fs.isEmpty()) {
          return Page.of(empty(), range);
        }
      }
      Start s = fs.get(index);
      long fileEnd = index + 1 < fs.size() ? fs.get(index + 1).first : Long.MAX_VALUE;
      long from = Math.max(range.fromMillis(), Math.max(s.first, pageFrom));
      long to = Math.min(range.toMillis(), fileEnd);
      CandleSeries.Builder b =
          CandleSeries.builder(query.symbol(), query.interval())
              .zone(query.zone())
              .alignment(query.alignment())
              .source(name)
              .badRows(query.badRows());
      try {
        CsvReader r = reader(s.file);
        int rows = 0;
        long next = to;
        CsvReader.Row row;
        while ((row = r.next()) != null) {
          if (row.time >= to) {
            next = to;
            r.pushBack(row);
            break;
          }
          if (row.time < from) {
            continue;
          }
          if (rows == pageSize) {
            next = row.time;
            r.pushBack(row);
            break;
          }
          if (query.alignment() == io.github.ohlcv4j.Alignment.EPOCH) {
            r.checkGrid(row, query.interval(), query.zone());
          }
          r.add(row, b);
          rows++;
        }
        CandleSeries candles = b.build();
        if (next < to) {
          pageFrom = next; // the same file goes on from the row held back
          resumeLine = r.line();
        } else {
          closeReader();
          index++;
          pageFrom = Long.MIN_VALUE;
          resumeLine = 0;
          if (to >= range.toMillis()) {
            index = fs.size(); // nothing after the range
          }
        }
        long end = Math.min(next, to);
        return end > from
            ? Page.of(candles, new TimeRange(instant(from), instant(end)))
            : Page.of(candles);
      } catch (IOException e) {
        throw unreadable(s.file.path, e);
      }
    }

    /** The files from the one whose part holds the range's start on. */
    private List<Start> skipBefore(List<Start> all) {
      int first = 0;
      while (first + 1 < all.size() && all.get(first + 1).first <= range.fromMillis()) {
        first++;
      }
      List<Start> out = new ArrayList<>();
      for (int i = first; i < all.size() && all.get(i).first < range.toMillis(); i++) {
        out.add(all.get(i));
      }
      return out;
    }

    private CsvReader reader(CsvFile f) throws IOException {
      CsvReader r = reader;
      if (r == null) {
        r = CsvReader.open(f, name);
        r.skipTo(resumeLine);
        reader = r;
      }
      return r;
    }

    private CandleSeries empty() {
      return CandleSeries.builder(query.symbol(), query.interval())
          .zone(query.zone())
          .source(name)
          .build();
    }

    private java.time.Instant instant(long ms) {
      return java.time.Instant.ofEpochMilli(ms);
    }

    private void closeReader() {
      CsvReader r = reader;
      reader = null;
      if (r != null) {
        try {
          r.close();
        } catch (IOException ignored) {
          // nothing was written; the file is read again if needed
        }
      }
    }

    @Override
    public synchronized void close() {
      closed = true;
      closeReader();
    }
  }

  /** Builds a {@link CsvSource}. Not thread-safe; {@link #build()} may be called more than once. */
  public static final class Builder {
    private @Nullable Path path;
    private ZoneId zone = ZoneOffset.UTC;
    private int pageSize = DEFAULT_PAGE_SIZE;
    private @Nullable String symbol;
    private @Nullable Interval interval;
    private SourceContext context = SourceContext.ofDefaults();

    Builder() {}

    /** The file or folder to read; required. */
    public Builder path(Path path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The zone whose midnights the files' day, week and month candles start at; UTC by default. */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Rows per page, at least 1; {@value CsvSource#DEFAULT_PAGE_SIZE} by default.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1) {
        throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
      }
      this.pageSize = pageSize;
      return this;
    }

    /**
     * The symbol code of the files whose names do not say one ({@code BTCUSDT}); by default such a
     * file serves any symbol asked for, when it has an interval.
     */
    public Builder symbol(String symbol) {
      this.symbol = Objects.requireNonNull(symbol, "symbol");
      return this;
    }

    /** The interval of the files whose names do not say one; by default such files are left out. */
    public Builder interval(Interval interval) {
      this.interval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** Where the clock for "now" comes from; {@link SourceContext#ofDefaults()} unless given. */
    public Builder context(SourceContext context) {
      this.context = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Builds the source.
     *
     * @throws IllegalStateException if no path was given
     * @throws IllegalArgumentException if the path names nothing
     */
    public CsvSource build() {
      if (path == null) {
        throw new IllegalStateException("CsvSource needs a path: CsvSource.builder().path(..)");
      }
      if (!Files.exists(path)) {
        throw new IllegalArgumentException("csv:" + path + ": no such file or folder");
      }
      return new CsvSource(this);
    }
  }
}
