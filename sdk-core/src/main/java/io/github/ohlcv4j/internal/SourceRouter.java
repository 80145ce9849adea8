package io.github.ohlcv4j.internal;

import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSources;
import io.github.ohlcv4j.source.SourceContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Which source answers a symbol, for one client: the sources routed to a venue explicitly, those
 * registered (by the venues their capabilities name, or as the default when they name none), and
 * those discovered by URI on demand. Owns every source it holds: {@link #close()} closes them.
 * Thread-safe; the table is fixed at construction, discovered sources are added as they are opened.
 *
 * <p>The order for a symbol with a venue: the source routed to that venue (asked nothing: a route
 * is an order); else the first source registered for the venue that {@linkplain
 * CandleSource#serves(Symbol) serves} the symbol; else the default source; else, with discovery on,
 * the source the providers name for the symbol. A symbol without a venue goes to the default
 * source, else to the first registered source that serves it.
 */
public final class SourceRouter implements AutoCloseable {

  private final List<CandleSource> registered;
  private final Map<String, CandleSource> routes;
  private final Map<String, List<CandleSource>> byVenue;
  private final @Nullable CandleSource defaultSource;
  private final boolean autoDiscover;
  private final SourceContext context;
  private final Map<URI, CandleSource> discovered = new ConcurrentHashMap<>();

  /**
   * @param registered sources registered in order, by their capabilities
   * @param routes sources routed to venues (upper-case venue names), whatever they say they serve
   * @param autoDiscover whether to open a source by URI for a venue nothing else serves
   * @param context what discovered sources are opened with
   */
  public SourceRouter(
      List<CandleSource> registered,
      Map<String, CandleSource> routes,
      boolean autoDiscover,
      SourceContext context) {
    this.registered = List.copyOf(registered);
    Map<String, CandleSource> r = new LinkedHashMap<>();
    routes.forEach((k, v) -> r.put(k.toUpperCase(Locale.ROOT), Objects.requireNonNull(v, k)));
    this.routes = Map.copyOf(r);
    this.autoDiscover = autoDiscover;
    this.context = Objects.requireNonNull(context, "context");
    Map<String, List<CandleSource>> venues = new LinkedHashMap<>();
    CandleSource any = null;
    for (CandleSource s : this.registered) {
      Set<String> served = s.capabilities().venues();
      if (served.isEmpty()) {
        if (any == null) {
          any = s;
        }
      } else {
        for (String v : served) {
          venues.computeIfAbsent(v.toUpperCase(Locale.ROOT), k -> new ArrayList<>()).add(s);
        }
      }
    }
    Map<String, List<CandleSource>> frozen = new LinkedHashMap<>();
    venues.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.byVenue = Map.copyOf(frozen);
    this.defaultSource = any;
  }

  /** Whether discovery is on. */
  public boolean autoDiscover() {
    return autoDiscover;
  }

  /** Whether the application routed {@code source} to {@code symbol}'s venue. */
  public boolean isRouted(CandleSource source, Symbol symbol) {
    Optional<String> venue = symbol.venue();
    return venue.isPresent() && routes.get(venue.get()) == source;
  }

  /**
   * The source that serves {@code symbol}; see the class comment for the order.
   *
   * @throws InvalidQueryException if no source serves it, saying what to configure
   */
  public CandleSource sourceFor(Symbol symbol) {
    Objects.requireNonNull(symbol, "symbol");
    Optional<String> venue = symbol.venue();
    if (venue.isPresent()) {
      CandleSource routed = routes.get(venue.get());
      if (routed != null) {
        return routed;
      }
      for (CandleSource s : byVenue.getOrDefault(venue.get(), List.of())) {
        if (s.serves(symbol)) {
          return s;
        }
      }
    }
    if (defaultSource != null) {
      return defaultSource;
    }
    if (venue.isEmpty()) {
      // No venue, no any-venue source: the first registered source that takes the bare code, so
      // that OhlcvClient.of("bybit:linear") answers "BTCUSDT".
      for (CandleSource s : registered) {
        if (s.serves(symbol)) {
          return s;
        }
      }
    }
    if (autoDiscover && venue.isPresent()) {
      Optional<URI> uri = CandleSources.uriFor(symbol);
      if (uri.isPresent()) {
        return discovered.computeIfAbsent(uri.get(), u -> CandleSources.open(u, context));
      }
    }
    throw new InvalidQueryException(
        "No source of this client serves "
            + symbol
            + ". "
            + (venue.isEmpty()
                ? "Give the symbol a venue (\"BINANCE:BTCUSDT\") or register a default source: "
                    + "OhlcvClient.builder().source(\"sample:\")."
                : "Register one for "
                    + venue.get()
                    + " with OhlcvClient.builder().source(...) or .route(\""
                    + venue.get()
                    + "\", source)"
                    + (autoDiscover
                        ? ", or add the module that serves it (ohlcv4j-exchange for BYBIT, BINANCE,"
                            + " POLYGON)."
                        : registered.isEmpty() && routes.isEmpty()
                            ? "."
                            : ", or let the client open one on its own with"
                                + " OhlcvClient.builder().autoDiscover(true) (a client built with"
                                + " sources uses only those unless told so).")));
  }

  /**
   * The sources that answer for {@code venue} (upper case): the one routed to it; else those
   * registered or discovered that name it in their capabilities; else the default source; else,
   * with discovery on, the sources the providers name for the venue's spot and perpetual symbols
   * (opened and kept as discovered). Empty if none.
   */
  public List<CandleSource> sourcesFor(String venue) {
    CandleSource routed = routes.get(venue);
    if (routed != null) {
      return List.of(routed);
    }
    Set<CandleSource> out = new LinkedHashSet<>(byVenue.getOrDefault(venue, List.of()));
    for (CandleSource s : discovered.values()) {
      if (s.capabilities().venues().contains(venue)) {
        out.add(s);
      }
    }
    if (out.isEmpty() && defaultSource != null) {
      return List.of(defaultSource); // as a symbol of the venue would be routed
    }
    if (out.isEmpty() && autoDiscover) {
      for (MarketType type : MarketType.values()) {
        Optional<URI> uri = CandleSources.uriFor(Symbol.of(venue, "BTCUSDT", type));
        uri.ifPresent(
            u -> out.add(discovered.computeIfAbsent(u, x -> CandleSources.open(x, context))));
      }
    }
    return List.copyOf(out);
  }

  /** Every source held: registered, routed, then discovered, each once. */
  public List<CandleSource> sources() {
    Set<CandleSource> all = new LinkedHashSet<>(registered);
    all.addAll(routes.values());
    all.addAll(discovered.values());
    return List.copyOf(all);
  }

  /** Closes every source held; one that fails to close is logged and the others still close. */
  @Override
  public void close() {
    for (CandleSource s : sources()) {
      try {
        s.close();
      } catch (Throwable e) { // the other sources and the threads are released all the same
        LoggerFactory.getLogger("io.github.ohlcv4j.OhlcvClient")
            .warn("Closing source {} failed", s.name(), e);
      }
    }
  }
}
