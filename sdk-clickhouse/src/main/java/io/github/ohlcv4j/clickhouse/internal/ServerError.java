package io.github.ohlcv4j.clickhouse.internal;

import io.github.ohlcv4j.AuthenticationException;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvException;
import io.github.ohlcv4j.SourceUnavailableException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exception text of a ClickHouse server, parsed, and turned into the SDK's error types. Both
 * formats are understood:
 *
 * <pre>
 * Code: 60, e.displayText() = DB::Exception: Table md.nope doesn't exist., e.what() = DB::Exception
 * Code: 60. DB::Exception: Table md.nope does not exist. (UNKNOWN_TABLE) (version 23.8.2.7)
 * </pre>
 *
 * @param code the server's error code
 * @param message the text after {@code DB::Exception:}, without the trailers
 */
public record ServerError(int code, String message) {

  /** The start of an exception text: {@code Code: 60,} (before 20.x) or {@code Code: 60.}. */
  static final Pattern HEAD = Pattern.compile("Code: (\\d{1,6})[.,] ");

  private static final Pattern OLD_TRAILER = Pattern.compile(", e\\.what\\(\\) = [^\\n]*$");
  private static final Pattern NEW_TRAILER =
      Pattern.compile("(?: \\([A-Z0-9_]+\\))?(?: \\(version [^\\n]*\\))?\\s*$");

  /** Authentication: unknown user (192), wrong password (193), password required (194), 516. */
  private static final Set<Integer> AUTH = Set.of(192, 193, 194, 516);

  /** Not allowed: readonly (164), not enough privileges (497). */
  private static final Set<Integer> FORBIDDEN = Set.of(164, 497);

  /** The table, database or a column is missing: the schema has not been created. */
  private static final Set<Integer> NO_SCHEMA = Set.of(16, 47, 60, 81);

  /** {@code TOO_MANY_PARTS}: too many parts (transient), or too many partitions in one INSERT. */
  private static final int TOO_MANY_PARTS = 252;

  private static final String TOO_MANY_PARTITIONS = "Too many partitions for single INSERT block";

  /**
   * {@code ALL_CONNECTION_TRIES_FAILED}: a query through a {@code Distributed} table could reach no
   * replica of a shard.
   */
  static final int SHARD_UNREACHABLE = 279;

  /** The {@code (host:port)} of each replica tried, in the text of a code 279. */
  private static final Pattern REPLICA = Pattern.compile("\\(([^()\\s]+:\\d{1,5})\\)");

  /**
   * Refusals of the request itself, which a retry repeats: bad syntax, types, arguments, formats,
   * settings or input data, and result limits. Old servers answer most of them with HTTP 500.
   */
  private static final Set<Integer> REFUSED =
      Set.of(
          6, 27, 36, 38, 41, 42, 43, 44, 46, 48, 49, 50, 53, 62, 69, 70, 72, 73, 80, 115, 117, 158,
          161, 181, 184, 215, 307, 386, 395, 396, 407, 452);

  /**
   * Parses an exception text; empty if {@code text} does not start with {@code Code: N}. Leading
   * white space is ignored.
   */
  public static Optional<ServerError> parse(String text) {
    String t = text.strip();
    Matcher m = HEAD.matcher(t);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    int code = Integer.parseInt(m.group(1));
    String rest = t.substring(m.end());
    if (rest.startsWith("e.displayText() = ")) {
      rest = rest.substring("e.displayText() = ".length());
      rest = OLD_TRAILER.matcher(rest).replaceFirst("");
    } else {
      rest = NEW_TRAILER.matcher(rest).replaceFirst("");
    }
    if (rest.startsWith("DB::Exception: ")) {
      rest = rest.substring("DB::Exception: ".length());
    }
    return Optional.of(new ServerError(code, rest.strip()));
  }

  /**
   * The error for a failed request.
   *
   * @param status the HTTP status (200 for an error appended to a result stream)
   * @param body the response body, as text
   * @param source the source's name
   * @param asked what was asked, for the message (e.g. "reading BTCUSDT 1m from md.ohlcv")
   * @param table the table, for the schema hint
   * @param credentials mask the password wherever it appears (before any cutting, so that no part
   *     of it is left)
   */
  public static OhlcvException toException(
      int status, String body, String source, String asked, String table, Credentials credentials) {
    String text = credentials.redact(body);
    Optional<ServerError> parsed = parse(text);
    String detail =
        parsed
            .map(e -> "ClickHouse error " + e.code + ": " + e.message)
            .orElseGet(() -> "HTTP " + status + ": " + snippet(text));
    while (detail.endsWith(".")) {
      detail = detail.substring(0, detail.length() - 1);
    }
    String code = parsed.map(e -> Integer.toString(e.code)).orElse(null);
    int c = parsed.map(ServerError::code).orElse(-1);
    String what = "ClickHouse (" + source + ") failed " + asked + ". " + detail;
    if (AUTH.contains(c) || status == 401) {
      return new AuthenticationException(
          what
              + ". Check the user and password (ClickHouseSource.Builder user/password, or"
              + " OHLCV4J_CLICKHOUSE_USER and OHLCV4J_CLICKHOUSE_PASSWORD).",
          source,
          code,
          null);
    }
    if (FORBIDDEN.contains(c) || status == 403) {
      return new AuthenticationException(
          what + ". The user lacks the rights for this; grant them or use another user.",
          source,
          code,
          null);
    }
    if (NO_SCHEMA.contains(c)) {
      return new SourceUnavailableException(
          what
              + ". The table "
              + table
              + " or one of its columns does not exist: create it with"
              + " ClickHouseSchema.builder(source).build().migrate(), or point the source at an"
              + " existing table with database(..), table(..) and columns(..).",
          source,
          false,
          null,
          code,
          null);
    }
    if (c < 0 && status < 400) {
      // A 200 or 3xx that is not a result: a proxy or another service at this URL.
      return new SourceUnavailableException(
          what + ". The server sent no ClickHouse error; is the URL a ClickHouse HTTP endpoint?",
          source,
          false,
          null,
          null,
          null);
    }
    if (c == TOO_MANY_PARTS && parsed.get().message.contains(TOO_MANY_PARTITIONS)) {
      // Code 252 is also "too many parts", which passes once merges catch up; this one never does.
      return new InvalidQueryException(
          what
              + ". The rows of one INSERT fall into more partitions than the server takes"
              + " (max_partitions_per_insert_block); write fewer at a time (a smaller batchSize), as"
              + " sending the same batch again fails the same way.",
          source,
          code,
          null);
    }
    if (c == SHARD_UNREACHABLE) {
      java.util.Set<String> replicas = new java.util.LinkedHashSet<>();
      Matcher m = REPLICA.matcher(parsed.get().message);
      while (m.find()) {
        replicas.add(m.group(1));
      }
      return new SourceUnavailableException(
          "ClickHouse ("
              + source
              + ") failed "
              + asked
              + ": a shard of the cluster cannot be reached"
              + (replicas.isEmpty()
                  ? ""
                  : ", none of its replicas answered (" + String.join(", ", replicas) + ")")
              + ". Reads and writes through the Distributed table fail until a replica of that"
              + " shard is back (the SDK never sets skip_unavailable_shards, which would return"
              + " the other shards' candles as if they were all). "
              + detail,
          source,
          true,
          null,
          code,
          null);
    }
    // An error appended to a 200 result stream is a server-side failure like a 500.
    int effective = c >= 0 && status < 400 ? 500 : status;
    if (effective >= 500 && !REFUSED.contains(c)) {
      return new SourceUnavailableException(
          what + ". This is usually temporary.", source, true, null, code, null);
    }
    return new InvalidQueryException(
        what + ". The server refused the request; it will fail the same way if repeated.",
        source,
        code,
        null);
  }

  private static String snippet(String body) {
    String s = body.strip().replaceAll("\\s+", " ");
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }
}
