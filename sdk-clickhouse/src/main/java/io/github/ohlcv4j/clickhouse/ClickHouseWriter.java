package io.github.ohlcv4j.clickhouse;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.DataFormatException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import io.github.ohlcv4j.clickhouse.internal.RowBinaryWriter;
import io.github.ohlcv4j.clickhouse.internal.Sql;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes candles into the table of a {@link ClickHouseSource}, as {@code INSERT ... FORMAT
 * RowBinary} in batches of {@link Builder#batchSize(int)} rows:
 *
 * <pre>{@code
 * ClickHouseWriter writer = ClickHouseWriter.builder(source).build();
 * WriteResult r = writer.write(series);   // series.interval() must be source.interval()
 * }</pre>
 *
 * <p><b>Writing the same candles again.</b> A re-run backfill writes candles that are already
 * there. In a table with a {@code ReplacingMergeTree} engine (what {@link ClickHouseSchema} creates
 * by default) rows with the same symbol and time collapse into the last one written — in the
 * background, and at once for readers that use {@code FINAL}, as {@link ClickHouseSource} does for
 * such tables. So re-running is safe, and corrected candles replace old ones. A plain {@code
 * MergeTree} table keeps every copy.
 *
 * <p><b>What is written.</b> Each row holds the series' symbol as text ({@link
 * io.github.ohlcv4j.Symbol#toString()}), the open time and the five values. Rows invented by gap
 * filling ({@link CandleSeries#isFilled(int)}) and rows holding NaN or infinity are skipped and
 * counted in {@link WriteResult#skipped()}; candles still in progress are written and replaced when
 * written again complete.
 *
 * <p>A batch never spans more than {@value #MONTHS_PER_BATCH} calendar months (UTC): a table
 * partitioned by month, as {@link ClickHouseSchema} makes them, then gets at most that many
 * partitions per INSERT, the most a ClickHouse server takes by default.
 *
 * <p><b>On a cluster</b> (a {@code Distributed} table) inserts are synchronous: a batch is stored
 * on a replica of its shard when its INSERT returns, and a shard that cannot be reached fails it.
 * Insert de-duplication stays on, so a batch sent again after its answer was lost is dropped by
 * replicated tables — and so would be a batch identical to one of the last hundred, which is why
 * writing back an earlier version of candles should go through {@link ClickHouseSource#write}
 * instead.
 *
 * <p>A batch that fails is not retried here, and never sent twice by the HTTP client either (a
 * connection that fails after the server took the rows would store them twice). The exception says
 * whether trying again may help ({@link OhlcvException#isRetryable()}) and how many rows are stored
 * for certain; with a {@code ReplacingMergeTree} table it is safe to write the whole series again.
 * Thread-safe.
 */
public final class ClickHouseWriter {

  /**
   * What a write did.
   *
   * @param rows rows sent
   * @param skipped rows left out (filled by gap filling, or holding NaN or infinity)
   * @param batches INSERT statements sent
   * @param bytes bytes of RowBinary sent (before compression)
   */
  public record WriteResult(long rows, long skipped, int batches, long bytes) {

    private static final WriteResult NONE = new WriteResult(0, 0, 0, 0);

    /** Nothing written: the start of a total. */
    public static WriteResult none() {
      return NONE;
    }

    /** The sum of this and {@code other}, for totals over several writes. */
    public WriteResult plus(WriteResult other) {
      Objects.requireNonNull(other, "other");
      return new WriteResult(
          rows + other.rows, skipped + other.skipped, batches + other.batches, bytes + other.bytes);
    }
  }

  /** Calendar months one INSERT may span: ClickHouse's default max_partitions_per_insert_block. */
  static final int MONTHS_PER_BATCH = 100;

  /** ClickHouse's default {@code max_insert_block_size}: rows it stores together or not at all. */
  private static final long INSERT_BLOCK = 1_048_576;

  private final ClickHouseSource source;
  private final TableHandle table;
  private final int batchSize;
  private final boolean compression;

  private ClickHouseWriter(Builder b) {
    this.source = b.source;
    this.table = b.source.tableHandle();
    this.batchSize = b.batchSize;
    this.compression = b.compression != null ? b.compression : table.settings().compression();
  }

  /** A builder for a writer into {@code source}'s table, over its connection. */
  public static Builder builder(ClickHouseSource source) {
    return new Builder(source);
  }

  /** The source whose table this writer fills. */
  public ClickHouseSource source() {
    return source;
  }

  /**
   * Writes a series, in batches; blocks until the server has stored them.
   *
   * @throws IllegalArgumentException if the series' interval is not the table's, or a time does not
   *     fit the time column
   * @throws OhlcvException if the server refuses a batch or cannot be reached (the batches before
   *     it are stored)
   */
  public WriteResult write(CandleSeries series) {
    Objects.requireNonNull(series, "series");
    if (!series.interval().equals(source.interval())) {
      throw new IllegalArgumentException(
          "Cannot write "
              + series.interval()
              + " candles of "
              + series.symbol()
              + " into "
              + source.database()
              + "."
              + source.table()
              + ", which holds "
              + source.interval()
              + " candles; resample them or use a table for "
              + series.interval());
    }
    if (series.isEmpty()) {
      return WriteResult.none();
    }
    Resolved r = table.await(table.resolve(), "looking up the table");
    checkWritable(r);
    TimeColumnType type = r.timeType();
    for (int i = 0; i < series.size(); i++) {
      RowBinaryWriter.checkTime(series, i, type);
    }
    String symbol = series.symbol().toString();
    ColumnMapping c = source.columns();
    StringBuilder sql = new StringBuilder("INSERT INTO ");
    sql.append(Sql.qualified(source.database(), source.table())).append(" (");
    for (int i = 0; i < c.all().size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(Sql.id(c.all().get(i)));
    }
    sql.append(") FORMAT RowBinary");
    int rowBytes =
        RowBinaryWriter.string(symbol).length + (type == TimeColumnType.DATE_TIME ? 4 : 8) + 40;
    WriteResult total = WriteResult.none();
    for (int from = 0, to; from < series.size(); from = to) {
      to = batchEnd(series, from);
      long rows = 0;
      for (int i = from; i < to; i++) {
        if (RowBinaryWriter.writable(series, i)) {
          rows++;
        }
      }
      long skipped = (to - from) - rows;
      if (rows > 0) {
        String asked =
            "writing "
                + rows
                + " "
                + series.interval()
                + " candles of "
                + series.symbol()
                + " from "
                + series.openTime(from)
                + " into "
                + source.database()
                + "."
                + source.table();
        try {
          table.await(
              table
                  .connection()
                  .insert(
                      sql.toString(),
                      RowBinaryWriter.body(series, from, to, symbol, type, compression),
                      compression,
                      asked,
                      r.insertSettings()),
              asked);
        } catch (OhlcvException e) {
          throw failed(e, series, from, to, rows, total);
        }
      }
      total = total.plus(new WriteResult(rows, skipped, rows > 0 ? 1 : 0, rows * (long) rowBytes));
    }
    return total;
  }

  /**
   * Writes several series one after another.
   *
   * @throws OhlcvException as {@link #write(CandleSeries)}; the series before the failing one are
   *     stored
   */
  public WriteResult writeAll(Iterable<CandleSeries> series) {
    Objects.requireNonNull(series, "series");
    WriteResult total = WriteResult.none();
    for (CandleSeries s : series) {
      total = total.plus(write(s));
    }
    return total;
  }

  /**
   * Where the batch starting at {@code from} ends: after {@link Builder#batchSize(int)} rows, or
   * before the first candle of the {@value #MONTHS_PER_BATCH}th calendar month (UTC) after the
   * month of the first, whichever comes first. Tables partitioned by month (as {@link
   * ClickHouseSchema} makes them) then get at most {@value #MONTHS_PER_BATCH} partitions per
   * INSERT, the most ClickHouse takes by default ({@code max_partitions_per_insert_block}).
   */
  private int batchEnd(CandleSeries series, int from) {
    int end = (int) Math.min(series.size(), (long) from + batchSize);
    YearMonth first = YearMonth.from(series.openTime(from).atOffset(ZoneOffset.UTC));
    long limit =
        first
            .plusMonths(MONTHS_PER_BATCH)
            .atDay(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .toEpochMilli();
    if (series.openTimeMillis(end - 1) < limit) {
      return end;
    }
    int lo = from + 1;
    int hi = end - 1; // the first row at or after the limit lies in (from, end - 1]
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (series.openTimeMillis(mid) < limit) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The error of a failed batch, saying what is stored for certain: the batches before it. Of the
   * failed batch, nothing is stored when the server refused it and it fits one insert block; a
   * larger one may be stored in part, as ClickHouse stores each block of an insert on its own; and
   * when the connection failed after the batch was sent, nobody can tell.
   */
  private OhlcvException failed(
      OhlcvException e, CandleSeries series, int from, int to, long rows, WriteResult before) {
    boolean serverSaidNo = e.venueCode().isPresent();
    String fate;
    if (serverSaidNo && rows <= INSERT_BLOCK) {
      fate = "is not stored (the server refused it, and it fits in one insert block)";
    } else if (serverSaidNo) {
      fate =
          "may be stored in part: ClickHouse stores an insert in blocks of max_insert_block_size"
              + " rows (1,048,576 by default), each on its own, so the blocks before the failure may"
              + " be stored";
    } else {
      fate =
          "may be stored in whole, in part or not at all: the request failed without an answer from"
              + " the server, after the batch may have reached it (it is not sent again, which could"
              + " store it twice)";
    }
    String message =
        e.getMessage()
            + " Stored for certain by this write: "
            + before.rows()
            + " rows in "
            + before.batches()
            + " batches before this one. The failed batch of "
            + rows
            + " rows ("
            + series.openTime(from)
            + " to "
            + series.openTime(to - 1)
            + ") "
            + fate
            + ". Writing the series again is safe with a ReplacingMergeTree table (what"
            + " ClickHouseSchema creates); a plain MergeTree table would keep both copies.";
    String src = e.source().orElse(source.name());
    String code = e.venueCode().orElse(null);
    OhlcvException out;
    if (e instanceof AuthenticationException) {
      out = new AuthenticationException(message, src, code, e);
    } else if (e instanceof InvalidQueryException) {
      out = new InvalidQueryException(message, src, code, e);
    } else if (e instanceof DataFormatException) {
      out =
          new DataFormatException(
              message, src, e.isRetryable(), e.retryAfter().orElse(null), code, e);
    } else {
      out =
          new SourceUnavailableException(
              message, src, e.isRetryable(), e.retryAfter().orElse(null), code, e);
    }
    return out;
  }

  private void checkWritable(Resolved r) {
    ColumnMapping c = source.columns();
    for (String col : new String[] {c.open(), c.high(), c.low(), c.close(), c.volume()}) {
      if (!r.info().isFloat64(col)) {
        throw table.unfit(
            "column "
                + col
                + " of "
                + source.database()
                + "."
                + source.table()
                + " is "
                + r.info().type(col).orElse("?")
                + "; the writer stores Float64 columns only (tables made by ClickHouseSchema have"
                + " them)");
      }
    }
  }

  @Override
  public String toString() {
    return "ClickHouseWriter{" + source + ", batchSize=" + batchSize + "}";
  }

  /** Builds a {@link ClickHouseWriter}. Not thread-safe. */
  public static final class Builder {
    private final ClickHouseSource source;
    private int batchSize = 500_000;
    private @Nullable Boolean compression;

    Builder(ClickHouseSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Rows per INSERT; 500,000 by default. ClickHouse prefers few large inserts to many small ones
     * (each makes new parts on disk).
     */
    public Builder batchSize(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("batchSize must be positive: " + rows);
      }
      this.batchSize = rows;
      return this;
    }

    /** Whether to gzip the inserted data; as the source's {@code compression} by default. */
    public Builder compression(boolean compression) {
      this.compression = compression;
      return this;
    }

    /** Builds the writer. No I/O happens here. */
    public ClickHouseWriter build() {
      return new ClickHouseWriter(this);
    }
  }
}
