package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.clickhouse.ColumnMapping;
import io.github.ohlcv4j.clickhouse.TimeColumnType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the SDK learns about the server and the candle table on first use, with one query: the
 * server version (and so the dialect), the table engine and the column types.
 *
 * @param version the server version
 * @param engine the table engine ({@code ReplacingMergeTree}, {@code Distributed}, ...), empty if
 *     the table does not exist
 * @param columns column name to type, in table order; empty if the table does not exist
 * @param engineFull the engine with its arguments ({@code system.tables.engine_full}), for a {@code
 *     Distributed} table its cluster, local table and sharding key; empty if not known
 * @param coverage whether the database holds the store's coverage table ({@value #COVERAGE_TABLE})
 */
public record TableInfo(
    ServerVersion version,
    String engine,
    Map<String, String> columns,
    String engineFull,
    boolean coverage) {

  /** The store's coverage table, in the candle table's database. */
  public static final String COVERAGE_TABLE = "ohlcv4j_coverage";

  /** Copies the map. */
  public TableInfo {
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    java.util.Objects.requireNonNull(engineFull, "engineFull");
  }

  /** A description without the engine's arguments. */
  public TableInfo(ServerVersion version, String engine, Map<String, String> columns) {
    this(version, engine, columns, "", false);
  }

  /** The query that reads everything at once, as {@code TabSeparated} rows (kind, name, value). */
  public static String query(String database, String table) {
    String db = Sql.string(database);
    String t = Sql.string(table);
    return "SELECT 'v', '', version()"
        + " UNION ALL SELECT 't', '', engine FROM system.tables WHERE database = "
        + db
        + " AND name = "
        + t
        + " UNION ALL SELECT 'f', '', engine_full FROM system.tables WHERE database = "
        + db
        + " AND name = "
        + t
        + " UNION ALL SELECT 'k', '', engine FROM system.tables WHERE database = "
        + db
        + " AND name = "
        + Sql.string(COVERAGE_TABLE)
        + " UNION ALL SELECT 'c', name, type FROM system.columns WHERE database = "
        + db
        + " AND table = "
        + t
        + " FORMAT TabSeparated";
  }

  /**
   * Reads the answer to {@link #query}. Rows come in no particular order across the parts of the
   * UNION, but columns keep their table order.
   *
   * @throws IllegalArgumentException if the text is not such an answer
   */
  public static TableInfo parse(String tsv) {
    ServerVersion version = null;
    String engine = "";
    String engineFull = "";
    boolean coverage = false;
    Map<String, String> columns = new LinkedHashMap<>();
    for (String line : tsv.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != 3) {
        throw new IllegalArgumentException(
            "Unexpected line in the table description: " + Sql.printable(line));
      }
      switch (f[0]) {
        case "v":
          version = ServerVersion.parse(unescape(f[2]));
          break;
        case "t":
          engine = unescape(f[2]);
          break;
        case "f":
          engineFull = unescape(f[2]);
          break;
        case "k":
          coverage = true;
          break;
        case "c":
          columns.put(unescape(f[1]), unescape(f[2]));
          break;
        default:
          throw new IllegalArgumentException(
              "Unexpected line in the table description: " + Sql.printable(line));
      }
    }
    if (version == null) {
      throw new IllegalArgumentException("The server did not report its version");
    }
    return new TableInfo(version, engine, columns, engineFull, coverage);
  }

  /** The dialect for the server. */
  public Dialect dialect() {
    return Dialect.of(version);
  }

  /** Whether the table exists. */
  public boolean exists() {
    return !engine.isEmpty();
  }

  /** Whether the engine keeps one row per sorting key only after merges, so reads need FINAL. */
  public boolean isReplacing() {
    return isReplacing(engine);
  }

  /** Whether {@code engine} (a name such as {@code ReplicatedReplacingMergeTree}) replaces rows. */
  public static boolean isReplacing(String engine) {
    return engine.endsWith("ReplacingMergeTree");
  }

  /** The {@code Distributed} engine's arguments, if the table is one. */
  public Optional<DistributedEngine> distributed() {
    return "Distributed".equals(engine) ? DistributedEngine.parse(engineFull) : Optional.empty();
  }

  /**
   * Whether the table can keep candles as a store does: it has the flags and every extra column
   * ({@link StoreColumns}), and its database the coverage table.
   */
  public boolean isStore() {
    if (!coverage) {
      return false;
    }
    for (String c : StoreColumns.names()) {
      if (!columns.containsKey(c)) {
        return false;
      }
    }
    return true;
  }

  /** The type of a column, if the table has it. */
  public Optional<String> type(String column) {
    return Optional.ofNullable(columns.get(column));
  }

  /** Whether a column holds {@code Float64} values (read as they are, without a conversion). */
  public boolean isFloat64(String column) {
    return "Float64".equals(columns.get(column));
  }

  /**
   * The mapped columns the table lacks, or whose types the SDK cannot read, as a message; empty if
   * all is well.
   */
  public Optional<String> problems(ColumnMapping mapping) {
    StringBuilder b = new StringBuilder();
    for (String c : mapping.all()) {
      if (!columns.containsKey(c)) {
        b.append(b.length() == 0 ? "" : "; ").append("no column ").append(c);
      }
    }
    String sym = columns.get(mapping.symbol());
    if (sym != null && !sym.equals("String") && !sym.equals("LowCardinality(String)")) {
      b.append(b.length() == 0 ? "" : "; ")
          .append("symbol column ")
          .append(mapping.symbol())
          .append(" is ")
          .append(sym)
          .append(", expected String or LowCardinality(String)");
    }
    String time = columns.get(mapping.time());
    if (time != null && TimeColumnType.ofColumnType(time).isEmpty()) {
      b.append(b.length() == 0 ? "" : "; ")
          .append("time column ")
          .append(mapping.time())
          .append(" is ")
          .append(time)
          .append(", expected DateTime or DateTime64(3)");
    }
    for (String c :
        new String[] {
          mapping.open(), mapping.high(), mapping.low(), mapping.close(), mapping.volume()
        }) {
      String t = columns.get(c);
      if (t != null && !isNumeric(t)) {
        b.append(b.length() == 0 ? "" : "; ")
            .append("column ")
            .append(c)
            .append(" is ")
            .append(t)
            .append(", expected a number type");
      }
    }
    return b.length() == 0 ? Optional.empty() : Optional.of(b.toString());
  }

  /** The time type of the mapped time column; call after {@link #problems} found none. */
  public TimeColumnType timeType(ColumnMapping mapping) {
    return Optional.ofNullable(columns.get(mapping.time()))
        .flatMap(TimeColumnType::ofColumnType)
        .orElseThrow();
  }

  private static boolean isNumeric(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    return t.startsWith("float")
        || t.startsWith("decimal")
        || t.startsWith("int")
        || t.startsWith("uint");
  }

  /** Undoes TabSeparated escaping, for a text field of any answer. */
  public static String unescapeText(String s) {
    return unescape(s);
  }

  /** Undoes TabSeparated escaping. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        b.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 't':
          b.append('\t');
          break;
        case 'n':
          b.append('\n');
          break;
        case 'r':
          b.append('\r');
          break;
        case '0':
          b.append('\0');
          break;
        case 'b':
          b.append('\b');
          break;
        case 'f':
          b.append('\f');
          break;
        default:
          b.append(n);
          break;
      }
    }
    return b.toString();
  }
}
