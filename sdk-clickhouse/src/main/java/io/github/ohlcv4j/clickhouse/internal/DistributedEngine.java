package io.github.ohlcv4j.clickhouse.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of a {@code Distributed} table, as {@code system.tables.engine_full} shows them:
 * {@code Distributed(cluster, database, table[, sharding_key[, policy]])} (ClickHouse 18.16) or the
 * same with the names quoted (newer servers).
 *
 * @param cluster the cluster in the servers' {@code remote_servers}
 * @param database the database of the local tables
 * @param table the local table on every shard
 * @param shardingKey the expression that picks a row's shard; empty if there is none
 */
public record DistributedEngine(
    String cluster, String database, String table, Optional<String> shardingKey) {

  /** Validates. */
  public DistributedEngine {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(shardingKey, "shardingKey");
  }

  /** Parses {@code engine_full}; empty if it is not a {@code Distributed} engine with arguments. */
  public static Optional<DistributedEngine> parse(String engineFull) {
    String s = engineFull.strip();
    if (!s.startsWith("Distributed")) {
      return Optional.empty();
    }
    int open = s.indexOf('(');
    if (open < 0) {
      return Optional.empty();
    }
    List<String> args = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int start = open + 1;
    for (int i = open + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '\'' || c == '`' || c == '"') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if ((c == ',' || c == ')') && depth == 0) {
        args.add(s.substring(start, i).strip());
        start = i + 1;
        if (c == ')') {
          break;
        }
      }
    }
    if (args.size() < 3) {
      return Optional.empty();
    }
    Optional<String> key =
        args.size() > 3 && !args.get(3).isEmpty() ? Optional.of(args.get(3)) : Optional.empty();
    return Optional.of(
        new DistributedEngine(
            unquote(args.get(0)), unquote(args.get(1)), unquote(args.get(2)), key));
  }

  /**
   * Whether the sharding key depends on the symbol column alone, such as {@code
   * cityHash64(symbol)}: then every candle of a symbol lives on one shard, where {@code FINAL} sees
   * all its copies, and a read of one symbol needs one shard only.
   */
  public boolean shardsBy(String symbolColumn) {
    return shardingKey.isPresent() && identifiers(shardingKey.get()).equals(Set.of(symbolColumn));
  }

  /** The column names an expression uses: identifiers that are not function names. */
  static Set<String> identifiers(String expression) {
    Set<String> out = new LinkedHashSet<>();
    String e = expression;
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '\'') {
        i = skipQuoted(e, i);
        continue;
      }
      if (c == '`' || c == '"') {
        int end = skipQuoted(e, i);
        out.add(e.substring(i + 1, Math.max(i + 1, end - 1)));
        i = end;
        continue;
      }
      if (Character.isLetter(c) || c == '_') {
        int j = i + 1;
        while (j < e.length() && (Character.isLetterOrDigit(e.charAt(j)) || e.charAt(j) == '_')) {
          j++;
        }
        int k = j;
        while (k < e.length() && Character.isWhitespace(e.charAt(k))) {
          k++;
        }
        if (k >= e.length() || e.charAt(k) != '(') {
          out.add(e.substring(i, j));
        }
        i = j;
        continue;
      }
      if (Character.isDigit(c)) {
        while (i < e.length() && (Character.isLetterOrDigit(e.charAt(i)) || e.charAt(i) == '.')) {
          i++;
        }
        continue;
      }
      i++;
    }
    return out;
  }

  /** The index after the quoted text starting at {@code i}. */
  private static int skipQuoted(String e, int i) {
    char q = e.charAt(i);
    int j = i + 1;
    while (j < e.length()) {
      char c = e.charAt(j);
      if (c == '\\') {
        j += 2;
        continue;
      }
      j++;
      if (c == q) {
        break;
      }
    }
    return Math.min(j, e.length());
  }

  private static String unquote(String arg) {
    String a = arg.strip();
    if (a.length() >= 2) {
      char f = a.charAt(0);
      if ((f == '\'' || f == '`' || f == '"') && a.charAt(a.length() - 1) == f) {
        a = a.substring(1, a.length() - 1).replace("\\" + f, String.valueOf(f));
      }
    }
    return a;
  }

  @Override
  public String toString() {
    return "Distributed("
        + cluster
        + ", "
        + database
        + ", "
        + table
        + shardingKey.map(k -> ", " + k).orElse("")
        + ")";
  }
}
