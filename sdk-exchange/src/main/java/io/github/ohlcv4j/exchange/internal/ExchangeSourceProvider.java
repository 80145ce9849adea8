package io.github.ohlcv4j.exchange.internal;

import io.github.ohlcv4j.InvalidQueryException;
import io.github.ohlcv4j.MarketType;
import io.github.ohlcv4j.Symbol;
import io.github.ohlcv4j.exchange.binance.BinanceSource;
import io.github.ohlcv4j.exchange.bybit.BybitSource;
import io.github.ohlcv4j.exchange.polygon.PolygonSource;
import io.github.ohlcv4j.source.CandleSource;
import io.github.ohlcv4j.source.CandleSourceProvider;
import io.github.ohlcv4j.source.SourceContext;
import io.github.ohlcv4j.source.SourceUris;
import io.github.ohlcv4j.source.http.HttpCandleSource;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Opens the exchange sources by URI; registered with {@link java.util.ServiceLoader}, so {@code
 * CandleSources.open("bybit:linear")} works with ohlcv4j-exchange on the class path.
 *
 * <table>
 *   <caption>URIs</caption>
 *   <tr><th>URI</th><th>source</th><th>parameters</th></tr>
 *   <tr><td>{@code bybit:spot}, {@code bybit:linear}, {@code bybit:inverse}</td>
 *       <td>{@link BybitSource}</td><td>{@code baseUrl}, {@code pageSize} (1-1000), {@code wsUrl}
 *       (the live feed's host: {@link io.github.ohlcv4j.exchange.bybit.BybitLive})</td></tr>
 *   <tr><td>{@code binance:spot}, {@code binance:usdm}</td><td>{@link BinanceSource}</td>
 *       <td>{@code baseUrl}, {@code pageSize} (spot 1-1000, usdm 1-1500), {@code weightLimit},
 *       {@code wsUrl} (the live feed's host: {@link io.github.ohlcv4j.exchange.binance.BinanceLive})
 *       </td></tr>
 *   <tr><td>{@code polygon:}</td><td>{@link PolygonSource}</td>
 *       <td>{@code baseUrl}, {@code pageSize} (1-50000), {@code adjusted} (true/false),
 *       {@code requestsPerMinute}, {@code apiKey} (better: the {@code POLYGON_API_KEY}
 *       setting)</td></tr>
 * </table>
 *
 * <p>For example {@code bybit:linear?baseUrl=https://api-testnet.bybit.com} or {@code
 * binance:usdm?pageSize=1500}. {@link #uriFor(Symbol)} maps a symbol's venue and market to its
 * source: {@code BYBIT:BTCUSDT} to {@code bybit:spot}, {@code BYBIT:BTCUSDT.P} to {@code
 * bybit:linear}, {@code BYBIT:BTCUSD.P} to {@code bybit:inverse}, {@code BINANCE:BTCUSDT} to {@code
 * binance:spot}, {@code BINANCE:BTCUSDT.P} to {@code binance:usdm}, {@code POLYGON:AAPL} to {@code
 * polygon:}.
 *
 * <p>Thread-safe; not meant to be called directly.
 */
public final class ExchangeSourceProvider implements CandleSourceProvider {

  /** For the service loader. */
  public ExchangeSourceProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("bybit", "binance", "polygon");
  }

  /**
   * Opens a source.
   *
   * @throws IllegalArgumentException if the market or a parameter is unknown or malformed; the
   *     message never shows an API key
   */
  @Override
  public CandleSource open(URI uri, SourceContext context) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(context, "context");
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    if (!uri.isOpaque()) {
      throw new IllegalArgumentException(
          "Source URI "
              + SourceUris.redact(uri)
              + " is not of the form "
              + scheme
              + ":MARKET?param=value (e.g. bybit:linear, binance:spot, polygon:)");
    }
    String market = SourceUris.opaquePath(uri).trim();
    Map<String, String> params = SourceUris.params(uri);
    switch (scheme) {
      case "bybit":
        return bybit(uri, market, params, context);
      case "binance":
        return binance(uri, market, params, context);
      case "polygon":
        return polygon(uri, market, params, context);
      default:
        throw new IllegalArgumentException(
            "Scheme \"" + scheme + "\" is not served here; expected bybit, binance or polygon");
    }
  }

  /**
   * The source URI for a {@code BYBIT:}, {@code BINANCE:} or {@code POLYGON:} symbol; empty for
   * other venues, symbols without a venue, and Polygon perpetuals.
   */
  @Override
  public Optional<URI> uriFor(Symbol symbol) {
    Objects.requireNonNull(symbol, "symbol");
    String venue = symbol.venue().orElse("");
    switch (venue) {
      case "BYBIT":
        return Optional.of(URI.create("bybit:" + Markets.bybitCategory(symbol)));
      case "BINANCE":
        return Optional.of(URI.create("binance:" + Markets.binanceMarket(symbol)));
      case "POLYGON":
        return symbol.marketType() == MarketType.PERPETUAL
            ? Optional.empty()
            : Optional.of(URI.create("polygon:?"));
      default:
        return Optional.empty();
    }
  }

  private static CandleSource bybit(
      URI uri, String market, Map<String, String> params, SourceContext context) {
    BybitSource.Category category;
    try {
      category = BybitSource.Category.of(market);
    } catch (InvalidQueryException e) {
      throw new IllegalArgumentException(
          "Source URI "
              + SourceUris.redact(uri)
              + " names no Bybit category; use bybit:spot, bybit:linear or bybit:inverse",
          e);
    }
    return settings(
            BybitSource.builder(category).context(context),
            uri,
            params,
            "baseUrl, pageSize, instrumentsTtl and wsUrl",
            (b, k, v) -> {
              if (!k.equals("wsUrl")) {
                return false;
              }
              b.wsUrl(v);
              return true;
            })
        .build();
  }

  private static CandleSource binance(
      URI uri, String market, Map<String, String> params, SourceContext context) {
    BinanceSource.Market m;
    try {
      m = BinanceSource.Market.of(market);
    } catch (InvalidQueryException e) {
      throw new IllegalArgumentException(
          "Source URI "
              + SourceUris.redact(uri)
              + " names no Binance market; use binance:spot or binance:usdm",
          e);
    }
    return settings(
            BinanceSource.builder(m).context(context),
            uri,
            params,
            "baseUrl, pageSize, instrumentsTtl, weightLimit and wsUrl",
            (b, k, v) -> {
              switch (k) {
                case "weightLimit":
                  b.weightLimit(SourceUris.parseInt(uri, k, v));
                  return true;
                case "wsUrl":
                  b.wsUrl(v);
                  return true;
                default:
                  return false;
              }
            })
        .build();
  }

  private static CandleSource polygon(
      URI uri, String market, Map<String, String> params, SourceContext context) {
    if (!market.isEmpty()) {
      throw new IllegalArgumentException(
          "Source URI "
              + SourceUris.redact(uri)
              + ": Polygon has one source, \"polygon:\" (parameters after '?'), not \""
              + market
              + "\"");
    }
    return settings(
            PolygonSource.builder().context(context),
            uri,
            params,
            "apiKey, baseUrl, pageSize, instrumentsTtl, adjusted, requestsPerMinute and wsUrl",
            (b, k, v) -> {
              switch (k) {
                case "adjusted":
                  b.adjusted(SourceUris.parseBoolean(uri, k, v));
                  return true;
                case "apiKey":
                  b.apiKey(v);
                  return true;
                case "requestsPerMinute":
                  b.requestsPerMinute(SourceUris.parseInt(uri, k, v));
                  return true;
                case "wsUrl":
                  b.wsUrl(v);
                  return true;
                default:
                  return false;
              }
            })
        .build();
  }

  /** {@code instrumentsTtl}: an ISO-8601 duration ({@code PT30M}) or whole seconds. */
  private static java.time.Duration ttl(URI uri, String v) {
    try {
      java.time.Duration d =
          v.chars().allMatch(Character::isDigit) && !v.isEmpty() && v.length() < 12
              ? java.time.Duration.ofSeconds(Long.parseLong(v))
              : java.time.Duration.parse(v);
      if (!d.isNegative()) {
        return d;
      }
    } catch (java.time.format.DateTimeParseException e) {
      // refused below
    }
    throw new IllegalArgumentException(
        "Source URI "
            + SourceUris.redact(uri)
            + ": instrumentsTtl \""
            + v
            + "\" is not a duration; give seconds (3600) or ISO-8601 (PT1H), 0 to ask every time");
  }

  /** Sets a venue's own URI parameter on its builder; false if the venue has no such parameter. */
  @FunctionalInterface
  private interface Parameter<B> {
    boolean set(B builder, String name, String value);
  }

  /**
   * Applies the URI's parameters: {@code baseUrl} and {@code pageSize}, which every venue has, and
   * the venue's own through {@code venue}.
   */
  private static <B extends HttpCandleSource.Builder<B>> B settings(
      B b, URI uri, Map<String, String> params, String accepted, Parameter<B> venue) {
    for (Map.Entry<String, String> p : params.entrySet()) {
      String k = p.getKey();
      String v = p.getValue();
      if (k.equals("baseUrl")) {
        b.baseUrl(v);
      } else if (k.equals("pageSize")) {
        b.pageSize(SourceUris.parseInt(uri, k, v));
      } else if (k.equals("instrumentsTtl")) {
        b.instrumentsTtl(ttl(uri, v));
      } else if (!venue.set(b, k, v)) {
        throw SourceUris.unknownParameter(uri, k, accepted);
      }
    }
    return b;
  }
}
