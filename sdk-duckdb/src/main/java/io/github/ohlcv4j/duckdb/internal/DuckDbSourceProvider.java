package io.github.ohlcv4j.duckdb.internal;

import io.github.ohlcv4j.duckdb.DuckDbSource;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@link DuckDbSource}s by URI; registered with {@link java.util.ServiceLoader}, not for
 * direct use.
 *
 * <pre>
 * duckdb:/data/candles.duckdb              a file (created when missing)
 * duckdb:candles.duckdb                    a file relative to the working directory
 * duckdb:~/market/candles.duckdb           a file under the user's home directory
 * duckdb:                                  the default file: $OHLCV4J_DUCKDB_PATH, else ~/.ohlcv4j/candles.duckdb
 * duckdb::memory:                          in memory, gone when closed
 * duckdb:/data/candles.duckdb?readOnly=true
 * </pre>
 *
 * <p>Parameters: {@code readOnly} ({@code true}/{@code false}), {@code pageSize}, {@code name}. An
 * unknown parameter is an error. Characters that a URI does not allow in a path (a space, say) are
 * percent-encoded ({@code %20}).
 */
public final class DuckDbSourceProvider implements CandleSourceProvider {

  /** For the service loader. */
  public DuckDbSourceProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("duckdb");
  }

  @Override
  public CandleSource open(URI uri, SourceContext context) {
    DuckDbSource.Builder b = DuckDbSource.builder().context(context);
    String path = path(uri);
    if (path.equals(":memory:")) {
      b.inMemory();
    } else if (!path.isEmpty()) {
      b.path(expandHome(path));
    }
    Map<String, String> params = SourceUris.params(uri);
    for (Map.Entry<String, String> e : params.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "readOnly":
          b.readOnly(bool(uri, e.getKey(), v));
          break;
        case "pageSize":
          b.pageSize((int) SourceUris.parseLong(uri, e.getKey(), v));
          break;
        case "name":
          b.name(v);
          break;
        default:
          throw new IllegalArgumentException(
              "Unknown parameter \""
                  + e.getKey()
                  + "\" in "
                  + SourceUris.redact(uri)
                  + "; known: readOnly, pageSize, name");
      }
    }
    return b.build();
  }

  /** The path of {@code duckdb:PATH} or {@code duckdb:///PATH}, percent-decoded. */
  static String path(URI uri) {
    String raw;
    if (uri.isOpaque()) {
      String ssp = uri.getRawSchemeSpecificPart();
      int q = ssp == null ? -1 : ssp.indexOf('?');
      raw = ssp == null ? "" : q < 0 ? ssp : ssp.substring(0, q);
    } else {
      if (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()) {
        throw new IllegalArgumentException(
            "Invalid store URI "
                + SourceUris.redact(uri)
                + ": a DuckDB store is a local file, so the URI has no host; use duckdb:/path/to/file"
                + ".duckdb or duckdb:///path/to/file.duckdb");
      }
      raw = uri.getRawPath() == null ? "" : uri.getRawPath();
    }
    return percentDecode(raw);
  }

  /**
   * A path with a leading {@code ~} or {@code ~/} read as the user's home directory ({@code
   * user.home}); other paths as they are, trimmed.
   */
  public static Path expandHome(String path) {
    String p = path.trim();
    if (p.equals("~") || p.startsWith("~/")) {
      return Path.of(System.getProperty("user.home") + p.substring(1));
    }
    return Path.of(p);
  }

  /** Decodes {@code %XX} only ({@code +} stays a plus, as in a file name). */
  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '%' && i + 2 < s.length()) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean bool(URI uri, String name, String v) {
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(
            "Parameter "
                + name
                + "=\""
                + v
                + "\" in "
                + SourceUris.redact(uri)
                + " is not true or false");
    }
  }
}
