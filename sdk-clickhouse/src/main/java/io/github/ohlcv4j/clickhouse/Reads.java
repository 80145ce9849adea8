package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.Interval;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.TimeRange;
import io.github.ohlcv4j.UnsupportedIntervalException;
import io.github.ohlcv4j.clickhouse.internal.FetchPlan;
import io.github.ohlcv4j.source.PageCursor;
import io.github.ohlcv4j.source.SourceCapabilities;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reading side of a {@link ClickHouseSource}: plans a query into windows of about a page of
 * rows ({@link FetchPlan}), opens the cursor that reads them ({@link WindowCursor}), and fetches
 * several symbols with one request per window ({@link SeveralSymbols}). Thread-safe.
 */
final class Reads {

  private final ClickHouseSource source;
  private final TableHandle table;
  private final WindowReader reader;
  private final SourceCapabilities capabilities;

  Reads(ClickHouseSource source, TableHandle table) {
    SourceSettings s = table.settings();
    this.source = source;
    this.table = table;
    this.reader = new WindowReader(table);
    this.capabilities =
        SourceCapabilities.builder()
            .anyMultipleOf(s.interval())
            .maxRowsPerRequest(s.pageSize())
            .serverSideResample(true)
            .build();
  }

  /** How one window is read, and the small reads around a query; shared with the store. */
  WindowReader reader() {
    return reader;
  }

  /** Any whole multiple of the stored interval, resampled on the server, a page a request. */
  SourceCapabilities capabilities() {
    return capabilities;
  }

  /** The cursor over the windows of {@code query}; no I/O until its first page. */
  PageCursor cursor(OhlcvQuery query) {
    return new WindowCursor(table, reader, List.of(query.symbol()), query, plan(query, 1), false);
  }

  /** See {@link ClickHouseSource#fetchAll}. */
  Map<Symbol, CandleSeries> fetchAll(Collection<Symbol> symbols, OhlcvQuery query) {
    List<Symbol> list = new ArrayList<>(new LinkedHashSet<>(symbols));
    if (list.isEmpty()) {
      throw new IllegalArgumentException("fetchAll needs at least one symbol");
    }
    Set<String> texts = new HashSet<>();
    for (Symbol s : list) {
      if (!texts.add(s.toString())) {
        throw new IllegalArgumentException(
            "Two symbols are stored as \"" + s + "\"; fetch them one at a time");
      }
    }
    FetchPlan plan = plan(query, list.size());
    return new SeveralSymbols(source, table, reader, list, query, plan)
        .fetch(table.settings().clock());
  }

  private FetchPlan plan(OhlcvQuery query, int symbols) {
    SourceSettings settings = table.settings();
    if (!capabilities.supports(query.interval())) {
      Interval stored = settings.interval();
      throw new UnsupportedIntervalException(
          query.symbol()
              + ": "
              + settings.name()
              + " stores "
              + stored
              + " candles and serves whole multiples of it, not "
              + query.interval()
              + ". Ask for a multiple of "
              + stored
              + " and resample, or read a table of finer candles.",
          settings.name(),
          null,
          null);
    }
    TimeRange range = query.rangeAt(settings.clock().instant());
    return FetchPlan.of(query, settings.interval(), range, settings.pageSize(), symbols);
  }
}
