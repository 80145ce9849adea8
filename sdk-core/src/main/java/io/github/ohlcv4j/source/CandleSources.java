package io.github.ohlcv4j.source;

import io.github.ohlcv4j.CandleSeries;
import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.OhlcvQuery;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.internal.DirectRunner;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Opens sources by URI, through the {@link CandleSourceProvider}s on the class path:
 *
 * <pre>{@code
 * CandleSource sample = CandleSources.open("sample:");
 * CandleSource bybit = CandleSources.open("bybit:linear");           // ohlcv4j-exchange
 * CandleSource ch = CandleSources.open("clickhouse://localhost:8123/market?table=ohlcv"); // ohlcv4j-clickhouse
 * }</pre>
 */
public final class CandleSources {

  private CandleSources() {}

  /**
   * Opens the source a URI names, with {@link SourceContext#ofDefaults()}.
   *
   * @throws InvalidQueryException if the URI is malformed, no provider on the class path opens its
   *     scheme, or the provider refuses its market or a parameter; the message says what is
   *     accepted and never shows a password or key
   */
  public static CandleSource open(String uri) {
    return open(uri, SourceContext.ofDefaults());
  }

  /**
   * Opens the source a URI names, with the given context.
   *
   * @throws InvalidQueryException as {@link #open(String)}
   */
  public static CandleSource open(String uri, SourceContext context) {
    Objects.requireNonNull(uri, "uri");
    return open(parse(uri), context);
  }

  /**
   * Opens the source a URI names, with the given context.
   *
   * @throws InvalidQueryException as {@link #open(String)}
   */
  public static CandleSource open(URI uri, SourceContext context) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(context, "context");
    String scheme = uri.getScheme();
    if (scheme == null) {
      throw new InvalidQueryException(
          "Source URI \""
              + SourceUris.redact(uri)
              + "\" has no scheme; expected e.g. \"sample:\", \"bybit:linear\", \"binance:spot\","
              + " \"polygon:\" or \"clickhouse://host:8123/db?table=ohlcv\"");
    }
    String s = scheme.toLowerCase(Locale.ROOT);
    for (CandleSourceProvider p : providers()) {
      if (p.schemes().contains(s)) {
        try {
          return p.open(uri, context);
        } catch (IllegalArgumentException e) {
          // A provider checks its parameters with the builders' argument checks; to the caller a
          // bad parameter in a URI is bad input like any other, and gets the same type. The
          // providers' messages (and their causes') are already redacted.
          throw new InvalidQueryException(String.valueOf(e.getMessage()), null, null, e);
        }
      }
    }
    throw new InvalidQueryException(
        "No source for \""
            + s
            + ":\" on the class path; known schemes: "
            + knownSchemes()
            + ". "
            + hint(s));
  }

  /** The URI of the source serving a symbol's venue, if a provider on the class path knows it. */
  public static Optional<URI> uriFor(Symbol symbol) {
    Objects.requireNonNull(symbol, "symbol");
    for (CandleSourceProvider p : providers()) {
      Optional<URI> u = p.uriFor(symbol);
      if (u.isPresent()) {
        return u;
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code query} against {@code source} in the calling thread, without retries or events: the
   * capability check, the pages merged, then resampled, filled, trimmed to complete candles and
   * limited as the query says, with {@code clock} for "now" where the venue's clock is unknown.
   * What {@link CandleSource#fetch(OhlcvQuery)} does with the system clock; for a source that
   * answers a query by running others (one per symbol, say) over views of itself.
   *
   * @throws io.github.ohlcv4j.OhlcvException if anything fails; never returns part of the answer
   */
  public static CandleSeries fetch(CandleSource source, OhlcvQuery query, Clock clock) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(clock, "clock");
    return DirectRunner.fetch(source, query, clock);
  }

  /**
   * As {@link #fetch(CandleSource, OhlcvQuery, Clock)}, as a lazy stream of processed series; see
   * {@link CandleSource#pages(OhlcvQuery)}.
   */
  public static Stream<CandleSeries> pages(CandleSource source, OhlcvQuery query, Clock clock) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(clock, "clock");
    return DirectRunner.pages(source, query, clock);
  }

  /** The providers found on the class path. */
  public static List<CandleSourceProvider> providers() {
    List<CandleSourceProvider> list = new ArrayList<>();
    ServiceLoader.load(CandleSourceProvider.class, CandleSources.class.getClassLoader())
        .forEach(list::add);
    if (list.isEmpty()) {
      list.add(new io.github.ohlcv4j.internal.SampleSourceProvider());
    }
    return list;
  }

  private static String knownSchemes() {
    TreeSet<String> all = new TreeSet<>();
    for (CandleSourceProvider p : providers()) {
      all.addAll(p.schemes());
    }
    return String.join(", ", all);
  }

  private static String hint(String scheme) {
    switch (scheme) {
      case "bybit":
      case "binance":
      case "polygon":
        return "Add the io.github.ohlcv4j:ohlcv4j-exchange dependency.";
      case "clickhouse":
      case "http":
      case "https":
        return "Add the io.github.ohlcv4j:ohlcv4j-clickhouse dependency and use a clickhouse:// URI.";
      default:
        return "Check the spelling.";
    }
  }

  static URI parse(String uri) {
    String u = uri.trim();
    if (u.matches("[A-Za-z][A-Za-z0-9+.-]*:")) {
      u = u + "?"; // "sample:" and "polygon:" name a source with default settings; java.net.URI
      // needs something after ':'
    }
    try {
      return new URI(u);
    } catch (URISyntaxException e) {
      // Not chained: the cause's message holds the whole input, credentials included.
      throw new InvalidQueryException(
          "Malformed source URI \""
              + SourceUris.redact(uri)
              + "\": "
              + e.getReason()
              + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
              + ". Percent-encode special characters in values (a space as %20).");
    }
  }
}
